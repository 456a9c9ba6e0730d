"""Reductions with axis None / int / negative int / tuple and keepdims both ways: gradients,
values against numpy, and the even split of max/min gradients between tied elements."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.helpers import host

from .support import (FAST, MAX_DIMS, MAX_SIDE, seeds, leaf, normal, distinct,
                      check_gradients, assert_matches, backward_grads)


@st.composite
def shapes_and_axes(draw, min_dims=0):
    """A shape and an axis argument for it: None, an int (either sign), or a non-empty
    tuple of distinct axes in any order, each given with either sign."""
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=MAX_DIMS, max_side=MAX_SIDE))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"] if ndim else ["none"]))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return shape, tuple(a - ndim if draw(st.booleans()) else a for a in axes)


def _reduced_count(shape, axis):
    if axis is None:
        return int(np.prod(shape, dtype=int))
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes], dtype=int))


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else \
        out.reshape(())


# name: (values maker, numpy reference)
REDUCTIONS = {
    "sum": (normal, np.sum),
    "mean": (normal, np.mean),
    "var": (normal, np.var),
    "max": (distinct, np.max),
    "min": (distinct, np.min),
    "logsumexp": (lambda seed, shape: 3 * normal(seed, shape), _logsumexp),
}


@pytest.mark.parametrize("style", ["method", "function"])
@pytest.mark.parametrize("name", REDUCTIONS)
@FAST
@given(shape_axis=shapes_and_axes(), keepdims=st.booleans(), seed=seeds)
def test_reduction(name, style, shape_axis, keepdims, seed):
    values_of, reference = REDUCTIONS[name]
    shape, axis = shape_axis
    values = values_of(seed, shape)
    x = leaf(values)
    if style == "method":
        def fn(t):
            return getattr(t, name)(axis=axis, keepdims=keepdims)
    else:
        def fn(t):
            return getattr(ag, name)(t, axis=axis, keepdims=keepdims)
    out = fn(x)
    expected = np.asarray(reference(values, axis=axis, keepdims=keepdims))
    assert out.shape == expected.shape
    assert_matches(out, expected, rtol=1e-12, atol=1e-12)
    check_gradients(fn, x)


@FAST
@given(shape_axis=shapes_and_axes(min_dims=1), keepdims=st.booleans(),
       ddof=st.integers(0, 2), seed=seeds)
def test_var_with_ddof(shape_axis, keepdims, ddof, seed):
    shape, axis = shape_axis
    assume(_reduced_count(shape, axis) > ddof)
    values = normal(seed, shape)
    x = leaf(values)
    out = x.var(axis=axis, keepdims=keepdims, ddof=ddof)
    assert_matches(out, np.var(values, axis=axis, keepdims=keepdims, ddof=ddof),
                   rtol=1e-12, atol=1e-14)
    check_gradients(lambda t: ag.var(t, axis=axis, keepdims=keepdims, ddof=ddof), x)
    grad = backward_grads(lambda t: t.var(axis=axis, keepdims=True, ddof=ddof), values)[0]
    mean = np.mean(values, axis=axis, keepdims=True)
    np.testing.assert_allclose(grad, 2 * (values - mean) / (_reduced_count(shape, axis) - ddof),
                               rtol=1e-10, atol=1e-14)


def test_values_and_gradients_at_known_points():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert host(leaf(x).var()).item() == 1.25
    assert np.isclose(host(leaf(x).var(ddof=1)).item(), 5 / 3)
    np.testing.assert_allclose(host(leaf(x).var(axis=0)), [1.0, 1.0])
    assert np.array_equal(backward_grads(lambda t: t.mean(), x)[0], np.full((2, 2), 0.25))
    assert np.array_equal(backward_grads(lambda t: t.mean(axis=1), x)[0],
                          np.full((2, 2), 0.5))
    assert np.array_equal(backward_grads(lambda t: t.sum(axis=(0, 1)), x)[0], np.ones((2, 2)))
    np.testing.assert_allclose(backward_grads(lambda t: t.var(), x)[0],
                               2 * (x - 2.5) / 4, rtol=1e-15)
    grad = backward_grads(lambda t: t.logsumexp(axis=1), x)[0]
    np.testing.assert_allclose(grad, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True),
                               rtol=1e-14)
    assert np.array_equal(backward_grads(lambda t: t.max(), x)[0], [[0, 0], [0, 1]])
    assert np.array_equal(backward_grads(lambda t: t.min(axis=0), x)[0], [[1, 1], [0, 0]])


@pytest.mark.parametrize("name", ["max", "min"])
def test_ties_split_the_gradient_evenly(name):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    if name == "min":
        x = -x
    grad = backward_grads(lambda t: getattr(t, name)(axis=1), x)[0]
    np.testing.assert_allclose(grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)
    grad = backward_grads(lambda t: getattr(t, name)(axis=-1, keepdims=True), x)[0]
    np.testing.assert_allclose(grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)
    grad = backward_grads(lambda t: getattr(t, name)(), x)[0]  # 3 is the max only
    np.testing.assert_allclose(grad, [[0, 0.5, 0.5], [0, 0, 0]], rtol=1e-15)
    grad = backward_grads(lambda t: getattr(t, name)(axis=0), x)[0]
    np.testing.assert_allclose(grad, [[0, 1, 1], [1, 0, 0]], rtol=1e-15)
    grad = backward_grads(lambda t: getattr(ag, name)(t, axis=(0, 1), keepdims=True),
                          np.ones((2, 2)))[0]
    np.testing.assert_allclose(grad, np.full((2, 2), 0.25), rtol=1e-15)


def test_tied_max_gradient_carries_the_upstream_gradient():
    x = leaf([[5.0, 5.0], [1.0, 2.0]])
    (x.max(axis=1) * leaf([4.0, 3.0], requires_grad=False)).sum().backward()
    assert host(x.grad).tolist() == [[2.0, 2.0], [0.0, 3.0]]


def test_reductions_of_a_0d_tensor():
    x = leaf(2.5)
    for name in REDUCTIONS:
        out = getattr(x, name)()
        assert out.shape == ()
    assert host(x.sum()).item() == 2.5
    assert host(x.var()).item() == 0.0
    assert host(x.logsumexp()).item() == 2.5
    x.max().backward()
    assert host(x.grad).item() == 1.0


def test_numpy_integer_axes():
    values = normal(0, (2, 3))
    x = leaf(values)
    assert_matches(x.sum(axis=np.int64(1)), values.sum(axis=1))
    assert_matches(x.max(axis=(np.int32(0), np.int64(-1))), values.max())
    assert_matches(ag.mean(x, axis=np.intp(0), keepdims=True), values.mean(axis=0,
                                                                           keepdims=True))
