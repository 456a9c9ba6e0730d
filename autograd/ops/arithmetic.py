"""+ - * / ** @ and unary minus. Python scalars stay constants of the op (no tensor is made
for them, and they never change a tensor's dtype)."""
import numbers

from ..function import Op
from ..tensor import Tensor
from . import dual
from .operands import binary, unary, as_operand, check_devices, apply_checked


class Add(Op):
    __slots__ = ()
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


class Sub(Op):
    __slots__ = ()
    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        return gy, (-gy if self.needs_grad(1) else None)


class Mul(Op):
    __slots__ = ()
    saves_inputs = True

    def forward(self, a, b):
        return a * b

    def backward(self, gy, a, b):
        return (gy * b if self.needs_grad(0) else None,
                gy * a if self.needs_grad(1) else None)


class Div(Op):
    __slots__ = ()
    saves_inputs = True

    def forward(self, a, b):
        return a / b

    def backward(self, gy, a, b):
        ga = gy / b if self.needs_grad(0) else None
        gb = -gy * a / (b * b) if self.needs_grad(1) else None
        return ga, gb


class Neg(Op):
    __slots__ = ()
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


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
                ga = dual.where(dual.data(b) == 0, 0.0, ga)
        if self.needs_grad(1):
            at_zero = (dual.data(a) == 0) & (dual.data(b) >= 0)
            gb = dual.where(at_zero, 0.0, gy * y * dual.log(dual.where(at_zero, 1.0, a)))
        return ga, gb


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
            ga = gy2 @ dual.swap_last_axes(b2)
            if a.ndim == 1:
                ga = ga.reshape(tuple(ga.shape[:-2]) + tuple(ga.shape[-1:]))
        if self.needs_grad(1):
            gb = dual.swap_last_axes(a2) @ gy2
            if b.ndim == 1:
                gb = gb.reshape(tuple(gb.shape[:-1]))
        return ga, gb


def add(a, b):
    return binary(Add(), a, b)


def sub(a, b):
    return binary(Sub(), a, b)


def mul(a, b):
    return binary(Mul(), a, b)


def div(a, b):
    return binary(Div(), a, b)


def neg(x):
    return unary(Neg(), x)


def pow(a, b):
    return binary(Pow(), a, b)


def matmul(a, b):
    a = as_operand(a)
    b = as_operand(b)
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
