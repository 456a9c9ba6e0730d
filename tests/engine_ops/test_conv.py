"""conv2d: first and second derivatives against central differences on shapes with stride,
padding, dilation, groups (depthwise too), odd sizes and non-square kernels; values,
gradients and a second derivative against PyTorch; dtypes; and the errors of bad arguments."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
from autograd import ops
from tests.helpers import host

from .support import leaf, normal, check_gradients, compare_with_torch, fragments

# (x shape, weight shape, stride, padding, dilation, groups)
CASES = {
    "plain": ((2, 3, 5, 5), (4, 3, 3, 3), 1, 0, 1, 1),
    "stride 2, padding 1, odd sizes": ((1, 2, 7, 6), (3, 2, 3, 3), 2, 1, 1, 1),
    "dilation 2": ((1, 2, 7, 7), (2, 2, 3, 3), 1, 1, 2, 1),
    "groups 2, non-square kernel": ((2, 4, 5, 4), (6, 2, 3, 2), 1, (1, 0), 1, 2),
    "depthwise": ((1, 3, 6, 5), (3, 1, 3, 3), 1, 1, 1, 3),
    "depthwise, two filters per channel": ((2, 2, 5, 5), (4, 1, 2, 2), 2, 0, 1, 2),
    "each argument a pair": ((1, 2, 6, 7), (2, 2, 2, 3), (2, 1), (1, 0), (1, 2), 1),
    "1x1 kernel": ((2, 3, 3, 4), (2, 3, 1, 1), 1, 0, 1, 1),
    "stride larger than the kernel": ((1, 1, 7, 7), (2, 1, 2, 2), 3, 0, 1, 1),
    "dilated windows whose taps never meet": ((1, 1, 8, 8), (2, 1, 2, 2), 2, 0, 3, 1),
    "kernel as large as the padded input": ((1, 2, 3, 3), (2, 2, 5, 5), 1, 1, 1, 1),
}


def conv(stride, padding, dilation, groups):
    return lambda x, w, b=None: ops.conv.conv2d(x, w, b, stride, padding, dilation, groups)


def torch_conv(stride, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    return lambda x, w, b=None: torch.nn.functional.conv2d(x, w, b, stride, padding, dilation,
                                                           groups)


def operands(x_shape, w_shape, seed=0):
    return normal(seed, x_shape), normal(seed + 1, w_shape), normal(seed + 2, w_shape[0])


@pytest.mark.parametrize("case", CASES)
def test_first_and_second_derivatives(case):
    x_shape, w_shape, *geometry = CASES[case]
    check_gradients(conv(*geometry), *map(leaf, operands(x_shape, w_shape)))


def test_derivatives_without_bias_at_batch_1():
    x, w, _ = operands((1, 2, 4, 5), (3, 2, 2, 2))
    check_gradients(conv(1, 1, 1, 1), leaf(x), leaf(w))


@pytest.mark.parametrize("case", CASES)
def test_values_and_gradients_match_pytorch(case):
    x_shape, w_shape, *geometry = CASES[case]
    compare_with_torch(conv(*geometry), torch_conv(*geometry), *operands(x_shape, w_shape))


@st.composite
def geometries(draw):
    """A convolution and an input it fits: 1-2 groups, kernels 1-3, strides and dilations
    1-2, padding 0-1, each per direction."""
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = (groups * draw(st.integers(1, 2)) for _ in range(2))
    kernel, stride, padding, dilation = (
        tuple(draw(st.integers(low, high)) for _ in range(2))
        for low, high in ((1, 3), (1, 2), (0, 1), (1, 2)))
    smallest = [max(1, d * (k - 1) + 1 - 2 * p) for k, p, d in zip(kernel, padding, dilation)]
    size = tuple(draw(st.integers(low, low + 3)) for low in smallest)
    x_shape = (draw(st.integers(1, 2)), in_channels) + size
    w_shape = (out_channels, in_channels // groups) + kernel
    return x_shape, w_shape, stride, padding, dilation, groups


@settings(max_examples=12, deadline=None)
@given(geometry=geometries(), seed=st.integers(0, 2**16))
def test_drawn_geometries_match_pytorch(geometry, seed):
    x_shape, w_shape, *args = geometry
    compare_with_torch(conv(*args), torch_conv(*args), *operands(x_shape, w_shape, seed))


@settings(max_examples=6, deadline=None)
@given(geometry=geometries(), seed=st.integers(0, 2**16))
def test_drawn_geometries_first_derivatives(geometry, seed):
    x_shape, w_shape, *args = geometry
    assert ag.gradcheck(conv(*args), tuple(map(leaf, operands(x_shape, w_shape, seed))))


def test_a_second_derivative_matches_pytorch():
    """The gradient penalty |d loss / d x|^2, differentiated with respect to the weight: the
    input gradient's node differentiated once more."""
    torch = pytest.importorskip("torch")
    x, w, b = operands((2, 2, 5, 5), (3, 2, 3, 3))
    geometry = (2, 1, 1, 1)

    def penalty_grad(framework_grad, fn, x, w, b):
        loss = (fn(x, w, b) ** 3).sum()
        gx, = framework_grad(loss, x)
        return framework_grad((gx * gx).sum(), w)[0]

    ours = penalty_grad(lambda y, v: ag.grad(y, v, create_graph=True), conv(*geometry),
                        leaf(x), leaf(w), leaf(b))
    theirs = penalty_grad(lambda y, v: torch.autograd.grad(y, v, create_graph=True),
                          torch_conv(*geometry), *(torch.tensor(a, requires_grad=True)
                                                   for a in (x, w, b)))
    np.testing.assert_allclose(host(ours), theirs.detach().numpy(), rtol=1e-10)


def test_float32_stays_float32():
    x, w, b = (leaf(a, dtype=np.float32) for a in operands((2, 3, 6, 6), (4, 3, 3, 3)))
    y = ops.conv.conv2d(x, w, b, padding=1)
    (y * 0.5).sum().backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32
    expected = ops.conv.conv2d(*(leaf(host(t)) for t in (x, w, b)), padding=1)
    np.testing.assert_allclose(host(y), host(expected), rtol=1e-5, atol=1e-5)


def test_one_node_and_no_gradient_for_inputs_that_need_none():
    x = leaf(normal(0, (1, 2, 4, 4)), requires_grad=False)
    w = leaf(normal(1, (3, 2, 3, 3)))
    y = ops.conv.conv2d(x, w)
    assert y.grad_fn.name == "Conv2d"
    y.sum().backward()
    assert x.grad is None and w.grad.shape == (3, 2, 3, 3)


def _conv2d_on(x_shape, w_shape, bias_shape=None, dtype=np.float64, **arguments):
    bias = None if bias_shape is None else leaf(np.ones(bias_shape))
    ops.conv.conv2d(leaf(np.ones(x_shape), False, dtype), leaf(np.ones(w_shape)), bias,
                    **arguments)


SMALL = dict(x_shape=(1, 1, 4, 4), w_shape=(1, 1, 3, 3))
BAD_ARGUMENTS = {
    "3-D input": (ValueError, fragments("expected input (N, C, H, W), got (3, 8, 8); add a "
                                        "batch axis with x[None]"),
                  dict(x_shape=(3, 8, 8), w_shape=(4, 3, 3, 3))),
    "3-D weight": (ValueError, fragments("weight (out_channels, in_channels/groups, kh, kw), "
                                         "got shape (4, 3, 3)"),
                   dict(x_shape=(1, 3, 8, 8), w_shape=(4, 3, 3))),
    "channels mismatch": (ValueError, fragments(
        "input of shape (1, 3, 8, 8) has 3 channels, but a weight of shape (4, 2, 3, 3) with "
        "groups=1 expects 2"), dict(x_shape=(1, 3, 8, 8), w_shape=(4, 2, 3, 3))),
    "input channels not divisible by groups": (ValueError, fragments(
        "groups=2", "channels (3, input (1, 3, 8, 8))", "divisible by 2"),
        dict(x_shape=(1, 3, 8, 8), w_shape=(4, 1, 3, 3), groups=2)),
    "output channels not divisible by groups": (ValueError, fragments(
        "groups=2", "output channels (3, weight (3, 2, 3, 3))", "divisible by 2"),
        dict(x_shape=(1, 4, 8, 8), w_shape=(3, 2, 3, 3), groups=2)),
    "kernel larger than the padded input": (ValueError, fragments(
        "kernel spans 3×3, more than the padded input 2×2 (input 2×2, padding (0, 0))",
        "use a smaller kernel"), dict(x_shape=(1, 1, 2, 2), w_shape=(1, 1, 3, 3))),
    "dilated kernel larger than the input": (ValueError, fragments(
        "kernel spans 5×5 (a 3×3 kernel, dilation (2, 2)), more than the padded input 4×4"),
        dict(SMALL, dilation=2)),
    "stride 0": (ValueError, fragments("stride must be >= 1"), dict(SMALL, stride=0)),
    "negative padding": (ValueError, fragments("padding must be >= 0"),
                         dict(SMALL, padding=(1, -1))),
    "dilation 0": (ValueError, fragments("dilation must be >= 1"), dict(SMALL, dilation=0)),
    "fractional stride": (TypeError, fragments("stride must be an int or a pair of ints, got "
                                               "1.5"), dict(SMALL, stride=1.5)),
    "three paddings": (TypeError, fragments("padding must be an int or a pair of ints, got "
                                            "(1, 1, 1)"), dict(SMALL, padding=(1, 1, 1))),
    "groups 0": (ValueError, fragments("groups must be >= 1, got 0"), dict(SMALL, groups=0)),
    "bias of the wrong shape": (ValueError, fragments(
        "bias of shape (2,) for a weight of shape (2, 1, 3, 3), got (3,)"),
        dict(x_shape=(1, 1, 4, 4), w_shape=(2, 1, 3, 3), bias_shape=(3,))),
    "integer input": (TypeError, fragments("floating-point input, got dtype int64; convert it "
                                           "with x.float()"), dict(SMALL, dtype=np.int64)),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_bad_arguments_are_explained(case):
    error, pattern, arguments = BAD_ARGUMENTS[case]
    with pytest.raises(error, match="^conv2d: .*" + pattern):
        _conv2d_on(**arguments)
