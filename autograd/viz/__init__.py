"""Backward graphs you can read: how big the gradient is at every step, and the factor by which
each operation scaled it.

    loss.backward()
    ag.viz.backward_graph(loss, params=model).render("graph", format="svg")

Before `backward()` the same call draws the forward structure with shapes.
"""
from .render import BackwardGraph, full_graph, collapsed_graph
from .trace import read_graph

__all__ = ["backward_graph", "to_dot", "BackwardGraph"]


def backward_graph(output, params=None, collapse=None, title=None):
    """The graph behind `output` as a graphviz.Digraph (render with `.render(...)` or
    `.pipe(format="svg")`; it displays inline in Jupyter).

    params: names for the leaves — a dict {name: tensor}, (name, tensor) pairs, or an
        `nn.Module`, which also groups the operations made inside each submodule into a
        labelled cluster.
    collapse: None for one node per operation, "module" for one node per module (with its
        aggregate gradient statistics), which keeps deep networks readable.
    """
    if collapse not in (None, "module"):
        raise ValueError(f"backward_graph: collapse must be None or 'module', got {collapse!r}")
    graph = read_graph(output, params)
    if collapse == "module":
        return collapsed_graph(graph, title)
    return full_graph(graph, title)


def to_dot(output, params=None, collapse=None, title=None):
    """The DOT text of `backward_graph(...)`; needs no Graphviz program."""
    return backward_graph(output, params, collapse, title).source
