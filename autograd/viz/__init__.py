"""Backward graphs you can read: how big the gradient is at every step, and the factor by which
each operation scaled it.

    loss.backward()
    ag.viz.backward_graph(loss, params=model).render("graph", format="svg")

Before `backward()` the same call draws the forward structure with shapes. The gradients come
from the latest backward pass of this thread (`autograd.graph.last_backward()`).
"""
from .render import full_graph, collapsed_graph
from .trace import read_graph   # the statistics a picture is drawn from, as data

__all__ = ["backward_graph", "to_dot", "read_graph"]

_COLLAPSE = {None: full_graph, "module": collapsed_graph}


def _dot(output, params, collapse, title):
    from ..tensor import Tensor
    if not isinstance(output, Tensor):
        raise TypeError(f"autograd.viz: expected the Tensor whose graph to draw (a loss, say), "
                        f"got {type(output).__name__}")
    if collapse not in _COLLAPSE:
        raise ValueError(f"backward_graph: collapse must be None or 'module', got {collapse!r}")
    return _COLLAPSE[collapse](read_graph(output, params), title)


def backward_graph(output, params=None, collapse=None, title=None):
    """The graph behind `output` as a graphviz.Digraph (render with `.render(...)` or
    `.pipe(format="svg")`; it displays inline in Jupyter). Needs the graphviz package.

    params: names for the leaves — a dict {name: tensor}, (name, tensor) pairs, or an
        `nn.Module`, which also groups the operations made inside each submodule into a
        labelled cluster.
    collapse: None for one node per operation, "module" for one node per module call (with
        its aggregate gradient statistics), which keeps deep networks readable.
    """
    dot = _dot(output, params, collapse, title)
    from .digraph import BackwardGraph
    return BackwardGraph.from_dot(dot)


def to_dot(output, params=None, collapse=None, title=None):
    """The DOT text of `backward_graph(...)`; needs neither Graphviz nor its Python package."""
    return _dot(output, params, collapse, title).source
