"""DLPack: sharing a tensor's memory with PyTorch, JAX, CuPy or numpy without copying.

    torch_tensor = torch.from_dlpack(t)       # t is a tracegrad Tensor: same memory
    t = ag.from_dlpack(torch_tensor)          # and back: a leaf Tensor on the same memory

A write on either side is seen on the other (JAX's arrays are immutable, so only
tracegrad's side writes there). The exchanged tensor is data only: no graph goes along.
"""
import numpy as np

from . import backend
from .tensor import Tensor

_CPU, _CUDA, _CUDA_MANAGED = 1, 2, 13   # DLPack's device types


def from_dlpack(obj):
    """A leaf Tensor sharing memory with `obj`: anything with `__dlpack__` (a PyTorch, JAX or
    CuPy array, a numpy array, another Tensor)."""
    if not hasattr(obj, "__dlpack__"):
        raise TypeError(f"from_dlpack: a {type(obj).__name__} does not offer __dlpack__; "
                        "pass a PyTorch, JAX, CuPy or numpy array")
    device_type, index = obj.__dlpack_device__()
    if device_type == _CPU:
        array = np.from_dlpack(obj)
    elif device_type in (_CUDA, _CUDA_MANAGED):
        xp = backend.require_gpu_module()
        with xp.cuda.Device(int(index)):
            array = xp.from_dlpack(obj)
    else:
        raise ValueError(f"from_dlpack: DLPack device type {device_type} is neither the CPU "
                         "nor a CUDA GPU, which are the devices tracegrad runs on")
    return Tensor._from_node(array, None)
