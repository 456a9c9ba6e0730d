"""2-D convolution on images (N, C, H, W), PyTorch's (a cross-correlation, with groups), as
three nodes: the convolution, and its gradients with respect to the input and the weight.

Forward is im2col and one matrix product per group (batched over the groups): the windows
of the padded input are copied into columns (C, kh*kw, N, oh, ow) with one strided copy per
kernel offset, so that (out, in/groups * kh*kw) @ (in/groups * kh*kw, N*oh*ow) is one BLAS
call per group. Channels lead the columns, and the batch sits inside each row, so the weight's
gradient is also one product (gy as (out, N*oh*ow) times the columns transposed), and so is
the input's (the weight transposed times gy), whose columns go back onto the image with one
strided slice-add per kernel offset (`Windows.fold`).

Second derivatives: the convolution y = conv(x, w) is bilinear, so each of its gradients is
a bilinear map of two of (x, w, gy), and the three maps differentiate into one another:
    gx = input_grad(gy, w):  d/d gy -> conv(ggx, w),          d/d w -> weight_grad(ggx, gy)
    gw = weight_grad(x, gy): d/d x  -> input_grad(gy, ggw),    d/d gy -> conv(x, ggw)
Each is a node of its own whose backward applies the others (`either.call`), so derivatives
of any order are exact and each costs what a first derivative costs.
"""
import math

from . import either
from .operands import apply_checked, as_tensor, check_devices
from .windows import Windows, pair, count, check_images
from ..backend import array_module
from ..function import Op

__all__ = []   # reached as autograd.ops.conv.conv2d (nn.functional.conv2d wraps it)


def unfold(x, windows):
    """im2col: the windows of `x` (N, C, H, W) as columns (C, kh*kw, N, oh, ow)."""
    n, c = x.shape[:2]
    cols = array_module(x).empty((c, len(windows.slices), n) + windows.out_size,
                                 dtype=x.dtype)
    for k, view in enumerate(windows.views(windows.pad(x))):
        cols[:, k] = view.swapaxes(0, 1)
    return cols


def by_group(a, groups):
    """(channels, ...) as (groups, channels/groups, rest): a matrix per group."""
    return a.reshape((groups, a.shape[0] // groups, -1))


def columns_by_group(cols, groups):
    """Columns (C, kh*kw, N, oh, ow) as (groups, C/groups * kh*kw, N*oh*ow)."""
    return cols.reshape((groups, -1, math.prod(cols.shape[2:])))


def channels_first(gy, groups):
    """An output gradient (N, out, oh, ow) as a matrix (out/groups, N*oh*ow) per group."""
    return by_group(gy.swapaxes(0, 1), groups)


class _Convolution(Op):
    """What the three nodes share: the windows (geometry) and the number of groups, and the
    three maps, applied to arrays or to Tensors alike (see `either.call`)."""
    __slots__ = ("windows", "groups")
    saves_inputs = True

    def __init__(self, windows, groups):
        self.windows = windows
        self.groups = groups

    def conv(self, x, weight):
        return either.call(Conv2d(self.windows, self.groups), x, weight)

    def input_grad(self, gy, weight):
        return either.call(Conv2dInputGrad(self.windows, self.groups), gy, weight)

    def weight_grad(self, x, gy):
        return either.call(Conv2dWeightGrad(self.windows, self.groups), x, gy)


class Conv2d(_Convolution):
    """y[n, o] = bias[o] + sum over the channels c of o's group and the kernel offsets of
    weight[o, c, i, j] * x_padded[n, c, i*d + s*row, j*d + s*col]."""
    __slots__ = ()

    def forward(self, x, weight, bias=None):
        out_channels, n = weight.shape[0], x.shape[0]
        cols = unfold(x, self.windows)
        y = by_group(weight, self.groups) @ columns_by_group(cols, self.groups)
        y = y.reshape((out_channels, n) + self.windows.out_size)
        if bias is not None:
            y = y + bias.reshape((-1, 1, 1, 1))
        return y.swapaxes(0, 1)

    def backward(self, gy, x, weight, bias=None):
        gx = self.input_grad(gy, weight) if self.needs_grad(0) else None
        gw = self.weight_grad(x, gy) if self.needs_grad(1) else None
        if bias is None:
            return gx, gw
        return gx, gw, gy.sum(axis=(0, 2, 3)) if self.needs_grad(2) else None


class Conv2dInputGrad(_Convolution):
    """The convolution's gradient with respect to its input, gx = input_grad(gy, weight)
    (a transposed convolution): columns weight.T @ gy, folded back onto the image."""
    __slots__ = ()

    def forward(self, gy, weight):
        kernel_offsets = len(self.windows.slices)
        cols = by_group(weight, self.groups).swapaxes(1, 2) @ channels_first(gy, self.groups)
        cols = cols.reshape((-1, kernel_offsets, gy.shape[0]) + self.windows.out_size)
        gx = self.windows.fold((cols[:, k] for k in range(kernel_offsets)), cols[:, 0])
        return gx.swapaxes(0, 1)

    def backward(self, ggx, gy, weight):
        return (self.conv(ggx, weight) if self.needs_grad(0) else None,
                self.weight_grad(ggx, gy) if self.needs_grad(1) else None)


class Conv2dWeightGrad(_Convolution):
    """The convolution's gradient with respect to its weight, gw = weight_grad(x, gy):
    gy @ columns.T per group, in the weight's layout (out, in/groups, kh, kw)."""
    __slots__ = ()

    def forward(self, x, gy):
        cols = columns_by_group(unfold(x, self.windows), self.groups)
        gw = channels_first(gy, self.groups) @ cols.swapaxes(1, 2)
        return gw.reshape((gy.shape[1], -1) + self.windows.kernel)

    def backward(self, ggw, x, gy):
        return (self.input_grad(gy, ggw) if self.needs_grad(0) else None,
                self.conv(x, ggw) if self.needs_grad(1) else None)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """PyTorch's conv2d: x (N, C, H, W), weight (out, C/groups, kh, kw), bias (out,) or None;
    stride, padding (zeros on every side) and dilation an int or a pair (height, width)."""
    x = as_tensor(x, "conv2d")
    weight = as_tensor(weight, "conv2d")
    check_images("conv2d", x)
    if bias is not None:
        bias = as_tensor(bias, "conv2d")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: expected a weight (out_channels, in_channels/groups, kh, "
                         f"kw), got shape {weight.shape}")
    groups = count("conv2d", "groups", groups, 1)
    out_channels, group_channels = weight.shape[:2]
    if out_channels % groups or x.shape[1] % groups:
        raise ValueError(f"conv2d: with groups={groups}, the input's channels ({x.shape[1]}, "
                         f"input {x.shape}) and the output channels ({out_channels}, weight "
                         f"{weight.shape}) must both be divisible by {groups}")
    if x.shape[1] != group_channels * groups:
        raise ValueError(f"conv2d: an input of shape {x.shape} has {x.shape[1]} channels, but "
                         f"a weight of shape {weight.shape} with groups={groups} expects "
                         f"{group_channels * groups} (weight.shape[1] * groups)")
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"conv2d: expected a bias of shape ({out_channels},) for a weight of "
                         f"shape {weight.shape}, got {tuple(bias.shape)}")
    windows = Windows("conv2d", x.shape[2:], weight.shape[2:],
                      pair("conv2d", "stride", stride, 1), pair("conv2d", "padding", padding, 0),
                      pair("conv2d", "dilation", dilation, 1))
    check_devices("conv2d", (x, weight, bias))
    operands = (x, weight) if bias is None else (x, weight, bias)
    return apply_checked(Conv2d(windows, groups), operands)
