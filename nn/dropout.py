"""`Dropout`: randomly silences units during training."""
from . import functional as F
from .module import Module


__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout: in training mode each element is zeroed with probability p and the
    survivors are scaled by 1 / (1 - p), keeping the expected value; in eval mode it is the
    identity. Masks come from the generator seeded by nn.manual_seed."""

    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"
