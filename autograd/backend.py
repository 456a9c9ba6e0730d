"""Array backends and devices: numpy on the CPU, cupy (or a registered stand-in) on the GPU.

Every operation takes its array module from its operands (`array_module(a)`), so there is one
code path for both devices. The GPU module is looked up lazily, so importing autograd never
imports cupy.
"""
import numpy as np

_INSTALL_HINT = ('cupy is not installed, so device "cuda" is unavailable. '
                 'Install it with: pip install "tracegrad[gpu]" (or the cupy wheel that '
                 'matches your CUDA version, e.g. pip install cupy-cuda12x).')

_gpu = {"module": None, "tried": False}
_default_device = {"device": "cpu"}


def use_gpu_module(module):
    """Use `module` (cupy, or anything that behaves like it) for device "cuda".

    Passing None forgets the choice, so the next use looks for cupy again.
    """
    _gpu["module"] = module
    _gpu["tried"] = module is not None


def gpu_module():
    """The array module behind device "cuda", or None when there is none."""
    if not _gpu["tried"]:
        _gpu["tried"] = True
        try:
            import cupy
            cupy.cuda.runtime.getDeviceCount()
            _gpu["module"] = cupy
        except Exception:  # not installed, or installed without a usable GPU
            _gpu["module"] = None
    return _gpu["module"]


def require_gpu_module():
    module = gpu_module()
    if module is None:
        raise RuntimeError(_INSTALL_HINT)
    return module


def array_module(a):
    """numpy for numpy arrays and scalars, otherwise the GPU module that owns `a`."""
    if a.__class__ is np.ndarray or isinstance(a, (np.ndarray, np.generic)):
        return np
    module = _gpu["module"]
    if module is not None and isinstance(a, module.ndarray):
        return module
    return np


def normalize_device(device):
    """'cpu', 'cuda' or 'cuda:N'; raises ValueError for anything else."""
    if device is None:
        return _default_device["device"]
    device = str(device)
    if device == "cpu" or device == "cuda":
        return device
    if device.startswith("cuda:") and device[5:].isdigit():
        return device
    raise ValueError(f"unknown device {device!r}: expected 'cpu', 'cuda' or 'cuda:N'")


def device_of(a):
    """The device name of a backend array ("cpu" for anything that is not a GPU array)."""
    if isinstance(a, (np.ndarray, np.generic)):
        return "cpu"
    module = _gpu["module"]
    if module is None or not isinstance(a, module.ndarray):
        return "cpu"
    ident = getattr(getattr(a, "device", None), "id", None)
    return "cuda" if ident is None else f"cuda:{ident}"


def to_device(a, device):
    """Copy (only when needed) a backend array to `device`."""
    if device == "cpu":
        if isinstance(a, (np.ndarray, np.generic)):
            return a
        return require_gpu_module().asnumpy(a)
    xp = require_gpu_module()
    if device == "cuda":
        return xp.asarray(a)
    with xp.cuda.Device(int(device[5:])):
        return xp.asarray(a)


def to_host(a, dtype=None):
    """A numpy array with the values of `a` (a device array, numpy array, Tensor data or
    number), in `dtype` if given; a copy whenever `a` lives on a device."""
    if not isinstance(a, (np.ndarray, np.generic)) and device_of(a) != "cpu":
        a = require_gpu_module().asnumpy(a)
    return np.asarray(a, dtype=dtype)


def as_array(value):
    """Arrays (numpy or device) stay as they are; lists and numbers become numpy arrays."""
    if isinstance(value, np.ndarray) or device_of(value) != "cpu":
        return value
    return np.asarray(value)


def set_default_device(device):
    """Where creation functions (and new parameters) put tensors when no device is given."""
    device = normalize_device(device)
    if device != "cpu":
        require_gpu_module()
    _default_device["device"] = device


def get_default_device():
    return _default_device["device"]
