"""Operations that move elements around without changing them: reshape, transpose,
broadcast, indexing, concatenate and stack."""
import numpy as np

from ..backend import array_module
from ..function import Op, apply
from ..tensor import Tensor
from . import either
from .operands import as_tensor, unary, check_devices, axis_error

__all__ = ["reshape", "transpose", "swapaxes", "flatten", "expand_dims", "unsqueeze", "squeeze",
           "broadcast_to", "concatenate", "stack"]


def shape_argument(shape):
    """f(2, 3) and f((2, 3)) mean the same, for reshape and the creation functions."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


class Reshape(Op):
    __slots__ = ("shape", "in_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.in_shape)


def reshape(x, *shape):
    x = as_tensor(x, "reshape")
    shape = shape_argument(shape)
    try:
        new_shape = _resolve_shape(x.size, shape)
    except ValueError:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                         f"({x.size} elements) into shape {shape}") from None
    return unary(Reshape(new_shape), x)


def _resolve_shape(size, shape):
    """`shape` with its -1 (at most one) filled in; ValueError if it cannot hold `size`."""
    known = 1
    for n in shape:
        if n != -1:
            if not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError
            known *= n
    unknown = shape.count(-1)
    if unknown > 1:
        raise ValueError
    if unknown:
        if known == 0 or size % known:
            raise ValueError
        return tuple(size // known if n == -1 else int(n) for n in shape)
    if known != size:
        raise ValueError
    return tuple(int(n) for n in shape)


def flatten(x, start_dim=0, end_dim=-1):
    """Merges axes start_dim..end_dim (inclusive) into one: all of them by default."""
    x = as_tensor(x, "flatten")
    ndim = max(x.ndim, 1)
    for label, value in (("start_dim", start_dim), ("end_dim", end_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"flatten: {label} must be an int, got {value!r}")
        if not -ndim <= value < ndim:
            raise axis_error(f"flatten: {label}={value} is out of range for a tensor of "
                             f"shape {x.shape}")
    start, end = start_dim % ndim, end_dim % ndim
    if start > end:
        raise ValueError(f"flatten: start_dim={start_dim} comes after end_dim={end_dim} for "
                         f"a tensor of shape {x.shape}")
    if x.ndim == 0:
        return reshape(x, 1)
    return reshape(x, x.shape[:start] + (-1,) + x.shape[end + 1:])


def expand_dims(x, axis):
    x = as_tensor(x, "expand_dims")
    ndim = x.ndim + 1
    if not -ndim <= axis < ndim:
        raise axis_error(f"expand_dims: axis {axis} is out of range for a result with {ndim} "
                         f"dimensions")
    axis %= ndim
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def unsqueeze(x, dim):
    """PyTorch's name for expand_dims."""
    return expand_dims(x, dim)


def squeeze(x, axis=None):
    x = as_tensor(x, "squeeze")
    if axis is None:
        axes = [i for i, n in enumerate(x.shape) if n == 1]
    else:
        axes = [axis] if isinstance(axis, int) else list(axis)
        for a in axes:
            if not -x.ndim <= a < x.ndim:
                raise axis_error(f"squeeze: axis {a} is out of range for a tensor of shape "
                                 f"{x.shape}")
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} of a tensor of shape {x.shape} is not "
                                 "of size 1")
        axes = [a % x.ndim for a in axes]
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


class Transpose(Op):
    __slots__ = ("axes",)

    def __init__(self, axes):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        return gy.transpose(tuple(np.argsort(self.axes)))


def transpose(x, *axes):
    """numpy's meaning: a permutation of all axes; none given reverses them."""
    x = as_tensor(x, "transpose")
    axes = shape_argument(axes)
    if not axes:
        axes = tuple(range(x.ndim - 1, -1, -1))
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            raise axis_error(f"transpose: axis {a} is out of range for a tensor of shape "
                             f"{x.shape}")
    if sorted(a % x.ndim for a in axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                         f"{x.ndim} axes of a tensor of shape {x.shape}")
    return unary(Transpose(tuple(a % x.ndim for a in axes)), x)


def swapaxes(x, axis1, axis2):
    """`x` with two axes exchanged (numpy's swapaxes, PyTorch's transpose(dim0, dim1))."""
    x = as_tensor(x, "swapaxes")
    axes = list(range(x.ndim))
    for a in (axis1, axis2):
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or \
                not -x.ndim <= a < x.ndim:
            raise axis_error(f"swapaxes: axis {a!r} is out of range for a tensor of shape "
                             f"{x.shape}")
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return unary(Transpose(tuple(axes)), x)


def swap_last_axes(x):
    """The matrix transpose of the last two axes (`x.mT`)."""
    x = as_tensor(x, "mT")
    if x.ndim < 2:
        raise ValueError(f"mT: needs at least 2 dimensions, got shape {x.shape}")
    return swapaxes(x, -2, -1)


class BroadcastTo(Op):
    __slots__ = ("shape", "in_shape")

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.in_shape = x.shape
        return array_module(x).broadcast_to(x, self.shape)

    def backward(self, gy):
        return either.sum_to(gy, self.in_shape)


def broadcast_to(x, shape):
    x = as_tensor(x, "broadcast_to")
    shape = tuple(shape)
    try:
        if np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"broadcast_to: a tensor of shape {x.shape} cannot be broadcast to "
                         f"shape {shape}") from None
    if shape == x.shape:
        return x
    return unary(BroadcastTo(shape), x)


class GetItem(Op):
    """x[index], basic or integer-array indexing; repeated indices accumulate in backward."""
    __slots__ = ("index", "in_shape")

    def __init__(self, index):
        self.index = index

    def forward(self, x):
        self.in_shape = x.shape
        return x[self.index]

    def backward(self, gy):
        return either.call(IndexAdd(self.index, self.in_shape), gy)


class IndexAdd(Op):
    """The backward of GetItem as an op of its own, so that it can be differentiated again:
    a zero tensor of `shape` with `gy` added at `index`."""
    __slots__ = ("index", "shape")

    def __init__(self, index, shape):
        self.index = index
        self.shape = shape

    def forward(self, gy):
        return scatter_add(gy, self.index, self.shape)

    def backward(self, ggx):
        return getitem(ggx, self.index)


def _has_arrays(index):
    items = index if isinstance(index, tuple) else (index,)
    return any(hasattr(i, "shape") or isinstance(i, list) for i in items)


def scatter_add(values, index, shape):
    xp = array_module(values)
    out = xp.zeros(shape, dtype=values.dtype)
    if _has_arrays(index):
        xp.add.at(out, index, values)  # accumulates at repeated indices
    else:
        out[index] = values
    return out


def _index_arrays(index, x):
    """Tensors and lists inside an index become arrays on x's device."""
    items = index if isinstance(index, tuple) else (index,)
    xp = array_module(x.data)
    out = []
    for i in items:
        if isinstance(i, Tensor):
            check_devices("getitem", (x, i))
            i = i.data
        elif isinstance(i, list):
            i = xp.asarray(i)
        elif isinstance(i, np.ndarray) and xp is not np:
            i = xp.asarray(i)
        out.append(i)
    return tuple(out) if isinstance(index, tuple) else out[0]


def getitem(x, index):
    x = as_tensor(x, "getitem")
    index = _index_arrays(index, x)
    try:
        return unary(GetItem(index), x)
    except IndexError as error:
        raise IndexError(f"getitem: index {index!r} is invalid for a tensor of shape "
                         f"{x.shape}: {error}") from None


class Clone(Op):
    """A copy of the values in new memory; the gradient passes unchanged."""
    __slots__ = ()

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy


def clone(x):
    return unary(Clone(), x)


class Concatenate(Op):
    __slots__ = ("axis", "sizes")

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return array_module(xs[0]).concatenate(xs, axis=self.axis)

    def backward(self, gy):
        grads, start = [], 0
        lead = (slice(None),) * self.axis
        for i, size in enumerate(self.sizes):
            grads.append(gy[lead + (slice(start, start + size),)] if self.needs_grad(i)
                         else None)
            start += size
        return tuple(grads)


def _sequence(name, seq):
    tensors = [as_tensor(t, name) for t in seq]
    if not tensors:
        raise ValueError(f"{name}: needs at least one tensor")
    check_devices(name, tensors)
    return tensors


def concatenate(seq, axis=0):
    tensors = _sequence("concatenate", seq)
    ndim = tensors[0].ndim
    shapes = [t.shape for t in tensors]
    if ndim == 0:
        raise ValueError(f"concatenate: 0-d tensors cannot be concatenated (shapes {shapes}); "
                         "use stack")
    if not -ndim <= axis < ndim:
        raise axis_error(f"concatenate: axis {axis} is out of range for tensors of shapes "
                         f"{shapes}")
    axis %= ndim
    for s in shapes:
        if len(s) != ndim or s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]:
            raise ValueError(f"concatenate: shapes {shapes} must match except along axis "
                             f"{axis}")
    return apply(Concatenate(axis), tuple(tensors))


class Stack(Op):
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return array_module(xs[0]).stack(xs, axis=self.axis)

    def backward(self, gy):
        lead = (slice(None),) * self.axis
        return tuple(gy[lead + (i,)] if self.needs_grad(i) else None
                     for i in range(self.num_inputs))


def stack(seq, axis=0):
    tensors = _sequence("stack", seq)
    shapes = [t.shape for t in tensors]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(f"stack: all tensors must have the same shape, got {shapes}")
    ndim = tensors[0].ndim + 1
    if not -ndim <= axis < ndim:
        raise axis_error(f"stack: axis {axis} is out of range for a result with {ndim} "
                         "dimensions")
    return apply(Stack(axis % ndim), tuple(tensors))


class Unbind(Op):
    """The slices of x along `axis` (views), as the outputs of one node. A sequence layer
    reads its time steps with it: the backward stacks the steps' gradients at once, where a
    `getitem` per step would scatter each one into a zero tensor of the whole sequence's
    size. A step whose slice got no gradient contributes zeros."""
    __slots__ = ("axis", "n_outputs")

    def __init__(self, axis, count):
        self.axis = axis
        self.n_outputs = count

    def forward(self, x):
        lead = (slice(None),) * self.axis
        return tuple(x[lead + (i,)] for i in range(x.shape[self.axis]))

    def backward(self, gys):
        if self.n_outputs == 1:
            gys = [gys]   # the engine hands a node with one output its gradient unwrapped
        zero = next(g for g in gys if g is not None) * 0
        return either.stack([zero if g is None else g for g in gys], self.axis)


def unbind(x, axis=0):
    """The tensors x[..., i, ...] along `axis`, as a tuple (PyTorch's unbind)."""
    x = as_tensor(x, "unbind")
    if x.ndim == 0:
        raise ValueError("unbind: a 0-d tensor has no axis to split along")
    if not -x.ndim <= axis < x.ndim:
        raise axis_error(f"unbind: axis {axis} is out of range for a tensor of shape "
                         f"{x.shape}")
    axis %= x.ndim
    if x.shape[axis] == 0:
        raise ValueError(f"unbind: axis {axis} of a tensor of shape {x.shape} is empty")
    return apply(Unbind(axis, x.shape[axis]), (x,))
