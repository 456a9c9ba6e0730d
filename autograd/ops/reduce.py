"""Reductions over axes (numpy's `axis=None|int|tuple, keepdims=False`), and `sum_to`, the
reduction that undoes broadcasting."""
import math

import numpy as np

from ..backend import array_module
from ..function import Op
from . import either
from ..tensor import Tensor
from .operands import as_tensor, unary, axis_error

__all__ = ["sum", "mean", "var", "std", "max", "min", "logsumexp", "argmax", "argmin",
           "norm", "sum_to"]


def pytorch_spelling(name, axis, keepdims, dim=None, keepdim=None):
    """(axis, keepdims) from numpy's names or PyTorch's (dim=, keepdim=); both spellings of
    one argument at once is a TypeError. keepdims None means False."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{name}: got both axis= and dim= (PyTorch's name for it); "
                            "give one")
        axis = dim
    if keepdim is not None:
        if keepdims is not None:
            raise TypeError(f"{name}: got both keepdims= and keepdim= (PyTorch's name for "
                            "it); give one")
        keepdims = keepdim
    return axis, bool(keepdims)


def normalize_axes(name, axis, ndim):
    """A sorted tuple of non-negative axes; an AxisError (a ValueError and an IndexError)
    naming the operation for an axis out of range, a ValueError for a repeated one."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        axes = (axis,)
    elif isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        axes = None
    if axes is None or any(isinstance(a, bool) or not isinstance(a, (int, np.integer))
                           for a in axes):
        raise TypeError(f"{name}: axis must be None, an int or a tuple of ints, got "
                        f"{axis!r} ({type(axis).__name__})")
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise axis_error(f"{name}: axis {a} is out of range for a tensor with {ndim} "
                             f"dimension(s)")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis}")
    return tuple(sorted(out))


class _Reduction(Op):
    """Remembers the input shape and the shape of the result with kept dims, so that backward
    can broadcast the output gradient back over the reduced axes."""
    __slots__ = ("axes", "keepdims", "in_shape", "kept_shape")

    def __init__(self, axes, keepdims):
        self.axes = axes
        self.keepdims = keepdims

    def _remember(self, x):
        self.in_shape = x.shape
        self.kept_shape = tuple(1 if i in self.axes else n for i, n in enumerate(x.shape))

    def _spread(self, gy):
        """The output gradient broadcast to the input shape."""
        return either.broadcast_to(gy.reshape(self.kept_shape), self.in_shape)


def _reduce(cls, name, x, axis, keepdims, dim, keepdim):
    axis, keepdims = pytorch_spelling(name, axis, keepdims, dim, keepdim)
    x = as_tensor(x, name)
    return unary(cls(normalize_axes(name, axis, x.ndim), keepdims), x)


class Sum(_Reduction):
    __slots__ = ()

    def forward(self, x):
        self._remember(x)
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return self._spread(gy)


def sum(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    return _reduce(Sum, "sum", x, axis, keepdims, dim, keepdim)


class Mean(_Reduction):
    __slots__ = ()

    def forward(self, x):
        self._remember(x)
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        count = 1
        for a in self.axes:
            count *= self.in_shape[a]
        return self._spread(gy) / count if count else self._spread(gy)


def mean(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    return _reduce(Mean, "mean", x, axis, keepdims, dim, keepdim)


def var(x, axis=None, keepdims=None, ddof=0, *, dim=None, keepdim=None):
    """numpy's variance: mean squared deviation, divided by (n - ddof) instead of n (ddof=0
    by default, where PyTorch's default is the unbiased ddof=1)."""
    axis, keepdims = pytorch_spelling("var", axis, keepdims, dim, keepdim)
    x = as_tensor(x, "var")
    axes = normalize_axes("var", axis, x.ndim)
    count = 1
    for a in axes:
        count *= x.shape[a]
    deviation = x - mean(x, axes, keepdims=True)
    squares = sum(deviation * deviation, axes, keepdims)
    # numpy's and PyTorch's answer when n - ddof <= 0: inf (nan for an empty axis), never a
    # negative variance
    return squares / (count - ddof) if count > ddof else squares / 0.0


def std(x, axis=None, ddof=0, keepdims=None, *, dim=None, keepdim=None):
    """The square root of `var` (numpy's ddof=0 by default; PyTorch's default is ddof=1)."""
    axis, keepdims = pytorch_spelling("std", axis, keepdims, dim, keepdim)
    return var(x, axis, keepdims, ddof).sqrt()


class _Extreme(_Reduction):
    """max / min: the gradient is shared evenly by the elements that attain the extreme (like
    PyTorch's amax/amin)."""
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def backward(self, gy, x, y):
        xd = either.data(x)
        hit = xd == either.data(y).reshape(self.kept_shape)
        share = hit / hit.sum(axis=self.axes, keepdims=True)
        return self._spread(gy) * either.constant(gy, share.astype(gy.dtype), x)


class Max(_Extreme):
    __slots__ = ()

    def forward(self, x):
        self._remember(x)
        return x.max(axis=self.axes, keepdims=self.keepdims)


def max(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """The largest values (only the values: PyTorch's x.max(dim) also returns indices; use
    argmax)."""
    x = as_tensor(x, "max")
    if x.size == 0:
        raise ValueError(f"max: the tensor of shape {x.shape} is empty")
    return _reduce(Max, "max", x, axis, keepdims, dim, keepdim)


class Min(_Extreme):
    __slots__ = ()

    def forward(self, x):
        self._remember(x)
        return x.min(axis=self.axes, keepdims=self.keepdims)


def min(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """The smallest values (only the values: PyTorch's x.min(dim) also returns indices; use
    argmin)."""
    x = as_tensor(x, "min")
    if x.size == 0:
        raise ValueError(f"min: the tensor of shape {x.shape} is empty")
    return _reduce(Min, "min", x, axis, keepdims, dim, keepdim)


class LogSumExp(_Reduction):
    """log(sum(exp(x))) computed around the maximum, so it is finite for inputs of +-1000."""
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def forward(self, x):
        self._remember(x)
        xp = array_module(x)
        m = x.max(axis=self.axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        y = m + xp.log(xp.exp(x - m).sum(axis=self.axes, keepdims=True))
        return y if self.keepdims else y.reshape(tuple(
            n for i, n in enumerate(x.shape) if i not in self.axes))

    def backward(self, gy, x, y):
        return self._spread(gy) * either.exp(x - y.reshape(self.kept_shape))


def logsumexp(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    return _reduce(LogSumExp, "logsumexp", x, axis, keepdims, dim, keepdim)


class Norm(_Reduction):
    """The 2-norm sqrt(sum(x²)) over the axes. Its gradient x / norm is taken as 0 where the
    norm is 0 (then x is 0 there too), as PyTorch does, rather than 0/0."""
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def forward(self, x):
        self._remember(x)
        return array_module(x).sqrt((x * x).sum(axis=self.axes, keepdims=self.keepdims))

    def backward(self, gy, x, y):
        safe = either.where(either.data(y) == 0, 1.0, y)
        return self._spread(gy / safe) * x


def norm(x, axis=None, keepdims=None, *, p=2, dim=None, keepdim=None):
    """The p-norm (the Euclidean 2-norm by default) of all elements, or along `axis`:
    (sum |x|^p)^(1/p); p=inf is the largest |x|. The first argument is the axis, as for
    every reduction here; PyTorch's first argument, p, goes by name: `norm(p=1, dim=0)`."""
    if axis is not None and dim is not None:
        raise TypeError(f"norm: got both axis= and dim= ({axis!r} and {dim!r}); norm's first "
                        f"argument is the axis, as numpy's: to give PyTorch's p, name it "
                        f"(norm(p={axis!r}, dim={dim!r}))")
    if p in (2, "fro"):
        return _reduce(Norm, "norm", x, axis, keepdims, dim, keepdim)
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
        raise ValueError(f"norm: p must be a positive number, inf or 'fro', got {p!r}")
    magnitude = abs(as_tensor(x, "norm"))
    if p == math.inf:
        return max(magnitude, axis, keepdims, dim=dim, keepdim=keepdim)
    if p == 1:
        return sum(magnitude, axis, keepdims, dim=dim, keepdim=keepdim)
    return sum(magnitude ** p, axis, keepdims, dim=dim, keepdim=keepdim) ** (1 / p)


def _arg_extreme(name, x, axis, keepdims, dim, keepdim):
    axis, keepdims = pytorch_spelling(name, axis, keepdims, dim, keepdim)
    x = as_tensor(x, name)
    if x.size == 0:
        raise ValueError(f"{name}: the tensor of shape {x.shape} is empty")
    if axis is not None:
        axis = normalize_axes(name, axis, x.ndim)
        if len(axis) != 1:
            raise TypeError(f"{name}: axis must be one int (or None for the flattened "
                            f"tensor), got {axis}")
        axis = axis[0]
    xp = array_module(x.data)
    found = getattr(xp, name)(x.data, axis=axis, keepdims=keepdims)
    return Tensor._from_node(xp.asarray(found, dtype=xp.int64), None)


def argmax(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """Indices of the largest values (of the flattened tensor when axis is None): an integer
    tensor, outside the graph."""
    return _arg_extreme("argmax", x, axis, keepdims, dim, keepdim)


def argmin(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """Indices of the smallest values, as argmax."""
    return _arg_extreme("argmin", x, axis, keepdims, dim, keepdim)


class SumTo(Op):
    """Sums a gradient of a broadcast shape back to `shape`."""
    __slots__ = ("shape", "in_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return sum_to_array(x, self.shape)

    def backward(self, gy):
        return either.broadcast_to(gy, self.in_shape)


def sum_to_array(a, shape):
    """Sums array `a` over the axes that broadcasting added or stretched to reach `shape`."""
    shape = tuple(shape)
    lead = a.ndim - len(shape)
    if lead < 0 or any(n != 1 and n != a.shape[lead + i] for i, n in enumerate(shape)):
        raise ValueError(f"sum_to: shape {a.shape} cannot be summed to {shape}")
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and a.shape[lead + i] != 1)
    if not axes:
        return a
    return a.sum(axis=axes, keepdims=True).reshape(shape)


def sum_to(x, shape):
    x = as_tensor(x, "sum_to")
    shape = tuple(shape)
    if x.shape == shape:
        return x
    return unary(SumTo(shape), x)
