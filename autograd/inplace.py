"""In-place changes of a tensor's values: `add_`, `mul_`, `zero_`, `copy_`, `normal_`, ...

They record no graph. So that no gradient is silently wrong, they are allowed only where
no graph can need the old values: under `no_grad`, or on a tensor that requires no
gradient. Every write counts in the tensor's version (see `versions`): a backward pass that
saved the old values refuses to run.
"""
import numbers

import numpy as np

from . import backend, versions
from .modes import current
from .tensor import Tensor


def _writable(name, t):
    if t.requires_grad and current().grad_enabled:
        what = "a leaf tensor that requires grad" if t.grad_fn is None else \
            "a tensor that is part of a graph"
        raise RuntimeError(f"{name}: cannot change {what} in place (shape {t.shape}) while "
                           "gradients are recorded: do it under `with ag.no_grad():` (as an "
                           "optimiser's update does), or use the out-of-place operation")


def _operand(name, t, value):
    """`value` as an array (or python scalar) on t's device that broadcasts to t's shape."""
    if isinstance(value, Tensor):
        if value.device != t.device:
            raise RuntimeError(f"{name}: the operand is on {value.device}, the tensor on "
                               f"{t.device}; move it with .to({t.device!r})")
        value = value.data
    elif not isinstance(value, numbers.Number):
        value = Tensor(value, device=t.device).data
    shape = getattr(value, "shape", ())
    try:
        if np.broadcast_shapes(shape, t.shape) != t.shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"{name}: an operand of shape {tuple(shape)} cannot be broadcast "
                         f"to the tensor's shape {t.shape}") from None
    return value


def _store(name, t, result):
    """Writes `result` into t's memory in t's dtype; a float result into an integer tensor
    is refused rather than truncated."""
    result_dtype = np.result_type(result)
    if result_dtype.kind == "f" and t.dtype.kind in "biu":
        raise TypeError(f"{name}: the result is floating ({result_dtype}) but the tensor "
                        f"has dtype {t.dtype}; it would be truncated. Convert the tensor "
                        "first: t = t.to(np.float32)")
    t.data[...] = result
    versions.record_write(t.data)
    return t


def _binary(name, method):
    def inplace(self, other):
        _writable(name, self)
        return _store(name, self, getattr(self.data, method)(_operand(name, self, other)))
    inplace.__name__ = name
    inplace.__doc__ = f"self {method[2:-2]} other, written into self; returns self."
    return inplace


add_ = _binary("add_", "__add__")
sub_ = _binary("sub_", "__sub__")
mul_ = _binary("mul_", "__mul__")
div_ = _binary("div_", "__truediv__")


def augmented(name, out_of_place):
    """`x += y` (and -=, *=, /=): in place where that is allowed; on a tensor inside the
    graph (made by an operation, needing grad) it computes `x + y` and the name is rebound,
    which gives the same values and gradients as PyTorch's recorded in-place op (as in a
    residual block's `out += identity`)."""
    method = {"__iadd__": add_, "__isub__": sub_, "__imul__": mul_, "__itruediv__": div_}[name]

    def assign(self, other):
        if self.requires_grad and current().grad_enabled and self.grad_fn is not None:
            return out_of_place(self, other)
        return method(self, other)
    assign.__name__ = name
    return assign


def zero_(self):
    """Sets every element to 0; returns self."""
    return fill_(self, 0)


def fill_(self, value):
    """Sets every element to `value`; returns self."""
    _writable("fill_", self)
    if not isinstance(value, (numbers.Real, Tensor)):
        raise TypeError(f"fill_: the value must be a number, got {type(value).__name__}")
    if isinstance(value, float) and value.is_integer() and self.dtype.kind in "iu":
        value = int(value)   # 0.0 or 1.0 into an integer tensor: nothing is truncated
    return _store("fill_", self, _operand("fill_", self, value))


def copy_(self, source):
    """Copies `source` (a Tensor on any device, an array, a list) into self, converting to
    self's dtype and device; returns self."""
    _writable("copy_", self)
    if isinstance(source, Tensor):
        source = source.data
    if backend.device_of(source) != self.device:
        source = backend.to_device(source, self.device)
    return _store("copy_", self, _operand("copy_", self, source))


def clamp_(self, min=None, max=None):
    """Clips every element into [min, max] (either may be None); returns self."""
    _writable("clamp_", self)
    if min is None and max is None:
        raise ValueError("clamp_: give at least one of min and max")
    return _store("clamp_", self, backend.array_module(self.data).clip(self.data, min, max))


def normal_(self, mean=0.0, std=1.0):
    """Fills with samples from N(mean, std²), drawn from the shared seeded generator."""
    from .creation import default_generator
    return _random("normal_", self, default_generator().normal(mean, std, self.shape))


def uniform_(self, a=0.0, b=1.0):
    """Fills with samples from U(a, b), drawn from the shared seeded generator."""
    from .creation import default_generator
    return _random("uniform_", self, default_generator().uniform(a, b, self.shape))


def _random(name, t, values):
    _writable(name, t)
    if t.dtype.kind != "f":
        raise TypeError(f"{name}: random floats cannot fill a tensor of dtype {t.dtype}; "
                        "convert it to a floating dtype first")
    return _store(name, t, backend.to_device(values.astype(t.dtype), t.device))
