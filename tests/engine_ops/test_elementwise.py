"""Elementwise functions, maximum/minimum/where: gradients on drawn shapes away from kinks,
values against numpy, and the exact derivatives at the known points (kinks included)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import autograd as ag
from tests.helpers import host

from .support import (FAST, shapes, pair_shapes, seeds, leaf, normal, positive,
                      away_from_zero, gridded, check_gradients, assert_matches,
                      backward_grads, sum_to_shape)


def _clip_values(seed, shape, lo=-0.5, hi=0.5):
    """Values on both sides of both bounds, never within 0.05 of one."""
    values = np.random.default_rng(seed).uniform(-1.5, 1.5, shape)
    for bound in (lo, hi):
        values = np.where(np.abs(values - bound) < 0.05, values + 0.1, values)
    return values


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# method name, values maker, numpy reference
UNARY = {
    "exp": (lambda t: t.exp(), normal, np.exp),
    "log": (lambda t: t.log(), positive, np.log),
    "log2": (lambda t: t.log2(), positive, np.log2),
    "log10": (lambda t: t.log10(), positive, np.log10),
    "sqrt": (lambda t: t.sqrt(), positive, np.sqrt),
    "abs": (lambda t: t.abs(), away_from_zero, np.abs),
    "sin": (lambda t: t.sin(), normal, np.sin),
    "cos": (lambda t: t.cos(), normal, np.cos),
    "tanh": (lambda t: t.tanh(), normal, np.tanh),
    "sigmoid": (lambda t: t.sigmoid(), normal, _sigmoid),
    "relu": (lambda t: t.relu(), away_from_zero, lambda x: np.maximum(x, 0)),
    "clip": (lambda t: t.clip(-0.5, 0.5), _clip_values, lambda x: np.clip(x, -0.5, 0.5)),
    "clip lo": (lambda t: t.clip(-0.5, None), _clip_values, lambda x: np.maximum(x, -0.5)),
    "clip hi": (lambda t: t.clip(None, 0.5), _clip_values, lambda x: np.minimum(x, 0.5)),
    "ag.exp": (ag.exp, normal, np.exp),
    "ag.log": (ag.log, positive, np.log),
    "ag.log10": (ag.log10, positive, np.log10),
    "ag.sqrt": (ag.sqrt, positive, np.sqrt),
    "ag.abs": (ag.abs, away_from_zero, np.abs),
    "ag.sin": (ag.sin, normal, np.sin),
    "ag.cos": (ag.cos, normal, np.cos),
    "ag.tanh": (ag.tanh, normal, np.tanh),
    "ag.sigmoid": (ag.sigmoid, normal, _sigmoid),
    "ag.relu": (ag.relu, away_from_zero, lambda x: np.maximum(x, 0)),
    "ag.clip": (lambda t: ag.clip(t, -0.5, 0.5), _clip_values,
                lambda x: np.clip(x, -0.5, 0.5)),
    "abs()": (abs, away_from_zero, np.abs),
}


@pytest.mark.parametrize("name", UNARY)
@FAST
@given(shape=shapes, seed=seeds)
def test_unary(name, shape, seed):
    fn, values, reference = UNARY[name]
    x_values = values(seed, shape)
    x = leaf(x_values)
    out = fn(x)
    assert out.shape == shape and out.requires_grad
    assert_matches(out, reference(x_values), rtol=1e-13, atol=1e-15)
    check_gradients(fn, x)


SELECT = {"maximum": (ag.maximum, np.maximum), "minimum": (ag.minimum, np.minimum)}


@pytest.mark.parametrize("name", SELECT)
@FAST
@given(shapes=pair_shapes(), seed=seeds)
def test_maximum_minimum(name, shapes, seed):
    fn, reference = SELECT[name]
    (shape_a, shape_b), result_shape = shapes
    # offset grids: a and b are at least 0.04 apart wherever they meet
    a_values = gridded(seed, shape_a)
    b_values = gridded(seed + 1, shape_b, offset=0.1)
    a, b = leaf(a_values), leaf(b_values)
    assert_matches(fn(a, b), reference(a_values, b_values))
    check_gradients(fn, a, b)
    ga, gb = backward_grads(fn, a_values, b_values)
    a_wins = np.broadcast_to(reference(a_values, b_values) == a_values, result_shape)
    np.testing.assert_array_equal(ga, sum_to_shape(a_wins, shape_a))
    np.testing.assert_array_equal(gb, sum_to_shape(~a_wins, shape_b))


@pytest.mark.parametrize("name", SELECT)
@FAST
@given(shape=shapes, seed=seeds, scalar=st.sampled_from([-0.95, 0.05, 1.05]), left=st.booleans())
def test_maximum_minimum_with_python_scalar(name, shape, seed, scalar, left):
    fn, reference = SELECT[name]
    values = gridded(seed, shape)  # never within 0.02 of the scalar
    x = leaf(values)
    call = (lambda t: fn(scalar, t)) if left else (lambda t: fn(t, scalar))
    assert_matches(call(x), reference(values, scalar))
    check_gradients(call, x)


@FAST
@given(shapes=pair_shapes(3), seed=seeds)
def test_where(shapes, seed):
    (shape_c, shape_a, shape_b), result_shape = shapes
    cond_values = np.random.default_rng(seed).random(shape_c) < 0.5
    cond = ag.tensor(cond_values)
    a_values, b_values = normal(seed + 1, shape_a), normal(seed + 2, shape_b)
    a, b = leaf(a_values), leaf(b_values)
    out = ag.where(cond, a, b)
    assert out.shape == result_shape
    assert_matches(out, np.where(cond_values, a_values, b_values))
    check_gradients(lambda p, q: ag.where(cond, p, q), a, b)
    ga, gb = backward_grads(lambda p, q: ag.where(cond, p, q), a_values, b_values)
    taken = np.broadcast_to(cond_values, result_shape)
    np.testing.assert_array_equal(ga, sum_to_shape(taken, shape_a))
    np.testing.assert_array_equal(gb, sum_to_shape(~taken, shape_b))


@FAST
@given(shape=shapes, seed=seeds, scalar=st.floats(-2, 2), left=st.booleans())
def test_where_with_python_scalar(shape, seed, scalar, left):
    cond_values = np.random.default_rng(seed).random(shape) < 0.5
    cond = ag.tensor(cond_values)
    values = normal(seed, shape)
    x = leaf(values)
    if left:
        call, expected = (lambda t: ag.where(cond, scalar, t)), np.where(cond_values, scalar,
                                                                          values)
    else:
        call, expected = (lambda t: ag.where(cond, t, scalar)), np.where(cond_values, values,
                                                                          scalar)
    assert_matches(call(x), expected)
    check_gradients(call, x)


# --- exact derivatives at known points ------------------------------------------------

def _grad_at(fn, values):
    return backward_grads(fn, np.asarray(values, dtype=np.float64))[0]


def test_sigmoid_derivative_at_zero_is_a_quarter():
    assert _grad_at(ag.sigmoid, [0.0]).tolist() == [0.25]
    assert host(ag.sigmoid(leaf([0.0]))).tolist() == [0.5]


def test_tanh_derivative_at_zero_is_one():
    assert _grad_at(ag.tanh, [0.0]).tolist() == [1.0]


def test_relu_gradient_is_zero_at_and_below_zero():
    assert _grad_at(ag.relu, [-2.0, -1e-300, 0.0, 1e-300, 3.0]).tolist() == [0, 0, 0, 1, 1]
    assert _grad_at(ag.relu, [-0.0]).tolist() == [0.0]


def test_abs_gradient_is_zero_at_zero():
    assert _grad_at(ag.abs, [-2.0, 0.0, -0.0, 3.0]).tolist() == [-1.0, 0.0, 0.0, 1.0]


def test_maximum_and_minimum_split_ties_evenly():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 1.0, 5.0])
    ag.maximum(a, b).sum().backward()
    assert host(a.grad).tolist() == [0.5, 1.0, 0.0]
    assert host(b.grad).tolist() == [0.5, 0.0, 1.0]
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 1.0, 5.0])
    ag.minimum(a, b).sum().backward()
    assert host(a.grad).tolist() == [0.5, 0.0, 1.0]
    assert host(b.grad).tolist() == [0.5, 1.0, 0.0]


def test_maximum_tie_with_a_broadcast_operand():
    """Each of the three ties gives half its gradient to the single element of b."""
    a, b = leaf([2.0, 2.0, 2.0, 1.0]), leaf([2.0])
    ag.maximum(a, b).sum().backward()
    assert host(a.grad).tolist() == [0.5, 0.5, 0.5, 0.0]
    assert host(b.grad).tolist() == [2.5]


def test_maximum_tie_with_a_python_scalar():
    x = leaf([0.0, -1.0, 1.0])
    ag.maximum(x, 0.0).sum().backward()
    assert host(x.grad).tolist() == [0.5, 0.0, 1.0]


def test_clip_passes_the_gradient_at_its_bounds():
    grads = _grad_at(lambda t: t.clip(-1.0, 1.0), [-2.0, -1.0, 0.0, 1.0, 2.0])
    assert grads.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    assert _grad_at(lambda t: t.clip(0.0, None), [-1.0, 0.0, 1.0]).tolist() == [0, 1, 1]
    assert _grad_at(lambda t: t.clip(None, 0.0), [-1.0, 0.0, 1.0]).tolist() == [1, 1, 0]


def test_clip_needs_a_bound():
    with pytest.raises(ValueError, match="clip"):
        leaf([1.0]).clip()


def test_derivatives_of_smooth_functions_at_known_points():
    x = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(_grad_at(ag.exp, x), np.exp(x), rtol=1e-15)
    np.testing.assert_allclose(_grad_at(ag.log, x), 1 / x, rtol=1e-15)
    np.testing.assert_allclose(_grad_at(ag.sqrt, x), 0.5 / np.sqrt(x), rtol=1e-15)
    np.testing.assert_allclose(_grad_at(ag.sin, x), np.cos(x), rtol=1e-15)
    np.testing.assert_allclose(_grad_at(ag.cos, x), -np.sin(x), rtol=1e-15)
    np.testing.assert_allclose(_grad_at(ag.tanh, x), 1 - np.tanh(x) ** 2, rtol=1e-14)
    s = _sigmoid(x)
    np.testing.assert_allclose(_grad_at(ag.sigmoid, x), s * (1 - s), rtol=1e-14)


def test_second_derivatives_at_known_points():
    x = leaf([0.0, 1.0])
    (g,) = ag.grad(ag.tanh(x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    t = np.tanh(1.0)
    np.testing.assert_allclose(host(gg), [0.0, -2 * t * (1 - t * t)], atol=1e-15)
    x = leaf([0.0])
    (g,) = ag.grad(ag.sigmoid(x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    assert host(gg).tolist() == [0.0]  # s(1-s)(1-2s) at s = 1/2


def test_second_derivative_of_relu_is_zero_like_pytorch():
    x = leaf([-1.0, 2.0])
    (g,) = ag.grad(ag.relu(x).sum(), x, create_graph=True)
    (gg,) = ag.grad(g.sum(), x)
    assert host(gg).tolist() == [0.0, 0.0]
