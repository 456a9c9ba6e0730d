"""Functions that make tensors. Random ones draw from one seedable generator on the host, so
a seed gives the same numbers on every device."""
import numbers

import numpy as np

from . import backend
from .dtypes import get_default_dtype, resolve_dtype
from .ops.shape import shape_argument
from .tensor import Tensor

_rng = {"generator": np.random.default_rng()}


def manual_seed(seed):
    """Seeds every random draw of the project (randn, rand, initialisers, dropout, shuffling)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"manual_seed: the seed must be a non-negative integer, got {seed!r}")
    _rng["generator"] = np.random.default_rng(int(seed))


def default_generator():
    """The shared numpy Generator behind every random draw (`manual_seed` replaces it)."""
    return _rng["generator"]


def tensor(data, dtype=None, requires_grad=False, device=None, name=None):
    """A new leaf tensor holding a copy of `data`. Python floats and lists take the default
    dtype (float32 unless changed); numpy arrays keep theirs."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, device=device, name=name)


def from_numpy(array):
    """A CPU tensor sharing memory with the numpy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a numpy array, got {type(array).__name__}")
    return Tensor._from_node(array, None)


def checked_shape(name, shape):
    """`shape` (given as f(2, 3) or f((2, 3))) as a tuple of non-negative ints, or an error
    naming the creation function."""
    shape = shape_argument(shape)
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{name}: sizes must be integers, got {shape!r} (a "
                            f"{type(n).__name__} {n!r}); e.g. {name}(2, 3)")
        if n < 0:
            raise ValueError(f"{name}: sizes must be >= 0, got {shape!r}")
    return tuple(int(n) for n in shape)


def _make(array, dtype, requires_grad, device, name):
    dtype = get_default_dtype() if dtype is None else resolve_dtype(dtype, "creation")
    t = Tensor._from_node(backend.to_device(array.astype(dtype, copy=False),
                                            backend.normalize_device(device)), None)
    t.name = name
    return t.requires_grad_(requires_grad) if requires_grad else t


def zeros(*shape, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.zeros(checked_shape("zeros", shape)), dtype, requires_grad, device, name)


def ones(*shape, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.ones(checked_shape("ones", shape)), dtype, requires_grad, device, name)


def full(shape, value, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.full(checked_shape("full", (shape,)), value), dtype, requires_grad,
                 device, name)


def randn(*shape, dtype=None, requires_grad=False, device=None, name=None):
    """Standard normal samples."""
    return _make(default_generator().standard_normal(checked_shape("randn", shape)), dtype,
                 requires_grad, device, name)


def rand(*shape, dtype=None, requires_grad=False, device=None, name=None):
    """Uniform samples in [0, 1)."""
    return _make(default_generator().random(checked_shape("rand", shape)), dtype,
                 requires_grad, device, name)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """numpy's arange; integer arguments give an integer tensor, as in PyTorch."""
    for label, value in (("start", start), ("stop", stop), ("step", step)):
        if value is not None and (isinstance(value, bool)
                                  or not isinstance(value, numbers.Real)):
            raise TypeError(f"arange: {label} must be a number, got {value!r}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and values.dtype.kind == "f":
        dtype = get_default_dtype()
    return tensor(values, dtype=dtype, requires_grad=requires_grad, device=device)


def zeros_like(x, dtype=None, requires_grad=False, device=None):
    return zeros(x.shape, dtype=x.dtype if dtype is None else dtype,
                 requires_grad=requires_grad, device=x.device if device is None else device)


def ones_like(x, dtype=None, requires_grad=False, device=None):
    return ones(x.shape, dtype=x.dtype if dtype is None else dtype,
                requires_grad=requires_grad, device=x.device if device is None else device)
