"""tracegrad's autograd engine: tensors that record a define-by-run graph, and the backward
pass that applies the chain rule over it."""
from . import cuda
from .backend import set_default_device, get_default_device
from .dtypes import set_default_dtype, get_default_dtype
from .tensor import Tensor
from .function import Function
from .modes import no_grad, enable_grad, is_grad_enabled, detect_anomaly, is_anomaly_enabled
from .engine import grad
from .creation import (tensor, from_numpy, zeros, ones, full, randn, rand, arange, zeros_like,
                       ones_like, manual_seed)
from .ops.arithmetic import add, sub, mul, div, neg, pow, matmul
from .ops.elementwise import (exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, clip,
                              maximum, minimum, where)
from .ops.reduce import sum, mean, var, max, min, logsumexp, sum_to
from .ops.shape import (reshape, transpose, flatten, expand_dims, squeeze, broadcast_to,
                        concatenate, stack)
from .ops.softmax import softmax, log_softmax
from .gradcheck import gradcheck, gradgradcheck, GradcheckError

__version__ = "0.1.0"


def __getattr__(name):
    if name == "viz":  # imported on first use: it needs the graphviz package
        import importlib
        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")

__all__ = [
    "cuda",
    "set_default_device",
    "get_default_device",
    "set_default_dtype",
    "get_default_dtype",
    "Tensor",
    "Function",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "is_anomaly_enabled",
    "grad",
    "tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "randn",
    "rand",
    "arange",
    "zeros_like",
    "ones_like",
    "manual_seed",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "pow",
    "matmul",
    "exp",
    "log",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "relu",
    "clip",
    "maximum",
    "minimum",
    "where",
    "sum",
    "mean",
    "var",
    "max",
    "min",
    "logsumexp",
    "sum_to",
    "reshape",
    "transpose",
    "flatten",
    "expand_dims",
    "squeeze",
    "broadcast_to",
    "concatenate",
    "stack",
    "softmax",
    "log_softmax",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "viz",
]
