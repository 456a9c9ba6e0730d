"""dtypes: what creation gives, python scalars never changing a tensor's dtype, gradients in
their tensor's dtype (mixed-precision expressions included), only floating tensors requiring
grad, and comparisons giving boolean tensors outside the graph."""
import operator

import numpy as np
import pytest

import autograd as ag
from tests.helpers import host

from .support import leaf


def test_python_numbers_and_lists_take_the_default_float_dtype():
    assert ag.tensor(1.5).dtype == np.float32
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.tensor([[1.0, 2], [3, 4]]).dtype == np.float32
    assert ag.get_default_dtype() == np.float32
    ag.set_default_dtype(np.float64)
    assert ag.get_default_dtype() == np.float64
    assert ag.tensor(1.5).dtype == np.float64
    assert ag.tensor([1.0, 2.0]).dtype == np.float64
    assert ag.zeros(2).dtype == np.float64
    assert ag.randn(2).dtype == np.float64


def test_integers_and_booleans_keep_their_kind():
    assert ag.tensor([1, 2]).dtype.kind == "i"
    assert ag.tensor(3).dtype.kind == "i"
    assert ag.tensor([True, False]).dtype == np.bool_
    assert ag.arange(4).dtype.kind == "i"


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int32, np.int64,
                                   np.uint8, np.bool_])
def test_numpy_arrays_keep_their_dtype(dtype):
    array = np.arange(3).astype(dtype)
    assert ag.tensor(array).dtype == dtype
    ag.set_default_dtype(np.float64)
    assert ag.tensor(array).dtype == dtype
    assert ag.from_numpy(array).dtype == dtype


def test_explicit_dtype_wins():
    assert ag.tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert ag.tensor(np.ones(2), dtype=np.float32).dtype == np.float32


# every differentiable operation applied to a float32 tensor, with python scalars mixed in
FLOAT32_OPS = {
    "x + 2.5": lambda x: x + 2.5, "2.5 + x": lambda x: 2.5 + x, "x + 1": lambda x: x + 1,
    "1 + x": lambda x: 1 + x, "x - 0.5": lambda x: x - 0.5, "3 - x": lambda x: 3 - x,
    "x * 2.5": lambda x: x * 2.5, "2.5 * x": lambda x: 2.5 * x, "x * 2": lambda x: x * 2,
    "x / 3": lambda x: x / 3, "1 / x": lambda x: 1 / x, "1.5 / x": lambda x: 1.5 / x,
    "x ** 2": lambda x: x ** 2, "x ** 0.5": lambda x: x ** 0.5, "2.0 ** x": lambda x: 2.0 ** x,
    "2 ** x": lambda x: 2 ** x, "x ** x": lambda x: x ** x, "-x": operator.neg,
    "numpy scalar": lambda x: np.float64(2.0) * x, "x * np.float64": lambda x: x * np.float64(2),
    "x @ x.T": lambda x: x @ x.T, "exp": ag.exp, "log": ag.log, "sqrt": ag.sqrt,
    "abs": ag.abs, "sin": ag.sin, "cos": ag.cos, "tanh": ag.tanh, "sigmoid": ag.sigmoid,
    "relu": ag.relu, "clip": lambda x: x.clip(0.6, 1.5), "maximum": lambda x: ag.maximum(x, 1.0),
    "minimum": lambda x: ag.minimum(1.0, x), "where": lambda x: ag.where(x > 1, x, 0.5),
    "sum": lambda x: x.sum(axis=0), "mean": lambda x: x.mean(axis=1), "var": lambda x: x.var(),
    "var ddof": lambda x: x.var(axis=0, ddof=1), "max": lambda x: x.max(axis=1),
    "min": lambda x: x.min(), "logsumexp": lambda x: x.logsumexp(axis=0),
    "softmax": ag.softmax, "log_softmax": lambda x: x.log_softmax(axis=0),
    "reshape": lambda x: x.reshape(-1), "transpose": lambda x: x.transpose(),
    "flatten": ag.flatten, "expand_dims": lambda x: x.expand_dims(0),
    "squeeze": lambda x: x.expand_dims(1).squeeze(1),
    "broadcast_to": lambda x: ag.broadcast_to(x, (2, 2, 3)), "getitem": lambda x: x[[0, 0], 1:],
    "concatenate": lambda x: ag.concatenate([x, x], axis=1), "stack": lambda x: ag.stack([x, x]),
}


@pytest.mark.parametrize("default", [np.float32, np.float64], ids=["default32", "default64"])
@pytest.mark.parametrize("name", FLOAT32_OPS)
def test_float32_stays_float32(name, default):
    """Outputs, gradients and second-order gradients of a float32 computation are float32,
    whatever the default dtype and whatever python (or numpy) scalars take part."""
    ag.set_default_dtype(default)
    fn = FLOAT32_OPS[name]
    x = leaf([[0.7, 1.2, 1.9], [1.4, 0.8, 1.1]], dtype=np.float32)
    out = fn(x)
    assert out.dtype == np.float32
    (g,) = ag.grad(out.sum(), x, create_graph=True)
    assert g.dtype == np.float32
    if g.requires_grad:
        (gg,) = ag.grad(g.sum(), x, retain_graph=True, allow_unused=True)
        assert gg is None or gg.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


def test_python_scalars_keep_float64_and_float16():
    x = leaf([1.0, 2.0], dtype=np.float64)
    assert (x * 2.5).dtype == np.float64 and (1 / x).dtype == np.float64
    h = leaf([1.0, 2.0], dtype=np.float16)
    assert (h * 2.5).dtype == np.float16 and (2.0 ** h).dtype == np.float16


MIXED = {
    "mul": lambda a, b: a * b,
    "add": lambda a, b: b + a,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "matmul": lambda a, b: a @ b.T,
    "maximum": ag.maximum,
    "where": lambda a, b: ag.where(a > 1, a, b),
    "concatenate": lambda a, b: ag.concatenate([a, b]),
    "stack": lambda a, b: ag.stack([a, b], axis=1),
}


@pytest.mark.parametrize("name", MIXED)
def test_gradients_keep_each_tensors_dtype_in_mixed_precision(name):
    a = leaf([[0.7, 1.2, 1.9]], dtype=np.float32)
    b = leaf([[1.4, 0.8, 1.1]], dtype=np.float64)
    out = MIXED[name](a, b)
    assert out.dtype == np.float64  # numpy's promotion between tensors
    (out * out).sum().backward()
    assert a.grad.dtype == np.float32 and a.grad.shape == a.shape
    assert b.grad.dtype == np.float64 and b.grad.shape == b.shape
    ga, gb = ag.grad((MIXED[name](a, b) ** 2).sum(), [a, b], create_graph=True)
    assert ga.dtype == np.float32 and gb.dtype == np.float64


def test_mixed_precision_gradient_values():
    a = leaf([3.0], dtype=np.float32)
    b = leaf([0.1], dtype=np.float64)
    (a * b).sum().backward()
    assert host(a.grad).tolist() == [np.float32(0.1)]
    assert host(b.grad).tolist() == [3.0]


@pytest.mark.parametrize("make", [
    lambda: ag.tensor([1, 2], requires_grad=True),
    lambda: ag.tensor(np.array([1, 2], dtype=np.int32), requires_grad=True),
    lambda: ag.tensor([True, False], requires_grad=True),
    lambda: ag.tensor([1, 2]).requires_grad_(),
    lambda: ag.zeros(2, dtype=np.int64, requires_grad=True),
    lambda: ag.arange(3, requires_grad=True),
], ids=["list", "int32", "bool", "requires_grad_", "zeros", "arange"])
def test_only_floating_tensors_may_require_grad(make):
    with pytest.raises(TypeError, match="float"):
        make()


COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("op", COMPARISONS, ids=lambda op: op.__name__)
def test_comparisons_give_boolean_tensors_without_grad(op):
    a_values = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b_values = np.array([2.0, 2.0, 2.0])
    a, b = leaf(a_values), leaf(b_values)
    for result, expected in [(op(a, b), op(a_values, b_values)),
                             (op(a, 2.0), op(a_values, 2.0)),
                             (op(2.0, a), op(2.0, a_values)),
                             (op(a, a), op(a_values, a_values))]:
        assert isinstance(result, ag.Tensor)
        assert result.dtype == np.bool_
        assert not result.requires_grad and result.grad_fn is None
        np.testing.assert_array_equal(host(result), expected)
