"""Layers that change no values: `Identity`, and `Flatten`, which changes only the shape."""
from .module import Module


__all__ = ["Identity", "Flatten"]


class Identity(Module):
    """Returns its input. Constructor arguments are accepted and ignored (as in PyTorch),
    so it can stand in for any layer."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Flatten(Module):
    """Merges axes `start_dim` .. `end_dim` (inclusive) into one: by default every axis but
    the batch axis, (N, C, H, W) -> (N, C*H*W)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        ndim = max(x.ndim, 1)
        start, end = self.start_dim, self.end_dim
        if not (-ndim <= start < ndim and -ndim <= end < ndim) or start % ndim > end % ndim:
            raise ValueError(f"Flatten(start_dim={start}, end_dim={end}): invalid axes for an "
                             f"input of shape {x.shape}")
        start, end = start % ndim, end % ndim
        return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
