"""`nn.functional`: activations, the layers' computations, and losses, as functions of
tensors. The modules in nn are thin wrappers that hold the parameters and call these.

Most are compositions of engine operations, so their derivatives (of any order) come from
the engine; the few that are one node of their own live in `autograd.ops` with the others. Inputs may be Tensors or arrays;
arrays of targets and labels are moved to the input's device.
"""
import math

import numpy as np

import autograd as ag
from autograd import Tensor, backend, ops
from autograd.ops import as_tensor, check_devices

_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)


# --- activations ------------------------------------------------------------------------
def sigmoid(x):
    """1 / (1 + exp(-x)); its derivative s(1 - s) peaks at 1/4, at 0."""
    return as_tensor(x).sigmoid()


def tanh(x):
    """Zero-centred; its derivative 1 - tanh^2 peaks at 1, at 0."""
    return as_tensor(x).tanh()


def relu(x):
    """max(0, x); derivative 1 for x > 0 and 0 for x <= 0 (PyTorch's choice at 0)."""
    return as_tensor(x).relu()


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise (the slope also at 0, as PyTorch)."""
    x = as_tensor(x)
    return ag.where(x > 0, x, x * negative_slope)


def prelu(x, weight):
    """leaky_relu with a learned slope: one for all (weight of size 1) or one per channel,
    the channel axis being axis 1 as in PyTorch."""
    x = as_tensor(x)
    if weight.size != 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} "
                             f"channels on axis 1, got shape {x.shape}")
        weight = weight.reshape((weight.size,) + (1,) * (x.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return ag.where(x > 0, x, weight * x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise. exp is taken of min(x, 0): the branch
    not chosen must stay finite, or its inf would turn the gradient into 0 * inf = nan."""
    x = as_tensor(x)
    return ag.where(x > 0, x, alpha * (x.clip(None, 0).exp() - 1))


def gelu(x, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF: exactly 0.5 x (1 + erf(x / sqrt 2)) by
    default (as PyTorch), or PyTorch's tanh approximation with `approximate="tanh"`."""
    x = as_tensor(x)
    if approximate == "none":
        return 0.5 * x * (1 + ag.erf(x * _SQRT_HALF))
    if approximate == "tanh":
        inner = _SQRT_TWO_OVER_PI * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1 + inner.tanh())
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = as_tensor(x)
    return x * x.sigmoid()


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, a smooth relu; as PyTorch, x itself where beta x >
    threshold (where the two agree to float precision)."""
    x = as_tensor(x)
    scaled = x * beta if beta != 1 else x
    smooth = ag.softplus(scaled)
    if beta != 1:
        smooth = smooth / beta
    return ag.where(scaled > threshold, x, smooth)


def _axis(axis, dim):
    """`dim=` is accepted as PyTorch's name for `axis`."""
    return axis if dim is None else dim


def softmax(x, axis=-1, *, dim=None):
    """exp(x) / sum(exp(x)) along `axis`: positive, summing to 1, order kept."""
    return as_tensor(x).softmax(_axis(axis, dim))


def log_softmax(x, axis=-1, *, dim=None):
    return as_tensor(x).log_softmax(_axis(axis, dim))


def step(x):
    """Heaviside step (x > 0) with gradient 0 everywhere."""
    return ag.step(x)


# --- layers -----------------------------------------------------------------------------
def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight (out_features, in_features) as in PyTorch."""
    return ops.linear.linear(x, weight, bias)


def dropout(x, p=0.5, training=True):
    """Inverted dropout: in training, zeroes each element with probability p and scales the
    rest by 1 / (1 - p), so the expected value is unchanged and evaluation needs no
    rescaling; the identity when not training. The mask is drawn on the host from the seeded
    generator (the same mask on every device) and then moved to x's device."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability p must be in [0, 1], got {p}")
    x = as_tensor(x)
    if not training or p == 0:
        return x
    keep = ag.default_generator().random(x.shape) >= p
    scale = 1 / (1 - p) if p < 1 else 0.0
    mask = (keep * scale).astype(x.dtype)
    return x * Tensor(mask, device=x.device)


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalises each channel (axis 1) over the batch and any further axes, then scales by
    `weight` and shifts by `bias`.

    Training: uses the batch's mean and biased variance, and (when given) updates the running
    statistics in place, PyTorch's way: running = (1 - momentum) * running + momentum * batch,
    with the unbiased variance. Otherwise: uses the running statistics.
    """
    x = as_tensor(x)
    check_devices("batch_norm", [t for t in (x, running_mean, running_var, weight, bias)
                                 if t is not None])
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...), got shape {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    channel_shape = (-1,) + (1,) * (x.ndim - 2)  # broadcasts a (C,) vector along axis 1
    if training:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {x.shape}; use a bigger batch "
                             "or call eval() first")
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            _blend(running_mean, mean.data, momentum)
        if running_var is not None:
            _blend(running_var, var.data * (count / (count - 1)), momentum)
        normalised = centred / (var + eps).sqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation mode needs running_mean and running_var")
        normalised = ((x - running_mean.reshape(channel_shape))
                      / (running_var.reshape(channel_shape) + eps).sqrt())
    if weight is not None:
        normalised = normalised * weight.reshape(channel_shape)
    if bias is not None:
        normalised = normalised + bias.reshape(channel_shape)
    return normalised


def _blend(buffer, batch_value, momentum):
    """buffer <- (1 - momentum) * buffer + momentum * batch_value, in place (a write that
    counts in the buffer's version), in the buffer's dtype."""
    batch_value = batch_value.reshape(buffer.shape).astype(buffer.dtype, copy=False)
    buffer.copy_((1 - momentum) * buffer.data + momentum * batch_value)


# --- losses -----------------------------------------------------------------------------
_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(name, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got "
                         f"{reduction!r}")


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _target_like(name, target, input):
    """The target as a Tensor of the input's shape, dtype and device."""
    if isinstance(target, Tensor):
        check_devices(name, (input, target))
        if target.dtype != input.dtype:  # the loss is in the input's dtype, never promoted
            target = target.to(input.dtype)
    else:
        try:
            target = Tensor(backend.as_array(target), dtype=input.dtype, device=input.device)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{name}: the target: {str(error).removeprefix('tensor: ')}") \
                from None
    if target.shape != input.shape:
        raise ValueError(f"{name}: target of shape {target.shape} does not match input of "
                         f"shape {input.shape}; they must have the same shape")
    return target


def mse_loss(input, target, reduction="mean"):
    """(input - target)^2, averaged (or summed, or per element)."""
    _check_reduction("mse_loss", reduction)
    input = as_tensor(input)
    target = _target_like("mse_loss", target, input)
    difference = input - target
    return _reduce(difference * difference, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] from logits x, computed as
    max(x, 0) - x y + log(1 + exp(-|x|)): finite for logits of +-1000, gradient
    sigmoid(x) - y."""
    name = "binary_cross_entropy_with_logits"
    _check_reduction(name, reduction)
    input = as_tensor(input)
    target = _target_like(name, target, input)
    return _reduce(ops.losses.binary_cross_entropy_with_logits(input, target), reduction)


def _class_rows(name, input):
    """Logits or log-probabilities with the classes on axis 1 ((C,), (N, C) or
    (N, C, d1, ...)) as rows (M, C), and the shape the per-sample losses (and the labels)
    have."""
    if input.dtype.kind != "f":
        raise ValueError(f"{name}: input must be floating (scores per class), got dtype "
                         f"{input.dtype}")
    if input.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis: (C,), (N, C) or "
                         f"(N, C, d1, ...), got a 0-d tensor")
    if input.ndim == 1:
        return input.reshape(1, -1), ()
    if input.ndim == 2:
        return input, (input.shape[0],)
    classes_last = (0,) + tuple(range(2, input.ndim)) + (1,)
    rows = input.transpose(classes_last).reshape(-1, input.shape[1])
    return rows, (input.shape[0],) + input.shape[2:]


def _class_labels(name, target, input, shape, classes):
    """Validated integer labels of `shape`, flattened, as an array on input's device."""
    if isinstance(target, Tensor):
        check_devices(name, (input, target))
        labels = target.data
    else:
        labels = backend.to_device(backend.as_array(target), input.device)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{name}: labels must be integer class indices, got dtype "
                         f"{labels.dtype} (labels of shape {tuple(labels.shape)}, input of "
                         f"shape {input.shape}); convert them (e.g. labels.astype(np.int64)), "
                         "or take labels.argmax(axis=1) of one-hot labels")
    if tuple(labels.shape) != shape:
        raise ValueError(f"{name}: input of shape {input.shape} needs labels of shape "
                         f"{shape} (one class index per sample), got shape "
                         f"{tuple(labels.shape)}")
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= classes:
            raise ValueError(f"{name}: label {low if low < 0 else high} is out of range for "
                             f"an input of shape {input.shape} with {classes} classes: labels "
                             f"must be class indices in [0, {classes})")
    return labels.reshape(-1)


def cross_entropy(input, target, reduction="mean"):
    """-log softmax(input)[label] from logits (classes on axis 1) and integer labels; stable
    for logits of +-1000. One fused node: its gradient is (softmax - onehot) / N."""
    _check_reduction("cross_entropy", reduction)
    input = as_tensor(input)
    rows, shape = _class_rows("cross_entropy", input)
    labels = _class_labels("cross_entropy", target, input, shape, rows.shape[1])
    loss = ops.losses.softmax_cross_entropy(rows, labels, reduction)
    return loss.reshape(shape) if reduction == "none" else loss


def nll_loss(input, target, reduction="mean"):
    """-input[label]: the negative log-likelihood from log-probabilities (e.g. the output of
    log_softmax), so that nll_loss(log_softmax(x), y) == cross_entropy(x, y)."""
    _check_reduction("nll_loss", reduction)
    input = as_tensor(input)
    rows, shape = _class_rows("nll_loss", input)
    labels = _class_labels("nll_loss", target, input, shape, rows.shape[1])
    positions = backend.array_module(labels).arange(rows.shape[0])
    losses = -rows[positions, labels]
    if reduction == "none":
        return losses.reshape(shape)
    return _reduce(losses, reduction)
