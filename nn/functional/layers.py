"""The computations of the fully connected and dropout layers."""
import autograd as ag
from autograd import Tensor, ops
from autograd.ops import as_tensor

__all__ = ["linear", "dropout"]


def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight (out_features, in_features) as in PyTorch."""
    return ops.linear.linear(x, weight, bias)


def dropout(x, p=0.5, training=True):
    """Inverted dropout: in training, zeroes each element with probability p and scales the
    rest by 1 / (1 - p), so the expected value is unchanged and evaluation needs no
    rescaling; the identity when not training. The mask is drawn on the host from the seeded
    generator (the same mask on every device) and then moved to x's device."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: probability p must be in [0, 1], got {p}")
    x = as_tensor(x)
    if not training or p == 0:
        return x
    keep = ag.default_generator().random(x.shape) >= p
    scale = 1 / (1 - p) if p < 1 else 0.0
    mask = (keep * scale).astype(x.dtype)
    return x * Tensor(mask, device=x.device)
