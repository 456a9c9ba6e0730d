"""`Linear`: the fully connected layer y = x W^T + b."""
import autograd as ag

from . import functional as F
from . import init as nn_init
from .arguments import check_size
from .module import Module
from .parameter import Parameter


__all__ = ["Linear"]


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out_features, in_features) and bias
    (out_features,), as in PyTorch; the input's last axis has in_features elements.

    By default both are initialised as PyTorch does: weight by kaiming_uniform_ with
    a=sqrt(5), which is U(-1/sqrt(in_features), 1/sqrt(in_features)), and bias from that same
    range. `init` takes any nn.init function for the weight instead (e.g.
    `init=nn.init.he_normal_`); the bias then starts at zero, the usual companion of a chosen
    weight scheme (and what keeps an all-equal initialisation symmetric).
    """

    def __init__(self, in_features, out_features, bias=True, init=None):
        super().__init__()
        check_size("Linear", "in_features", in_features)
        check_size("Linear", "out_features", out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.init = init
        self.weight = Parameter(ag.zeros(out_features, in_features))
        if bias:
            self.bias = Parameter(ag.zeros(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.init is not None:
            self.init(self.weight)
            if self.bias is not None:
                nn_init.zeros_(self.bias)
            return
        nn_init._default_layer_init_(self.weight, self.bias)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def graph_label(self):
        return f"Linear({self.in_features}→{self.out_features})"

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
