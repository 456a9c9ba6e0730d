"""Numerical stability: saturating functions, softmax and logsumexp stay finite (values and
gradients) at +-1000 in float32 and float64, and sigmoid stays accurate in its tails."""
import numpy as np
import pytest

from tests.helpers import host

from .support import leaf

DTYPES = [np.float32, np.float64]

EXTREME = np.array([[1000.0, -1000.0, 0.0],
                    [1000.0, 1000.0, 999.0],
                    [-1000.0, -1000.0, -1000.0],
                    [-1000.0, 1000.0, -999.0]])

FUNCTIONS = {
    "sigmoid": lambda t: t.sigmoid(),
    "tanh": lambda t: t.tanh(),
    "softmax": lambda t: t.softmax(axis=1),
    "softmax axis 0": lambda t: t.softmax(axis=0),
    "log_softmax": lambda t: t.log_softmax(axis=1),
    "log_softmax axis 0": lambda t: t.log_softmax(axis=0),
    "logsumexp": lambda t: t.logsumexp(axis=1),
    "logsumexp all": lambda t: t.logsumexp(),
    "logsumexp keepdims": lambda t: t.logsumexp(axis=0, keepdims=True),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_finite_values_and_gradients_at_extremes(name, dtype):
    x = leaf(EXTREME, dtype=dtype)
    out = FUNCTIONS[name](x)
    assert out.dtype == dtype
    assert np.all(np.isfinite(host(out)))
    weights = leaf(np.linspace(-1, 1, out.size).reshape(out.shape), dtype=dtype,
                   requires_grad=False)
    (out * weights).sum().backward()
    assert x.grad.dtype == dtype
    assert np.all(np.isfinite(host(x.grad)))


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_values_at_extremes(dtype):
    x = leaf(EXTREME, dtype=dtype)
    rtol = 1e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(host(x.sigmoid())[0], [1.0, 0.0, 0.5], rtol=rtol)
    np.testing.assert_allclose(host(x.tanh())[0], [1.0, -1.0, 0.0], rtol=rtol)
    np.testing.assert_allclose(host(x.softmax(axis=1))[0], [1.0, 0.0, 0.0], atol=1e-30)
    np.testing.assert_allclose(host(x.softmax(axis=1))[2], [1 / 3] * 3, rtol=rtol)
    np.testing.assert_allclose(host(x.log_softmax(axis=1))[0], [0.0, -2000.0, -1000.0],
                               rtol=rtol)
    e = np.exp(-1.0)
    np.testing.assert_allclose(host(x.logsumexp(axis=1)),
                               [1000.0, 1000.0 + np.log(2 + e), -1000.0 + np.log(3.0),
                                1000.0], rtol=rtol)
    np.testing.assert_allclose(host(x.logsumexp()), 1000.0 + np.log(4 + e), rtol=rtol)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_gradients_at_extremes(dtype):
    x = leaf([[1000.0, 1000.0, -1000.0]], dtype=dtype)
    x.logsumexp(axis=1).sum().backward()
    # exp(x - logsumexp) as PyTorch computes it: float32 rounds 1000 + log 2 by ~3e-5
    rtol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(host(x.grad), [[0.5, 0.5, 0.0]], rtol=rtol, atol=1e-30)
    x = leaf([[1000.0, -1000.0]], dtype=dtype)
    x.log_softmax(axis=1)[0, 1].backward()
    np.testing.assert_allclose(host(x.grad), [[-1.0, 1.0]], atol=1e-30)
    x = leaf([1000.0, -1000.0], dtype=dtype)
    x.sigmoid().sum().backward()
    assert host(x.grad).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("dtype, points, rtol", [
    (np.float64, [-30.0, -700.0, -50.0, 30.0, 700.0], 1e-14),
    (np.float32, [-30.0, -80.0, 30.0], 1e-6),
], ids=["float64", "float32"])
def test_sigmoid_is_accurate_in_both_tails(dtype, points, rtol):
    """Against 1 / (1 + exp(-x)) in float64, whose tail values are exact to rounding; a
    naive 1 - 1/(1 + exp(x)) would return 0 at -30 (catastrophic cancellation)."""
    points = np.array(points)
    with np.errstate(over="ignore"):
        reference = 1 / (1 + np.exp(-points))
    x = leaf(points, dtype=dtype)
    values = host(x.sigmoid())
    assert values.dtype == dtype
    np.testing.assert_allclose(values, reference.astype(dtype), rtol=rtol, atol=0)
    # the derivative s(1 - s) is accurate in the left tail (PyTorch's formula cancels in
    # the right one, where 1 - s is rounded)
    left = points < 0
    x.sigmoid().sum().backward()
    exact = np.exp(points[left]) / (1 + np.exp(points[left])) ** 2
    np.testing.assert_allclose(host(x.grad)[left], exact.astype(dtype), rtol=10 * rtol, atol=0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_sigmoid_of_a_large_array(dtype):
    """Large arrays may take another (faster) formula: the same values, both tails included."""
    points = np.concatenate([np.linspace(-40, 40, 5001),
                             [-1000.0, -700.0, -80.0, -30.0, 0.0, 30.0, 700.0, 1000.0]])
    if dtype == np.float32:
        points = points[np.abs(points) <= 80]  # exp(-x) underflows float32 beyond
    points = points.astype(dtype).astype(np.float64)  # the reference sees the same inputs
    with np.errstate(over="ignore"):
        reference = 1 / (1 + np.exp(-points))
    x = leaf(points, dtype=dtype)
    values = host(x.sigmoid())
    assert values.dtype == dtype
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(values, reference.astype(dtype), rtol=rtol, atol=0)
    x.sigmoid().sum().backward()
    grads = host(x.grad)
    assert grads.dtype == dtype and np.all(np.isfinite(grads))
    left = points < 0
    exact = np.exp(points[left]) / (1 + np.exp(points[left])) ** 2
    np.testing.assert_allclose(grads[left], exact.astype(dtype), rtol=10 * rtol, atol=0)
