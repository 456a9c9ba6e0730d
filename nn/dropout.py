"""`Dropout`: randomly silences units during training."""
from . import functional as F
from .arguments import check_number
from .module import Module


__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout: in training mode each element is zeroed with probability p and the
    survivors are scaled by 1 / (1 - p), keeping the expected value; in eval mode it is the
    identity. Masks come from the generator seeded by nn.manual_seed."""

    def __init__(self, p=0.5):
        super().__init__()
        check_number("Dropout", "probability p", p, 0, 1)
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"
