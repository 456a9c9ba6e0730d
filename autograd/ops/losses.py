"""Losses that are better as one node than as a composition: finite for any logits, with
the famous simple gradients (sigmoid(x) - t, softmax(x) - onehot)."""
from ..backend import array_module
from ..function import Op
from . import either
from .operands import apply_checked, unary

__all__ = []   # reached as autograd.ops.losses.* (nn.functional wraps them)


class BinaryCrossEntropyWithLogits(Op):
    """Elementwise -[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] for logits x and targets
    t of one shape. The form max(x, 0) - x t + log1p(exp(-|x|)) is finite for any x and
    exact where the loss is tiny; as one Op its gradient is sigmoid(x) - t everywhere (a
    composition would take relu's and abs's subgradients at x = 0 and get -t there)."""
    __slots__ = ()
    saves_inputs = True

    def forward(self, x, t):
        xp = array_module(x)
        return xp.maximum(x, 0) - x * t + xp.log1p(xp.exp(-xp.abs(x)))

    def backward(self, gy, x, t):
        return (gy * (either.sigmoid(x) - t) if self.needs_grad(0) else None,
                -gy * x if self.needs_grad(1) else None)


def binary_cross_entropy_with_logits(logits, targets):
    """Per-element losses; `targets` a Tensor of the logits' shape."""
    return apply_checked(BinaryCrossEntropyWithLogits(), (logits, targets))


class SoftmaxCrossEntropy(Op):
    """Cross-entropy of logits (M, C) against integer labels (M,), with the reduction
    inside, so the whole loss is one node whose backward is the famous
    (softmax(x) - onehot(labels)) * gy, divided by M for the mean."""
    __slots__ = ("labels", "reduction")
    saves_inputs = True

    def __init__(self, labels, reduction):
        self.labels = labels
        self.reduction = reduction

    def forward(self, x):
        xp = array_module(x)
        rows = xp.arange(x.shape[0])
        shifted = x - x.max(axis=1, keepdims=True)  # finite for logits of +-1000
        log_norm = xp.log(xp.exp(shifted).sum(axis=1))
        losses = log_norm - shifted[rows, self.labels]
        if self.reduction == "mean":
            return losses.mean()
        if self.reduction == "sum":
            return losses.sum()
        return losses

    def backward(self, gy, x):
        data = either.data(x)
        xp = array_module(data)
        onehot = xp.zeros_like(data)
        onehot[xp.arange(data.shape[0]), self.labels] = 1
        probs = either.softmax(x, axis=1)
        if self.reduction == "mean":
            scale = gy / data.shape[0]
        elif self.reduction == "sum":
            scale = gy
        else:
            scale = gy.reshape((data.shape[0], 1))
        return (probs - either.constant(x, onehot)) * scale


def softmax_cross_entropy(logits, labels, reduction):
    """`logits` (M, C) Tensor, `labels` a validated integer array on its device."""
    return unary(SoftmaxCrossEntropy(labels, reduction), logits)
