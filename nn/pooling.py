"""Pooling layers on images (N, C, H, W): `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`."""
from autograd import ops

from . import functional as F
from .arguments import size_label
from .module import Module


__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class _Pool2d(Module):
    """A pooling over kernel_size windows moved by stride (None: kernel_size) over the input
    padded by padding on every side (at most half the kernel), the arguments kept as given,
    as in PyTorch; `pool` is the nn.functional pooling it applies."""
    pool = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        ops.pooling.pooling_arguments(type(self).__name__, kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x):
        x = ops.as_tensor(x, self.graph_label())
        ops.windows.check_images(self.graph_label(), x)
        return type(self).pool(x, self.kernel_size, self.stride, self.padding)

    def graph_label(self):
        stride = "" if self.stride == self.kernel_size else f", stride {size_label(self.stride)}"
        return f"{type(self).__name__}({size_label(self.kernel_size)}{stride})"

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each window (padding is -inf); the gradient goes to the first maximum
    of each window in row-major order, as in PyTorch."""
    pool = staticmethod(F.max_pool2d)


class AvgPool2d(_Pool2d):
    """The mean of each window, the zero padding counted in (PyTorch's count_include_pad)."""
    pool = staticmethod(F.avg_pool2d)


class AdaptiveAvgPool2d(Module):
    """Means over output_size windows in each direction, whatever the input's size: an int,
    or a pair (height, width) where None keeps the input's size. AdaptiveAvgPool2d(1) is
    global average pooling."""

    def __init__(self, output_size):
        super().__init__()
        ops.pooling.adaptive_size("AdaptiveAvgPool2d", output_size)
        self.output_size = output_size

    def forward(self, x):
        x = ops.as_tensor(x, self.graph_label())
        ops.windows.check_images(self.graph_label(), x)
        return F.adaptive_avg_pool2d(x, self.output_size)

    def graph_label(self):
        return f"AdaptiveAvgPool2d({size_label(self.output_size)})"

    def extra_repr(self):
        return f"output_size={self.output_size}"
