"""Shape operations and indexing: gradients on drawn shapes and indices, values against
numpy, repeated integer indices accumulating, and dtype casts with `.to(dtype)`."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.helpers import host

from .support import (FAST, MAX_DIMS, MAX_SIDE, shapes, nonscalar_shapes, seeds, leaf,
                      normal, check_gradients, assert_matches, backward_grads)


def _check(fn, values, expected):
    """Values against numpy, then first and second derivatives."""
    x = leaf(values)
    assert_matches(fn(x), expected)
    check_gradients(fn, x)


@st.composite
def reshapes(draw):
    """A shape and a new shape with the same number of elements: its sizes permuted, size-1
    axes inserted, and maybe one size given as -1."""
    shape = draw(shapes)
    target = list(draw(st.permutations(shape)))
    for _ in range(draw(st.integers(0, 2))):
        target.insert(draw(st.integers(0, len(target))), 1)
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return shape, tuple(target)


@FAST
@given(shapes=reshapes(), seed=seeds, packed=st.booleans())
def test_reshape(shapes, seed, packed):
    shape, target = shapes
    values = normal(seed, shape)
    _check((lambda t: t.reshape(target)) if packed else (lambda t: t.reshape(*target)),
           values, values.reshape(target))
    _check(lambda t: ag.reshape(t, target), values, values.reshape(target))


@FAST
@given(shape=shapes, seed=seeds, data=st.data())
def test_transpose(shape, seed, data):
    ndim = len(shape)
    perm = data.draw(st.permutations(range(ndim)))
    given_axes = tuple(a - ndim if data.draw(st.booleans()) else a for a in perm)
    values = normal(seed, shape)
    _check(lambda t: t.transpose(*given_axes), values, values.transpose(perm))
    _check(lambda t: t.transpose(given_axes), values, values.transpose(perm))
    _check(lambda t: ag.transpose(t, given_axes), values, values.transpose(perm))
    _check(lambda t: t.transpose(), values, values.transpose())
    _check(lambda t: t.T, values, values.T)


@FAST
@given(shape=shapes, seed=seeds, data=st.data())
def test_flatten_and_expand_dims(shape, seed, data):
    values = normal(seed, shape)
    _check(lambda t: t.flatten(), values, values.reshape(-1))
    _check(ag.flatten, values, values.reshape(-1))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    _check(lambda t: t.expand_dims(axis), values, np.expand_dims(values, axis))
    _check(lambda t: ag.expand_dims(t, axis), values, np.expand_dims(values, axis))


@FAST
@given(shape=hnp.array_shapes(min_dims=0, max_dims=MAX_DIMS, min_side=1, max_side=2),
       seed=seeds, data=st.data())
def test_squeeze(shape, seed, data):
    values = normal(seed, shape)
    _check(lambda t: t.squeeze(), values, np.squeeze(values))
    ones = [i for i, n in enumerate(shape) if n == 1]
    if ones:
        axis = data.draw(st.sampled_from(ones))
        if data.draw(st.booleans()):
            axis -= len(shape)
        _check(lambda t: t.squeeze(axis), values, np.squeeze(values, axis))
        _check(lambda t: ag.squeeze(t, axis=axis), values, np.squeeze(values, axis))


@st.composite
def broadcasts(draw):
    """A target shape and a shape that broadcasts to it (fewer axes, some of size 1)."""
    target = draw(shapes)
    kept = target[draw(st.integers(0, len(target))):]
    source = tuple(1 if draw(st.booleans()) else n for n in kept)
    return source, target


@FAST
@given(shapes=broadcasts(), seed=seeds)
def test_broadcast_to(shapes, seed):
    source, target = shapes
    values = normal(seed, source)
    _check(lambda t: ag.broadcast_to(t, target), values, np.broadcast_to(values, target))
    _check(lambda t: t.broadcast_to(target), values, np.broadcast_to(values, target))
    grad = backward_grads(lambda t: ag.broadcast_to(t, target), values)[0]
    count = np.prod(target, dtype=int) // max(np.prod(source, dtype=int), 1)
    np.testing.assert_array_equal(grad, np.full(source, float(count)))


# --- indexing ---------------------------------------------------------------------------

@FAST
@given(shape=nonscalar_shapes, seed=seeds, data=st.data())
def test_basic_indexing(shape, seed, data):
    """Integers, slices (any step, either sign), None and Ellipsis."""
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    values = normal(seed, shape)
    _check(lambda t: t[index], values, values[index])


@FAST
@given(shape=nonscalar_shapes, seed=seeds, data=st.data())
def test_integer_array_indexing(shape, seed, data):
    """Integer arrays (drawn with repeats and negative entries) on leading axes."""
    index = data.draw(hnp.integer_array_indices(
        shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)))
    values = normal(seed, shape)
    _check(lambda t: t[index], values, values[index])
    count = np.zeros(shape[:len(index)])
    np.add.at(count, index, 1.0)
    grad = backward_grads(lambda t: t[index], values)[0]
    expected = np.broadcast_to(count.reshape(count.shape + (1,) * (len(shape) - len(index))),
                               shape)
    np.testing.assert_array_equal(grad, expected)


@FAST
@given(shape=nonscalar_shapes, seed=seeds, data=st.data())
def test_boolean_mask_indexing(shape, seed, data):
    mask_dims = data.draw(st.integers(1, len(shape)))
    mask = np.random.default_rng(seed).random(shape[:mask_dims]) < 0.5
    values = normal(seed, shape)
    _check(lambda t: t[mask], values, values[mask])
    _check(lambda t: t[ag.tensor(mask)], values, values[mask])
    grad = backward_grads(lambda t: t[mask], values)[0]
    expected = np.broadcast_to(mask.reshape(mask.shape + (1,) * (len(shape) - mask_dims)),
                               shape)
    np.testing.assert_array_equal(grad, expected.astype(float))


@pytest.mark.parametrize("index", [
    (slice(None), [0, 2, 2]),
    (Ellipsis, [1, 1]),
    (None, [0, 0], slice(1, None)),
    ([0, 1, 1], [2, 0, 2]),
    ([[0, 1], [1, 1]], slice(None, None, -1)),
    (-1, [-1, 0, -1]),
    (np.array([True, False]), [0, 2]),
], ids=str)
def test_mixed_advanced_indexing(index):
    values = normal(3, (2, 3))
    _check(lambda t: t[index], values, values[index])


def test_repeated_indices_accumulate():
    x = leaf([10.0, 20.0, 30.0])
    y = x[[0, 0, 2, 0]]
    assert host(y).tolist() == [10.0, 10.0, 30.0, 10.0]
    (y * leaf([1.0, 2.0, 3.0, 4.0], requires_grad=False)).sum().backward()
    assert host(x.grad).tolist() == [7.0, 0.0, 3.0]

    m = leaf(np.zeros((2, 3)))
    m[[0, 0, 1], [1, 1, 2]].sum().backward()
    assert host(m.grad).tolist() == [[0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]

    x = leaf([1.0, 2.0])
    x[ag.tensor(np.array([1, 1, 1]))].sum().backward()  # an integer Tensor as the index
    assert host(x.grad).tolist() == [0.0, 3.0]


def test_repeated_indices_accumulate_in_second_order_gradients():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = ag.grad((x[[0, 0, 2]] ** 3).sum(), x, create_graph=True)
    np.testing.assert_allclose(host(g), [6.0, 0.0, 27.0])
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(host(gg), [12.0, 0.0, 18.0])


def test_indexing_with_a_0d_result_and_negative_index():
    values = normal(0, (3, 2))
    _check(lambda t: t[-1, 0], values, values[-1, 0])
    _check(lambda t: t[1], values, values[1])


# --- concatenate and stack -------------------------------------------------------------

@st.composite
def concatenations(draw):
    base = list(draw(nonscalar_shapes))
    axis = draw(st.integers(-len(base), len(base) - 1))
    count = draw(st.integers(1, 3))
    result = []
    for _ in range(count):
        shape = list(base)
        shape[axis] = draw(st.integers(1, MAX_SIDE))
        result.append(tuple(shape))
    return result, axis


@FAST
@given(spec=concatenations(), seed=seeds)
def test_concatenate(spec, seed):
    shapes_, axis = spec
    values = [normal(seed + k, s) for k, s in enumerate(shapes_)]
    tensors = [leaf(v) for v in values]
    assert_matches(ag.concatenate(tensors, axis=axis), np.concatenate(values, axis=axis))
    check_gradients(lambda *ts: ag.concatenate(ts, axis=axis), *tensors)


@FAST
@given(shape=shapes, count=st.integers(1, 3), seed=seeds, data=st.data())
def test_stack(shape, count, seed, data):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    values = [normal(seed + k, shape) for k in range(count)]
    tensors = [leaf(v) for v in values]
    assert_matches(ag.stack(tensors, axis=axis), np.stack(values, axis=axis))
    check_gradients(lambda *ts: ag.stack(ts, axis=axis), *tensors)


def test_concatenate_and_stack_route_gradients_to_each_input():
    a, b = leaf(np.zeros((2, 1))), leaf(np.zeros((2, 2)))
    weights = leaf(np.arange(6.0).reshape(2, 3), requires_grad=False)
    (ag.concatenate([a, b], axis=1) * weights).sum().backward()
    assert host(a.grad).tolist() == [[0.0], [3.0]]
    assert host(b.grad).tolist() == [[1.0, 2.0], [4.0, 5.0]]
    a, b = leaf(np.zeros(3)), leaf(np.zeros(3))
    (ag.stack([a, b], axis=-1) * weights.T).sum().backward()
    assert host(a.grad).tolist() == [0.0, 1.0, 2.0]
    assert host(b.grad).tolist() == [3.0, 4.0, 5.0]


def test_concatenate_with_a_constant_input():
    a = leaf([1.0, 2.0])
    c = leaf([5.0], requires_grad=False)
    out = ag.concatenate([c, a, c])
    assert host(out).tolist() == [5.0, 1.0, 2.0, 5.0]
    (out * leaf([1.0, 2.0, 3.0, 4.0], requires_grad=False)).sum().backward()
    assert host(a.grad).tolist() == [2.0, 3.0]
    assert c.grad is None


# --- dtype casts -------------------------------------------------------------------------

@FAST
@given(shape=shapes, seed=seeds)
def test_cast_round_trip_gradients(shape, seed):
    """float64 -> float32 -> float64 is differentiable; central differences see float32
    rounding, hence the larger step and tolerances."""
    x = leaf(normal(seed, shape))

    def fn(t):
        return (t.to(np.float32) ** 2).to(np.float64)

    assert fn(x).dtype == np.float64
    assert ag.gradcheck(fn, x, eps=1e-2, atol=1e-3, rtol=1e-3)
    assert ag.gradgradcheck(fn, x, eps=1e-2, atol=1e-3, rtol=1e-3)


def test_cast_gradients_come_back_in_the_source_dtype():
    x = leaf([1.0, -2.0], dtype=np.float32)
    y = x.to(np.float64)
    assert y.dtype == np.float64 and y.requires_grad
    (y * 3).sum().backward()
    assert x.grad.dtype == np.float32
    assert host(x.grad).tolist() == [3.0, 3.0]

    z = leaf([0.5], dtype=np.float64)
    (z.to(np.float32) * 2).sum().backward()
    assert z.grad.dtype == np.float64
    assert host(z.grad).tolist() == [2.0]

    assert x.to(np.float32) is x
    assert x.double().dtype == np.float64 and x.float() is x


def test_casting_to_an_integer_dtype_is_not_differentiable():
    x = leaf([1.7, -2.2])
    y = x.to(np.int64)
    assert y.dtype == np.int64
    assert not y.requires_grad
    assert host(y).tolist() == [1, -2]
