"""Operations nn needs that are better as one Op than as a composition of engine ops.

Each keeps forward and backward side by side; backward is written once with operators and
`autograd.ops.dual` helpers, so it runs on arrays (plain backward) and on Tensors
(`create_graph=True`, for higher derivatives).
"""
from autograd import Tensor
from autograd.backend import array_module
from autograd.function import Op
from autograd.ops import dual
from autograd.ops.elementwise import sigmoid_array
from autograd.ops.operands import apply_checked, unary
from autograd.ops.softmax import Softmax


class LinearMap(Op):
    """x @ weight.T (+ bias) as one node, like PyTorch's addmm: the weight's gradient comes
    out as gy.T @ x, already in the weight's (out_features, in_features) layout, so the
    optimiser's update runs over contiguous memory; and a layer is one node in the graph.
    Inputs of more than two dimensions are flattened to rows for the weight's gradient."""
    __slots__ = ()
    saves_inputs = True

    def forward(self, x, weight, bias=None):
        y = x @ weight.T
        return y if bias is None else y + bias

    def backward(self, gy, x, weight, bias=None):
        rows_gy = gy.reshape((-1, gy.shape[-1]))
        gx = gy @ weight if self.needs_grad(0) else None
        gw = rows_gy.T @ x.reshape((-1, x.shape[-1])) if self.needs_grad(1) else None
        if len(self._edges) == 2:
            return gx, gw
        gb = rows_gy.sum(axis=0) if self.needs_grad(2) else None
        return gx, gw, gb


class Step(Op):
    """The Heaviside step (x > 0). Its derivative is 0 wherever it exists, so the gradient
    is exactly 0 everywhere: nothing before a step can learn (SEED-CLAIM 8)."""
    __slots__ = ()

    def forward(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, gy):
        return gy * 0


class Softplus(Op):
    """log(1 + exp(x)), finite and accurate for any x: numpy's logaddexp(0, x) computes it as
    max(x, 0) + log1p(exp(-|x|)). Its derivative sigmoid(x) is written as exp(x - y), from
    the saved input and output, which is exact in both tails (0 at -1000, 1 at +1000)."""
    __slots__ = ()
    saves_inputs = True
    saves_output = True

    def forward(self, x):
        return array_module(x).logaddexp(0, x)

    def backward(self, gy, x, y):
        return gy * dual.exp(x - y)


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
        probs = x.sigmoid() if isinstance(x, Tensor) else sigmoid_array(x)
        return (gy * (probs - t) if self.needs_grad(0) else None,
                -gy * x if self.needs_grad(1) else None)


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
        data = dual.data(x)
        onehot = array_module(data).zeros_like(data)
        onehot[array_module(data).arange(data.shape[0]), self.labels] = 1
        if isinstance(x, Tensor):
            probs = x.softmax(axis=1)
        else:
            probs = Softmax(1).forward(x)
        if self.reduction == "mean":
            scale = gy / data.shape[0]
        elif self.reduction == "sum":
            scale = gy
        else:
            scale = gy.reshape((data.shape[0], 1))
        return (probs - dual.constant(x, onehot)) * scale


def step(x):
    return unary(Step(), x)


def softplus(x):
    return unary(Softplus(), x)


def binary_cross_entropy_with_logits(logits, targets):
    """Per-element losses; `targets` a Tensor of the logits' shape."""
    return apply_checked(BinaryCrossEntropyWithLogits(), (logits, targets))


def softmax_cross_entropy(logits, labels, reduction):
    """`logits` (M, C) Tensor, `labels` a validated integer array on its device."""
    return unary(SoftmaxCrossEntropy(labels, reduction), logits)
