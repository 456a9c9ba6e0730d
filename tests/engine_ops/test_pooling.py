"""max_pool2d, avg_pool2d and adaptive_avg_pool2d: first and second derivatives against
central differences (overlapping windows, padding, odd sizes, non-square kernels); values
and gradients against PyTorch, max pooling's tie rule included; dtypes; and the errors of bad
arguments."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
from autograd import ops
from tests.helpers import host

from .support import leaf, normal, distinct, check_gradients, compare_with_torch, fragments

# (input shape, kernel_size, stride, padding)
WINDOWS = {
    "2x2 blocks": ((2, 3, 4, 6), 2, None, 0),
    "overlapping, padded": ((1, 2, 5, 5), 3, 1, 1),
    "stride 2 over 3x3, odd sizes": ((2, 1, 7, 5), 3, 2, 1),
    "non-square": ((1, 2, 5, 7), (2, 3), (1, 2), (1, 1)),
    "remainder dropped": ((1, 1, 5, 5), 2, None, 0),
    "stride larger than the kernel": ((1, 2, 7, 6), 2, 3, 0),
}
ADAPTIVE = {
    "global": ((2, 3, 5, 4), 1),
    "divides evenly": ((1, 2, 6, 4), (3, 2)),
    "uneven windows": ((2, 1, 7, 5), (3, 4)),
    "None keeps a size": ((1, 2, 5, 3), (None, 2)),
    "larger than the input": ((1, 1, 3, 2), (5, 4)),
}


def torch_functional():
    return pytest.importorskip("torch").nn.functional


def pooling(name, *arguments):
    return lambda x: getattr(ops.pooling, name)(x, *arguments)


def torch_pooling(name, *arguments):
    return lambda x: getattr(torch_functional(), name)(x, *arguments)


@pytest.mark.parametrize("case", WINDOWS)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
def test_first_and_second_derivatives(name, case):
    shape, *arguments = WINDOWS[case]
    # values at least 0.1 apart: central differences never cross a tie of max pooling
    check_gradients(pooling(name, *arguments), leaf(distinct(0, shape)))


@pytest.mark.parametrize("case", ADAPTIVE)
def test_adaptive_first_and_second_derivatives(case):
    shape, output_size = ADAPTIVE[case]
    check_gradients(pooling("adaptive_avg_pool2d", output_size), leaf(normal(0, shape)))


@pytest.mark.parametrize("case", WINDOWS)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
def test_values_and_gradients_match_pytorch(name, case):
    shape, *arguments = WINDOWS[case]
    compare_with_torch(pooling(name, *arguments), torch_pooling(name, *arguments),
                       normal(1, shape))


@pytest.mark.parametrize("case", ADAPTIVE)
def test_adaptive_values_and_gradients_match_pytorch(case):
    shape, output_size = ADAPTIVE[case]
    compare_with_torch(pooling("adaptive_avg_pool2d", output_size),
                       torch_pooling("adaptive_avg_pool2d", output_size), normal(1, shape))


@settings(max_examples=15, deadline=None)
@given(kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), data=st.data(),
       seed=st.integers(0, 2**16))
def test_drawn_windows_match_pytorch(kernel, stride, data, seed):
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    size = tuple(data.draw(st.integers(max(1, k - 2 * p), 6)) for k, p in zip(kernel, padding))
    for name in ("max_pool2d", "avg_pool2d"):
        compare_with_torch(pooling(name, kernel, stride, padding),
                           torch_pooling(name, kernel, stride, padding),
                           normal(seed, (1, 2) + size))


@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 0), (3, 1, 1), (3, 2, 1),
                                                     ((2, 3), 1, 0)])
def test_max_pool_ties_go_to_the_first_maximum_as_in_pytorch(kernel, stride, padding):
    """Small integers tie everywhere; the gradient goes to the first maximum of each window
    in row-major order, as PyTorch's, overlapping windows included."""
    values = np.random.default_rng(3).integers(0, 3, (2, 2, 6, 7)).astype(np.float64)
    compare_with_torch(pooling("max_pool2d", kernel, stride, padding),
                       torch_pooling("max_pool2d", kernel, stride, padding), values)


def test_max_pool_tie_rule_by_hand():
    x = leaf([[[[1.0, 1.0], [1.0, 1.0]]]])
    ops.pooling.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[[[1.0, 0.0], [0.0, 0.0]]]])


def test_max_pool_of_a_window_holding_nan_is_nan_and_routes_to_the_first_nan():
    values = np.zeros((1, 1, 2, 4))
    values[0, 0, 0, 3] = values[0, 0, 1, 2] = np.nan
    values[0, 0, 1, 0] = 5.0
    x = leaf(values)
    y = ops.pooling.max_pool2d(x, 2)
    np.testing.assert_array_equal(host(y), [[[[5.0, np.nan]]]])
    y.sum().backward()
    expected = np.zeros((1, 1, 2, 4))
    expected[0, 0, 1, 0] = expected[0, 0, 0, 3] = 1.0
    np.testing.assert_array_equal(host(x.grad), expected)


def test_max_pool_gradient_stays_connected_to_the_input_with_derivative_zero():
    """As `max`'s: differentiating the gradient with respect to x gives zeros (the maxima's
    places are piecewise constant), not "not used in the graph"."""
    x = leaf(distinct(0, (1, 1, 4, 4)))
    gx, = ag.grad((ops.pooling.max_pool2d(x, 2) ** 2).sum(), x, create_graph=True)
    ggx, = ag.grad(gx.sum(), x)
    np.testing.assert_allclose(host(ggx), 2 * (host(gx) != 0))


@pytest.mark.parametrize("name, arguments", [("max_pool2d", (3, 2, 1)),
                                             ("avg_pool2d", (3, 2, 1)),
                                             ("adaptive_avg_pool2d", ((2, 3),))])
def test_float32_stays_float32(name, arguments):
    x = leaf(normal(0, (2, 3, 7, 6)), dtype=np.float32)
    y = pooling(name, *arguments)(x)
    (y * 0.5).sum().backward()
    assert y.dtype == x.grad.dtype == np.float32
    np.testing.assert_allclose(host(y), host(pooling(name, *arguments)(leaf(host(x)))),
                               rtol=1e-6, atol=1e-6)


def test_each_pooling_is_one_node():
    x = leaf(normal(0, (1, 1, 4, 4)))
    assert [pooling(name, *arguments)(x).grad_fn.name for name, arguments in (
        ("max_pool2d", (2,)), ("avg_pool2d", (2,)), ("adaptive_avg_pool2d", (1,)))] == [
        "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


def test_backward_frees_the_max_pool_indices():
    x = leaf(normal(0, (1, 2, 4, 4)))
    y = ops.pooling.max_pool2d(x, 2)
    node = y.grad_fn
    assert node.indices is not None
    y.sum().backward()
    assert node.released and node.indices is None


BAD_ARGUMENTS = {
    "3-D input": (ValueError, fragments("expected input (N, C, H, W), got (1, 4, 4); add a "
                                        "batch axis"), (1, 4, 4), (2,)),
    "kernel 0": (ValueError, fragments("kernel_size must be >= 1"), (1, 1, 4, 4), (0,)),
    "stride 0": (ValueError, fragments("stride must be >= 1"), (1, 1, 4, 4), (2, 0)),
    "negative padding": (ValueError, fragments("padding must be >= 0"), (1, 1, 4, 4),
                         (3, 1, -1)),
    "padding over half the kernel": (ValueError, fragments(
        "padding (2, 2) is more than half the kernel size (3, 3)"), (1, 1, 4, 4), (3, 1, 2)),
    "kernel larger than the input": (ValueError, fragments(
        "the kernel spans 3×3, more than the padded input 2×2"), (1, 1, 2, 2), (3,)),
    "fractional kernel": (TypeError, fragments("kernel_size must be an int or a pair of ints, "
                                               "got 2.5"), (1, 1, 4, 4), (2.5,)),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
def test_bad_arguments_are_explained(name, case):
    error, pattern, shape, arguments = BAD_ARGUMENTS[case]
    with pytest.raises(error, match=f"^{name}: .*" + pattern):
        pooling(name, *arguments)(leaf(np.ones(shape)))


@pytest.mark.parametrize("error, pattern, shape, dtype, output_size", [
    (ValueError, fragments("expected input (N, C, H, W), got (4, 4)"), (4, 4), np.float64, 2),
    (ValueError, fragments("output_size must be >= 1", "got (2, 0)"), (1, 1, 4, 4), np.float64,
     (2, 0)),
    (ValueError, fragments("output_size must be >= 1, got 0"), (1, 1, 4, 4), np.float64,
     (None, 0)),
    (TypeError, fragments("output_size must be an int or a pair of ints, got '2'"),
     (1, 1, 4, 4), np.float64, "2"),
    (TypeError, fragments("floating-point input, got dtype int64"), (1, 1, 4, 4), np.int64, 2),
])
def test_adaptive_bad_arguments_are_explained(error, pattern, shape, dtype, output_size):
    with pytest.raises(error, match="^adaptive_avg_pool2d: .*" + pattern):
        ops.pooling.adaptive_avg_pool2d(ag.tensor(np.ones(shape, dtype=dtype)), output_size)
