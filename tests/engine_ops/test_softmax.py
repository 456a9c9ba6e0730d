"""softmax and log_softmax along any axis: gradients, values against numpy, rows summing to
one in order."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import autograd as ag
from tests.helpers import host

from .support import (FAST, nonscalar_shapes, seeds, leaf, normal, check_gradients,
                      assert_matches, backward_grads)


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis):
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


FUNCTIONS = {
    "softmax": (lambda t, axis: t.softmax(axis), _softmax),
    "log_softmax": (lambda t, axis: t.log_softmax(axis), _log_softmax),
    "ag.softmax": (lambda t, axis: ag.softmax(t, axis=axis), _softmax),
    "ag.log_softmax": (lambda t, axis: ag.log_softmax(t, axis=axis), _log_softmax),
}


@pytest.mark.parametrize("name", FUNCTIONS)
@FAST
@given(shape=nonscalar_shapes, seed=seeds, data=st.data())
def test_softmax_family(name, shape, seed, data):
    fn, reference = FUNCTIONS[name]
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    values = 2 * normal(seed, shape)
    x = leaf(values)
    assert_matches(fn(x, axis), reference(values, axis), rtol=1e-12, atol=1e-15)
    check_gradients(lambda t: fn(t, axis), x)


@FAST
@given(shape=nonscalar_shapes, seed=seeds, data=st.data())
def test_softmax_rows_sum_to_one_and_keep_order(shape, seed, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    values = 3 * normal(seed, shape)
    probabilities = host(leaf(values).softmax(axis))
    assert np.all(probabilities > 0) and np.all(probabilities <= 1)
    np.testing.assert_allclose(probabilities.sum(axis=axis), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(np.argsort(probabilities, axis=axis, kind="stable"),
                                  np.argsort(values, axis=axis, kind="stable"))
    np.testing.assert_allclose(np.exp(host(leaf(values).log_softmax(axis))), probabilities,
                               rtol=1e-13)


def test_default_axis_is_the_last():
    values = normal(0, (2, 3, 4))
    assert_matches(leaf(values).softmax(), _softmax(values, -1), rtol=1e-14)
    assert_matches(ag.log_softmax(leaf(values)), _log_softmax(values, -1), rtol=1e-14)


def test_softmax_gradients_at_known_points():
    """The Jacobian of softmax is diag(p) - p p^T: a gradient of ones sums to zero, and the
    gradient of one output picks out a row of it."""
    values = np.array([[0.0, np.log(2.0), np.log(3.0)]])  # p = (1/6, 2/6, 3/6)
    p = np.array([1.0, 2.0, 3.0]) / 6
    np.testing.assert_allclose(backward_grads(lambda t: t.softmax(), values)[0], 0.0,
                               atol=1e-15)
    grad = backward_grads(lambda t: t.softmax()[0, 2], values)[0]
    np.testing.assert_allclose(grad[0], -p[2] * p + np.array([0, 0, p[2]]), rtol=1e-14)
    grad = backward_grads(lambda t: t.log_softmax()[0, 0], values)[0]
    np.testing.assert_allclose(grad[0], np.array([1.0, 0, 0]) - p, rtol=1e-14)
    grad = backward_grads(lambda t: t.log_softmax(), values)[0]
    np.testing.assert_allclose(grad[0], 1 - 3 * p, rtol=1e-14, atol=1e-15)


def test_softmax_of_a_constant_row_is_uniform():
    out = host(leaf(np.full((2, 4), 7.0)).softmax(axis=1))
    np.testing.assert_allclose(out, 0.25, rtol=1e-15)
