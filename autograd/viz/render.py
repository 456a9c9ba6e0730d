"""Drawing a plan (plan.py) of a read graph (trace.Graph) as DOT: gradient magnitudes as
colour and width on a logarithmic scale with its legend in the image, activations' local
derivatives, shrink marks, modules as boxes or nodes, repeated blocks folded into a node with
a strip of the gradient across the repeats."""
import contextlib
import html
import math

from . import style
from .dot import Dot
from .plan import ClusterItem, FoldItem, ModuleItem, OpItem
from .style import LogScale, number, shape_text, values_text
from .trace import LocalDerivative

FONT = "Helvetica"
STRIP_CELLS = 120        # a fold's strip shows at most this many cells (repeats are pooled)
STRIP_WIDTH = 360        # points

STALE = ("(no gradients shown: a backward pass ran through this graph, but only the latest "
         "pass of a thread is kept; draw right after that graph's backward())")


def draw(graph, plan, title=None, scale=None):
    """The Dot of `plan`. `scale` fixes the colour scale: (low, high), or a LogScale that
    other pictures share."""
    return _Canvas(graph, plan, title, scale_of(graph, scale)).draw()


def scale_of(graph, fixed):
    if isinstance(fixed, LogScale):
        return fixed
    if fixed is not None:
        return LogScale([], fixed=fixed)
    values = [op.grad.rms for op in graph.ops if op.grad]
    values += [leaf.grad.rms for leaf in graph.leaves if leaf.grad]
    values += [i.grad.rms for op in graph.ops for i in op.inputs if i.grad]
    return LogScale(values)


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


def _grad_line(stats):
    if stats is None:
        return None
    if not stats.finite:
        return "grad has NaN/Inf!"
    if stats.values is not None:
        return "grad " + values_text(stats.values)
    return f"grad rms {number(stats.rms)}"


def _local_line(local):
    if local is None:
        return None
    if local.gates:
        return f"{local.symbol} passes {local.passing:.0%}"
    return f"{local.symbol} mean {number(local.mean)} (max {number(local.largest)})"


def _shrink_mark(factor):
    return None if factor is None else f"▼ ×{number(factor)}"


def _lines(*lines):
    return "\n".join(line for line in lines if line)


def _leaf_label(leaf):
    value = None if leaf.values is None else "value " + values_text(leaf.values)
    return _lines(leaf.name, shape_text(leaf.shape), value, _grad_line(leaf.grad))


class _Canvas:
    """Draws the items of one plan onto one Dot."""

    def __init__(self, graph, plan, title, scale):
        self.graph, self.plan, self.scale = graph, plan, scale
        self.dot = _new_digraph(graph, title)
        self.target = self.dot
        self.owner = plan.drawn_in()
        self.leaves = {leaf.ident: leaf for leaf in graph.leaves}
        self.inside = self._leaves_inside()      # leaf ident -> item ident listing it

    def _leaves_inside(self):
        """The parameters drawn inside a node rather than as nodes of their own: those whose
        every use is inside one module node, or inside one repeat of a fold."""
        uses = {}
        for op in self.graph.ops:
            for edge in op.inputs:
                if edge.source in self.leaves:
                    uses.setdefault(edge.source, set()).add(op.ident)
        repeat = {}    # op ident -> which repeat of its fold it belongs to
        for item in self.plan.walk():
            if isinstance(item, FoldItem):
                for k, unit in enumerate(item.units):
                    repeat.update((op.ident, k) for op in unit)
        inside = {}
        for leaf, users in uses.items():
            owners = {id(self.owner[u]): self.owner[u] for u in users}
            if len(owners) != 1:
                continue
            (owner,) = owners.values()
            one_repeat = len({repeat.get(u) for u in users}) == 1
            if isinstance(owner, ModuleItem) or (isinstance(owner, FoldItem) and one_repeat):
                inside[leaf] = owner.ident
        return inside

    def _leaf_homes(self):
        """leaf ident -> the cluster it is drawn in: the innermost open module call that
        holds every use of it (a layer's weight sits in the layer's box), or None."""
        clusters = {}
        for item in self.plan.walk():
            if isinstance(item, ClusterItem):
                clusters.update((op.ident, item) for op in item.ops())   # inner ones last
        homes = {}
        for op in self.graph.ops:
            for edge in op.inputs:
                if edge.source in self.leaves:
                    homes.setdefault(edge.source, set()).add(id(clusters.get(op.ident)))
        by_id = {id(c): c for c in clusters.values()}
        return {leaf: by_id.get(next(iter(ids))) for leaf, ids in homes.items()
                if len(ids) == 1}

    def leaf_node(self, ident):
        leaf = self.leaves[ident]
        fill, font = self._fill(leaf.grad)
        self.target.node(leaf.ident, _leaf_label(leaf), fillcolor=fill, fontcolor=font,
                         shape="box", style="filled", id=leaf.ident)

    def draw(self):
        self.homes = self._leaf_homes()
        for leaf in self.graph.leaves:
            if leaf.ident not in self.inside and self.homes.get(leaf.ident) is None:
                self.leaf_node(leaf.ident)
        for item in self.plan.items:
            item.draw(self)
        self._edges()
        if self.graph.has_grads:
            self.dot.node("legend", style.legend_label(self.scale), shape="plaintext",
                          style="")
            if self.graph.root in self.owner:   # below the output: the picture stays compact
                self.dot.edge(self.owner[self.graph.root].ident, "legend", style="invis")
        return self.dot

    def _fill(self, stats):
        if stats is None:
            return style.NO_GRAD, "black"
        if not stats.finite:
            return style.NON_FINITE, "white"
        return self.scale.colour(stats.rms), self.scale.font_colour(stats.rms)

    def _node(self, ident, label, stats, marked, **attrs):
        fill, font = self._fill(stats)
        self.target.node(ident, label, fillcolor=fill, fontcolor=font,
                         penwidth="2.5" if marked else "1.0",
                         color="#b3172f" if marked else "black", id=ident, **attrs)

    # --- the items ------------------------------------------------------------------------
    def op_node(self, item):
        op = item.op
        label = _lines(op.name, shape_text(op.shape), _grad_line(op.grad),
                       _local_line(op.local), _shrink_mark(op.shrink))
        self._node(op.ident, label, op.grad, op.shrink is not None)

    def module_node(self, item):
        newest = item.members[0]
        lines = [item.group.label, shape_text(newest.shape), _grad_line(newest.grad)]
        lines += [_local_line(op.local) for op in item.members]
        lines += self._parameter_lines(item)
        factor = self._factor(item, newest)
        shrink = factor if factor is not None and factor <= style.SHRINK else None
        if factor is not None:
            lines.append(_shrink_mark(shrink) or f"gradient ×{number(factor)}")
        self._node(item.ident, _lines(*lines), newest.grad, shrink is not None)

    def _parameter_lines(self, item):
        lines = []
        for ident, owner in self.inside.items():
            if owner == item.ident:
                leaf = self.leaves[ident]
                rms = number(leaf.grad.rms) if leaf.grad else "?"
                lines.append(f"{leaf.name.rsplit('.', 1)[-1]} {shape_text(leaf.shape)} grad "
                             f"rms {rms}")
        return lines

    def _factor(self, item, newest):
        """The gradient's scale factor across a node with one input of its output's shape."""
        incoming = [edge for op in item.ops() for edge in op.inputs
                    if self.owner.get(edge.source) is not item
                    and edge.source not in self.inside]
        if len(incoming) == 1 and incoming[0].grad is not None and newest.grad is not None \
                and newest.grad.rms > 0 and incoming[0].shape == newest.shape:
            return incoming[0].grad.rms / newest.grad.rms
        return None

    @contextlib.contextmanager
    def _inside(self, name, **attrs):
        outer = self.target
        with outer.subgraph(name) as sub:
            sub.attr(**attrs)
            self.target = sub
            try:
                yield
            finally:
                self.target = outer

    def cluster(self, item):
        with self._inside(f"cluster_{item.group.key}", label=item.group.label,
                          labeljust="l", style="rounded,dashed", color="#808080",
                          fontsize="11", id=item.ident):
            leaves = [ident for ident, home in self.homes.items()
                      if home is item and ident not in self.inside]
            for ident in leaves:
                self.leaf_node(ident)
            for child in item.children:
                child.draw(self)
            if leaves and len(item.children) == 1 and isinstance(item.children[0], OpItem):
                self._beside(item.children[0].ident, leaves)

    def _beside(self, op, leaves):
        """A layer's parameters on the row of its one operation, the operation between
        them: the chain of operations then runs down one straight column (with the
        parameters a row above, each layer stepped sideways into a long diagonal)."""
        row = leaves[:1] + [op] + leaves[1:]
        with self.target.subgraph(f"row_{op}") as sub:
            sub.attr(rank="same")
            for left, right in zip(row, row[1:]):
                sub.edge(left, right, style="invis")

    def fold_node(self, item):
        outputs = [unit[0].grad for unit in item.units]       # each repeat's output
        params = self._unit_parameters(item)
        rows = [f"<B>{item.repeats} ×</B> {_escape(item.description)}"]
        rows += self._strip_rows("grad", [s and s.rms for s in outputs])
        if params:
            rows += self._strip_rows(f"{params[0].name.rsplit('.', 1)[-1]} grad",
                                     [leaf.grad and leaf.grad.rms for leaf in params])
        locals_ = [op.local for unit in item.units for op in unit if op.local]
        if locals_:
            rows.append(_escape(_local_line(pooled_local(locals_))))
        first, last = outputs[0], outputs[-1]
        if first and last and first.rms > 0 and last.rms > 0:
            rows.append(_escape(f"gradient ×{number(first.rms / last.rms)} from the last "
                                "repeat back to the first"))
        cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
        label = f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0">{cells}</TABLE>>'
        # the strips carry the colour; the node itself stays neutral, so it reads as a frame
        self.target.node(item.ident, label, fillcolor=style.FOLD, fontcolor="black",
                         penwidth="2.0", color="#404040", id=item.ident,
                         style="filled,rounded")

    def _unit_parameters(self, item):
        """Per repeat, its largest parameter drawn inside the fold (a weight), if every
        repeat has one."""
        found = []
        for unit in item.units:
            idents = {e.source for op in unit for e in op.inputs
                      if self.inside.get(e.source) == item.ident}
            if not idents:
                return []
            found.append(max((self.leaves[i] for i in idents), key=lambda l: math.prod(l.shape)))
        return found

    def _strip_rows(self, what, values):
        """A strip of one coloured cell per repeat (pooled when there are many), first
        repeat (the input side) on the left, and the first and last values in words."""
        pooled = _pool(values, STRIP_CELLS)
        width = max(1, STRIP_WIDTH // len(pooled))
        cells = "".join(f'<TD WIDTH="{width}" HEIGHT="10" FIXEDSIZE="TRUE" '
                        f'BGCOLOR="{self._strip_colour(v)}"></TD>' for v in pooled)
        strip = (f'<TABLE BORDER="1" COLOR="#909090" CELLBORDER="0" CELLSPACING="0" '
                 f'CELLPADDING="0"><TR>{cells}</TR></TABLE>')
        first, last = values[0], values[-1]
        note = " (exactly 0: it underflowed)" if first == 0 else ""
        return [strip, _escape(f"{what} rms: first {number(first)}{note} … last "
                               f"{number(last)}")]

    def _strip_colour(self, value):
        if value is None:
            return style.NO_GRAD
        return style.ZERO if value == 0 else self.scale.colour(value)

    # --- the edges ------------------------------------------------------------------------
    def _edges(self):
        seen = set()
        for op in reversed(self.graph.ops):            # oldest first
            target = self.owner[op.ident].ident
            for edge in op.inputs:
                if edge.source in self.inside:
                    continue
                owner = self.owner.get(edge.source)
                source = edge.source if owner is None else owner.ident
                if source == target or (self.plan.merge_edges and (source, target) in seen):
                    continue
                seen.add((source, target))
                # a leaf feeding a fold feeds every repeat: its own gradient is the total
                stats = self.leaves[edge.source].grad if edge.source in self.leaves and \
                    isinstance(self.owner[op.ident], FoldItem) else edge.grad
                attrs = {}
                if stats is not None:
                    attrs = {"color": style.NON_FINITE if not stats.finite
                             else self.scale.edge_colour(stats.rms),
                             "penwidth": self.scale.width(stats.rms)}
                self.dot.edge(source, target, **attrs)


def _escape(text):
    return html.escape(text, quote=False)


def _pool(values, cells):
    """At most `cells` values: neighbours pooled by the geometric mean of their positive
    values (0 if all are 0, None if none is known)."""
    if len(values) <= cells:
        return values
    pooled = []
    for k in range(cells):
        chunk = [v for v in values[k * len(values) // cells:(k + 1) * len(values) // cells]
                 if v is not None]
        positive = [v for v in chunk if v > 0]
        pooled.append(math.exp(sum(map(math.log, positive)) / len(positive)) if positive
                      else (0.0 if chunk else None))
    return pooled


def pooled_local(locals_):
    """One local-derivative summary for many ops of one kind (mean of means, max of max)."""
    first = locals_[0]
    return LocalDerivative(first.symbol, sum(l.mean for l in locals_) / len(locals_),
                           max(l.largest for l in locals_),
                           sum(l.passing for l in locals_) / len(locals_), first.gates)
