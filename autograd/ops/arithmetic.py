"""+ - * / ** @ and unary minus. Python scalars stay constants of the op (no tensor is made
for them, and they never change a tensor's dtype).

A tensor plus, times or divided by a python number (`x + 0.5`, `0.9 * x`, `x / 2`) is a node of
one input that keeps only the number: nothing saved, so the input's array is not held for
backward, and one edge to follow instead of two. It is named as the operation it is (`Add`,
`Mul`, `Div`), as PyTorch names `x * 0.9` MulBackward like `x * y`."""
import numbers

from ..function import Op, apply_op
from ..tensor import Tensor, _PYTHON_SCALARS
from . import either
from .operands import binary, unary, as_operand, check_devices, apply_checked

__all__ = ["add", "sub", "mul", "div", "neg", "pow", "matmul"]


class Add(Op):
    __slots__ = ()

    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class WithConstant(Op):
    """An op of a tensor and a python number `c`, the constant."""
    __slots__ = ("c",)

    def __init__(self, c):
        self.c = c


class AddConstant(WithConstant):
    __slots__ = ()
    name = "Add"

    def forward(self, x):
        return x + self.c

    def backward(self, gy):
        return gy


def with_constant(constant_op, op, a, b, commutes=True):
    """`constant_op(c)` applied to the tensor when the other operand is a python number `c`
    (the first too, for an op that commutes), otherwise `op()` applied to both."""
    if b.__class__ in _PYTHON_SCALARS and isinstance(a, Tensor):
        return apply_op(constant_op(b), a)
    if commutes and a.__class__ in _PYTHON_SCALARS and isinstance(b, Tensor):
        return apply_op(constant_op(a), b)
    return binary(op(), a, b)


def add(a, b):
    return with_constant(AddConstant, Add, a, b)


class Sub(Op):
    __slots__ = ()

    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if self.needs_grad(1) else None)


def sub(a, b):
    return binary(Sub(), a, b)


class Mul(Op):
    __slots__ = ()
    saves_inputs = True

    def forward(self, a, b):
        return a * b

    def backward(self, gy, a, b):
        return (gy * b if self.needs_grad(0) else None,
                gy * a if self.needs_grad(1) else None)


class MulConstant(WithConstant):
    __slots__ = ()
    name = "Mul"

    def forward(self, x):
        return x * self.c

    def backward(self, gy):
        return gy * self.c


def mul(a, b):
    return with_constant(MulConstant, Mul, a, b)


class Div(Op):
    """a / b. The gradient for b, -a/b², is computed as -(a/b)/b from the saved quotient:
    b*b would underflow to 0 for |b| around 1e-30 in float32."""
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def forward(self, a, b):
        return a / b

    def backward(self, gy, a, b, y):
        ga = gy / b if self.needs_grad(0) else None
        gb = -gy * (y / b) if self.needs_grad(1) else None
        return ga, gb


class DivConstant(WithConstant):
    __slots__ = ()
    name = "Div"

    def forward(self, x):
        return x / self.c

    def backward(self, gy):
        return gy / self.c


def div(a, b):
    return with_constant(DivConstant, Div, a, b, commutes=False)


class Neg(Op):
    __slots__ = ()

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def neg(x):
    return unary(Neg(), x)


class Pow(Op):
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def forward(self, a, b):
        return a ** b

    def backward(self, gy, a, b, y):
        # PyTorch's conventions where the formulas give 0 * inf: the gradient for the base is
        # 0 when the exponent is 0, and for the exponent 0 when the base is 0 (exponent >= 0)
        ga = gb = None
        if self.needs_grad(0):
            ga = gy * b * a ** (b - 1)
            if not isinstance(b, numbers.Number) or b == 0:
                ga = either.where(either.data(b) == 0, 0.0, ga)
        if self.needs_grad(1):
            at_zero = (either.data(a) == 0) & (either.data(b) >= 0)
            gb = either.where(at_zero, 0.0, gy * y * either.log(either.where(at_zero, 1.0, a)))
        return ga, gb


def pow(a, b):
    return binary(Pow(), a, b)


class MatMul(Op):
    """numpy's matmul: batched, broadcasting over leading axes; 1-D operands are promoted to a
    row (left) or a column (right) and the added axis is dropped from the result."""
    __slots__ = ()
    saves_inputs = True

    def forward(self, a, b):
        return a @ b

    def backward(self, gy, a, b):
        if a.ndim == 1 and b.ndim == 1:
            return (gy * b if self.needs_grad(0) else None,
                    gy * a if self.needs_grad(1) else None)
        a2 = a.reshape((1,) + tuple(a.shape)) if a.ndim == 1 else a
        b2 = b.reshape(tuple(b.shape) + (1,)) if b.ndim == 1 else b
        gy2 = gy
        if a.ndim == 1:
            gy2 = gy2.reshape(tuple(gy2.shape[:-1]) + (1,) + tuple(gy2.shape[-1:]))
        if b.ndim == 1:
            gy2 = gy2.reshape(tuple(gy2.shape) + (1,))
        ga = gb = None
        if self.needs_grad(0):
            ga = gy2 @ either.swap_last_axes(b2)
            if a.ndim == 1:
                ga = ga.reshape(tuple(ga.shape[:-2]) + tuple(ga.shape[-1:]))
        if self.needs_grad(1):
            gb = either.swap_last_axes(a2) @ gy2
            if b.ndim == 1:
                gb = gb.reshape(tuple(gb.shape[:-1]))
        return ga, gb


def matmul(a, b):
    a = as_operand(a, "matmul")
    b = as_operand(b, "matmul")
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = b if isinstance(b, Tensor) else Tensor(b)
    check_devices("matmul", (a, b))
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: both operands need at least one dimension, got shapes "
                         f"{a.shape} and {b.shape}; use * to multiply by a scalar")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last "
                         f"axis of the first ({k_a}) must match the "
                         f"{'only' if b.ndim == 1 else 'second-to-last'} axis of the second "
                         f"({k_b})")
    return apply_checked(MatMul(), (a, b))
