"""What the layer tests share: running one of our layers and its PyTorch twin side by side."""
import autograd as ag
from tests.helpers import host


def to_torch_layer(torch, ours, theirs):
    """Copies our parameters into the PyTorch layer `theirs` (same names)."""
    with torch.no_grad():
        for name, p in ours.named_parameters():
            dict(theirs.named_parameters())[name].copy_(torch.tensor(host(p)))
    return theirs


def squared_sum_backward(torch, ours, theirs, values):
    """Runs both layers on `values` and backpropagates sum(y^2) through each; returns
    (x, y, tx, ty): our input and output, then PyTorch's."""
    x = ag.tensor(values, requires_grad=True)
    y = ours(x)
    (y * y).sum().backward()
    tx = torch.tensor(values, requires_grad=True)
    ty = theirs(tx)
    (ty * ty).sum().backward()
    return x, y, tx, ty
