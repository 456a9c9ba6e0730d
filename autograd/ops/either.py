"""Helpers that take either an array or a Tensor, for backward formulas: an Op's backward
runs on arrays in a plain backward pass and on Tensors under `create_graph=True` (so that it
records a graph of its own, for higher derivatives). Arithmetic operators and methods such
as `.sum(axis=...)` or `.reshape(...)` already read the same on both; these cover the rest.

    from autograd.ops import either
    def backward(self, gy, x):
        return gy * either.exp(-(x * x))          # exp of an array, or of a Tensor
"""
import math
import numbers

from ..backend import array_module
from ..function import Op, apply
from ..tensor import Tensor


def data(v):
    """The array behind `v` (for masks and other constants of a formula)."""
    return v.data if isinstance(v, Tensor) else v


class PiecewiseConstant(Op):
    """A value computed from its inputs through comparisons only (a mask, a sign, a share at
    ties): constant almost everywhere, so its derivative is zero. Recording it as an op of
    those inputs keeps a higher-order gradient connected to them, so that differentiating a
    gradient again gives zeros (as PyTorch does) rather than "does not require grad"."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def forward(self, *xs):
        return self.value

    def backward(self, gy):
        zero = gy * 0
        return tuple(zero if self.needs_grad(i) else None for i in range(self.num_inputs))


def call(op, *operands):
    """`op` on `operands`: its forward, when they are arrays (a plain backward pass); applied,
    when some are Tensors (a backward under `create_graph`), so that it is recorded as a node
    and can be differentiated again. For a backward that is an operation of its own."""
    if any(isinstance(v, Tensor) for v in operands):
        return apply(op, operands)
    return op.forward(*operands)


def constant(like, array, *sources):
    """`array` as a constant of the formula. On Tensors (`like` is one) it becomes a Tensor
    that depends, with derivative zero, on the `sources` it was computed from."""
    if not isinstance(like, Tensor):
        return array
    sources = tuple(s for s in sources if isinstance(s, Tensor) and s.requires_grad)
    if sources:
        return apply(PiecewiseConstant(array), sources)
    return Tensor._from_node(array, None)


def where(cond, a, b):
    """`a` where the constant boolean array `cond` holds, else `b`."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        from .elementwise import where as tensor_where
        return tensor_where(cond, a, b)
    return array_module(a).where(cond, a, b)


def _elementwise(name):
    def fn(v):
        if isinstance(v, Tensor):
            return getattr(v, name)()
        if isinstance(v, numbers.Number):
            return getattr(math, name)(v)
        return getattr(array_module(v), name)(v)
    fn.__name__ = name
    return fn


exp = _elementwise("exp")
log = _elementwise("log")
sin = _elementwise("sin")
cos = _elementwise("cos")
tanh = _elementwise("tanh")


def sigmoid(v):
    """The logistic function, exact in both tails."""
    if isinstance(v, Tensor):
        return v.sigmoid()
    from .elementwise import sigmoid_array
    return sigmoid_array(v)


def softmax(v, axis):
    if isinstance(v, Tensor):
        return v.softmax(axis)
    from .softmax import softmax_array
    return softmax_array(v, axis)


def sum_to(v, shape):
    if isinstance(v, Tensor):
        return v.sum_to(shape)
    from .reduce import sum_to_array
    return sum_to_array(v, shape)


def broadcast_to(v, shape):
    if isinstance(v, Tensor):
        return v.broadcast_to(shape)
    return array_module(v).broadcast_to(v, shape)


def swap_last_axes(v):
    """The matrix transpose of the last two axes (batched)."""
    if isinstance(v, Tensor):
        return v.mT
    return array_module(v).swapaxes(v, -1, -2)


def concatenate(values, axis):
    """Joined along `axis`: arrays into an array, or (when any is a Tensor) into a Tensor."""
    if any(isinstance(v, Tensor) for v in values):
        from .shape import concatenate as tensor_concatenate
        return tensor_concatenate(values, axis)
    return array_module(values[0]).concatenate(values, axis=axis)


def stack(values, axis):
    """Stacked along a new `axis`: arrays into an array, or (when any is a Tensor) into a
    Tensor."""
    if any(isinstance(v, Tensor) for v in values):
        from .shape import stack as tensor_stack
        return tensor_stack(values, axis)
    return array_module(values[0]).stack(values, axis=axis)


def astype(v, dtype):
    if isinstance(v, Tensor):
        from .elementwise import astype as cast
        return cast(v, dtype)
    return v.astype(dtype)
