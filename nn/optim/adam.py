"""Adam and AdamW: momentum and RMS scaling, both bias-corrected."""
import math

from autograd.backend import array_module

from .optimizer import Optimizer, state_tensor, apply_weight_decay


def adam_step(state, group):
    """Counts the step and reads the hyperparameters the Adam family shares:
    (step, lr, eps, beta1, beta2)."""
    state["step"] += 1
    beta1, beta2 = (float(beta) for beta in group["betas"])
    return state["step"], float(group["lr"]), float(group["eps"]), beta1, beta2


class Adam(Optimizer):
    """PyTorch's Adam: at step t, with g = grad + weight_decay * p (or, with
    decoupled_weight_decay, p <- p * (1 - lr * weight_decay) first and g = grad),

        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        amsgrad: v_max <- max(v_max, v), used instead of v below
        p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _initial_state(self, param, group):
        state = {"step": 0, "exp_avg": state_tensor(param), "exp_avg_sq": state_tensor(param)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = state_tensor(param)
        return state

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        step, lr, eps, beta1, beta2 = adam_step(state, group)
        grad = apply_weight_decay(grad, param, group)
        exp_avg, exp_avg_sq = state["exp_avg"].data, state["exp_avg_sq"].data
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            if "max_exp_avg_sq" not in state:  # amsgrad switched on after the first step
                state["max_exp_avg_sq"] = state_tensor(param)
            second_moment = state["max_exp_avg_sq"].data
            xp.maximum(second_moment, exp_avg_sq, out=second_moment)
        else:
            second_moment = exp_avg_sq
        step_size = lr / (1 - beta1 ** step)
        denominator = xp.sqrt(second_moment) / math.sqrt(1 - beta2 ** step)
        denominator += eps
        param -= step_size * exp_avg / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): the parameters shrink by
    lr * weight_decay directly, outside the moment estimates. PyTorch's defaults, including
    weight_decay=1e-2."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
