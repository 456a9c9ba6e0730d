"""The Tensor: an array, its gradient, and its link (`grad_fn`) into the backward graph."""
import numbers

import numpy as np

from . import backend
from .dtypes import get_default_dtype, resolve_dtype, check_kind
from .hooks import RemovableHandle


class Tensor:
    """A backend array that records the operations applied to it.

    `Tensor(data, ...)` takes the same arguments as `ag.tensor`. A tensor made by an operation
    while grad mode is on and some input requires grad has `grad_fn`, the node that made it;
    a tensor without `grad_fn` is a leaf, and leaves that require grad collect `.grad`.
    """

    __slots__ = ("data", "_grad", "grad_fn", "requires_grad", "name", "_nr", "_hooks",
                 "__weakref__")
    __array_ufunc__ = None  # numpy defers to our operators instead of swallowing the tensor
    __hash__ = object.__hash__  # __eq__ is elementwise; tensors still key dicts by identity

    def __init__(self, data, dtype=None, requires_grad=False, device=None, name=None):
        self.data = _to_array(data, dtype, device)
        self._grad = None
        self.grad_fn = None
        self.requires_grad = False
        self.name = name
        self._nr = 0
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _from_node(data, node, nr=0):
        """The output `nr` of `node` (None for an unrecorded result): the fast internal path,
        run once per operation."""
        if data.__class__ is not _ndarray and isinstance(data, np.generic):
            data = np.asarray(data)  # numpy returns 0-d results as scalars; keep arrays
        t = _new(Tensor)
        t.data = data
        t._grad = None
        t.grad_fn = node
        t.requires_grad = node is not None
        t.name = None
        t._nr = nr
        t._hooks = None
        return t

    # --- the gradient -----------------------------------------------------------------
    @property
    def grad(self):
        """The accumulated gradient (a Tensor of this tensor's shape, dtype and device), or
        None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None, but got "
                                f"{type(value).__name__}; wrap it: ag.tensor(...)")
            problem = None
            if value.shape != self.shape:
                problem = f"shape {value.shape}, the tensor has shape {self.shape}"
            elif value.dtype != self.dtype:
                problem = f"dtype {value.dtype}, the tensor has dtype {self.dtype}"
            elif value.device != self.device:
                problem = f"device {value.device}, the tensor is on {self.device}"
            if problem:
                raise RuntimeError(f"assigned grad has {problem}: a gradient must match its "
                                   "tensor's shape, dtype and device")
        self._grad = value

    @property
    def _version(self):
        """How many times this tensor's memory was written in place (PyTorch's counter)."""
        return versions.version(self.data)

    # --- metadata ---------------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        """The number of elements, as numpy's attribute; calling it, `t.size()` or
        `t.size(dim)`, gives the shape as PyTorch's method does."""
        return _Size(self.data.size, self.data.shape)

    def dim(self):
        """PyTorch's name for ndim."""
        return self.data.ndim

    def numel(self):
        return self.data.size

    nelement = numel   # PyTorch's older name

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        return backend.device_of(self.data)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __repr__(self):
        body = np.array2string(backend.to_host(self.data), separator=", ", prefix="tensor(")
        extra = []
        if self.dtype != get_default_dtype():
            extra.append(f"dtype={self.dtype}")
        if self.device != "cpu":
            extra.append(f"device='{self.device}'")
        if self.grad_fn is not None:
            extra.append(f"grad_fn=<{self.grad_fn.name}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        if self.name:
            extra.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extra) + ")"

    # --- conversion -------------------------------------------------------------------
    def numpy(self):
        """The data as a numpy array (shared, not copied). CPU tensors only, as in PyTorch."""
        if not isinstance(self.data, np.ndarray):
            raise TypeError(f"can't convert a tensor on device '{self.device}' to numpy: "
                            "copy it to the host first with .cpu().numpy()")
        return self.data

    def __dlpack__(self, *args, **kwargs):
        """The data's DLPack capsule (zero-copy exchange: torch.from_dlpack(t) shares t's
        memory); see autograd.dlpack."""
        return self.data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def item(self):
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(f"the truth value of a tensor of shape {self.shape} is "
                               "ambiguous; use .any() or .all() on its data")
        return bool(self.data.item())

    def __float__(self):
        return float(self.item())

    def __index__(self):
        """An integer tensor of one element indexes a list, as in PyTorch."""
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(f"only an integer tensor of one element can be used as an index, "
                            f"got dtype {self.dtype} and shape {self.shape}")
        return int(self.data.item())

    def __int__(self):
        return int(self.item())

    def to(self, target):
        """A copy on another device (`"cpu"`, `"cuda"`, `"cuda:N"`) or with another floating
        dtype; differentiable. Returns self when nothing changes."""
        if isinstance(target, str):
            device = backend.normalize_device(target)
            if device == self.device or (device == "cuda" and self.device.startswith("cuda")):
                return self
            return to_device(self, device)
        dtype = resolve_dtype(target, "Tensor.to")
        return self if dtype == self.dtype else astype(self, dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, index=None):
        return self.to("cuda" if index is None else f"cuda:{index}")

    def float(self):
        return self.to(np.float32)

    def double(self):
        return self.to(np.float64)

    def type(self, dtype):
        """PyTorch's name for a dtype conversion: `t.type(np.float32)`."""
        return self.to(dtype)

    def long(self):
        """An int64 copy, outside the graph (integers have no gradient)."""
        return self.to(np.int64)

    # --- graph ------------------------------------------------------------------------
    def requires_grad_(self, flag=True):
        if not self.is_leaf:
            if flag:
                return self   # it requires grad already, through its graph
            raise RuntimeError("requires_grad_(False) can only change leaf tensors; use "
                               "detach() to get a leaf from the result of an operation")
        if flag and self.data.dtype.kind != "f":
            raise TypeError(f"only floating point tensors can require gradients, got dtype "
                            f"{self.data.dtype}; convert first, e.g. x.to(np.float32)")
        self.requires_grad = bool(flag)
        return self

    def detach(self):
        """A new leaf sharing the data, cut off from the graph."""
        return Tensor._from_node(self.data, None)

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("retain_grad() on a tensor that does not require grad")
            return
        from .hooks import retain_grad_hook, hooks_of
        retain = hooks_of(self.grad_fn).setdefault(("retain", self._nr), [])
        if not retain:
            retain.append(retain_grad_hook(self))

    def register_hook(self, fn):
        """Calls `fn(grad)` whenever this tensor's gradient is computed; a Tensor it returns
        replaces the gradient. Returns a handle whose `remove()` unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            from .hooks import hooks_of
            hooks = hooks_of(self.grad_fn).setdefault(self._nr, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def clone(self):
        """A copy of the data that stays in the graph (its gradient flows back to self)."""
        return clone(self)

    # --- in place (see autograd.inplace: under no_grad, or on tensors needing no grad) --
    def add_(self, other):
        return inplace.add_(self, other)

    def sub_(self, other):
        return inplace.sub_(self, other)

    def mul_(self, other):
        return inplace.mul_(self, other)

    def div_(self, other):
        return inplace.div_(self, other)

    def zero_(self):
        return inplace.zero_(self)

    def fill_(self, value):
        return inplace.fill_(self, value)

    def copy_(self, source):
        return inplace.copy_(self, source)

    def clamp_(self, min=None, max=None):
        return inplace.clamp_(self, min, max)

    def normal_(self, mean=0.0, std=1.0):
        return inplace.normal_(self, mean, std)

    def uniform_(self, a=0.0, b=1.0):
        return inplace.uniform_(self, a, b)

    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulates d(self)/d(leaf) into the `.grad` of every leaf that requires grad."""
        from .engine import backward
        backward((self,), None if grad is None else (grad,), retain_graph, create_graph)

    # --- operators --------------------------------------------------------------------
    # t + u, t - u, t * u, t / u, t ** u, t @ u, -t and abs(t) are the op functions
    # themselves, bound at the end of this module (no method call in between: every
    # operation runs through one of them); the reflected ones put the tensor second.
    def __radd__(self, other):
        return add(other, self)

    def __rsub__(self, other):
        return sub(other, self)

    def __rmul__(self, other):
        return mul(other, self)

    def __rtruediv__(self, other):
        return div(other, self)

    def __rpow__(self, other):
        return pow(other, self)

    def __rmatmul__(self, other):
        return matmul(other, self)

    # x += y: in place under no_grad (an update), out of place on a graph tensor
    def __iadd__(self, other):
        return _augmented["__iadd__"](self, other)

    def __isub__(self, other):
        return _augmented["__isub__"](self, other)

    def __imul__(self, other):
        return _augmented["__imul__"](self, other)

    def __itruediv__(self, other):
        return _augmented["__itruediv__"](self, other)

    def __pos__(self):
        return self

    def __getitem__(self, index):
        return getitem(self, index)

    def __lt__(self, other):
        return lt(self, other)

    def __le__(self, other):
        return le(self, other)

    def __gt__(self, other):
        return gt(self, other)

    def __ge__(self, other):
        return ge(self, other)

    def __eq__(self, other):
        return eq(self, other)

    def __ne__(self, other):
        return ne(self, other)

    # PyTorch's names for the comparisons (boolean tensors, outside the graph)
    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__

    def __format__(self, spec):
        """`f"{loss:.3f}"` formats a one-element tensor as its number (as PyTorch does)."""
        if spec and self.data.size == 1:
            return format(self.item(), spec)
        return format(repr(self), spec)

    # --- differentiable methods -------------------------------------------------------
    # t.exp(), t.log(), t.log2(), t.log10(), t.sqrt(), t.abs(), t.sin(), t.cos(), t.tanh(),
    # t.sigmoid() and t.relu() are the op functions themselves, bound at the end of this
    # module, like the operators.
    def clip(self, lo=None, hi=None):
        return clip(self, lo, hi)

    # reductions: numpy's axis=/keepdims=, or PyTorch's dim=/keepdim= (see autograd.ops.reduce)
    def sum(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return sum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return mean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis=None, keepdims=None, ddof=0, *, dim=None, keepdim=None):
        return var(self, axis, keepdims, ddof, dim=dim, keepdim=keepdim)

    def std(self, axis=None, ddof=0, keepdims=None, *, dim=None, keepdim=None):
        return std(self, axis, ddof, keepdims, dim=dim, keepdim=keepdim)

    def max(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return max(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def min(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return min(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmax(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def norm(self, axis=None, keepdims=None, *, p=2, dim=None, keepdim=None):
        return norm(self, axis, keepdims, p=p, dim=dim, keepdim=keepdim)

    def logsumexp(self, axis=None, keepdims=None, *, dim=None, keepdim=None):
        return logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def softmax(self, axis=None, *, dim=None):
        return softmax(self, axis, dim=dim)

    def log_softmax(self, axis=None, *, dim=None):
        return log_softmax(self, axis, dim=dim)

    def reshape(self, *shape):
        return reshape(self, *shape)

    def transpose(self, *axes):
        return transpose(self, *axes)

    def permute(self, *dims):
        """PyTorch's name for a permutation of all axes (numpy's transpose(*axes))."""
        return transpose(self, *dims)

    def swapaxes(self, axis1, axis2):
        """The tensor with two axes exchanged (PyTorch's transpose(dim0, dim1))."""
        return swapaxes(self, axis1, axis2)

    @property
    def T(self):
        return transpose(self)

    @property
    def mT(self):
        """The transpose of the last two axes."""
        return swap_last_axes(self)

    def view_as(self, other):
        """`self.view(other.shape)`."""
        return self.reshape(other.shape)

    def view(self, *shape):
        """PyTorch's name for reshape (the result may or may not share memory)."""
        return reshape(self, *shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return flatten(self, start_dim, end_dim)

    def expand_dims(self, axis):
        return expand_dims(self, axis)

    def unsqueeze(self, dim):
        return expand_dims(self, dim)

    def squeeze(self, axis=None):
        return squeeze(self, axis)

    def broadcast_to(self, shape):
        return broadcast_to(self, shape)

    def sum_to(self, shape):
        return sum_to(self, shape)


class _Size(int):
    """Tensor.size: an int (numpy's number of elements) that, called, gives the shape
    (PyTorch's size() and size(dim))."""

    def __new__(cls, count, shape):
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim=None):
        return self.shape if dim is None else self.shape[dim]


_new = object.__new__
_ndarray = np.ndarray


def _to_array(data, dtype, device):
    """Backend array for `ag.tensor`: python numbers and lists take the default float dtype
    (ints stay integer, bools bool), arrays keep theirs; always a copy."""
    device = backend.normalize_device(device)
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        dtype = resolve_dtype(dtype, "tensor")
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        array = _converted(np.array, data, dtype)
    elif backend.device_of(data) != "cpu":
        array = _converted(backend.array_module(data).array, data, dtype)
    else:
        array = _converted(np.array, data, dtype)
        if dtype is None and array.dtype == np.float64 and not isinstance(data, np.ndarray):
            array = array.astype(get_default_dtype())
    check_kind(array.dtype, "tensor")
    if backend.device_of(array) != device:
        array = backend.to_device(array, device)
    return array


def _converted(make, data, dtype):
    try:
        return make(data, dtype=dtype, copy=True)
    except (ValueError, TypeError) as error:
        what = type(data).__name__
        if "inhomogeneous" in str(error) or "sequence" in str(error):
            reason = ("its nested lists have different lengths (a tensor is rectangular: "
                      "every row needs the same number of elements)")
        else:
            reason = f"its values are not numbers ({error})"
        raise ValueError(f"tensor: cannot make a tensor from this {what}: {reason}") from None


_PYTHON_SCALARS = (float, int, bool)


def as_operand(x):
    """Operands of an operation: Tensors stay; python and numpy scalars stay constants (so
    they never change a tensor's dtype); arrays and lists become (constant) Tensors."""
    if isinstance(x, Tensor) or x.__class__ in _PYTHON_SCALARS:
        return x
    if isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, np.ndarray):
        if isinstance(x, np.generic):
            return x.item()
        return x
    return Tensor(x, device=backend.device_of(x) if hasattr(x, "dtype") else None)


# The operations live in autograd.ops and import this module; binding them here, after
# Tensor exists, gives the methods above plain module-level names to call.
from .ops.arithmetic import add, sub, mul, div, neg, pow, matmul  # noqa: E402
from .ops.elementwise import (exp, log, log2, log10, sqrt, abs, sin, cos, tanh,  # noqa: E402
                              sigmoid, relu, clip, astype)
from .ops.reduce import (sum, mean, var, std, max, min, argmax, argmin, norm,  # noqa: E402
                         logsumexp, sum_to)
from .ops.shape import (reshape, transpose, swapaxes, swap_last_axes, flatten,  # noqa: E402
                        expand_dims, squeeze, broadcast_to, getitem, clone)
from .ops.softmax import softmax, log_softmax  # noqa: E402
from .ops.compare import lt, le, gt, ge, eq, ne  # noqa: E402
from .ops.device import to_device  # noqa: E402
from . import versions, inplace  # noqa: E402

for _op in (exp, log, log2, log10, sqrt, abs, sin, cos, tanh, sigmoid, relu):
    setattr(Tensor, _op.__name__, _op)
(Tensor.__add__, Tensor.__sub__, Tensor.__mul__, Tensor.__truediv__, Tensor.__pow__,
 Tensor.__matmul__, Tensor.__neg__, Tensor.__abs__) = add, sub, mul, div, pow, matmul, neg, abs

_augmented = {name: inplace.augmented(name, fn) for name, fn in (
    ("__iadd__", add), ("__isub__", sub), ("__imul__", mul), ("__itruediv__", div))}
