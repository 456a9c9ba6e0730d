"""Each optimiser's first three steps against its update rule written out by hand (float64)."""
import numpy as np
import pytest

from nn.optim import SGD, Adagrad, Adadelta, Adam, AdamW, NAdam, RMSprop
from tests.nn_optim.trajectories import (GRADIENTS, START, assert_trajectory,
                                         run_fixed_gradients)

G1, G2, G3 = GRADIENTS


def test_sgd_plain_steps_are_lr_times_gradient():
    lr = 0.1
    p1 = START - lr * G1
    p2 = p1 - lr * G2
    p3 = p2 - lr * G3
    assert_trajectory(run_fixed_gradients(SGD, lr=lr), [p1, p2, p3])


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    lr, mu = 0.1, 0.9
    b1 = G1
    p1 = START - lr * b1
    b2 = mu * b1 + G2
    p2 = p1 - lr * b2
    b3 = mu * b2 + G3
    p3 = p2 - lr * b3
    assert_trajectory(run_fixed_gradients(SGD, lr=lr, momentum=mu), [p1, p2, p3])


def test_sgd_dampening_scales_new_gradients_but_not_the_first():
    lr, mu, d = 0.1, 0.5, 0.3
    b1 = G1
    p1 = START - lr * b1
    b2 = mu * b1 + (1 - d) * G2
    p2 = p1 - lr * b2
    b3 = mu * b2 + (1 - d) * G3
    p3 = p2 - lr * b3
    assert_trajectory(run_fixed_gradients(SGD, lr=lr, momentum=mu, dampening=d), [p1, p2, p3])


def test_sgd_nesterov_with_weight_decay():
    lr, mu, wd = 0.1, 0.9, 0.05
    g1 = G1 + wd * START
    b1 = g1
    p1 = START - lr * (g1 + mu * b1)
    g2 = G2 + wd * p1
    b2 = mu * b1 + g2
    p2 = p1 - lr * (g2 + mu * b2)
    g3 = G3 + wd * p2
    b3 = mu * b2 + g3
    p3 = p2 - lr * (g3 + mu * b3)
    got = run_fixed_gradients(SGD, lr=lr, momentum=mu, nesterov=True, weight_decay=wd)
    assert_trajectory(got, [p1, p2, p3])


def adagrad_by_hand(lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                    eps=1e-10):
    p, total, expected = START.copy(), initial_accumulator_value, []
    for t, g in enumerate(GRADIENTS, start=1):
        g = g + weight_decay * p
        total = total + g ** 2
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(total) + eps)
        expected.append(p)
    return expected


@pytest.mark.parametrize("hyper", [dict(lr=0.1),
                                   dict(lr=0.3, lr_decay=0.1, weight_decay=0.2,
                                        initial_accumulator_value=0.5, eps=1e-3)])
def test_adagrad(hyper):
    assert_trajectory(run_fixed_gradients(Adagrad, **hyper), adagrad_by_hand(**hyper))


def test_adagrad_first_step_moves_every_coordinate_by_lr():
    # sum = g^2, so the first step is lr * g / |g|: a sign step, whatever the scale of g
    (p1,) = run_fixed_gradients(Adagrad, gradients=[G1 * 1e3], lr=0.1)
    np.testing.assert_allclose(p1, START - 0.1 * np.sign(G1), rtol=1e-12)


def rmsprop_by_hand(lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    p, square_avg, grad_avg, buffer, expected = START.copy(), 0.0, 0.0, 0.0, []
    for g in GRADIENTS:
        g = g + weight_decay * p
        square_avg = alpha * square_avg + (1 - alpha) * g ** 2
        grad_avg = alpha * grad_avg + (1 - alpha) * g
        variance = square_avg - grad_avg ** 2 if centered else square_avg
        scaled = g / (np.sqrt(variance) + eps)
        if momentum > 0:
            buffer = momentum * buffer + scaled
            p = p - lr * buffer
        else:
            p = p - lr * scaled
        expected.append(p)
    return expected


@pytest.mark.parametrize("hyper", [dict(lr=0.01),
                                   dict(lr=0.05, centered=True),
                                   dict(lr=0.05, momentum=0.7),
                                   dict(lr=0.05, alpha=0.8, eps=1e-3, weight_decay=0.1,
                                        momentum=0.7, centered=True)])
def test_rmsprop(hyper):
    assert_trajectory(run_fixed_gradients(RMSprop, **hyper), rmsprop_by_hand(**hyper))


def adadelta_by_hand(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    p, square_avg, acc_delta, expected = START.copy(), 0.0, 0.0, []
    for g in GRADIENTS:
        g = g + weight_decay * p
        square_avg = rho * square_avg + (1 - rho) * g ** 2
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta ** 2
        p = p - lr * delta
        expected.append(p)
    return expected


@pytest.mark.parametrize("hyper", [dict(), dict(lr=0.7, rho=0.5, eps=1e-3, weight_decay=0.1)])
def test_adadelta(hyper):
    assert_trajectory(run_fixed_gradients(Adadelta, **hyper), adadelta_by_hand(**hyper))


def adam_by_hand(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 decoupled=False):
    (b1, b2), p, m, v, v_max, expected = betas, START.copy(), 0.0, 0.0, 0.0, []
    for t, g in enumerate(GRADIENTS, start=1):
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - b1 ** t)
        v_hat = (v_max if amsgrad else v) / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        expected.append(p)
    return expected


ADAM_SETTINGS = [dict(lr=0.1),
                 dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3, amsgrad=True),
                 dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1)]


@pytest.mark.parametrize("hyper", ADAM_SETTINGS)
def test_adam(hyper):
    assert_trajectory(run_fixed_gradients(Adam, **hyper), adam_by_hand(**hyper))


@pytest.mark.parametrize("hyper", ADAM_SETTINGS + [dict(lr=0.1, weight_decay=0.3,
                                                        amsgrad=True)])
def test_adamw_decays_the_parameters_outside_the_moments(hyper):
    got = run_fixed_gradients(AdamW, **hyper)
    expected = adam_by_hand(**dict(hyper, weight_decay=hyper.get("weight_decay", 1e-2)),
                            decoupled=True)
    assert_trajectory(got, expected)


def test_amsgrad_changes_the_steps_on_these_gradients():
    # guards the amsgrad test above against gradients where it makes no difference
    plain = run_fixed_gradients(Adam, lr=0.1, betas=(0.8, 0.9))
    with_max = run_fixed_gradients(Adam, lr=0.1, betas=(0.8, 0.9), amsgrad=True)
    assert not np.allclose(plain[-1], with_max[-1])


def test_adam_first_step_is_lr_times_sign_of_gradient():
    # m_hat = g and v_hat = g^2 after one step, so the step is lr * g / |g|
    (p1,) = run_fixed_gradients(Adam, gradients=[G1 * 1e-2], lr=0.25, eps=0.0)
    np.testing.assert_allclose(p1, START - 0.25 * np.sign(G1), rtol=1e-12)


def nadam_by_hand(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                  momentum_decay=4e-3, decoupled_weight_decay=False):
    (b1, b2), p, m, v, mu_product, expected = betas, START.copy(), 0.0, 0.0, 1.0, []
    for t, g in enumerate(GRADIENTS, start=1):
        if decoupled_weight_decay:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = mu_product * mu
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        denominator = np.sqrt(v / (1 - b2 ** t)) + eps
        p = (p - lr * (1 - mu) / (1 - mu_product) * g / denominator
             - lr * mu_next / (1 - mu_product * mu_next) * m / denominator)
        expected.append(p)
    return expected


@pytest.mark.parametrize("hyper", [dict(),
                                   dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1,
                                        momentum_decay=0.1),
                                   dict(lr=0.1, weight_decay=0.2, decoupled_weight_decay=True)])
def test_nadam(hyper):
    # PyTorch keeps NAdam's running product of mu in float32 (and so does nn.optim, to stay
    # on PyTorch's trajectory), so the exact-arithmetic formula agrees only to ~1e-9
    assert_trajectory(run_fixed_gradients(NAdam, **hyper), nadam_by_hand(**hyper), rtol=1e-7)
