"""nn.optim against torch.optim, step for step, when PyTorch is installed."""
import inspect

import numpy as np
import pytest

import autograd as ag
import nn.optim as optim
from tests.helpers import host

SETTINGS = [
    ("SGD", dict()),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.3, lr_decay=0.1, weight_decay=0.2, initial_accumulator_value=0.5,
                     eps=1e-3)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.05, momentum=0.5)),
    ("RMSprop", dict(lr=0.05, alpha=0.8, eps=1e-3, weight_decay=0.1, momentum=0.7,
                     centered=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.7, rho=0.5, eps=1e-3, weight_decay=0.1)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.1, weight_decay=0.3, amsgrad=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, momentum_decay=0.1)),
    ("NAdam", dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)),
]

_rng = np.random.default_rng(7)
_A = _rng.standard_normal((4, 4))
CURVATURE = _A @ _A.T / 4 + np.eye(4)
TARGET = _rng.standard_normal(4)
START = _rng.standard_normal(4)


def quadratic_gradient(p):
    """The gradient of 0.5 p'Ap - b'p: it depends on where the optimiser has moved p."""
    return CURVATURE @ p - TARGET


def both_trajectories(name, hyper, dtype, steps=5):
    torch = pytest.importorskip("torch")
    ours = ag.tensor(START.astype(dtype), requires_grad=True)
    theirs = torch.tensor(START.astype(dtype), requires_grad=True)
    our_optimizer = getattr(optim, name)([ours], **hyper)
    their_optimizer = getattr(torch.optim, name)([theirs], **hyper)
    for _ in range(steps):
        grad = quadratic_gradient(host(ours).astype(np.float64)).astype(dtype)
        ours.grad = ag.tensor(grad)
        theirs.grad = torch.tensor(grad)
        our_optimizer.step()
        their_optimizer.step()
        yield host(ours), theirs.detach().numpy()


@pytest.mark.parametrize("name, hyper", SETTINGS, ids=lambda v: str(v))
def test_matches_torch_in_float64(name, hyper):
    for step, (ours, theirs) in enumerate(both_trajectories(name, hyper, np.float64), 1):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14,
                                   err_msg=f"{name} {hyper} step {step}")


@pytest.mark.parametrize("name, hyper", SETTINGS[::3], ids=lambda v: str(v))
def test_matches_torch_in_float32(name, hyper):
    for step, (ours, theirs) in enumerate(both_trajectories(name, hyper, np.float32), 1):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7,
                                   err_msg=f"{name} {hyper} step {step}")


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW",
                                  "NAdam"])
def test_defaults_are_torchs(name):
    torch = pytest.importorskip("torch")
    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    shared = [key for key in ours if key != "params"]
    assert shared, name
    for key in shared:
        assert key in theirs, f"{name}({key}=...) is not a torch.optim.{name} argument"
        assert ours[key].default == theirs[key].default, f"{name} default for {key}"


@pytest.mark.parametrize("name, hyper", [("SGD", dict(momentum=0.9)),
                                         ("Adagrad", dict()),
                                         ("RMSprop", dict(momentum=0.5, centered=True)),
                                         ("Adadelta", dict()),
                                         ("Adam", dict(amsgrad=True)),
                                         ("NAdam", dict())])
def test_state_dict_names_the_state_as_torch_does(name, hyper):
    torch = pytest.importorskip("torch")
    ours = ag.tensor(START, requires_grad=True)
    theirs = torch.tensor(START, requires_grad=True)
    our_optimizer = getattr(optim, name)([ours], **hyper)
    their_optimizer = getattr(torch.optim, name)([theirs], **hyper)
    ours.grad, theirs.grad = ag.tensor(TARGET), torch.tensor(TARGET)
    our_optimizer.step()
    their_optimizer.step()
    our_dict, their_dict = our_optimizer.state_dict(), their_optimizer.state_dict()
    assert our_dict["state"].keys() == their_dict["state"].keys()
    assert our_dict["state"][0].keys() == their_dict["state"][0].keys()
    our_group, their_group = our_dict["param_groups"][0], their_dict["param_groups"][0]
    assert our_group["params"] == their_group["params"]
    assert set(our_group) <= set(their_group)
    for key in set(our_group) - {"params"}:
        assert our_group[key] == their_group[key], key


def test_parameter_groups_match_torch():
    torch = pytest.importorskip("torch")
    weights, bias = START[:3], START[3:]
    ours = [ag.tensor(weights, requires_grad=True), ag.tensor(bias, requires_grad=True)]
    theirs = [torch.tensor(weights, requires_grad=True), torch.tensor(bias, requires_grad=True)]
    our_optimizer = optim.Adam([{"params": [ours[0]]},
                                {"params": [ours[1]], "lr": 0.5, "betas": (0.5, 0.6)}], lr=0.1)
    their_optimizer = torch.optim.Adam([{"params": [theirs[0]]},
                                        {"params": [theirs[1]], "lr": 0.5, "betas": (0.5, 0.6)}],
                                       lr=0.1)
    for _ in range(4):
        grad = quadratic_gradient(np.concatenate([host(p) for p in ours]))
        for our, their, part in zip(ours, theirs, (grad[:3], grad[3:])):
            our.grad, their.grad = ag.tensor(part), torch.tensor(part)
        our_optimizer.step()
        their_optimizer.step()
    for our, their in zip(ours, theirs):
        np.testing.assert_allclose(host(our), their.detach().numpy(), rtol=1e-12)
