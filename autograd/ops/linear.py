"""The fully connected layer's map, y = x @ weight.T + bias, as one node."""
from .operands import apply_checked, as_tensor, check_devices
from ..function import Op

__all__ = []   # reached as autograd.ops.linear.linear (nn.functional.linear wraps it)


class Linear(Op):
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
        if bias is None:
            return gx, gw
        gb = rows_gy.sum(axis=0) if self.needs_grad(2) else None
        return gx, gw, gb


def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight (out_features, in_features) as in PyTorch."""
    x = as_tensor(x, "linear")
    xs, ws = x.data.shape, weight.data.shape
    if not xs or len(ws) != 2 or xs[-1] != ws[-1]:
        raise ValueError(f"linear: an input of shape {x.shape} does not fit a weight of shape "
                         f"{weight.shape}: the input's last axis must have size "
                         f"{weight.shape[-1]} (in_features)")
    check_devices("linear", (x, weight, bias))
    operands = (x, weight) if bias is None else (x, weight, bias)
    return apply_checked(Linear(), operands)
