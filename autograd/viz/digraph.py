"""`BackwardGraph`: the graphviz.Digraph that `backward_graph` returns (this module needs the
graphviz package; the rest of autograd.viz does not)."""
from .. import extras

graphviz = extras.require("graphviz", "autograd.viz.backward_graph (rendering with Graphviz)")


class BackwardGraph(graphviz.Digraph):
    """A graphviz.Digraph whose rendering explains how to install Graphviz when `dot` is
    missing."""

    @classmethod
    def from_dot(cls, dot):
        return cls(name=dot.name, body=list(dot.body))

    def pipe(self, *args, **kwargs):
        return _explained(super().pipe, *args, **kwargs)

    def render(self, *args, **kwargs):
        return _explained(super().render, *args, **kwargs)


def _explained(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except graphviz.ExecutableNotFound as error:
        raise RuntimeError(
            "rendering a backward graph needs the Graphviz program `dot`, which was not found "
            "on PATH. Install Graphviz: `apt-get install graphviz` (Debian/Ubuntu), "
            "`brew install graphviz` (macOS), `conda install graphviz`, or see "
            "graphviz.org/download. The DOT text itself is available without it: "
            "autograd.viz.to_dot(...)") from error
