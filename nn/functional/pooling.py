"""The computations of the pooling layers, on images (N, C, H, W), as in PyTorch."""
from autograd import ops

__all__ = ["max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"]


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """The maximum of each window (stride defaults to kernel_size; padding is -inf); the
    gradient goes to the first maximum of each window, in row-major order, as in PyTorch."""
    return ops.pooling.max_pool2d(x, kernel_size, stride, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """The mean of each window (stride defaults to kernel_size), the zero padding counted
    in (PyTorch's count_include_pad=True)."""
    return ops.pooling.avg_pool2d(x, kernel_size, stride, padding)


def adaptive_avg_pool2d(x, output_size):
    """Means over output_size windows in each direction (an int, or a pair where None keeps
    the input's size), the windows placed by PyTorch's formula."""
    return ops.pooling.adaptive_avg_pool2d(x, output_size)
