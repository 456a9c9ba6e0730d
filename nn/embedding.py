"""`Embedding`: a learned vector per token, looked up by index."""
import autograd as ag

from . import functional as F
from . import init as nn_init
from .arguments import check_size
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A table `weight` (num_embeddings, embedding_dim) whose row k is the vector of token k:
    forward(indices) gives indices.shape + (embedding_dim,). It is a linear layer applied to
    one-hot inputs, without ever building them; only the rows looked up get a gradient.
    `weight` starts from N(0, 1), as in PyTorch."""

    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        check_size("Embedding", "num_embeddings", num_embeddings, minimum=1)
        check_size("Embedding", "embedding_dim", embedding_dim, minimum=1)
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.weight = Parameter(ag.zeros(num_embeddings, embedding_dim))
        self.reset_parameters()

    def reset_parameters(self):
        nn_init.normal_(self.weight)

    def forward(self, indices):
        return F.embedding(indices, self.weight)

    def graph_label(self):
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"
