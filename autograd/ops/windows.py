"""Where a kernel sits as it slides over images (N, C, H, W): the geometry that convolution and
pooling share, the checks of their arguments, and the two array moves built on it.

Each kernel offset (i, j) picks one element from every window, and those elements form a
strided view of the padded image: rows i*d, i*d + s, i*d + 2s, ... (d the dilation, s the
stride), one per output row, and the same for columns. So all windows are read with kh*kw
basic slices (no index arrays, no copies until the caller wants one), and written back by
`fold` with kh*kw strided slice-adds, where numpy's `add.at` would go element by element.
Basic slicing is the same on numpy, cupy and the stand-in device.
"""
import numbers

from ..backend import array_module


def pair(owner, name, value, minimum):
    """`value`, an int or a pair of ints each >= minimum, as a pair (height, width). Errors
    name `owner` (the operation or layer) and the argument."""
    items = (value, value) if _is_int(value) else value
    if not isinstance(items, (tuple, list)) or len(items) != 2 or not all(map(_is_int, items)):
        raise TypeError(f"{owner}: {name} must be an int or a pair of ints, got {value!r}")
    if min(items) < minimum:
        raise ValueError(f"{owner}: {name} must be >= {minimum} (in each direction), got "
                         f"{value!r}")
    return int(items[0]), int(items[1])


def count(owner, name, value, minimum):
    """`value`, an int >= minimum (a number of groups, of channels)."""
    if not _is_int(value):
        raise TypeError(f"{owner}: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {name} must be >= {minimum}, got {value!r}")
    return int(value)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_images(owner, x, channels=None):
    """`x` is a batch of floating-point images (N, C, H, W), with `channels` channels when
    given; errors name `owner` and say what to do."""
    if x.ndim != 4 or (channels is not None and x.shape[1] != channels):
        hint = ("; add a batch axis with x[None] or x.reshape(1, *x.shape)" if x.ndim == 3
                else "")
        expected = f"(N, {'C' if channels is None else channels}, H, W)"
        raise ValueError(f"{owner}: expected input {expected}, got {tuple(x.shape)}{hint}")
    if x.dtype.kind != "f":
        raise TypeError(f"{owner}: expected a floating-point input, got dtype {x.dtype}; "
                        "convert it with x.float() or x.double()")


def _collide(kernel, dilation, stride, out):
    """Whether two (kernel offset, output position) pairs along one axis read the same
    element: then windows overlap and writing back must add rather than assign."""
    touched = {i * dilation + o * stride for i in range(kernel) for o in range(out)}
    return len(touched) < kernel * out


class Windows:
    """The windows of a kernel (kh, kw) sliding by `stride` over images of `in_size` (H, W)
    padded by `padding` on every side, its taps `dilation` apart: `out_size` windows in
    each direction, and `slices`, for each kernel offset in row-major order, the index of the
    strided view of the padded image that holds that offset's element of every window."""
    __slots__ = ("kernel", "stride", "padding", "in_size", "out_size", "slices", "overlaps")

    def __init__(self, owner, in_size, kernel, stride, padding, dilation=(1, 1)):
        spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        padded = tuple(n + 2 * p for n, p in zip(in_size, padding))
        if spans[0] > padded[0] or spans[1] > padded[1]:
            dilated = spans != tuple(kernel)
            raise ValueError(
                f"{owner}: the kernel spans {spans[0]}×{spans[1]}"
                f"{f' (a {kernel[0]}×{kernel[1]} kernel, dilation {dilation})' * dilated}, "
                f"more than the padded input {padded[0]}×{padded[1]} (input "
                f"{in_size[0]}×{in_size[1]}, padding {padding}); use a smaller kernel"
                f"{' or dilation' * dilated}, or more padding")
        self.kernel, self.stride, self.padding, self.in_size = kernel, stride, padding, in_size
        self.out_size = tuple((n - span) // s + 1 for n, span, s in zip(padded, spans, stride))
        (dh, dw), (sh, sw), (oh, ow) = dilation, stride, self.out_size
        self.slices = tuple(
            (Ellipsis, slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
             slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
            for i in range(kernel[0]) for j in range(kernel[1]))
        self.overlaps = (_collide(kernel[0], dh, sh, oh) or _collide(kernel[1], dw, sw, ow))

    def pad(self, x, fill=0):
        """`x` (..., H, W) inside a border of `fill`, `padding` wide (x itself if none)."""
        (ph, pw), (h, w) = self.padding, self.in_size
        if not ph and not pw:
            return x
        out = array_module(x).full(x.shape[:-2] + (h + 2 * ph, w + 2 * pw), fill,
                                   dtype=x.dtype)
        out[..., ph:ph + h, pw:pw + w] = x
        return out

    def views(self, padded):
        """For each kernel offset, the view (..., oh, ow) of `padded` holding its elements."""
        return (padded[index] for index in self.slices)

    def fold(self, parts, like):
        """The adjoint of `views`: an image (..., H, W) that is zero, plus each of `parts`
        (one array (..., oh, ow) per kernel offset, in the order of `slices`) added where
        that offset's elements sit; the padding's share is dropped. `like` is an array
        (..., oh, ow) giving the leading shape and dtype."""
        (ph, pw), (h, w) = self.padding, self.in_size
        out = array_module(like).zeros(like.shape[:-2] + (h + 2 * ph, w + 2 * pw),
                                       dtype=like.dtype)
        for index, part in zip(self.slices, parts):
            if self.overlaps:
                out[index] += part
            else:
                out[index] = part   # each element is written by one offset at most
        return out[..., ph:ph + h, pw:pw + w]
