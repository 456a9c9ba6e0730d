"""A stand-in for cupy, so that the GPU code path runs in every test run without a GPU.

It behaves like cupy where bugs hide: arrays are of its own type (wrapping numpy arrays),
converting one to numpy implicitly (`np.asarray`, `float(...)` of a big array, mixing it into a
numpy operation) raises TypeError, and an operation mixing one with a numpy array raises
TypeError too. Explicit transfers (`asarray` of a numpy array, `asnumpy`, `.get()`) work. Module
functions mirror numpy's names, as cupy's do.
"""
import numbers
import sys
import types
import weakref

import numpy as np

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
             "construct a NumPy array explicitly.")


def _mixing(what):
    return TypeError(f"Unsupported type {what}: a stand-in device array cannot be combined "
                     "with a numpy array; move the numpy array to the device first")


def _unwrap(value):
    """Device arrays to their numpy payload; numpy arrays refused; containers recursed."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        raise _mixing(np.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, slice):
        return slice(_unwrap(value.start), _unwrap(value.stop), _unwrap(value.step))
    return value


def _wrap(value):
    if isinstance(value, np.ndarray):
        return ndarray(value)
    if isinstance(value, np.generic):
        return ndarray(np.asarray(value))  # cupy returns 0-d arrays, never numpy scalars
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _call(fn, args, kwargs):
    return _wrap(fn(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))


class _Device:
    id = 0

    def __init__(self, ident=0):
        self.id = ident

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


# payload id -> the device array wrapping it, so that `base` gives back the very array a
# view looks into (as cupy's does), not a new wrapper each time
_WRAPPERS = weakref.WeakValueDictionary()


class ndarray:
    """The device array type."""

    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, payload):
        if not isinstance(payload, np.ndarray):
            raise TypeError("construct device arrays with asarray/array, not ndarray(...)")
        self._a = payload
        _WRAPPERS[id(payload)] = self

    @property
    def base(self):
        """The device array whose memory this one is a view of (None if it owns it)."""
        base = self._a.base
        if not isinstance(base, np.ndarray):
            return None
        owner = _WRAPPERS.get(id(base))
        return ndarray(base) if owner is None else owner

    # refusing implicit conversion, like cupy
    def __array__(self, *args, **kwargs):
        raise TypeError(_IMPLICIT)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # numpy ufuncs given device arrays run on the device (cupy does the same), but never
        # when a numpy array is among the operands
        return _call(getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types_, args, kwargs):
        return _call(func, args, kwargs)

    # metadata
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    device = property(lambda self: _Device(0))
    T = property(lambda self: ndarray(self._a.T))
    mT = property(lambda self: ndarray(np.swapaxes(self._a, -1, -2)))
    flags = property(lambda self: self._a.flags)

    def __len__(self):
        return len(self._a)

    def __repr__(self):
        return f"array({np.array2string(self._a, separator=', ')}, device=stand-in)"

    def __iter__(self):
        return (_wrap(v) for v in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        if self._a.size != 1:
            raise TypeError(_IMPLICIT)
        return float(self._a)

    def __int__(self):
        if self._a.size != 1:
            raise TypeError(_IMPLICIT)
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __hash__(self):
        raise TypeError("unhashable type: 'ndarray'")

    # explicit transfer
    def get(self):
        return self._a.copy()

    def item(self):
        return self._a.item()

    def tolist(self):
        return self._a.tolist()

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index)])

    def __setitem__(self, index, value):
        self._a[_unwrap(index)] = _unwrap(value)

    def __getattr__(self, name):
        # methods: reshape, transpose, sum, max, astype, copy, ravel, ...; never numpy's
        # conversion protocols (__array_interface__ and friends)
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)
        return lambda *args, **kwargs: _call(attr, args, kwargs)


def _operator(name):
    def method(self, *others):
        return _call(getattr(self._a, name), others, {})
    method.__name__ = name
    return method


for _name in ("add radd sub rsub mul rmul truediv rtruediv floordiv rfloordiv pow rpow mod "
              "matmul rmatmul neg pos abs invert and rand or ror xor rxor lt le gt ge eq ne "
              "iadd isub imul itruediv ipow").split():
    setattr(ndarray, f"__{_name}__", _operator(f"__{_name}__"))


def _in_place(name):
    def method(self, other):
        getattr(self._a, name)(_unwrap(other))
        return self
    return method


for _name in ("iadd isub imul itruediv ipow".split()):
    setattr(ndarray, f"__{_name}__", _in_place(f"__{_name}__"))


class _Ufunc:
    def __init__(self, ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return _call(self._ufunc, args, kwargs)

    def at(self, target, index, values):
        if not isinstance(target, ndarray):
            raise _mixing(type(target))
        self._ufunc.at(target._a, _unwrap(index), _unwrap(values))

    def __getattr__(self, name):
        attr = getattr(self._ufunc, name)
        return (lambda *a, **k: _call(attr, a, k)) if callable(attr) else attr


def asarray(a, dtype=None):
    """Host to device (numpy arrays allowed: this is the explicit transfer)."""
    if isinstance(a, ndarray):
        return a if dtype is None else ndarray(a._a.astype(dtype, copy=False))
    return ndarray(np.array(a, dtype=dtype))


def array(a, dtype=None, copy=True):
    payload = a._a if isinstance(a, ndarray) else a
    return ndarray(np.array(payload, dtype=dtype, copy=copy))


def asnumpy(a):
    """Device to host."""
    return a._a.copy() if isinstance(a, ndarray) else np.asarray(a)


cuda = types.SimpleNamespace(
    Device=_Device,
    runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
)


def get_array_module(*arrays):
    module = sys.modules[__name__]
    return module if any(isinstance(a, ndarray) for a in arrays) else np


def __getattr__(name):
    """Everything else mirrors numpy: functions on device arrays, refusing numpy arrays."""
    target = getattr(np, name)
    if isinstance(target, np.ufunc):
        return _Ufunc(target)
    if isinstance(target, (type, numbers.Number)) or name.startswith("__"):
        return target  # dtypes (float32, bool_, ...) and constants (pi, inf, newaxis)
    if callable(target):
        return lambda *args, **kwargs: _call(target, args, kwargs)
    return target
