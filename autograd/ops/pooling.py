"""Pooling of images (N, C, H, W), PyTorch's: max, average and adaptive average.

Once its windows are fixed, each pooling is a linear map of what it pools (max pooling picks,
in each window, the element where the maximum was found in forward), so each backward is the
adjoint map, a scatter back onto the image. That scatter is a node of its own, whose backward
is the pooling map again (`_Linear`): derivatives of any order, each as fast as the first.
Windows are read as kh*kw strided views and written back with `Windows.fold`.
"""
import numpy as np

from . import either
from .operands import unary, as_tensor
from .windows import Windows, pair, count, check_images
from ..backend import array_module
from ..function import Op

__all__ = []   # reached as autograd.ops.pooling.* (nn.functional wraps them)


class _Linear(Op):
    """A linear map of one input, its constants fixed when it is made: its backward is the
    adjoint map, as a node (`adjoint()`) whose own adjoint is this map again."""
    __slots__ = ()

    def adjoint(self):
        raise NotImplementedError(f"{self.name} must define adjoint(self)")

    def backward(self, gy):
        return either.call(self.adjoint(), gy)


# --- max pooling ---------------------------------------------------------------------------
class MaxPool2d(Op):
    """The maximum of each window, the padding being -inf. Forward remembers where each
    maximum is (`indices`, as `_Routed`'s): the first in row-major order on ties, as PyTorch;
    the first NaN in a window holding NaN, whose maximum is NaN. Backward scatters the
    gradient there."""
    __slots__ = ("windows", "indices")
    saves_inputs = True   # not read: it connects higher-order gradients to x (see below)

    def __init__(self, windows):
        self.windows = windows
        self.indices = None

    def forward(self, x):
        xp = array_module(x)
        # each offset's elements copied out once, so that the comparisons read them
        # contiguously: strided reads cost several times as much, and each is read twice
        views = [view.copy() for view in self.windows.views(self.windows.pad(x, -xp.inf))]
        y = views[0].copy()
        for view in views[1:]:
            xp.maximum(y, view, out=y)
        self.indices = _first_maximum(views, y)
        return y

    def backward(self, gy, x):
        return either.call(MaxPool2dGrad(self.windows, self.indices), gy, x)

    def release(self):
        super().release()
        self.indices = None


def _first_maximum(views, y):
    """For each window, the first kernel offset k whose element equals the maximum `y` (or
    is NaN), as the smallest unsigned integer type that holds every offset."""
    xp = array_module(y)
    offset_type = np.min_scalar_type(len(views) - 1).type
    indices = xp.zeros(y.shape, dtype=offset_type)
    found = xp.zeros(y.shape, dtype=bool)
    for k, view in enumerate(views):
        first = ((view == y) | xp.isnan(view)) & ~found
        indices += first * offset_type(k)
        found |= first
    return indices


class _Routed(_Linear):
    """A map routed by `indices`: for each window, the kernel offset (in row-major order)
    where max pooling found its maximum."""
    __slots__ = ("windows", "indices")

    def __init__(self, windows, indices):
        self.windows = windows
        self.indices = indices


class MaxPool2dGrad(_Routed):
    """Max pooling's backward: each window's gradient goes to the element where its maximum
    was, summed where windows overlap. A second operand, when given, is the pooled input: its
    values are not read, but a higher-order gradient stays connected to it, with derivative
    zero (as `max`'s: the maxima's places are piecewise constant in x)."""
    __slots__ = ()

    def forward(self, gy, x=None):
        parts = ((self.indices == k) * gy for k in range(len(self.windows.slices)))
        return self.windows.fold(parts, gy)

    def adjoint(self):
        return MaxPool2dPick(self.windows, self.indices)

    def backward(self, ggx):
        picked = super().backward(ggx) if self.needs_grad(0) else None
        if self.num_inputs == 1:
            return picked
        return picked, (ggx * 0 if self.needs_grad(1) else None)


class MaxPool2dPick(_Routed):
    """The adjoint of MaxPool2dGrad: from each window of an image (zero padded), the element
    where max pooling's maximum was (the derivative of max pooling, applied to a
    perturbation of its input)."""
    __slots__ = ()

    def forward(self, image):
        xp = array_module(image)
        picked = xp.zeros(self.indices.shape, dtype=image.dtype)
        for k, view in enumerate(self.windows.views(self.windows.pad(image))):
            picked = xp.where(self.indices == k, view, picked)
        return picked

    def adjoint(self):
        return MaxPool2dGrad(self.windows, self.indices)


def pooling_arguments(owner, kernel_size, stride, padding):
    """(kernel, stride, padding) as pairs; stride None means the kernel size, and padding may
    be at most half the kernel (PyTorch's rule: then every window holds an input element).
    Errors name `owner`: the operation, or the layer when it is built."""
    kernel = pair(owner, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None else pair(owner, "stride", stride, 1)
    padding = pair(owner, "padding", padding, 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{owner}: padding {padding} is more than half the kernel size "
                         f"{kernel}; use padding <= kernel_size // 2")
    return kernel, stride, padding


def _pooling_windows(owner, x, kernel_size, stride, padding):
    check_images(owner, x)
    return Windows(owner, x.shape[2:], *pooling_arguments(owner, kernel_size, stride, padding))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """PyTorch's max_pool2d on x (N, C, H, W): the maximum of each kernel_size window, moved
    by stride (default: kernel_size), over x padded with -inf."""
    x = as_tensor(x, "max_pool2d")
    return unary(MaxPool2d(_pooling_windows("max_pool2d", x, kernel_size, stride, padding)), x)


# --- average pooling ----------------------------------------------------------------------
class _Windowed(_Linear):
    """A linear map over the `windows` of a pooling."""
    __slots__ = ("windows",)

    def __init__(self, windows):
        self.windows = windows


class AvgPool2d(_Windowed):
    """The mean of each window, the zero padding counted in (PyTorch's count_include_pad):
    the sum of the kernel offsets' views, divided by kh*kw."""
    __slots__ = ()

    def forward(self, x):
        views = self.windows.views(self.windows.pad(x))
        total = next(views).copy()
        for view in views:
            total += view
        total *= 1 / len(self.windows.slices)
        return total

    def adjoint(self):
        return AvgPool2dGrad(self.windows)


class AvgPool2dGrad(_Windowed):
    """Average pooling's backward: each window's gradient, divided by kh*kw, added to every
    element of the window."""
    __slots__ = ()

    def forward(self, gy):
        share = gy * (1 / len(self.windows.slices))
        return self.windows.fold((share for _ in self.windows.slices), share)

    def adjoint(self):
        return AvgPool2d(self.windows)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """PyTorch's avg_pool2d on x (N, C, H, W) (count_include_pad=True): the mean of each
    kernel_size window, moved by stride (default: kernel_size), over x padded with zeros."""
    x = as_tensor(x, "avg_pool2d")
    return unary(AvgPool2d(_pooling_windows("avg_pool2d", x, kernel_size, stride, padding)), x)


# --- adaptive average pooling -------------------------------------------------------------
def averaging_matrix(size, out_size, like):
    """(out_size, size), on `like`'s device and in its dtype: row i averages PyTorch's window
    i, the elements floor(i * size / out_size) to ceil((i + 1) * size / out_size) - 1."""
    i = np.arange(out_size)[:, None]
    starts, ends = i * size // out_size, -(-(i + 1) * size // out_size)
    inside = (np.arange(size) >= starts) & (np.arange(size) < ends)
    return array_module(like).asarray(inside / (ends - starts), dtype=like.dtype)


class _Separable(_Linear):
    """A map of images that works on rows and columns separately: (rows, H) and (cols, W)
    matrices `rows` and `cols`."""
    __slots__ = ("rows", "cols")

    def __init__(self, rows, cols):
        self.rows = rows
        self.cols = cols


class AdaptiveAvgPool2d(_Separable):
    """Averages over PyTorch's adaptive windows: window sizes vary when the input's size is
    not a multiple of the output's, but each window is a rectangle whose mean is the mean of
    its rows' means, so the map is rows @ x @ cols.T with averaging matrices."""
    __slots__ = ()

    def forward(self, x):
        return self.rows @ x @ self.cols.T

    def adjoint(self):
        return AdaptiveAvgPool2dGrad(self.rows, self.cols)


class AdaptiveAvgPool2dGrad(_Separable):
    """Adaptive average pooling's backward: rows.T @ gy @ cols."""
    __slots__ = ()

    def forward(self, gy):
        return self.rows.T @ gy @ self.cols

    def adjoint(self):
        return AdaptiveAvgPool2d(self.rows, self.cols)


def adaptive_size(owner, output_size):
    """output_size as a pair (height, width) of ints >= 1, or of None where the input's size
    is kept. Errors name `owner`: the operation, or the layer when it is built."""
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2 and None in output_size:
        return tuple(None if n is None else count(owner, "output_size", n, 1)
                     for n in output_size)
    return pair(owner, "output_size", output_size, 1)


def adaptive_avg_pool2d(x, output_size):
    """PyTorch's adaptive_avg_pool2d on x (N, C, H, W): output_size (an int, or a pair in
    which None keeps the input's size) windows in each direction, window i spanning
    floor(i * H / oh) to ceil((i + 1) * H / oh)."""
    x = as_tensor(x, "adaptive_avg_pool2d")
    check_images("adaptive_avg_pool2d", x)
    sizes = adaptive_size("adaptive_avg_pool2d", output_size)
    out_h, out_w = (size if n is None else n for n, size in zip(sizes, x.shape[2:]))
    return unary(AdaptiveAvgPool2d(averaging_matrix(x.shape[2], out_h, x.data),
                                   averaging_matrix(x.shape[3], out_w, x.data)), x)
