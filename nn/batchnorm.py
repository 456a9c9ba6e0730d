"""Batch normalisation layers (Ioffe & Szegedy, 2015)."""
import numpy as np

import autograd as ag
from autograd.ops import as_tensor

from . import functional as F
from .arguments import check_size, check_number
from .module import Module
from .parameter import Parameter


__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    """Normalises each of `num_features` channels (axis 1) with the batch's mean and
    variance in training mode, and with running estimates of them in eval mode; then
    applies a learned per-channel scale `weight` (ones) and shift `bias` (zeros).

    Buffers (saved in the state_dict): `running_mean` (zeros), `running_var` (ones), updated
    as running = (1 - momentum) * running + momentum * batch with the unbiased batch variance,
    and `num_batches_tracked`. With momentum=None the running statistics are plain averages
    over all batches seen; with track_running_stats=False there are none, and batch
    statistics are used in both modes (as in PyTorch).
    """
    _input_ndims = ()  # the accepted numbers of input dimensions
    _shapes = ""       # and how the error message names them

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True):
        super().__init__()
        name = type(self).__name__
        check_size(name, "num_features", num_features, minimum=1)
        check_number(name, "eps", eps, 0, low_open=True)
        if momentum is not None:
            check_number(name, "momentum", momentum, 0, 1)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(ag.ones(num_features))
            self.bias = Parameter(ag.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        tracked = track_running_stats
        self.register_buffer("running_mean", ag.zeros(num_features) if tracked else None)
        self.register_buffer("running_var", ag.ones(num_features) if tracked else None)
        self.register_buffer("num_batches_tracked",
                             ag.zeros((), dtype=np.int64) if tracked else None)

    def forward(self, x):
        x = as_tensor(x)
        if x.ndim not in self._input_ndims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}): expected input of "
                             f"shape {self._shapes} with C={self.num_features}, got "
                             f"{x.shape}")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if momentum is None:
                momentum = 1 / self.num_batches_tracked.item()
        use_batch_statistics = self.training or not self.track_running_stats
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            use_batch_statistics, momentum, self.eps)

    def graph_label(self):
        return f"{type(self).__name__}({self.num_features})"

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm for (N, C) inputs (statistics over N) or (N, C, L) (over N and L)."""
    _input_ndims = (2, 3)
    _shapes = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm for images (N, C, H, W): statistics per channel over N, H and W."""
    _input_ndims = (4,)
    _shapes = "(N, C, H, W)"
