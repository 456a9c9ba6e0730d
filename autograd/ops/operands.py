"""Turning user arguments into operands, validating them, and applying an op to them.

Errors name the operation and the shapes, dtypes or devices involved, instead of surfacing a
numpy traceback from deep inside.
"""
import numpy as np

from ..function import apply, apply_op
from ..tensor import Tensor, as_operand as _as_operand, _PYTHON_SCALARS


def as_operand(x, name="operation"):
    """An operand of operation `name`: Tensors stay; python and numpy scalars stay constants;
    arrays and lists become constant Tensors, or an error naming the operation."""
    if isinstance(x, Tensor) or x.__class__ in _PYTHON_SCALARS:
        return x
    try:
        return _as_operand(x)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{name}: {str(error).removeprefix('tensor: ')}") from None


def as_tensor(x, name="operation"):
    """A Tensor operand of operation `name` (python scalars and arrays become constants)."""
    if isinstance(x, Tensor):
        return x
    operand = as_operand(x, name)
    return operand if isinstance(operand, Tensor) else Tensor(operand)


def check_devices(name, tensors):
    """All tensors on one device, or a RuntimeError naming the devices. (numpy arrays are
    all on the one host: only GPU arrays have devices to compare.)"""
    first = None
    for t in tensors:
        if isinstance(t, Tensor):
            if first is None:
                first = t
            elif t.data.__class__ is not first.data.__class__ or (
                    t.data.__class__ is not np.ndarray and t.device != first.device):
                raise RuntimeError(
                    f"{name}: expected all tensors on the same device, but found tensors on "
                    f"{first.device} and {t.device}; move them to one device with "
                    f".to(device) first")


def axis_error(message):
    """An axis out of range: numpy's AxisError, which is a ValueError (as in numpy) and an
    IndexError (as in PyTorch), so that either habit catches it."""
    return np.exceptions.AxisError(message)


def _shapes(operands):
    return " and ".join(str(tuple(x.shape)) if isinstance(x, Tensor) else repr(x)
                        for x in operands)


def unary(op, x):
    return apply_op(op, x if isinstance(x, Tensor) else as_tensor(x, op.name.lower()))


def binary(op, a, b):
    """Applies an elementwise op with numpy broadcasting to two operands."""
    if b.__class__ in _PYTHON_SCALARS and isinstance(a, Tensor):
        return apply_op(op, a, b)  # the common tensor-and-scalar case: nothing to check
    name = op.name.lower()
    a = as_operand(a, name)
    b = as_operand(b, name)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.data.__class__ is not b.data.__class__:
            check_devices(op.name.lower(), (a, b))
    elif not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = as_tensor(a, name)
    return apply_checked(op, (a, b))


def apply_checked(op, operands, shown=None):
    """`apply`, with numpy's shape errors turned into ones that name the operation and the
    shapes of `shown` (the operands, unless the op has constants that broadcast too)."""
    try:
        return apply(op, operands)
    except ValueError as error:
        raise ValueError(f"{op.name.lower()}: operands of shapes "
                         f"{_shapes(operands if shown is None else shown)} cannot "
                         f"be combined ({error})") from None
