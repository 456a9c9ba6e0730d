"""StepLR and CosineAnnealingLR against their closed forms, and against PyTorch."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.optim as optim
from nn.optim.lr_scheduler import CosineAnnealingLR, StepLR

BASE_LRS = [0.1, 0.3]


def two_group_optimizer():
    params = [ag.tensor(np.ones(2), requires_grad=True) for _ in BASE_LRS]
    return optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, BASE_LRS)])


def rates_per_epoch(scheduler, epochs):
    rates = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    return rates


def test_schedulers_are_reachable_as_in_pytorch():
    assert optim.lr_scheduler.StepLR is optim.StepLR is StepLR
    assert optim.lr_scheduler.CosineAnnealingLR is optim.CosineAnnealingLR


def test_step_lr_multiplies_by_gamma_every_step_size_epochs():
    optimizer = two_group_optimizer()
    rates = rates_per_epoch(StepLR(optimizer, step_size=3, gamma=0.5), 10)
    for epoch, epoch_rates in enumerate(rates):
        expected = [base * 0.5 ** (epoch // 3) for base in BASE_LRS]
        np.testing.assert_allclose(epoch_rates, expected, rtol=1e-14)
    assert [g["lr"] for g in optimizer.param_groups] == rates[-1]
    assert [g["initial_lr"] for g in optimizer.param_groups] == BASE_LRS


@pytest.mark.parametrize("T_max, eta_min", [(10, 0.0), (7, 0.01), (1, 0.0)])
def test_cosine_annealing_follows_the_half_cosine_and_beyond(T_max, eta_min):
    rates = rates_per_epoch(CosineAnnealingLR(two_group_optimizer(), T_max, eta_min),
                            3 * T_max + 2)
    for epoch, epoch_rates in enumerate(rates):
        expected = [eta_min + (base - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2
                    for base in BASE_LRS]
        np.testing.assert_allclose(epoch_rates, expected, rtol=1e-12, atol=1e-15,
                                   err_msg=f"epoch {epoch}")
    assert rates[T_max] == pytest.approx([eta_min] * 2, abs=1e-15)


@pytest.mark.parametrize("name, kwargs", [("StepLR", dict(step_size=3, gamma=0.5)),
                                          ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
                                          ("CosineAnnealingLR", dict(T_max=4))])
def test_same_rates_as_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours = rates_per_epoch(getattr(optim.lr_scheduler, name)(two_group_optimizer(), **kwargs),
                           20)
    params = [torch.ones(2, requires_grad=True) for _ in BASE_LRS]
    their_optimizer = torch.optim.SGD([{"params": [p], "lr": lr}
                                       for p, lr in zip(params, BASE_LRS)])
    scheduler = getattr(torch.optim.lr_scheduler, name)(their_optimizer, **kwargs)
    theirs = [scheduler.get_last_lr()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(20):
            their_optimizer.step()
            scheduler.step()
            theirs.append(scheduler.get_last_lr())
    assert ours == theirs


@pytest.mark.parametrize("make", [lambda o: StepLR(o, step_size=2, gamma=0.3),
                                  lambda o: CosineAnnealingLR(o, T_max=5, eta_min=0.02)])
def test_state_dict_round_trip_continues_the_schedule(make):
    optimizer = two_group_optimizer()
    scheduler = make(optimizer)
    rates_per_epoch(scheduler, 3)
    saved_scheduler, saved_optimizer = scheduler.state_dict(), optimizer.state_dict()
    assert "optimizer" not in saved_scheduler and saved_scheduler["last_epoch"] == 3
    expected = rates_per_epoch(scheduler, 6)

    restored_optimizer = two_group_optimizer()
    restored = make(restored_optimizer)  # created first: creating one resets the rates
    restored_optimizer.load_state_dict(saved_optimizer)
    restored.load_state_dict(saved_scheduler)
    assert rates_per_epoch(restored, 6) == expected


def test_bad_arguments():
    optimizer = two_group_optimizer()
    with pytest.raises(ValueError, match="step_size"):
        StepLR(optimizer, step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        CosineAnnealingLR(optimizer, T_max=0)
    with pytest.raises(TypeError, match="Optimizer"):
        StepLR([ag.tensor([1.0])], step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(optimizer, step_size=2, last_epoch=4)
