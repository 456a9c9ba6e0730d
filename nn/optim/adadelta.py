"""Adadelta: steps whose size comes from running averages of past steps and gradients."""
from autograd.backend import array_module

from .optimizer import Optimizer, state_tensor, with_weight_decay


class Adadelta(Optimizer):
    """PyTorch's Adadelta: with g = grad + weight_decay * p,

        v     <- rho * v + (1 - rho) * g^2
        delta  = sqrt(u + eps) / sqrt(v + eps) * g
        u     <- rho * u + (1 - rho) * delta^2
        p     <- p - lr * delta
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def _initial_state(self, param, group):
        return {"step": 0, "square_avg": state_tensor(param), "acc_delta": state_tensor(param)}

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        state["step"] += 1
        grad = with_weight_decay(grad, param, float(group["weight_decay"]))
        rho, eps = float(group["rho"]), float(group["eps"])
        square_avg, acc_delta = state["square_avg"].data, state["acc_delta"].data
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = xp.sqrt(acc_delta + eps) / xp.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= float(group["lr"]) * delta
