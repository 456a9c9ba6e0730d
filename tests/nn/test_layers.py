"""Layers: Linear, BatchNorm1d/2d, Dropout, Maxout, Flatten and Identity, against central
differences, closed forms and PyTorch."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host, f64

from .support import to_torch_layer, squared_sum_backward


# --- Linear -------------------------------------------------------------------------------
def test_linear_shapes_and_parameter_names():
    layer = nn.Linear(4, 3)
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer(ag.randn(5, 4)).shape == (5, 3)
    assert layer(ag.randn(2, 5, 4)).shape == (2, 5, 3)
    assert layer(ag.randn(4)).shape == (3,)
    no_bias = nn.Linear(4, 3, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    assert repr(layer) == "Linear(in_features=4, out_features=3, bias=True)"
    assert repr(no_bias) == "Linear(in_features=4, out_features=3, bias=False)"


def test_linear_computes_x_w_transpose_plus_b():
    layer = nn.Linear(3, 2)
    x = np.arange(6.0).reshape(2, 3)
    expected = x @ host(layer.weight).T + host(layer.bias)
    np.testing.assert_allclose(host(layer(ag.tensor(x, dtype=np.float32))), expected,
                               rtol=1e-6)


@pytest.mark.parametrize("x_shape", [(4, 3), (1, 3), (3,), (2, 1, 3)])
def test_linear_gradcheck(x_shape):
    ag.set_default_dtype(np.float64)
    layer = nn.Linear(3, 2)
    x = f64(*x_shape)
    assert ag.gradcheck(F.linear, (x, layer.weight, layer.bias))
    assert ag.gradcheck(lambda x, w: F.linear(x, w), (x, layer.weight))


@settings(max_examples=10, deadline=None)
@given(lead=st.lists(st.integers(1, 3), max_size=2), sizes=st.tuples(st.integers(1, 3),
                                                                     st.integers(1, 3)),
       bias=st.booleans())
def test_linear_gradcheck_on_random_shapes(lead, sizes, bias):
    ag.set_default_dtype(np.float64)
    layer = nn.Linear(*sizes, bias=bias)
    x = f64(*lead, sizes[0])
    params = tuple(layer.parameters())
    assert ag.gradcheck(lambda x, *p: F.linear(x, *p), (x,) + params)
    assert layer(x).shape == tuple(lead) + (sizes[1],)


def test_linear_default_init_is_pytorchs():
    """kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in)); bias U(+-1/sqrt(fan_in))."""
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = host(layer.weight), host(layer.bias)
    assert abs(w).max() <= bound and abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert abs(b).max() <= bound and b.std() == pytest.approx(bound / math.sqrt(3), rel=0.15)
    assert w.dtype == np.float32


def test_linear_default_init_statistics_match_pytorch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Linear(400, 300)
    ours = nn.Linear(400, 300)
    for name in ("weight", "bias"):
        a = host(getattr(ours, name))
        t = getattr(theirs, name).detach().numpy()
        assert a.std() == pytest.approx(t.std(), rel=0.1)
        assert abs(a).max() == pytest.approx(abs(t).max(), rel=0.02)


def test_linear_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Linear(5, 3)
    theirs = to_torch_layer(torch, ours, torch.nn.Linear(5, 3))
    values = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    x, y, tx, ty = squared_sum_backward(torch, ours, theirs, values)
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(host(ours.weight.grad), theirs.weight.grad.numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(host(ours.bias.grad), theirs.bias.grad.numpy(), rtol=1e-5)
    assert ours.weight.grad.dtype == np.float32


def test_linear_takes_any_init_function():
    he = nn.Linear(500, 400, init=nn.init.he_normal_)
    assert host(he.weight).std() == pytest.approx(math.sqrt(2 / 500), rel=0.03)
    assert (host(he.bias) == 0).all()
    constant = nn.Linear(3, 2, init=lambda w: nn.init.constant_(w, 0.5))
    assert (host(constant.weight) == 0.5).all()


def test_linear_rejects_wrong_input_and_sizes():
    with pytest.raises(ValueError, match=r"linear: an input of shape \(2, 5\).*size 4"):
        nn.Linear(4, 3)(ag.ones(2, 5))
    with pytest.raises(ValueError, match="in_features must be an integer"):
        nn.Linear(2.5, 3)


# --- BatchNorm ----------------------------------------------------------------------------
BN_CASES = [(nn.BatchNorm1d, (8, 3)), (nn.BatchNorm1d, (4, 3, 5)), (nn.BatchNorm2d, (4, 3, 2, 2))]


@pytest.mark.parametrize("cls,shape", BN_CASES)
def test_batchnorm_training_normalises_each_channel(cls, shape):
    bn = cls(3)
    x = ag.tensor(np.random.default_rng(1).normal(5.0, 3.0, shape).astype(np.float32))
    y = host(bn(x))
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(y.mean(axis=axes), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=axes), 1.0, rtol=1e-3)  # biased, up to eps


def test_batchnorm_buffers_and_state_dict():
    bn = nn.BatchNorm1d(3)
    assert host(bn.running_mean).tolist() == [0, 0, 0]
    assert host(bn.running_var).tolist() == [1, 1, 1]
    assert host(bn.weight).tolist() == [1, 1, 1] and host(bn.bias).tolist() == [0, 0, 0]
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert repr(bn) == ("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, "
                        "track_running_stats=True)")


def test_batchnorm_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3),
                                 torch.nn.ReLU(), torch.nn.Linear(3, 2))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_batchnorm_without_running_statistics_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.BatchNorm2d(3, affine=False, track_running_stats=False)
    theirs = torch.nn.BatchNorm2d(3, affine=False, track_running_stats=False)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    values = np.random.default_rng(4).normal(1.0, 2.0, (2, 3, 2, 2)).astype(np.float32)
    for mode in (True, False):  # batch statistics in both modes
        ours.train(mode)
        theirs.train(mode)
        np.testing.assert_allclose(host(ours(ag.tensor(values))),
                                   theirs(torch.tensor(values)).numpy(), rtol=1e-4, atol=1e-5)


def test_batchnorm_running_statistics_by_hand():
    bn = nn.BatchNorm1d(2, momentum=0.25)
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]], dtype=np.float32)
    bn(ag.tensor(x))
    np.testing.assert_allclose(host(bn.running_mean), 0.25 * x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(host(bn.running_var), 0.75 + 0.25 * x.var(axis=0, ddof=1),
                               rtol=1e-6)
    assert host(bn.num_batches_tracked).item() == 1
    bn.eval()
    y = host(bn(ag.tensor(x)))
    expected = (x - host(bn.running_mean)) / np.sqrt(host(bn.running_var) + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-5)
    assert host(bn.num_batches_tracked).item() == 1  # eval leaves the statistics alone


@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("cls,shape", BN_CASES)
def test_batchnorm_matches_pytorch_over_several_steps(cls, shape, momentum):
    torch = pytest.importorskip("torch")
    ours = cls(3, momentum=momentum)
    theirs = getattr(torch.nn, cls.__name__)(3, momentum=momentum)
    rng = np.random.default_rng(2)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
        theirs.bias.copy_(torch.tensor([0.0, -1.0, 1.0]))
    ours.weight.data[...] = ag.tensor([0.5, 1.0, 2.0]).data
    ours.bias.data[...] = ag.tensor([0.0, -1.0, 1.0]).data
    for _ in range(3):
        values = rng.normal(2.0, 3.0, shape).astype(np.float32)
        x, y, tx, ty = squared_sum_backward(torch, ours, theirs, values)
        np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-3, atol=1e-4)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(host(getattr(ours, name).grad),
                                   getattr(theirs, name).grad.numpy(), rtol=1e-4, atol=1e-4)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(host(getattr(ours, name)),
                                   getattr(theirs, name).numpy(), rtol=1e-5, atol=1e-6)
    assert host(ours.num_batches_tracked).item() == theirs.num_batches_tracked.item() == 3
    ours.eval()
    theirs.eval()
    values = rng.normal(0.0, 1.0, shape).astype(np.float32)
    np.testing.assert_allclose(host(ours(ag.tensor(values))),
                               theirs(torch.tensor(values)).detach().numpy(), rtol=1e-4,
                               atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("cls,shape", [(nn.BatchNorm1d, (4, 3)), (nn.BatchNorm1d, (2, 3, 2)),
                                       (nn.BatchNorm2d, (2, 3, 2, 1))])
def test_batchnorm_gradcheck(cls, shape, training):
    ag.set_default_dtype(np.float64)
    bn = cls(3).train(training)
    bn.running_mean.data[...] = ag.tensor([0.5, -1.0, 2.0]).data
    weight = ag.tensor([0.5, 1.0, 2.0], requires_grad=True)
    bias = ag.tensor([0.1, -0.2, 0.3], requires_grad=True)

    def fn(x, w, b):
        return F.batch_norm(x, bn.running_mean, bn.running_var, w, b, training=training)
    assert ag.gradcheck(fn, (f64(*shape), weight, bias))
    assert ag.gradgradcheck(fn, (f64(*shape, seed=1), weight, bias))


def test_batchnorm_rejects_wrong_inputs():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\): expected input of shape "
                                         r"\(N, C\) or \(N, C, L\) with C=3, got \(4, 5\)"):
        nn.BatchNorm1d(3)(ag.ones(4, 5))
    with pytest.raises(ValueError, match="BatchNorm2d"):
        nn.BatchNorm2d(3)(ag.ones(4, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(ag.ones(1, 3))
    nn.BatchNorm1d(3).eval()(ag.ones(1, 3))  # a batch of one is fine in eval mode


def test_batchnorm_makes_training_insensitive_to_input_scale():
    """the output does not depend on the scale or shift of the input."""
    bn = nn.BatchNorm1d(4)
    x = np.random.default_rng(3).standard_normal((16, 4))
    a = host(bn(ag.tensor(x)))
    b = host(bn(ag.tensor(1000 * x + 7)))
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


# --- Dropout ------------------------------------------------------------------------------
def test_dropout_is_identity_in_eval_and_for_p_zero():
    x = ag.randn(10, 10)
    drop = nn.Dropout(0.5).eval()
    assert (host(drop(x)) == host(x)).all()
    assert (host(nn.Dropout(0.0)(x)) == host(x)).all()
    assert repr(drop) == "Dropout(p=0.5)"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_drops_p_and_scales_survivors(p):
    x = ag.ones(200, 500)
    y = host(nn.Dropout(p)(x))
    dropped = (y == 0).mean()
    assert dropped == pytest.approx(p, abs=0.01)
    np.testing.assert_allclose(y[y != 0], 1 / (1 - p), rtol=1e-6)
    assert y.mean() == pytest.approx(1.0, abs=0.03)  # inverted dropout keeps the mean
    assert y.dtype == np.float32


def test_dropout_gradient_is_the_mask():
    x = ag.tensor(np.full((50, 40), 2.0), requires_grad=True)
    y = F.dropout(x, 0.3)
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), host(y) / 2.0)


def test_dropout_is_reproducible_with_seed():
    nn.manual_seed(7)
    a = host(nn.Dropout(0.5)(ag.ones(30)))
    nn.manual_seed(7)
    b = host(nn.Dropout(0.5)(ag.ones(30)))
    assert (a == b).all() and not (a == host(nn.Dropout(0.5)(ag.ones(30)))).all()


def test_dropout_p_one_and_bad_p():
    assert (host(F.dropout(ag.ones(5), 1.0)) == 0).all()
    with pytest.raises(ValueError, match=r"Dropout: probability p must be in \[0, 1\]"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="dropout: probability"):
        F.dropout(ag.ones(3), -0.1)


# --- Maxout -------------------------------------------------------------------------------
def test_maxout_takes_the_max_of_its_pieces():
    layer = nn.Maxout(4, 3, pieces=2)
    assert [n for n, _ in layer.named_parameters()] == ["linear.weight", "linear.bias"]
    assert layer.linear.weight.shape == (6, 4)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    z = x @ host(layer.linear.weight).T + host(layer.linear.bias)
    expected = z.reshape(5, 3, 2).max(axis=-1)
    np.testing.assert_allclose(host(layer(ag.tensor(x))), expected, rtol=1e-5, atol=1e-6)


def test_maxout_gradient_reaches_only_the_winning_pieces():
    ag.set_default_dtype(np.float64)
    layer = nn.Maxout(3, 2, pieces=3)
    x = f64(4, 3)
    assert ag.gradcheck(lambda x: layer(x), (x,))
    layer(ag.tensor(np.ones((1, 3)))).sum().backward()
    row_used = (host(layer.linear.bias.grad) != 0).reshape(2, 3)
    assert row_used.sum(axis=1).tolist() == [1, 1]


# --- Flatten and Identity -----------------------------------------------------------------
def test_flatten_and_identity():
    x = ag.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0)(x).shape == (120,)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Identity(54, unused=True)(x) is x
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten(3, 1)(x)
