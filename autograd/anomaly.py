"""Anomaly detection: where a node was created, and NaN/Inf checks on what it produces."""
import os
import traceback
import weakref

from .backend import array_module
from .tensor import Tensor

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


traces = weakref.WeakKeyDictionary()  # node -> where it was created, under detect_anomaly


def creation_trace():
    """The stack of the user's code creating a node, without autograd's own frames."""
    return [f for f in traceback.extract_stack()
            if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)]


def _where(node, trace=None):
    trace = trace or traces.get(node)
    if not trace:
        return ("(its creation point is unknown: run the forward pass inside "
                "ag.detect_anomaly() as well to record it)")
    last = trace[-1]
    return (f'created at File "{last.filename}", line {last.lineno}, in {last.name}\n'
            f"    {last.line}\n"
            "Forward stack of the operation:\n" + "".join(traceback.format_list(trace)))


def _bad(a):
    if a.dtype.kind not in "fc":
        return False
    return not bool(array_module(a).isfinite(a).all())


def check_forward(node, outputs):
    for k, y in enumerate(outputs):
        if hasattr(y, "dtype") and _bad(y):
            raise FloatingPointError(
                f"anomaly: {node.name} produced NaN or Inf in its forward output {k} "
                f"(shape {tuple(y.shape)}); {_where(node, creation_trace())}")


def check_backward(node, grads):
    for k, g in enumerate(grads):
        if g is None:
            continue
        data = g.data if isinstance(g, Tensor) else g
        if _bad(data):
            raise FloatingPointError(
                f"anomaly: the backward of {node.name} returned NaN or Inf in the gradient of "
                f"its input {k} (shape {tuple(data.shape)}); the operation was {_where(node)}")
