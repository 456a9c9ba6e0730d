"""Activations: gradients against central differences, the closed-form derivative claims,
agreement with PyTorch, stability at +-1000, and dtype preservation."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host

# name -> (our function, PyTorch's as a function of torch and its tensor)
ACTIVATIONS = {
    "sigmoid": (F.sigmoid, lambda torch, x: torch.sigmoid(x)),
    "tanh": (F.tanh, lambda torch, x: torch.tanh(x)),
    "relu": (F.relu, lambda torch, x: torch.relu(x)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1),
                   lambda torch, x: torch.nn.functional.leaky_relu(x, 0.1)),
    "elu": (lambda x: F.elu(x, 1.5), lambda torch, x: torch.nn.functional.elu(x, 1.5)),
    "gelu": (F.gelu, lambda torch, x: torch.nn.functional.gelu(x)),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda torch, x: torch.nn.functional.gelu(x, approximate="tanh")),
    "silu": (F.silu, lambda torch, x: torch.nn.functional.silu(x)),
    "softplus": (F.softplus, lambda torch, x: torch.nn.functional.softplus(x)),
    "softplus_beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0),
                      lambda torch, x: torch.nn.functional.softplus(x, beta=2.0, threshold=3.0)),
    "softmax": (lambda x: F.softmax(x, axis=-1), lambda torch, x: torch.softmax(x, dim=-1)),
    "log_softmax": (lambda x: F.log_softmax(x, axis=-1),
                    lambda torch, x: torch.log_softmax(x, dim=-1)),
}
SMOOTH = ["sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "softplus", "softmax", "log_softmax"]


def away_from_kinks(shape, seed):
    """float64 values with |x| in [0.1, 2.1], so no central difference straddles a kink at 0."""
    rng = np.random.default_rng(seed)
    magnitude = rng.uniform(0.1, 2.1, shape)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude)


def grad_of(fn, values, dtype=np.float64):
    """fn(x) and d sum(fn(x) * weights) / dx at `values`, on the test device, as numpy."""
    x = ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)
    y = fn(x)
    weights = np.linspace(0.5, 1.5, y.size).reshape(y.shape).astype(dtype)
    (y * ag.tensor(weights)).sum().backward()
    return host(y), host(x.grad), weights


@settings(max_examples=12, deadline=None)
@given(shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
       name=st.sampled_from(sorted(ACTIVATIONS)), seed=st.integers(0, 1000))
def test_gradcheck_on_broadcast_and_size_one_shapes(shape, name, seed):
    fn = ACTIVATIONS[name][0]
    x = ag.tensor(away_from_kinks(shape, seed), requires_grad=True)
    assert ag.gradcheck(fn, (x,))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_gradcheck_batch_of_one(name):
    x = ag.tensor(away_from_kinks((1, 4), 3), requires_grad=True)
    assert ag.gradcheck(ACTIVATIONS[name][0], (x,))


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "softplus", "elu"])
def test_second_derivatives(name):
    x = ag.tensor(away_from_kinks((2, 3), 5), requires_grad=True)
    assert ag.gradgradcheck(ACTIVATIONS[name][0], (x,))


def test_prelu_gradcheck_for_input_and_slopes():
    x = ag.tensor(away_from_kinks((2, 3, 2), 1), requires_grad=True)
    per_channel = ag.tensor(np.array([0.1, 0.25, -0.3]), requires_grad=True)
    shared = ag.tensor(np.array([0.2]), requires_grad=True)
    assert ag.gradcheck(F.prelu, (x, per_channel))
    assert ag.gradcheck(F.prelu, (x, shared))


# --- closed-form derivatives ----------------------------------
GRID = np.concatenate([[0.0], np.linspace(-20, 20, 4001)])


def test_sigmoid_derivative_peaks_at_one_quarter_at_zero():
    x = ag.tensor(GRID, requires_grad=True)
    y = F.sigmoid(x)
    g = host(ag.grad(y.sum(), x)[0])
    y = host(y)
    assert g[0] == 0.25
    assert g.max() == 0.25 and GRID[np.argmax(g)] == 0.0
    np.testing.assert_allclose(g, y * (1 - y), rtol=1e-12, atol=1e-300)
    assert g[np.abs(GRID) >= 20].max() < 1e-8  # vanishes in both tails


def test_tanh_derivative_peaks_at_one_at_zero_and_is_zero_centred():
    x = ag.tensor(GRID, requires_grad=True)
    y = F.tanh(x)
    g = host(ag.grad(y.sum(), x)[0])
    assert g[0] == 1.0 and g.max() == 1.0
    np.testing.assert_allclose(g, 1 - host(y) ** 2, atol=1e-15)
    assert g[np.abs(GRID) >= 20].max() < 1e-15
    assert host(y)[0] == 0.0 and host(F.sigmoid(ag.tensor([0.0])))[0] == 0.5


def test_relu_derivative_is_step_with_zero_at_zero():
    x = ag.tensor(np.array([-3.0, -1e-8, 0.0, 1e-8, 5.0]), requires_grad=True)
    F.relu(x).sum().backward()
    assert host(x.grad).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


@pytest.mark.parametrize("slope", [0.01, 0.001, 0.2])
def test_leaky_relu_keeps_slope_below_zero(slope):
    x = ag.tensor(np.array([-50.0, -1.0, 0.0, 2.0]), requires_grad=True)
    y = nn.LeakyReLU(slope)(x)
    y.sum().backward()
    np.testing.assert_allclose(host(y), [-50 * slope, -slope, 0.0, 2.0])
    np.testing.assert_allclose(host(x.grad), [slope, slope, slope, 1.0])


def test_prelu_keeps_its_slope_and_learns_it():
    act = nn.PReLU()
    assert host(act.weight).tolist() == [0.25]
    x = ag.tensor(np.array([-2.0, -1.0, 3.0]), requires_grad=True)
    act(x).sum().backward()
    np.testing.assert_allclose(host(x.grad), [0.25, 0.25, 1.0])
    np.testing.assert_allclose(host(act.weight.grad), [-3.0])  # sum of the negative inputs
    act.weight.data -= 0.1 * act.weight.grad.data
    assert host(act.weight)[0] == pytest.approx(0.55)


def test_prelu_per_channel_slopes():
    act = nn.PReLU(num_parameters=3, init=0.1)
    x = ag.tensor(-np.ones((2, 3, 4)), requires_grad=True)
    act(x).sum().backward()
    np.testing.assert_allclose(host(act.weight.grad), [-8.0, -8.0, -8.0])
    with pytest.raises(ValueError, match="prelu: 3 slopes"):
        act(ag.ones(2, 4))


def test_step_has_zero_gradient_everywhere():
    x = ag.tensor(np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0]), requires_grad=True)
    y = nn.Step()(x)
    assert host(y).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    (y * 10).sum().backward()
    assert x.grad is not None and host(x.grad).tolist() == [0.0] * 5


def test_elu_is_smooth_at_zero_with_alpha_one_and_bounded_below():
    x = ag.tensor(np.array([-1000.0, -1e-3, 0.0, 1e-3]), requires_grad=True)
    y = F.elu(x)
    y.sum().backward()
    assert host(y)[0] == -1.0
    np.testing.assert_allclose(host(x.grad), [0.0, math.exp(-1e-3), 1.0, 1.0])


def test_linear_activations_collapse_to_one_linear_map():
    """h(h(h(x))) with h(x) = c x is c^3 x, still linear."""
    c = 1.7
    x = ag.tensor(np.linspace(-2, 2, 5), requires_grad=True)
    y = c * (c * (c * x))
    y.sum().backward()
    np.testing.assert_allclose(host(y), c ** 3 * host(x))
    np.testing.assert_allclose(host(x.grad), np.full(5, c ** 3))


def test_softmax_is_a_distribution_that_keeps_order():
    scores = np.array([[2.0, -1.0, 0.5, 3.0], [0.0, 0.0, 0.0, 0.0]])
    p = host(nn.Softmax(axis=1)(ag.tensor(scores)))
    np.testing.assert_allclose(p.sum(axis=1), [1.0, 1.0], rtol=1e-6)
    assert (p > 0).all()
    assert (np.argsort(p[0]) == np.argsort(scores[0])).all()
    np.testing.assert_allclose(host(nn.LogSoftmax(dim=1)(ag.tensor(scores))), np.log(p),
                               rtol=1e-5)


# --- PyTorch ------------------------------------------------------------------------------
TORCH_GRID = np.concatenate([[0.0, -0.0], np.linspace(-8, 8, 161), [-30.0, 30.0]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_matches_pytorch_values_and_gradients(name, dtype):
    torch = pytest.importorskip("torch")
    ours, theirs = ACTIVATIONS[name]
    values = TORCH_GRID.reshape(-1, 1) * np.array([1.0, 0.5, -0.25])
    y, g, weights = grad_of(ours, values, dtype)
    tx = torch.tensor(values.astype(dtype), requires_grad=True)
    ty = theirs(torch, tx)
    (ty * torch.tensor(weights)).sum().backward()
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(y, ty.detach().numpy(), **tol)
    np.testing.assert_allclose(g, tx.grad.numpy(), **tol)
    assert y.dtype == dtype and g.dtype == dtype


def test_step_matches_pytorch_heaviside():
    torch = pytest.importorskip("torch")
    y = host(F.step(ag.tensor(TORCH_GRID)))
    grid = torch.tensor(TORCH_GRID)
    expected = torch.heaviside(grid, torch.zeros((), dtype=grid.dtype)).numpy()
    np.testing.assert_array_equal(y, expected)


def test_prelu_matches_pytorch():
    torch = pytest.importorskip("torch")
    values = np.random.default_rng(0).standard_normal((4, 3, 5))
    ours = nn.PReLU(3, init=0.2)
    x = ag.tensor(values, requires_grad=True)
    y = ours(x)
    y.sum().backward()
    theirs = torch.nn.PReLU(3, init=0.2).double()
    tx = torch.tensor(values, requires_grad=True)
    ty = theirs(tx)
    ty.sum().backward()
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(host(ours.weight.grad), theirs.weight.grad.numpy(), rtol=1e-5)


# --- numerics and dtypes ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_finite_values_and_gradients_at_plus_minus_1000(name):
    fn = ACTIVATIONS[name][0]
    x = ag.tensor(np.array([[-1000.0, 1000.0, 0.5]], dtype=np.float32), requires_grad=True)
    y = fn(x)
    y.sum().backward()
    assert np.isfinite(host(y)).all() and np.isfinite(host(x.grad)).all()


def test_softplus_tails_are_exact():
    x = ag.tensor(np.array([-1000.0, -50.0, 50.0, 1000.0]), requires_grad=True)
    y = F.softplus(x)
    y.sum().backward()
    np.testing.assert_allclose(host(y), [0.0, math.exp(-50), 50.0, 1000.0], rtol=1e-15)
    np.testing.assert_allclose(host(x.grad), [0.0, math.exp(-50), 1.0, 1.0], rtol=1e-12)


@pytest.mark.parametrize("module", [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU(),
                                    nn.PReLU(), nn.ELU(), nn.GELU(), nn.GELU("tanh"),
                                    nn.SiLU(), nn.Softplus(), nn.Softmax(), nn.LogSoftmax(),
                                    nn.Step()], ids=lambda m: repr(m))
def test_modules_keep_float32(module):
    x = ag.tensor(np.linspace(-3, 3, 12).reshape(3, 4).astype(np.float32), requires_grad=True)
    y = module(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_bad_arguments_name_the_function():
    with pytest.raises(ValueError, match="gelu: approximate"):
        F.gelu(ag.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="GELU: approximate"):
        nn.GELU("fast")
