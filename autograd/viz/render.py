"""Turning a read graph (trace.Graph) into a Graphviz Digraph: one node per operation or leaf,
or one per module with `collapse="module"`; gradient magnitudes as colour and width on a
logarithmic scale with its legend in the image."""
import graphviz

from . import style
from .style import LogScale, number, shape_text, values_text

FONT = "Helvetica"


class BackwardGraph(graphviz.Digraph):
    """A graphviz.Digraph whose rendering explains how to install Graphviz when `dot` is
    missing."""

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


def _new_digraph(title):
    dot = BackwardGraph(name="backward_graph")
    dot.attr(rankdir="TB", fontname=FONT, nodesep="0.25", ranksep="0.35")
    if title:
        dot.attr(label=title, labelloc="t", fontsize="16")
    dot.attr("node", fontname=FONT, fontsize="10", style="filled,rounded", shape="box",
             penwidth="1.0", margin="0.08,0.04")
    dot.attr("edge", fontname=FONT, fontsize="8", dir="back", arrowsize="0.6")
    return dot


def _fill(stats, scale):
    if stats is None:
        return style.NO_GRAD, "black"
    if not stats.finite:
        return style.NON_FINITE, "white"
    colour = scale.colour(stats.rms)
    dark = scale.position(stats.rms) > 0.6
    return colour, "white" if dark else "black"


def _grad_line(stats):
    if stats is None:
        return None
    if not stats.finite:
        return "grad has NaN/Inf!"
    if stats.values is not None:
        return "grad " + values_text(stats.values)
    return f"grad rms {number(stats.rms)}"


def _local_line(op):
    if op.local is None:
        return None
    mean, largest, passing = op.local
    if op.derivative == "relu'":
        return f"relu' passes {passing:.0%}"
    return f"{op.derivative} mean {number(mean)} (max {number(largest)})"


def _shrink_mark(factor):
    if factor is not None and factor <= style.SHRINK:
        return f"▼ ×{number(factor)}"
    return None


def _op_label(op):
    lines = [op.name, shape_text(op.shape), _grad_line(op.grad), _local_line(op)]
    if len(op.inputs) == 1:
        lines.append(_shrink_mark(op.inputs[0][2]))
    return "\n".join(line for line in lines if line)


def _leaf_label(leaf):
    lines = [leaf.name, shape_text(leaf.shape)]
    if leaf.values is not None:
        lines.append("value " + values_text(leaf.values))
    lines.append(_grad_line(leaf.grad))
    return "\n".join(line for line in lines if line)


def _scale(graph):
    values = [op.grad.rms for op in graph.ops if op.grad]
    values += [leaf.grad.rms for leaf in graph.leaves if leaf.grad]
    values += [s.rms for op in graph.ops for _, s, _, _ in op.inputs if s]
    return LogScale(values)


def _edge_attrs(stats, factor, scale, with_label):
    attrs = {}
    if stats is not None:
        colour = style.NON_FINITE if not stats.finite else scale.colour(stats.rms)
        attrs = {"color": colour, "penwidth": scale.width(stats.rms)}
        if with_label:
            mark = _shrink_mark(factor)
            attrs["label"] = number(stats.rms) + (f" {mark}" if mark else "")
    return attrs


def _add_legend(dot, graph, scale):
    if graph.has_grads:
        dot.node("legend", style.legend_label(scale), shape="plaintext", style="")


def _module_tree(modules):
    """parent dotted name -> child dotted names, for nesting clusters."""
    children = {}
    for name in sorted(modules):
        parent = name.rsplit(".", 1)[0] if "." in name else ""
        while parent and parent not in modules:
            parent = parent.rsplit(".", 1)[0] if "." in parent else ""
        children.setdefault(parent, []).append(name)
    return children


def full_graph(graph, title=None):
    dot = _new_digraph(title)
    scale = _scale(graph)
    members = {}
    for op in graph.ops:
        members.setdefault(op.module or "", []).append(op)
    tree = _module_tree(graph.modules)

    def add_ops(target, module):
        for op in reversed(members.get(module, [])):  # oldest first reads top to bottom
            fill, font = _fill(op.grad, scale)
            bold = len(op.inputs) == 1 and _shrink_mark(op.inputs[0][2])
            target.node(op.ident, _op_label(op), fillcolor=fill, fontcolor=font,
                        penwidth="2.5" if bold else "1.0",
                        color="#b3172f" if bold else "black")
        for child in tree.get(module, []):
            with target.subgraph(name=f"cluster_{child}") as sub:
                sub.attr(label=graph.modules[child], style="rounded,dashed", color="#808080",
                         fontsize="11")
                add_ops(sub, child)

    for leaf in graph.leaves:
        fill, font = _fill(leaf.grad, scale)
        dot.node(leaf.ident, _leaf_label(leaf), fillcolor=fill, fontcolor=font,
                 shape="box", style="filled")
    add_ops(dot, "")
    for op in reversed(graph.ops):
        for source, stats, factor, _ in op.inputs:
            dot.edge(source, op.ident, **_edge_attrs(stats, factor, scale, True))
    _add_legend(dot, graph, scale)
    return dot


def collapsed_graph(graph, title=None):
    """One node per innermost module (operations outside modules stay single nodes); the
    parameters of a module are listed inside its node with their gradient RMS."""
    dot = _new_digraph(title)
    scale = _scale(graph)
    group_of = {op.ident: (op.module or op.ident) for op in graph.ops}
    ops_by_group = {}
    for op in graph.ops:
        ops_by_group.setdefault(group_of[op.ident], []).append(op)
    leaves = {leaf.ident: leaf for leaf in graph.leaves}
    folded = set()          # parameter leaves drawn inside their module's node
    edges = {}              # (source group, target group) -> (stats, factor)
    for group, ops in ops_by_group.items():
        newest = ops[0]     # ops are newest first: the group's output
        lines = [graph.modules.get(group, newest.name) if group in graph.modules
                 else newest.name, shape_text(newest.shape), _grad_line(newest.grad)]
        inside = {op.ident for op in ops}
        incoming = []
        for op in ops:
            line = _local_line(op)
            if line:
                lines.append(line)
            for source, stats, factor, shape in op.inputs:
                if source in inside:
                    continue
                if source in leaves and group in graph.modules:
                    leaf = leaves[source]
                    folded.add(source)
                    lines.append(f"{leaf.name.rsplit('.', 1)[-1]} {shape_text(leaf.shape)}"
                                 f" grad rms {number(leaf.grad.rms) if leaf.grad else '?'}")
                    continue
                incoming.append((stats, shape))
                key = (group_of.get(source, source), group)
                edges.setdefault(key, (stats, None))
        if len(incoming) == 1 and incoming[0][0] is not None and newest.grad is not None \
                and newest.grad.rms > 0 and incoming[0][1] == newest.shape:
            factor = incoming[0][0].rms / newest.grad.rms
            mark = _shrink_mark(factor)
            lines.append(mark or f"gradient ×{number(factor)}")
        fill, font = _fill(newest.grad, scale)
        marked = any("▼" in line for line in lines if line)
        dot.node(_safe(group), "\n".join(line for line in lines if line), fillcolor=fill,
                 fontcolor=font, penwidth="2.5" if marked else "1.0",
                 color="#b3172f" if marked else "black")
    for leaf in graph.leaves:
        if leaf.ident not in folded:
            fill, font = _fill(leaf.grad, scale)
            dot.node(leaf.ident, _leaf_label(leaf), fillcolor=fill, fontcolor=font,
                     style="filled")
    for (source, target), (stats, factor) in edges.items():
        dot.edge(_safe(source), _safe(target), **_edge_attrs(stats, factor, scale, False))
    _add_legend(dot, graph, scale)
    return dot


def _safe(name):
    """Module names ("0", "encoder.fc1") as node ids that cannot clash with op or leaf ids."""
    return name if name.startswith(("op", "leaf")) else f"module_{name}"
