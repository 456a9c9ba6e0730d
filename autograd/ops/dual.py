"""Helpers for backward formulas, which run on arrays (plain backward) and on Tensors
(`create_graph=True`). Arithmetic operators already work on both; these cover the rest."""
import math
import numbers

from ..backend import array_module
from ..tensor import Tensor


def data(v):
    """The array behind `v` (for masks and other constants of a formula)."""
    return v.data if isinstance(v, Tensor) else v


def constant(like, array):
    """`array` as a constant of the formula: a Tensor that needs no grad when `like` is one."""
    return Tensor._from_node(array, None) if isinstance(like, Tensor) else array


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


def astype(v, dtype):
    if isinstance(v, Tensor):
        from .elementwise import astype as cast
        return cast(v, dtype)
    return v.astype(dtype)
