"""RMSprop: steps scaled by a running root-mean-square of the gradients."""
from autograd.backend import array_module

from .optimizer import Optimizer, state_tensor, with_weight_decay


class RMSprop(Optimizer):
    """PyTorch's RMSprop: with g = grad + weight_decay * p,

        v <- alpha * v + (1 - alpha) * g^2
        centered:  a <- alpha * a + (1 - alpha) * g;  d = sqrt(v - a^2) + eps
        otherwise: d = sqrt(v) + eps
        momentum > 0: b <- momentum * b + g / d;  p <- p - lr * b
        otherwise:    p <- p - lr * g / d
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      maximize=maximize))

    def _initial_state(self, param, group):
        state = {"step": 0, "square_avg": state_tensor(param)}
        if float(group["momentum"]) > 0:
            state["momentum_buffer"] = state_tensor(param)
        if group["centered"]:
            state["grad_avg"] = state_tensor(param)
        return state

    def _update(self, param, grad, state, group):
        xp = array_module(param)
        state["step"] += 1
        grad = with_weight_decay(grad, param, float(group["weight_decay"]))
        alpha, momentum = float(group["alpha"]), float(group["momentum"])
        square_avg = state["square_avg"].data
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = _state_entry(state, "grad_avg", param).data
            grad_avg += (1 - alpha) * (grad - grad_avg)
            denominator = xp.sqrt(square_avg - grad_avg * grad_avg)
        else:
            denominator = xp.sqrt(square_avg)
        denominator += float(group["eps"])
        if momentum > 0:
            buffer = _state_entry(state, "momentum_buffer", param).data
            buffer *= momentum
            buffer += grad / denominator
            param -= float(group["lr"]) * buffer
        else:
            param -= float(group["lr"]) * grad / denominator


def _state_entry(state, key, param):
    # momentum or centering switched on in a group after the first step starts from zero
    if key not in state:
        state[key] = state_tensor(param)
    return state[key]
