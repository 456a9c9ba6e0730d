"""Adagrad: per-coordinate steps that shrink with the sum of all squared gradients so far."""
from autograd.backend import array_module

from .optimizer import Optimizer, state_tensor, with_weight_decay


class Adagrad(Optimizer):
    """PyTorch's Adagrad: at step t, with g = grad + weight_decay * p,

        sum <- sum + g^2                     (sum starts at initial_accumulator_value)
        p   <- p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, *, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def _initial_state(self, param, group):
        return {"step": 0,
                "sum": state_tensor(param, float(group["initial_accumulator_value"]))}

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        state["step"] += 1
        grad = with_weight_decay(grad, param, float(group["weight_decay"]))
        decayed_lr = float(group["lr"]) / (1 + (state["step"] - 1) * float(group["lr_decay"]))
        squares = state["sum"].data
        squares += grad * grad
        param -= decayed_lr * grad / (xp.sqrt(squares) + float(group["eps"]))
