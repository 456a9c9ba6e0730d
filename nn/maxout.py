"""`Maxout`: the maximum of several linear pieces per unit (Goodfellow et al., 2013)."""
from .arguments import check_size
from .linear import Linear
from .module import Module


__all__ = ["Maxout"]


class Maxout(Module):
    """Each of the out_features units computes `pieces` linear functions of the input and
    outputs the largest, so it learns its own convex, piecewise-linear activation.

    The pieces are one Linear layer (child "linear") to out_features * pieces outputs; unit
    j owns outputs j * pieces ... (j + 1) * pieces - 1.
    """

    def __init__(self, in_features, out_features, pieces, bias=True, init=None):
        super().__init__()
        check_size("Maxout", "out_features", out_features)
        check_size("Maxout", "pieces", pieces, minimum=1)
        self.in_features = in_features
        self.out_features = out_features
        self.pieces = pieces
        self.linear = Linear(in_features, out_features * pieces, bias=bias, init=init)

    def forward(self, x):
        z = self.linear(x)
        return z.reshape(z.shape[:-1] + (self.out_features, self.pieces)).max(axis=-1)

    def graph_label(self):
        return f"Maxout({self.in_features}→{self.out_features}, {self.pieces} pieces)"

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")
