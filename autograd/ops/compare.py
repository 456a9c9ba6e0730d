"""Comparisons: boolean tensors, outside the graph (they have no gradient)."""
import operator

from ..tensor import Tensor
from .operands import as_operand, as_tensor, check_devices


def _compare(name, fn, a, b):
    a = as_operand(a, name)
    b = as_operand(b, name)
    check_devices(name, (a, b))
    if not isinstance(a, Tensor):
        b = as_tensor(b, name)
    try:
        result = fn(a.data if isinstance(a, Tensor) else a, b.data if isinstance(b, Tensor)
                    else b)
    except ValueError:
        raise ValueError(f"{name}: shapes {getattr(a, 'shape', ())} and "
                         f"{getattr(b, 'shape', ())} cannot be broadcast together") from None
    return Tensor._from_node(result, None)


def lt(a, b):
    return _compare("lt", operator.lt, a, b)


def le(a, b):
    return _compare("le", operator.le, a, b)


def gt(a, b):
    return _compare("gt", operator.gt, a, b)


def ge(a, b):
    return _compare("ge", operator.ge, a, b)


def eq(a, b):
    return _compare("eq", operator.eq, a, b)


def ne(a, b):
    return _compare("ne", operator.ne, a, b)
