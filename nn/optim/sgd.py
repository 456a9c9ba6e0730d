"""Stochastic gradient descent, with optional (Nesterov) momentum and weight decay."""
from .optimizer import Optimizer, state_copy, with_weight_decay


class SGD(Optimizer):
    """PyTorch's SGD: with g = grad + weight_decay * p,

        b <- g on the first step, then  b <- momentum * b + (1 - dampening) * g
        g <- g + momentum * b  (nesterov)  or  g <- b  (momentum > 0)
        p <- p - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening "
                             f"(got momentum={group['momentum']!r}, "
                             f"dampening={group['dampening']!r})")

    def _update(self, param, grad, state, group):
        grad = with_weight_decay(grad, param, float(group["weight_decay"]))
        momentum = float(group["momentum"])
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                # the buffer starts as the first gradient itself, without dampening
                buffer = state["momentum_buffer"] = state_copy(grad)
            else:
                buffer.data *= momentum
                buffer.data += (1 - float(group["dampening"])) * grad
            grad = grad + momentum * buffer.data if group["nesterov"] else buffer.data
        param -= float(group["lr"]) * grad
