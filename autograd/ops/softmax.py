"""softmax and log_softmax along an axis, computed around the maximum so that logits of
+-1000 give finite values and finite gradients."""
from ..backend import array_module
from ..function import Op
from . import either
from .operands import as_tensor, unary
from .reduce import normalize_axes

__all__ = ["softmax", "log_softmax"]


def _shifted(x, axis):
    return x - x.max(axis=axis, keepdims=True)


def _axis(name, x, axis, dim):
    """The one axis (last by default), from numpy's name axis= or PyTorch's dim=."""
    if axis is not None and dim is not None:
        raise TypeError(f"{name}: got both axis= and dim= (PyTorch's name for it); give one")
    axis = -1 if axis is None and dim is None else axis if dim is None else dim
    if isinstance(axis, (tuple, list)):
        raise TypeError(f"{name}: takes one axis, got {axis!r}")
    return normalize_axes(name, axis, x.ndim)[0] if x.ndim else None


def softmax_array(x, axis):
    e = array_module(x).exp(_shifted(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


class Softmax(Op):
    __slots__ = ("axis",)
    saves_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return softmax_array(x, self.axis)

    def backward(self, gy, y):
        return y * (gy - (gy * y).sum(axis=self.axis, keepdims=True))


def softmax(x, axis=None, *, dim=None):
    """exp(x) / sum(exp(x)) along one axis (the last unless given)."""
    x = as_tensor(x, "softmax")
    return unary(Softmax(_axis("softmax", x, axis, dim)), x)


class LogSoftmax(Op):
    __slots__ = ("axis",)
    saves_output = True

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        xp = array_module(x)
        z = _shifted(x, self.axis)
        return z - xp.log(xp.exp(z).sum(axis=self.axis, keepdims=True))

    def backward(self, gy, y):
        return gy - either.exp(y) * gy.sum(axis=self.axis, keepdims=True)


def log_softmax(x, axis=None, *, dim=None):
    """log(softmax(x)) along one axis (the last unless given), computed stably."""
    x = as_tensor(x, "log_softmax")
    return unary(LogSoftmax(_axis("log_softmax", x, axis, dim)), x)
