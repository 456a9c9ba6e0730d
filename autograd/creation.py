"""Functions that make tensors. Random ones draw from one seedable generator on the host, so
a seed gives the same numbers on every device."""
import numpy as np

from . import backend
from .dtypes import get_default_dtype
from .tensor import Tensor

_rng = {"generator": np.random.default_rng()}


def manual_seed(seed):
    """Seeds every random draw of the project (randn, rand, initialisers, dropout, shuffling)."""
    _rng["generator"] = np.random.default_rng(seed)


def generator():
    """The shared numpy Generator behind every random draw."""
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


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _make(array, dtype, requires_grad, device, name):
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    t = Tensor._from_node(backend.to_device(array.astype(dtype, copy=False),
                                            backend.normalize_device(device)), None)
    t.name = name
    return t.requires_grad_(requires_grad) if requires_grad else t


def zeros(*shape, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.zeros(_shape(shape)), dtype, requires_grad, device, name)


def ones(*shape, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.ones(_shape(shape)), dtype, requires_grad, device, name)


def full(shape, value, dtype=None, requires_grad=False, device=None, name=None):
    return _make(np.full(_shape((shape,)), value), dtype, requires_grad, device, name)


def randn(*shape, dtype=None, requires_grad=False, device=None, name=None):
    """Standard normal samples."""
    return _make(generator().standard_normal(_shape(shape)), dtype, requires_grad, device, name)


def rand(*shape, dtype=None, requires_grad=False, device=None, name=None):
    """Uniform samples in [0, 1)."""
    return _make(generator().random(_shape(shape)), dtype, requires_grad, device, name)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """numpy's arange; integer arguments give an integer tensor, as in PyTorch."""
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
