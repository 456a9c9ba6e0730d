"""`LayerNorm`: normalisation over each sample's features (Ba, Kiros & Hinton, 2016)."""
import autograd as ag

from . import functional as F
from .arguments import check_number, check_flag
from .functional.normalization import normalized_shape_argument
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Normalises the last axes of its input (those of `normalized_shape`) with each
    sample's own mean and biased variance, then applies a learned elementwise scale `weight`
    (ones) and shift `bias` (zeros) of that shape. Per-sample statistics make it the same in
    training and evaluation and independent of the batch, which is why recurrent networks
    and transformers use it where batch norm would not fit."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        check_number("LayerNorm", "eps", eps, 0, low_open=True)
        check_flag("LayerNorm", "elementwise_affine", elementwise_affine)
        check_flag("LayerNorm", "bias", bias)
        self.normalized_shape = normalized_shape_argument(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        shape = self.normalized_shape
        self.register_parameter("weight",
                                Parameter(ag.ones(shape)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(ag.zeros(shape))
                                if elementwise_affine and bias else None)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def graph_label(self):
        return f"LayerNorm({'×'.join(map(str, self.normalized_shape))})"

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
