"""Weight initialisation, as in `torch.nn.init`.

Every function fills its tensor in place (its dtype and device stay; random floats never
fill an integer tensor), records nothing in the graph, counts as a write in the tensor's
version, and returns the tensor. Random values are drawn on the host from autograd's one
seeded generator, so `nn.manual_seed(s)` gives the same weights on every device.

Why the scales: with weights N(0, 1) a unit's pre-activation has variance
fan_in, which saturates tanh/sigmoid; with N(0, 0.01) it shrinks layer after layer. Xavier
keeps the variance about 1 through tanh; He/Kaiming doubles it to make up for ReLU zeroing
half of its inputs.
"""
import math

from autograd import Tensor, no_grad

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The factor that scales a unit-variance initialisation for `nonlinearity`, exactly as
    PyTorch: 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2) for relu,
    sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR_LIKE:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; expected "
                     f"one of {', '.join(_LINEAR_LIKE)}, tanh, relu, leaky_relu, selu")


def _calculate_fan_in_and_fan_out(tensor):
    """PyTorch's fans: a weight is (out, in, *kernel); each fan is that axis times the
    kernel's size (the receptive field)."""
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out cannot be computed for a tensor with fewer than "
                         f"2 dimensions (got shape {tensor.shape})")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} is not supported: use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _checked(name, tensor):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{name}: nn.init functions fill a Tensor in place, got "
                        f"{type(tensor).__name__}")
    return tensor


@no_grad()
def uniform_(tensor, a=0.0, b=1.0):
    """Fills with samples from U(a, b)."""
    return _checked("uniform_", tensor).uniform_(a, b)


@no_grad()
def normal_(tensor, mean=0.0, std=1.0):
    """Fills with samples from N(mean, std^2)."""
    return _checked("normal_", tensor).normal_(mean, std)


@no_grad()
def constant_(tensor, val):
    return _checked("constant_", tensor).fill_(val)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    if tensor.size == 0:
        return tensor  # nothing to fill, and the fans would be 0
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # a uniform on (-b, b) has standard deviation b / sqrt(3)
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    if tensor.size == 0:
        return tensor  # nothing to fill, and the fans would be 0
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))


# nonlinearity defaults to "leaky_relu" as in PyTorch, so that a slope `a` is honoured; with
# the default a=0 its gain is exactly ReLU's sqrt(2).
def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015)."""
    if tensor.size == 0:
        return tensor  # nothing to fill, and the fans would be 0
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """N(0, std^2) with std = gain / sqrt(fan): sqrt(2 / fan_in) for ReLU."""
    if tensor.size == 0:
        return tensor  # nothing to fill, and the fans would be 0
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


he_uniform_ = kaiming_uniform_
he_normal_ = kaiming_normal_


def _default_layer_init_(weight, bias):
    """PyTorch's default for Linear and Conv layers: the weight by kaiming_uniform_ with
    a=sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias (if any) from that
    same range."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _calculate_fan_in_and_fan_out(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
