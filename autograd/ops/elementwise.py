"""Elementwise functions. At a kink the gradient is PyTorch's: relu'(0) = abs'(0) = 0."""
import numpy as np

from ..backend import array_module
from ..function import Op
from ..tensor import Tensor
from . import dual
from .operands import binary, unary, as_operand, as_tensor, apply_checked, check_devices


class Exp(Op):
    __slots__ = ()
    derivative = "exp'"
    saves_output = True

    def forward(self, x):
        return array_module(x).exp(x)

    def backward(self, gy, y):
        return gy * y


class Log(Op):
    __slots__ = ()
    derivative = "log'"
    saves_inputs = True

    def forward(self, x):
        return array_module(x).log(x)

    def backward(self, gy, x):
        return gy / x


class Sqrt(Op):
    __slots__ = ()
    derivative = "sqrt'"
    saves_output = True

    def forward(self, x):
        return array_module(x).sqrt(x)

    def backward(self, gy, y):
        return gy / (2 * y)


class Abs(Op):
    __slots__ = ()
    derivative = "abs'"
    saves_inputs = True

    def forward(self, x):
        return array_module(x).abs(x)

    def backward(self, gy, x):
        return gy * dual.constant(gy, array_module(dual.data(x)).sign(dual.data(x)), x)


class Sin(Op):
    __slots__ = ()
    derivative = "sin'"
    saves_inputs = True

    def forward(self, x):
        return array_module(x).sin(x)

    def backward(self, gy, x):
        return gy * dual.cos(x)


class Cos(Op):
    __slots__ = ()
    derivative = "cos'"
    saves_inputs = True

    def forward(self, x):
        return array_module(x).cos(x)

    def backward(self, gy, x):
        return -gy * dual.sin(x)


class Tanh(Op):
    __slots__ = ()
    derivative = "tanh'"
    saves_output = True

    def forward(self, x):
        return array_module(x).tanh(x)

    def backward(self, gy, y):
        return gy * (1 - y * y)


def sigmoid_array(x):
    """1 / (1 + exp(-x)) without overflow, accurate in both tails and finite for any input.
    Two exact forms: exp(-logaddexp(0, -x)) is the fewest calls, best for small arrays;
    with e = exp(-|x|), 1/(1+e) or e/(1+e) by sign does less transcendental work, about 3x
    faster on large ones."""
    xp = array_module(x)
    if x.size <= 4096:
        return xp.exp(-xp.logaddexp(0, -x))
    e = xp.exp(-xp.abs(x))
    r = 1 / (1 + e)
    return xp.where(x >= 0, r, e * r)


class Sigmoid(Op):
    __slots__ = ()
    derivative = "σ'"
    saves_output = True

    def forward(self, x):
        return sigmoid_array(x)

    def backward(self, gy, y):
        return gy * y * (1 - y)


class ReLU(Op):
    __slots__ = ()
    derivative = "relu'"
    saves_output = True

    def forward(self, x):
        return array_module(x).maximum(x, 0)

    def backward(self, gy, y):
        return gy * dual.constant(gy, dual.data(y) > 0, y)


class Clip(Op):
    """Clamp to [lo, hi] (either may be None); the gradient passes where lo <= x <= hi."""
    derivative = "clip'"
    __slots__ = ("lo", "hi")
    saves_inputs = True

    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def forward(self, x):
        return array_module(x).clip(x, self.lo, self.hi)

    def backward(self, gy, x):
        values = dual.data(x)
        inside = None if self.lo is None else values >= self.lo
        if self.hi is not None:
            inside = values <= self.hi if inside is None else inside & (values <= self.hi)
        return gy * dual.constant(gy, inside, x)


class _Select(Op):
    """maximum / minimum: the gradient goes to the selected operand; at ties it is split in
    half between them, as PyTorch does."""
    __slots__ = ()
    saves_inputs = True

    def backward(self, gy, a, b):
        a_wins = self.wins(dual.data(a), dual.data(b))
        share = a_wins + 0.5 * (dual.data(a) == dual.data(b))
        share = share.astype(gy.dtype)
        return (gy * dual.constant(gy, share, a, b) if self.needs_grad(0) else None,
                gy * dual.constant(gy, 1 - share, a, b) if self.needs_grad(1) else None)


class Maximum(_Select):
    __slots__ = ()
    def forward(self, a, b):
        return array_module(a).maximum(a, b)

    @staticmethod
    def wins(a, b):
        return a > b


class Minimum(_Select):
    __slots__ = ()
    def forward(self, a, b):
        return array_module(a).minimum(a, b)

    @staticmethod
    def wins(a, b):
        return a < b


class Where(Op):
    """cond ? a : b, with `cond` a constant of the op."""
    __slots__ = ("cond",)

    def __init__(self, cond):
        self.cond = cond

    def forward(self, a, b):
        return array_module(self.cond).where(self.cond, a, b)

    def backward(self, gy):
        zero = gy * 0
        return (dual.where(self.cond, gy, zero) if self.needs_grad(0) else None,
                dual.where(self.cond, zero, gy) if self.needs_grad(1) else None)


class AsType(Op):
    """A dtype conversion; the gradient goes back in the source dtype."""
    __slots__ = ("dtype", "source")

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.source = x.dtype
        return x.astype(self.dtype)

    def backward(self, gy):
        return dual.astype(gy, self.source)


def exp(x):
    return unary(Exp(), x)


def log(x):
    return unary(Log(), x)


def sqrt(x):
    return unary(Sqrt(), x)


def abs(x):
    return unary(Abs(), x)


def sin(x):
    return unary(Sin(), x)


def cos(x):
    return unary(Cos(), x)


def tanh(x):
    return unary(Tanh(), x)


def sigmoid(x):
    return unary(Sigmoid(), x)


def relu(x):
    return unary(ReLU(), x)


def clip(x, lo=None, hi=None):
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of lo and hi")
    return unary(Clip(lo, hi), x)


def maximum(a, b):
    return binary(Maximum(), a, b)


def minimum(a, b):
    return binary(Minimum(), a, b)


def where(cond, a, b):
    """Elementwise `a` where `cond` is true, else `b` (numpy broadcasting over all three)."""
    cond = as_tensor(cond)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: the condition must be boolean, got dtype {cond.dtype}")
    a = as_operand(a)
    b = as_operand(b)
    check_devices("where", (cond, a, b))
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = as_tensor(a)
    return apply_checked(Where(cond.data), (a, b), shown=(cond, a, b))


def astype(x, dtype):
    dtype = np.dtype(dtype)
    x = as_tensor(x)
    if x.requires_grad and dtype.kind not in "fc":
        return Tensor._from_node(x.data.astype(dtype), None)  # integer casts are not differentiable
    return unary(AsType(dtype), x)
