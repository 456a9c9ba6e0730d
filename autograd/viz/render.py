"""Turning a read graph (trace.Graph) into DOT: one node per operation or leaf, or one per
module call with `collapse="module"`; gradient magnitudes as colour and width on a
logarithmic scale with its legend in the image."""
from . import style
from .dot import Dot
from .style import LogScale, number, shape_text, values_text

FONT = "Helvetica"


STALE = ("(no gradients shown: a backward pass ran through this graph, but only the latest "
         "pass of a thread is kept; draw right after that graph's backward())")


def _new_digraph(graph, title):
    dot = Dot("backward_graph")
    dot.attr(rankdir="TB", fontname=FONT, nodesep="0.25", ranksep="0.35")
    if graph.stale:
        title = f"{title}\n{STALE}" if title else STALE
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
    local = op.local
    if local is None:
        return None
    if local.gates:
        return f"{local.symbol} passes {local.passing:.0%}"
    return f"{local.symbol} mean {number(local.mean)} (max {number(local.largest)})"


def _shrink_mark(factor):
    return None if factor is None else f"▼ ×{number(factor)}"


def _op_label(op):
    lines = [op.name, shape_text(op.shape), _grad_line(op.grad), _local_line(op),
             _shrink_mark(op.shrink)]
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
    values += [i.grad.rms for op in graph.ops for i in op.inputs if i.grad]
    return LogScale(values)


def _edge_attrs(stats, shrink, scale, with_label):
    attrs = {}
    if stats is not None:
        colour = style.NON_FINITE if not stats.finite else scale.colour(stats.rms)
        attrs = {"color": colour, "penwidth": scale.width(stats.rms)}
        if with_label:
            mark = _shrink_mark(shrink)
            attrs["label"] = number(stats.rms) + (f" {mark}" if mark else "")
    return attrs


def _add_legend(dot, graph, scale):
    if graph.has_grads:
        dot.node("legend", style.legend_label(scale), shape="plaintext", style="")


def _group_tree(groups):
    """parent group key ("" at the top) -> child keys, for nesting clusters."""
    children = {}
    for key, group in groups.items():
        children.setdefault(group.parent or "", []).append(key)
    return children


def full_graph(graph, title=None):
    dot = _new_digraph(graph, title)
    scale = _scale(graph)
    members = {}
    for op in graph.ops:
        members.setdefault(op.group or "", []).append(op)
    tree = _group_tree(graph.groups)

    def add_ops(target, group):
        for op in reversed(members.get(group, [])):  # oldest first reads top to bottom
            fill, font = _fill(op.grad, scale)
            bold = op.shrink is not None
            target.node(op.ident, _op_label(op), fillcolor=fill, fontcolor=font,
                        penwidth="2.5" if bold else "1.0",
                        color="#b3172f" if bold else "black")
        for child in tree.get(group, []):
            with target.subgraph(f"cluster_{child}") as sub:
                sub.attr(label=graph.groups[child].label, style="rounded,dashed",
                         color="#808080", fontsize="11")
                add_ops(sub, child)

    for leaf in graph.leaves:
        fill, font = _fill(leaf.grad, scale)
        dot.node(leaf.ident, _leaf_label(leaf), fillcolor=fill, fontcolor=font,
                 shape="box", style="filled")
    add_ops(dot, "")
    for op in reversed(graph.ops):
        for edge in op.inputs:
            dot.edge(edge.source, op.ident,
                     **_edge_attrs(edge.grad, op.shrink, scale, True))
    _add_legend(dot, graph, scale)
    return dot


def collapsed_graph(graph, title=None):
    """One node per innermost module call (operations outside modules stay single nodes);
    the parameters of a module are listed inside its node with their gradient RMS."""
    dot = _new_digraph(graph, title)
    scale = _scale(graph)
    node_of = {op.ident: (f"module_{op.group}" if op.group else op.ident) for op in graph.ops}
    ops_by_node = {}
    for op in graph.ops:
        ops_by_node.setdefault(node_of[op.ident], []).append(op)
    leaves = {leaf.ident: leaf for leaf in graph.leaves}
    folded = set()          # parameter leaves drawn inside their module's node
    edges = {}              # (source node, target node) -> gradient stats
    for node, ops in ops_by_node.items():
        newest = ops[0]     # ops are newest first: the group's output
        group = graph.groups.get(newest.group) if newest.group else None
        lines = [group.label if group else newest.name, shape_text(newest.shape),
                 _grad_line(newest.grad)]
        inside = {op.ident for op in ops}
        incoming = []
        for op in ops:
            lines.append(_local_line(op))
            for edge in op.inputs:
                if edge.source in inside:
                    continue
                if edge.source in leaves and group is not None:
                    leaf = leaves[edge.source]
                    folded.add(edge.source)
                    lines.append(f"{leaf.name.rsplit('.', 1)[-1]} {shape_text(leaf.shape)}"
                                 f" grad rms {number(leaf.grad.rms) if leaf.grad else '?'}")
                    continue
                incoming.append(edge)
                edges.setdefault((node_of.get(edge.source, edge.source), node), edge.grad)
        shrink = None
        if len(incoming) == 1 and incoming[0].grad is not None and newest.grad is not None \
                and newest.grad.rms > 0 and incoming[0].shape == newest.shape:
            factor = incoming[0].grad.rms / newest.grad.rms
            shrink = factor if factor <= style.SHRINK else None
            lines.append(_shrink_mark(shrink) or f"gradient ×{number(factor)}")
        fill, font = _fill(newest.grad, scale)
        dot.node(node, "\n".join(line for line in lines if line), fillcolor=fill,
                 fontcolor=font, penwidth="2.5" if shrink is not None else "1.0",
                 color="#b3172f" if shrink is not None else "black")
    for leaf in graph.leaves:
        if leaf.ident not in folded:
            fill, font = _fill(leaf.grad, scale)
            dot.node(leaf.ident, _leaf_label(leaf), fillcolor=fill, fontcolor=font,
                     style="filled")
    for (source, target), stats in edges.items():
        dot.edge(source, target, **_edge_attrs(stats, None, scale, False))
    _add_legend(dot, graph, scale)
    return dot
