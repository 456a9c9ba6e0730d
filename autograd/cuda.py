"""`ag.cuda`: is a GPU usable?"""
from . import backend


def is_available():
    """True when cupy (or a registered stand-in) can run on a GPU."""
    return backend.gpu_module() is not None


def device_count():
    module = backend.gpu_module()
    if module is None:
        return 0
    return module.cuda.runtime.getDeviceCount()
