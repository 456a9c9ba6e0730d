"""Backward graphs you can read: how big the gradient is at every step, and the factor by which
each operation scaled it.

    loss.backward()
    ag.viz.backward_graph(loss, params=model).render("graph", format="svg")
    ag.viz.backward_graph(loss, params=model, collapse="auto")   # any size, on one screen
    ag.viz.save_html(loss, "graph.html", params=model)           # explore it in a browser

Before `backward()` the same call draws the forward structure with shapes. The gradients come
from the latest backward pass of this thread (`autograd.graph.last_backward()`).
"""
import warnings

from . import plan as plans
from .render import draw
from .trace import read_graph   # the statistics a picture is drawn from, as data
from .html import to_html, save_html

__all__ = ["backward_graph", "to_dot", "read_graph", "to_html", "save_html"]

PLANS = {None: plans.full, "module": plans.by_module, "auto": plans.auto}
MAX_NODES = 600   # Graphviz lays out larger graphs slowly (minutes and up): fold instead


def _dot(output, params, collapse, title, scale, max_nodes, expand=None):
    from ..tensor import Tensor
    if not isinstance(output, Tensor):
        raise TypeError(f"autograd.viz: expected the Tensor whose graph to draw (a loss, say), "
                        f"got {type(output).__name__}")
    if collapse not in PLANS:
        raise ValueError(f"backward_graph: collapse must be None, 'module' or 'auto', got "
                         f"{collapse!r}")
    graph = read_graph(output, params)
    if expand is not None:
        plan = _expanded(graph, collapse, expand)
    else:
        plan = PLANS[collapse](graph)
    drawn = sum(1 for _ in plan.walk()) + len(graph.leaves)
    if max_nodes is not None and drawn > max_nodes and collapse != "auto":
        warnings.warn(f"backward_graph: the graph has {drawn} nodes to draw with "
                      f"collapse={collapse!r}, more than Graphviz lays out quickly; it is drawn "
                      f"with collapse='auto' (repeated blocks folded) instead. Pass "
                      f"max_nodes=None to force the full drawing.", stacklevel=3)
        plan = plans.auto(graph)
    return draw(graph, plan, title, scale)


def _expanded(graph, collapse, expand):
    types = expand if isinstance(expand, tuple) else (expand,)
    if not types or not all(isinstance(t, type) for t in types):
        raise TypeError(f"backward_graph: expand must be a module class or a tuple of them "
                        f"(e.g. expand=MyBlock), got {expand!r}")
    if collapse != "auto":
        raise ValueError(f"backward_graph: expand= opens module calls inside folded blocks; "
                         f"it needs collapse='auto', got collapse={collapse!r}")
    return plans.expanded(graph, types)


def backward_graph(output, params=None, collapse=None, title=None, scale=None,
                   max_nodes=MAX_NODES, expand=None):
    """The graph behind `output` as a graphviz.Digraph (render with `.render(...)` or
    `.pipe(format="svg")`; it displays inline in Jupyter). Needs the graphviz package.

    params: names for the leaves — a dict {name: tensor}, (name, tensor) pairs, or an
        `nn.Module`, which also groups the operations made inside each submodule call.
    collapse: None for one node per operation; "module" for one node per module call;
        "auto" to fold repeated blocks (layers, time steps) into one node each, with a strip
        showing the gradient across the repeats, so that any network fits one screen.
    scale: (low, high), a fixed range for the colour scale, so that several pictures shown
        side by side colour the same gradient alike (default: this graph's own range).
    expand: with collapse="auto", a module class (or a tuple of them) whose calls are drawn
        op by op; a folded run of them shows its first and last two repeats open, so what a
        block does inside (a skip connection) stays visible.
    max_nodes: above this many nodes an unfolded drawing is folded (collapse="auto") with a
        warning, since Graphviz would take minutes; None to draw it anyway.
    """
    dot = _dot(output, params, collapse, title, scale, max_nodes, expand)
    from .digraph import BackwardGraph
    return BackwardGraph.from_dot(dot)


def to_dot(output, params=None, collapse=None, title=None, scale=None, max_nodes=MAX_NODES,
           expand=None):
    """The DOT text of `backward_graph(...)`; needs neither Graphviz nor its Python package."""
    return _dot(output, params, collapse, title, scale, max_nodes, expand).source
