"""The computation of the convolution layer."""
from autograd import ops

__all__ = ["conv2d"]


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """PyTorch's conv2d: x (N, C, H, W), weight (out_channels, C/groups, kh, kw), bias
    (out_channels,) or None; stride, padding and dilation an int or a pair (height, width).
    One node in the graph, with derivatives of any order."""
    return ops.conv.conv2d(x, weight, bias, stride, padding, dilation, groups)
