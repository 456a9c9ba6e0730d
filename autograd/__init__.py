"""tracegrad's autograd engine: tensors that record a define-by-run graph, and the backward
pass that applies the chain rule over it."""
from . import cuda
from .backend import set_default_device, get_default_device
from .dtypes import set_default_dtype, get_default_dtype, NAMED as _NAMED_DTYPES
from .tensor import Tensor
from .function import Function
from .modes import no_grad, enable_grad, is_grad_enabled, detect_anomaly, is_anomaly_enabled
from .engine import grad
from .creation import (tensor, from_numpy, zeros, ones, full, randn, rand, arange, zeros_like,
                       ones_like, manual_seed, default_generator)
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .dlpack import from_dlpack
from . import graph, ops, extras
from .ops import PUBLIC_FAMILIES as _FAMILIES

__version__ = "0.1.0"

globals().update(_NAMED_DTYPES)      # ag.float32, ag.int64, ag.float, ag.long, ...

# The differentiable functions (ag.exp, ag.sum, ag.reshape, ...) come from the op families,
# each of which lists its public functions in its `__all__`.
for _family in _FAMILIES:
    globals().update({_name: getattr(_family, _name) for _name in _family.__all__})


def __getattr__(name):
    if name == "viz":  # imported on first use, so that importing autograd stays light
        import importlib
        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "cuda", "set_default_device", "get_default_device", "set_default_dtype",
    "get_default_dtype", "Tensor", "Function", "no_grad", "enable_grad", "is_grad_enabled",
    "detect_anomaly", "is_anomaly_enabled", "grad", "tensor", "from_numpy", "zeros", "ones",
    "full", "randn", "rand", "arange", "zeros_like", "ones_like", "manual_seed",
    "default_generator", "from_dlpack", "gradcheck", "gradgradcheck", "GradcheckError",
    "graph", "ops", "extras", "viz",
] + [_name for _family in _FAMILIES for _name in _family.__all__] + list(_NAMED_DTYPES)
