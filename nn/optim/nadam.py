"""NAdam: Adam with Nesterov momentum (Dozat), with PyTorch's momentum schedule."""
import numpy as np

from autograd.backend import array_module

from .adam import adam_step
from .optimizer import Optimizer, state_tensor, apply_weight_decay


class NAdam(Optimizer):
    """PyTorch's NAdam: at step t, with g = grad + weight_decay * p (or decoupled decay as in
    AdamW),

        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  prod_t = mu_1 * ... * mu_t
        m <- beta1 * m + (1 - beta1) * g;  v <- beta2 * v + (1 - beta2) * g^2
        d  = sqrt(v / (1 - beta2^t)) + eps
        p <- p - lr * (1 - mu_t) / (1 - prod_t) * g / d
               - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / d
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def _initial_state(self, param, group):
        return {"step": 0, "mu_product": 1.0, "exp_avg": state_tensor(param),
                "exp_avg_sq": state_tensor(param)}

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        step, lr, eps, beta1, beta2 = adam_step(state, group)
        momentum_decay = float(group["momentum_decay"])
        grad = apply_weight_decay(grad, param, group)
        mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        # PyTorch keeps this running product in a float32 scalar whatever the parameter's
        # dtype; rounding it the same way keeps float64 runs on PyTorch's trajectory
        state["mu_product"] = float(np.float32(state["mu_product"]) * np.float32(mu))
        mu_product = state["mu_product"]
        exp_avg, exp_avg_sq = state["exp_avg"].data, state["exp_avg_sq"].data
        exp_avg += (1 - beta1) * (grad - exp_avg)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        denominator = xp.sqrt(exp_avg_sq / (1 - beta2 ** step))
        denominator += eps
        param -= lr * (1 - mu) / (1 - mu_product) * grad / denominator
        param -= lr * mu_next / (1 - mu_product * mu_next) * exp_avg / denominator
