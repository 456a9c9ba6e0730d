"""SGD, Momentum, NAG, Adagrad, RMSProp, AdaDelta, Adam and Nadam all descend
f(x, y) = x^2/20 + y^2 from (-7, 2); momentum keeps a velocity, adaptive methods scale each
parameter's step."""
import numpy as np
import pytest

import autograd as ag
import nn.optim as optim
from tests.helpers import host

START = (-7.0, 2.0)
F_START = START[0] ** 2 / 20 + START[1] ** 2


def bowl(x, y):
    return x * x / 20 + y * y


def descend(optimizer_class, steps=30, **hyper):
    x, y = (ag.tensor(v, requires_grad=True) for v in START)
    optimizer = optimizer_class([x, y], **hyper)
    for _ in range(steps):
        optimizer.zero_grad()
        bowl(x, y).backward()
        optimizer.step()
    return bowl(x, y).item()


# (optimiser, learning rate and options, largest final f as a fraction of f at the start).
# Adadelta keeps PyTorch's lr=1.0: its steps start at about sqrt(eps) and grow only as its
# running average of steps builds up, so in 30 steps it descends, but slowly.
DESCENTS = [
    (optim.SGD, dict(lr=0.95), 0.01),
    (optim.SGD, dict(lr=0.1, momentum=0.9), 0.01),                 # Momentum
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), 0.01),  # NAG
    (optim.Adagrad, dict(lr=1.5), 0.01),
    (optim.RMSprop, dict(lr=0.3), 0.01),
    (optim.Adadelta, dict(lr=1.0), 0.95),
    (optim.Adam, dict(lr=0.3), 0.02),
    (optim.AdamW, dict(lr=0.3), 0.02),
    (optim.NAdam, dict(lr=0.3), 0.02),
]


@pytest.mark.parametrize("cls, hyper, fraction", DESCENTS,
                         ids=[f"{c.__name__}-{h}" for c, h, _ in DESCENTS])
def test_each_optimiser_descends_the_bowl(cls, hyper, fraction):
    assert descend(cls, **hyper) < fraction * F_START


def test_momentum_keeps_moving_after_the_gradient_vanishes():
    param = ag.tensor(np.array([1.0]), requires_grad=True)
    optimizer = optim.SGD([param], lr=0.1, momentum=0.9)
    param.grad = ag.tensor(np.array([2.0]))
    optimizer.step()
    after_push = host(param).copy()
    param.grad = ag.tensor(np.array([0.0]))
    optimizer.step()
    np.testing.assert_allclose(host(param), after_push - 0.1 * 0.9 * 2.0)


@pytest.mark.parametrize("cls", [optim.Adagrad, optim.RMSprop, optim.Adam])
def test_adaptive_methods_scale_each_parameters_step(cls):
    # at (-7, 2) the gradient is (-0.7, 4): plain SGD moves y ~6 times further than x, while
    # the adaptive methods divide by each coordinate's own gradient scale
    x, y = (ag.tensor(v, requires_grad=True) for v in START)
    optimizer = cls([x, y], lr=0.1)
    bowl(x, y).backward()
    optimizer.step()
    moved_x, moved_y = abs(x.item() - START[0]), abs(y.item() - START[1])
    assert moved_y / moved_x == pytest.approx(1.0, rel=1e-3)
