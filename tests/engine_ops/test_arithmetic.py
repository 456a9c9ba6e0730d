"""+ - * / ** @ and unary minus: gradients (first and second order) on drawn shapes with
broadcasting both ways, python scalars on either side, and values against numpy."""
import operator

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.helpers import host

from .support import (FAST, pair_shapes, shapes, seeds, leaf, normal, positive,
                      away_from_zero, check_gradients, assert_matches, backward_grads,
                      sum_to_shape)

# operation, values for the left operand, values for the right operand
BINARY = {
    "add": (operator.add, normal, normal),
    "sub": (operator.sub, normal, normal),
    "mul": (operator.mul, normal, normal),
    "div": (operator.truediv, normal, away_from_zero),
    "pow": (operator.pow, positive, normal),
}


@pytest.mark.parametrize("name", BINARY)
@FAST
@given(shapes=pair_shapes(), seed=seeds)
def test_binary_with_broadcasting(name, shapes, seed):
    op, left, right = BINARY[name]
    (shape_a, shape_b), result_shape = shapes
    a_values, b_values = left(seed, shape_a), right(seed + 1, shape_b)
    a, b = leaf(a_values), leaf(b_values)
    out = op(a, b)
    assert out.shape == result_shape
    assert_matches(out, op(a_values, b_values))
    check_gradients(op, a, b)


# python scalar on the left and on the right; values kept where each op is smooth
SCALAR_CASES = {
    "x + s": (lambda x, s: x + s, normal),
    "s + x": (lambda x, s: s + x, normal),
    "x - s": (lambda x, s: x - s, normal),
    "s - x": (lambda x, s: s - x, normal),
    "x * s": (lambda x, s: x * s, normal),
    "s * x": (lambda x, s: s * x, normal),
    "x / s": (lambda x, s: x / s, normal),
    "s / x": (lambda x, s: s / x, away_from_zero),
    "x ** s": (lambda x, s: x ** s, positive),
    "s ** x": (lambda x, s: s ** x, normal),
    "x ** 2": (lambda x, s: x ** 2, normal),
    "x ** -1": (lambda x, s: x ** -1, away_from_zero),
}


@pytest.mark.parametrize("case", SCALAR_CASES)
@FAST
@given(shape=shapes, seed=seeds, scalar=st.floats(0.5, 3.0))
def test_python_scalar_operands(case, shape, seed, scalar):
    fn, values = SCALAR_CASES[case]
    x_values = values(seed, shape)
    x = leaf(x_values)
    out = fn(x, scalar)
    assert isinstance(out, ag.Tensor) and out.requires_grad
    assert_matches(out, fn(x_values, scalar), rtol=1e-12)
    check_gradients(lambda t: fn(t, scalar), x)


@pytest.mark.parametrize("fn, name", [(lambda x: x + 0.5, "Add"), (lambda x: 2 + x, "Add"),
                                      (lambda x: x * 0.9, "Mul"), (lambda x: 3 * x, "Mul"),
                                      (lambda x: x / 4.0, "Div")])
def test_a_python_number_makes_a_node_of_one_input_that_keeps_nothing(fn, name):
    """x + c, c + x, x * c, c * x and x / c: the node has one edge and saves nothing (the
    input's array is not held for backward), and is named as the operation."""
    x = ag.tensor(np.arange(3.0), requires_grad=True)
    y = fn(x)
    node = y.grad_fn
    assert node.name == name and repr(y).endswith(f"grad_fn=<{name}>)")
    assert node.next_functions == ((x, 0),)
    assert node.saved_tensors == () and node.saved_values() == ()
    y.sum().backward()
    assert_matches(x.grad, fn(np.ones(3)) - fn(np.zeros(3)))


def test_an_integer_tensor_and_a_float_constant_give_a_float_result():
    x = ag.tensor(np.arange(3))
    assert (x * 0.5).dtype == np.float64 and (x + 1).dtype == x.dtype
    assert_matches(x / 2, np.arange(3) / 2)


@FAST
@given(shape=shapes, seed=seeds)
def test_negation(shape, seed):
    values = normal(seed, shape)
    x = leaf(values)
    assert_matches(-x, -values)
    check_gradients(operator.neg, x)
    assert np.array_equal(backward_grads(operator.neg, values)[0], -np.ones(shape))


@st.composite
def matmul_shapes(draw):
    """Operand shapes for @: 1-D on either side, or matrices with broadcast batch axes."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                                   max_side=2)).input_shapes
    a = (k,) if draw(st.booleans()) else batch[0] + (n, k)
    b = (k,) if draw(st.booleans()) else batch[1] + (k, m)
    return a, b


@FAST
@given(shapes=matmul_shapes(), seed=seeds)
def test_matmul(shapes, seed):
    a_values, b_values = normal(seed, shapes[0]), normal(seed + 1, shapes[1])
    a, b = leaf(a_values), leaf(b_values)
    assert_matches(a @ b, a_values @ b_values, rtol=1e-12, atol=1e-12)
    check_gradients(operator.matmul, a, b)


@pytest.mark.parametrize("a_shape, b_shape", [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((4, 2, 3), (3, 2)), ((2, 3), (4, 3, 1)),
    ((2, 1, 2, 3), (5, 3, 2)), ((3,), (4, 3, 2)), ((4, 2, 3), (3,)),
])
def test_matmul_gradient_values(a_shape, b_shape):
    """Against the closed form: dL/dA = G B^T and dL/dB = A^T G, summed over broadcast
    batch axes (here with G = 1, the gradient of a sum)."""
    a_values, b_values = normal(1, a_shape), normal(2, b_shape)
    ga, gb = backward_grads(operator.matmul, a_values, b_values)
    a2 = a_values[None] if len(a_shape) == 1 else a_values
    b2 = b_values[:, None] if len(b_shape) == 1 else b_values
    g = np.ones(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) +
                (a2.shape[-2], b2.shape[-1]))
    expected_a = sum_to_shape(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a_shape)
    expected_b = sum_to_shape(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b_shape)
    np.testing.assert_allclose(ga, expected_a, rtol=1e-12)
    np.testing.assert_allclose(gb, expected_b, rtol=1e-12)


def test_same_tensor_on_both_sides_accumulates():
    values = np.array([1.5, -2.0, 3.0])
    assert np.allclose(backward_grads(lambda x: x * x, values)[0], 2 * values)
    assert np.array_equal(backward_grads(lambda x: x - x, values)[0], np.zeros(3))
    assert np.array_equal(backward_grads(lambda x: x + x, values)[0], 2 * np.ones(3))
    np.testing.assert_allclose(backward_grads(lambda x: x / x, values)[0], np.zeros(3),
                               atol=1e-15)


def test_pow_gradients_at_known_points():
    x = leaf([2.0, 3.0])
    (x ** 3).sum().backward()
    assert np.array_equal(host(x.grad), [12.0, 27.0])
    base = leaf([2.0])
    exponent = leaf([3.0])
    (base ** exponent).sum().backward()
    assert np.allclose(host(base.grad), [12.0])
    assert np.allclose(host(exponent.grad), [8.0 * np.log(2.0)])
    y = leaf([1.0, 2.0])
    (2.0 ** y).sum().backward()
    np.testing.assert_allclose(host(y.grad), np.log(2.0) * np.array([2.0, 4.0]))


def test_gradient_broadcast_back_to_operand_shapes():
    """A (3, 1) operand against a (1, 4) one: each gradient is summed over the axis it was
    stretched along."""
    a, b = leaf(normal(0, (3, 1))), leaf(normal(1, (1, 4)))
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (1, 4)
    np.testing.assert_allclose(host(a.grad), np.broadcast_to(host(b).sum(), (3, 1)))
    np.testing.assert_allclose(host(b.grad), np.broadcast_to(host(a).sum(), (1, 4)))


def test_pow_gradients_at_zero_follow_pytorch():
    # d(x**0)/dx at x = 0 is 0, and d(0**y)/dy is 0 for y >= 0 (no 0 * inf = nan)
    import autograd as ag
    a = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        (a ** 0).sum().backward()
    assert host(a.grad).tolist() == [0.0, 0.0]
    y = ag.tensor(np.array([0.0, 2.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        (ag.tensor(np.array([0.0, 0.0])) ** y).sum().backward()
    assert host(y.grad).tolist() == [0.0, 0.0]
