"""Elementwise functions. At a kink the gradient is PyTorch's: relu'(0) = abs'(0) = 0.

The one-input ones are `Elementwise` ops: `local(*saved)` is their derivative at each
element, which backward multiplies the gradient by and pictures of the graph show. The
activations among them declare how that derivative reads (`derivative`), because that is
where it teaches: sigmoid's never exceeds 1/4, relu's only lets the gradient pass or stops it.
"""
import math

import numpy as np

from ..backend import array_module
from ..function import Op, Elementwise, Derivative
from ..tensor import Tensor
from . import either
from .operands import binary, unary, as_operand, as_tensor, apply_checked, check_devices

__all__ = ["exp", "log", "log2", "log10", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid",
           "relu", "softplus", "step", "clip", "maximum", "minimum", "where"]


class Exp(Elementwise):
    __slots__ = ()
    saves_output = True

    def forward(self, x):
        return array_module(x).exp(x)

    def local(self, y):
        return y


def exp(x):
    return unary(Exp(), x)


class Log(Elementwise):
    __slots__ = ()
    saves_inputs = True

    def forward(self, x):
        return array_module(x).log(x)

    def backward(self, gy, x):
        return gy / x

    def local(self, x):
        return 1 / x


def log(x):
    return unary(Log(), x)


class Log2(Elementwise):
    """log2(x) = ln(x) / ln 2, computed directly (exact at powers of two)."""
    __slots__ = ()
    saves_inputs = True
    ln_base = math.log(2.0)

    def forward(self, x):
        return array_module(x).log2(x)

    def backward(self, gy, x):
        return gy / (x * self.ln_base)

    def local(self, x):
        return 1 / (x * self.ln_base)


def log2(x):
    return unary(Log2(), x)


class Log10(Log2):
    """log10(x), computed directly (exact at powers of ten); the derivative of Log2 with
    ln 10 for ln 2."""
    __slots__ = ()
    ln_base = math.log(10.0)

    def forward(self, x):
        return array_module(x).log10(x)


def log10(x):
    return unary(Log10(), x)


class Sqrt(Elementwise):
    __slots__ = ()
    saves_output = True

    def forward(self, x):
        return array_module(x).sqrt(x)

    def backward(self, gy, y):
        return gy / (2 * y)

    def local(self, y):
        return 0.5 / y


def sqrt(x):
    return unary(Sqrt(), x)


class Abs(Elementwise):
    __slots__ = ()
    saves_inputs = True

    def forward(self, x):
        return array_module(x).abs(x)

    def local(self, x):
        values = either.data(x)
        return either.constant(x, array_module(values).sign(values), x)


def abs(x):
    return unary(Abs(), x)


class Sin(Elementwise):
    __slots__ = ()
    saves_inputs = True

    def forward(self, x):
        return array_module(x).sin(x)

    def local(self, x):
        return either.cos(x)


def sin(x):
    return unary(Sin(), x)


class Cos(Elementwise):
    __slots__ = ()
    saves_inputs = True

    def forward(self, x):
        return array_module(x).cos(x)

    def local(self, x):
        return -either.sin(x)


def cos(x):
    return unary(Cos(), x)


class Tanh(Elementwise):
    """Zero-centred; its derivative 1 - tanh² peaks at 1, at 0, and vanishes for large |x|."""
    __slots__ = ()
    derivative = Derivative("tanh'", most=1.0)
    saves_output = True

    def forward(self, x):
        return array_module(x).tanh(x)

    def local(self, y):
        return 1 - y * y


def tanh(x):
    return unary(Tanh(), x)


def sigmoid_array(x):
    """1 / (1 + exp(-x)) without overflow, accurate in both tails and finite for any input.
    Two exact forms: exp(-logaddexp(0, -x)) is the fewest calls, best for small arrays;
    with e = exp(-|x|), 1/(1+e) or e/(1+e) by sign does less transcendental work: as fast
    from about 256 elements on (float32 and float64 alike), 3x faster from 2048 (an LSTM
    gate of batch 32 and 64 units), 8x at 8192."""
    xp = array_module(x)
    if x.size <= 256:
        return xp.exp(-xp.logaddexp(0, -x))
    e = xp.exp(-xp.abs(x))
    r = 1 / (1 + e)
    return xp.where(x >= 0, r, e * r)


class Sigmoid(Elementwise):
    """1 / (1 + exp(-x)). Its derivative s(1 - s) is at most 1/4 (at x = 0), so a chain of
    sigmoid layers multiplies the gradient by a factor of at most 1/4 per layer."""
    __slots__ = ()
    derivative = Derivative("σ'", most=0.25)
    saves_output = True

    def forward(self, x):
        return sigmoid_array(x)

    def local(self, y):
        return y * (1 - y)


def sigmoid(x):
    return unary(Sigmoid(), x)


class ReLU(Elementwise):
    """max(0, x): the gradient passes unchanged where x > 0 and stops elsewhere."""
    __slots__ = ()
    derivative = Derivative("relu'", most=1.0, gates=True)
    saves_output = True

    def forward(self, x):
        return array_module(x).maximum(x, 0)

    def local(self, y):
        return either.constant(y, (either.data(y) > 0).astype(y.dtype), y)


def relu(x):
    return unary(ReLU(), x)


class Softplus(Elementwise):
    """log(1 + exp(x)), finite and accurate for any x: numpy's logaddexp(0, x) computes it as
    max(x, 0) + log1p(exp(-|x|)). Its derivative is sigmoid(x), exact in both tails (0 at
    -1000, 1 at +1000 and at +inf)."""
    __slots__ = ()
    derivative = Derivative("softplus'", most=1.0)
    saves_inputs = True

    def forward(self, x):
        return array_module(x).logaddexp(0, x)

    def local(self, x):
        return either.sigmoid(x)


def softplus(x):
    return unary(Softplus(), x)


class Step(Elementwise):
    """The Heaviside step (x > 0). Its derivative is 0 wherever it exists, so the gradient
    is exactly 0 everywhere: nothing before a step can learn by gradient descent."""
    __slots__ = ()
    derivative = Derivative("step'", most=0.0, gates=True)
    saves_output = True

    def forward(self, x):
        return (x > 0).astype(x.dtype)

    def local(self, y):
        return y * 0


def step(x):
    return unary(Step(), x)


class Clip(Elementwise):
    """Clamp to [lo, hi] (either may be None); the gradient passes where lo <= x <= hi."""
    __slots__ = ("lo", "hi")
    saves_inputs = True

    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def forward(self, x):
        return array_module(x).clip(x, self.lo, self.hi)

    def local(self, x):
        values = either.data(x)
        inside = None if self.lo is None else values >= self.lo
        if self.hi is not None:
            inside = values <= self.hi if inside is None else inside & (values <= self.hi)
        return either.constant(x, inside.astype(values.dtype), x)


def clip(x, lo=None, hi=None):
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of lo and hi")
    return unary(Clip(lo, hi), x)


class _Select(Op):
    """maximum / minimum: the gradient goes to the selected operand; at ties it is split in
    half between them, as PyTorch does."""
    __slots__ = ()
    saves_inputs = True

    def backward(self, gy, a, b):
        a_wins = self.wins(either.data(a), either.data(b))
        share = a_wins + 0.5 * (either.data(a) == either.data(b))
        share = share.astype(gy.dtype)
        return (gy * either.constant(gy, share, a, b) if self.needs_grad(0) else None,
                gy * either.constant(gy, 1 - share, a, b) if self.needs_grad(1) else None)


class Maximum(_Select):
    __slots__ = ()

    def forward(self, a, b):
        return array_module(a).maximum(a, b)

    @staticmethod
    def wins(a, b):
        return a > b


def maximum(a, b):
    return binary(Maximum(), a, b)


class Minimum(_Select):
    __slots__ = ()

    def forward(self, a, b):
        return array_module(a).minimum(a, b)

    @staticmethod
    def wins(a, b):
        return a < b


def minimum(a, b):
    return binary(Minimum(), a, b)


class Where(Op):
    """cond ? a : b, with `cond` a constant of the op."""
    __slots__ = ("cond",)

    def __init__(self, cond):
        self.cond = cond

    def forward(self, a, b):
        return array_module(self.cond).where(self.cond, a, b)

    def backward(self, gy):
        zero = gy * 0
        return (either.where(self.cond, gy, zero) if self.needs_grad(0) else None,
                either.where(self.cond, zero, gy) if self.needs_grad(1) else None)


def where(cond, a, b):
    """Elementwise `a` where `cond` is true, else `b` (numpy broadcasting over all three)."""
    cond = as_tensor(cond, "where")
    if cond.dtype != np.bool_:
        raise TypeError(f"where: the condition must be boolean, got dtype {cond.dtype}")
    a = as_operand(a, "where")
    b = as_operand(b, "where")
    check_devices("where", (cond, a, b))
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = as_tensor(a, "where")
    return apply_checked(Where(cond.data), (a, b), shown=(cond, a, b))


class AsType(Op):
    """A dtype conversion; the gradient goes back in the source dtype."""
    __slots__ = ("dtype", "source")

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        self.source = x.dtype
        return x.astype(self.dtype)

    def backward(self, gy):
        return either.astype(gy, self.source)


def astype(x, dtype):
    dtype = np.dtype(dtype)
    x = as_tensor(x, "astype")
    if x.requires_grad and dtype.kind != "f":
        return Tensor._from_node(x.data.astype(dtype), None)  # integer casts are not differentiable
    return unary(AsType(dtype), x)
