"""Convolutional layers: Conv2d, MaxPool2d, AvgPool2d and AdaptiveAvgPool2d against PyTorch
(values, gradients, default initialisation, reprs, state_dicts of a whole CNN), their labels
in graph pictures, and the errors of bad arguments and inputs, which name the layer."""
import math
import re

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import host

from .support import to_torch_layer, squared_sum_backward

CONVS = [  # (in, out, kernel_size, keyword arguments)
    (3, 4, 3, {}),
    (2, 3, (3, 2), dict(stride=2, padding=1)),
    (4, 6, 3, dict(padding=(1, 0), dilation=2, groups=2)),
    (3, 3, 3, dict(padding=1, groups=3, bias=False)),
]


@pytest.mark.parametrize("in_channels, out_channels, kernel_size, arguments", CONVS)
def test_conv2d_matches_pytorch(in_channels, out_channels, kernel_size, arguments):
    torch = pytest.importorskip("torch")
    ag.set_default_dtype(np.float64)
    ours = nn.Conv2d(in_channels, out_channels, kernel_size, **arguments)
    theirs = to_torch_layer(torch, ours, torch.nn.Conv2d(in_channels, out_channels,
                                                         kernel_size, **arguments).double())
    values = np.random.default_rng(0).standard_normal((2, in_channels, 7, 6))
    x, y, tx, ty = squared_sum_backward(torch, ours, theirs, values)
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(host(getattr(ours, name).grad), p.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)
    assert repr(ours) == repr(theirs)


POOLS = [("MaxPool2d", (2,)), ("MaxPool2d", (3, 2, 1)), ("AvgPool2d", (2,)),
         ("AvgPool2d", ((3, 2), 1, (1, 0))), ("AdaptiveAvgPool2d", (1,)),
         ("AdaptiveAvgPool2d", ((3, None),))]


@pytest.mark.parametrize("name, arguments", POOLS)
def test_pooling_layers_match_pytorch(name, arguments):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*arguments), getattr(torch.nn, name)(*arguments)
    values = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    x, y, tx, ty = squared_sum_backward(torch, ours, theirs, values)
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_conv2d_parameters_and_arguments_as_pytorch_keeps_them():
    layer = nn.Conv2d(4, 8, 3, stride=2, groups=2)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [
        ("weight", (8, 2, 3, 3)), ("bias", (8,))]
    assert (layer.kernel_size, layer.stride, layer.padding, layer.dilation) == (
        (3, 3), (2, 2), (0, 0), (1, 1))
    assert layer.weight.dtype == np.float32
    assert layer(ag.randn(2, 4, 9, 9)).shape == (2, 8, 4, 4)
    assert nn.Conv2d(1, 2, 3, bias=False).bias is None
    assert repr(nn.Conv2d(1, 16, 3, padding=1)) == (
        "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))")


def test_pooling_layers_keep_their_arguments_as_given():
    assert (repr(nn.MaxPool2d(2)), repr(nn.AvgPool2d(3, 1, 1)),
            repr(nn.AdaptiveAvgPool2d((2, None)))) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0)",
        "AvgPool2d(kernel_size=3, stride=1, padding=1)",
        "AdaptiveAvgPool2d(output_size=(2, None))")


@pytest.mark.parametrize("name, arguments", [("AvgPool2d", (2,)), ("AvgPool2d", (3, 2, 1)),
                                             ("AdaptiveAvgPool2d", (1,)),
                                             ("AdaptiveAvgPool2d", ((2, None),))])
def test_pooling_reprs_are_pytorchs(name, arguments):
    torch = pytest.importorskip("torch")
    assert repr(getattr(nn, name)(*arguments)) == repr(getattr(torch.nn, name)(*arguments))


def test_conv2d_default_init_is_pytorchs():
    """kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in)), fan_in = in/groups * kh * kw; the
    bias from the same range."""
    layer = nn.Conv2d(32, 64, (3, 5), groups=2)
    bound = 1 / math.sqrt(16 * 3 * 5)
    w, b = host(layer.weight), host(layer.bias)
    assert bound * 0.99 < abs(w).max() <= bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert abs(b).max() <= bound


def test_conv2d_default_init_statistics_match_pytorch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs, ours = torch.nn.Conv2d(16, 256, 3), nn.Conv2d(16, 256, 3)
    for name in ("weight", "bias"):
        a, t = host(getattr(ours, name)), getattr(theirs, name).detach().numpy()
        assert a.std() == pytest.approx(t.std(), rel=0.15)
        assert abs(a).max() == pytest.approx(abs(t).max(), rel=0.05)


@pytest.mark.parametrize("shape", [(16, 1, 3, 3), (32, 16, 5, 3), (8, 4), (6, 2, 3, 3, 3),
                                   (4, 1, 1, 1)])
def test_fans_are_pytorchs(shape):
    torch = pytest.importorskip("torch")
    ours = nn.init._calculate_fan_in_and_fan_out(ag.zeros(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


class TwinCNN:
    """The same small CNN built from either library's layers (they spell them alike)."""

    @staticmethod
    def build(library):
        return library.Sequential(
            library.Conv2d(1, 4, 3, padding=1), library.BatchNorm2d(4), library.ReLU(),
            library.MaxPool2d(2), library.Conv2d(4, 6, 3, stride=1, padding=1, groups=2),
            library.ReLU(), library.AvgPool2d(2), library.Conv2d(6, 6, 3, padding=1, groups=6),
            library.AdaptiveAvgPool2d((2, 2)), library.Flatten(), library.Linear(24, 3))


def test_a_pytorch_cnn_state_dict_loads_unchanged_and_computes_the_same():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = TwinCNN.build(torch.nn).double()
    x = np.random.default_rng(2).standard_normal((4, 1, 12, 10))
    with torch.no_grad():
        theirs(torch.tensor(x))   # running statistics that are not the initial ones
    ag.set_default_dtype(np.float64)
    ours = TwinCNN.build(nn)
    state = {name: value.numpy() for name, value in theirs.state_dict().items()}
    ours.load_state_dict(state)
    assert list(ours.state_dict()) == list(state)
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        y = ours(ag.tensor(x))
        with torch.no_grad():
            expected = theirs(torch.tensor(x)).numpy()
        np.testing.assert_allclose(host(y), expected, rtol=1e-10, atol=1e-12)


def test_graph_pictures_label_the_layers_clusters():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 4, 3, stride=2, groups=4), nn.AvgPool2d(3, 1),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten())
    loss = model(ag.randn(2, 1, 20, 20)).sum()
    loss.backward()
    dot = ag.viz.to_dot(loss, params=model)
    for label in ("0: Conv2d(1→4, 3×3)", "2: MaxPool2d(2)",
                  "3: Conv2d(4→4, 3×3, stride 2×2, groups 4)", "4: AvgPool2d(3, stride 1)",
                  "5: AdaptiveAvgPool2d(1)"):
        assert f'label="{label}"' in dot


def test_layers_keep_float32():
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.MaxPool2d(2), nn.AvgPool2d(1),
                          nn.AdaptiveAvgPool2d(2))
    x = ag.randn(1, 2, 8, 8, requires_grad=True)
    y = model(x)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == model[0].weight.grad.dtype == np.float32


@pytest.mark.parametrize("layer, shape, pattern", [
    (nn.Conv2d(3, 16, 3), (3, 32, 32),
     "Conv2d(3→16, 3×3): expected input (N, 3, H, W), got (3, 32, 32); add a batch axis with "
     "x[None] or x.reshape(1, *x.shape)"),
    (nn.Conv2d(3, 16, 3), (2, 4, 32, 32),
     "Conv2d(3→16, 3×3): expected input (N, 3, H, W), got (2, 4, 32, 32)"),
    (nn.MaxPool2d(2), (28, 28), "MaxPool2d(2): expected input (N, C, H, W), got (28, 28)"),
    (nn.AvgPool2d(2), (1, 28, 28), "AvgPool2d(2): expected input (N, C, H, W), got "
                                   "(1, 28, 28); add a batch axis"),
    (nn.AdaptiveAvgPool2d(1), (5,), "AdaptiveAvgPool2d(1): expected input (N, C, H, W)"),
])
def test_wrong_inputs_are_explained_by_the_layer(layer, shape, pattern):
    with pytest.raises(ValueError, match="^" + re.escape(pattern)):
        layer(ag.zeros(*shape))


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: nn.Conv2d(0, 4, 3), ValueError, "Conv2d: in_channels must be an integer >= 1"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError,
     "Conv2d: in_channels (3) and out_channels (4) must both be divisible by groups (2)"),
    (lambda: nn.Conv2d(2, 4, 0), ValueError, "Conv2d: kernel_size must be >= 1"),
    (lambda: nn.Conv2d(2, 4, (3, 3, 3)), TypeError,
     "Conv2d: kernel_size must be an int or a pair of ints"),
    (lambda: nn.Conv2d(2, 4, 3, stride=0), ValueError, "Conv2d: stride must be >= 1"),
    (lambda: nn.Conv2d(2, 4, 3, padding=-1), ValueError, "Conv2d: padding must be >= 0"),
    (lambda: nn.Conv2d(2, 4, 3, dilation=0), ValueError, "Conv2d: dilation must be >= 1"),
    (lambda: nn.MaxPool2d(0), ValueError, "MaxPool2d: kernel_size must be >= 1"),
    (lambda: nn.MaxPool2d(2, padding=2), ValueError,
     "MaxPool2d: padding (2, 2) is more than half the kernel size (2, 2)"),
    (lambda: nn.AvgPool2d(2, stride=0), ValueError, "AvgPool2d: stride must be >= 1"),
    (lambda: nn.AdaptiveAvgPool2d(0), ValueError, "AdaptiveAvgPool2d: output_size must be >= 1"),
    (lambda: nn.AdaptiveAvgPool2d((2, 2, 2)), TypeError,
     "AdaptiveAvgPool2d: output_size must be an int or a pair of ints"),
])
def test_bad_constructor_arguments_are_explained(make, error, pattern):
    with pytest.raises(error, match="^" + re.escape(pattern)):
        make()


def test_a_kernel_too_large_for_the_input_is_explained():
    with pytest.raises(ValueError, match=re.escape("the kernel spans 5×5, more than the padded "
                                                   "input 4×4")):
        nn.Conv2d(1, 1, 5)(ag.zeros(1, 1, 4, 4))
