"""The interactive explorer: one self-contained HTML page (no network, no external file) with
the backward graph as SVG, laid out by Graphviz here and brought to life by a little plain
JavaScript (explorer.js) in the page.

- Every drawn node carries `data-node` (its id); a folded block also `data-folded` (how many
  times it repeats). Clicking a folded block opens it (its first and last repeats drawn op by
  op), clicking a module node opens it into its operations; "back" returns.
- Hovering a node shows its statistics: shape, gradient RMS, range, the local derivative, a
  small histogram of the gradient. Pan with the mouse, zoom with the wheel.
- "Animate backward" lights the nodes up one by one in the order backward reached them.
- With `history` (an `nn.gradflow.GradientMonitor`), a step slider recolours the modules by
  the gradient norm they had at that step.

Each view is laid out in advance (Graphviz runs here, not in the browser), so the page works
offline and opens instantly; the views are the folded picture, and from it each fold and
module opened (and one level further).
"""
import concurrent.futures
import html
import importlib.resources
import json
import math
import re
import shutil
import subprocess

from . import plan as plans
from .plan import FoldItem, ModuleItem
from .render import draw, pooled_local, scale_of
from .style import PALETTE, NO_GRAD, ZERO
from .trace import read_graph

MAX_VIEWS = 40      # views laid out in advance
DEPTH = 2           # clicks from the first view


def _dot_program():
    path = shutil.which("dot")
    if path is None:
        raise RuntimeError("to_html lays the graph out with Graphviz's `dot`, which was not "
                           "found on PATH. Install Graphviz: `apt-get install graphviz` "
                           "(Debian/Ubuntu), `brew install graphviz` (macOS), or see "
                           "graphviz.org/download")
    return path


class _View:
    def __init__(self, index, parent, open_folds, open_groups, plan, caption):
        self.index, self.parent = index, parent
        self.open_folds, self.open_groups = open_folds, open_groups
        self.plan, self.caption = plan, caption
        self.children = {}        # item ident -> view index that opens it
        self.svg = None


def _views(graph):
    """The views reachable within DEPTH clicks, breadth first, at most MAX_VIEWS."""
    first = _View(0, None, frozenset(), frozenset(), plans.auto(graph), "folded")
    views, queue, seen = [first], [(first, 0)], {(frozenset(), frozenset()): 0}
    while queue:
        view, depth = queue.pop(0)
        if depth == DEPTH:
            continue
        for item in view.plan.walk():
            if isinstance(item, FoldItem) and not item.part:
                key = (view.open_folds | {item.number}, view.open_groups)
                caption = f"{item.repeats} × {item.description}, opened"
            elif isinstance(item, ModuleItem) and len(item.members) > 1:
                key = (view.open_folds, view.open_groups | {item.group.key})
                caption = f"{item.group.label}, opened"
            else:
                continue
            if key not in seen:
                if len(views) == MAX_VIEWS:
                    continue
                seen[key] = len(views)
                child = _View(len(views), view.index, key[0], key[1],
                              plans.auto(graph, key[0], key[1]), caption)
                views.append(child)
                queue.append((child, depth + 1))
            view.children[item.ident] = seen[key]
    return views


_NODE = re.compile(r'<g id="([^"]+)" class="(node|cluster)">')


def _svg(view, graph, title, scale, dot):
    source = draw(graph, view.plan, title, scale).source
    svg = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True,
                         check=True).stdout.decode()
    svg = svg[svg.index("<svg"):]                       # no XML prolog or doctype
    folded = {item.ident: item.repeats for item in view.plan.walk()
              if isinstance(item, FoldItem)}

    def annotate(match):
        ident, kind = match.groups()
        extra = f' data-node="{ident}"' if kind == "node" else f' data-cluster="{ident}"'
        if ident in folded:
            extra += f' data-folded="{folded[ident]}"'
        if ident in view.children:
            extra += f' data-view="{view.children[ident]}"'
        elif kind == "cluster" and view.parent is not None:
            extra += f' data-view="{view.parent}"'        # an opened module: click to close
        return match.group(0)[:-1] + extra + ">"
    return _NODE.sub(annotate, svg)


def _node_info(graph, views):
    """What hovering a node shows, for every node of every view, by id."""
    info = {}
    leaves = {leaf.ident: leaf for leaf in graph.leaves}
    for leaf in graph.leaves:
        info[leaf.ident] = {"title": leaf.name, "shape": list(leaf.shape), "seq": -1,
                            "grad": leaf.grad and leaf.grad.as_dict()}   # reached last
    for view in views:
        for item in view.plan.walk():
            if item.ident in info:
                continue
            ops = item.ops()
            # the node's output: a fold's is its last repeat's (the one nearest the loss)
            newest = item.units[-1][0] if isinstance(item, FoldItem) else ops[0] if ops else None
            entry = {"seq": newest.seq if newest else 0,
                     "grad": newest.grad.as_dict() if newest and newest.grad else None,
                     "shape": list(newest.shape or ()) if newest else None,
                     "layers": sorted({op.group for op in ops if op.group})}
            if isinstance(item, FoldItem):
                entry["title"] = f"{item.repeats} × {item.description}"
                entry["repeats"] = [unit[0].grad.rms if unit[0].grad else None
                                    for unit in item.units]
            elif isinstance(item, ModuleItem):
                entry["title"] = item.group.label
                entry["params"] = {leaves[e.source].name: leaves[e.source].grad.rms
                                   for op in ops for e in op.inputs
                                   if e.source in leaves and leaves[e.source].grad}
            elif newest is not None and not hasattr(item, "children"):
                entry["title"] = newest.name
            else:
                entry["title"] = item.group.label
            locals_ = [op.local for op in ops if op.local]
            local = pooled_local(locals_) if locals_ else None
            if local is not None:
                entry["local"] = {"symbol": local.symbol, "mean": local.mean,
                                  "max": local.largest, "passing": local.passing}
            info[item.ident] = entry
    return info


def to_html(output, params=None, title=None, history=None, scale=None):
    """The explorer page for the graph behind `output`, as a string (see the module's
    docstring). `params` names leaves and groups by module as in `backward_graph`; `history`
    is an `nn.gradflow.GradientMonitor` whose records the step slider shows; `scale` fixes
    the colour range (low, high)."""
    from ..tensor import Tensor
    if not isinstance(output, Tensor):
        raise TypeError(f"autograd.viz.to_html: expected the Tensor whose graph to draw (a "
                        f"loss, say), got {type(output).__name__}")
    dot = _dot_program()
    graph = read_graph(output, params)
    colour_scale = scale_of(graph, scale)
    views = _views(graph)
    with concurrent.futures.ThreadPoolExecutor() as pool:   # one dot process per view
        svgs = list(pool.map(lambda v: _svg(v, graph, title, colour_scale, dot), views))
    data = {"views": [{"index": v.index, "parent": v.parent, "caption": v.caption}
                      for v in views],
            "nodes": _node_info(graph, views),
            "scale": {"low": colour_scale.low, "high": colour_scale.high,
                      "palette": PALETTE, "none": NO_GRAD, "zero": ZERO},
            "history": None if history is None else history.as_dict()}
    return _page(title or "backward graph", svgs, data)


def save_html(output, path, params=None, title=None, history=None, scale=None):
    """Writes `to_html(...)` to `path`; returns the path."""
    text = to_html(output, params=params, title=title, history=history, scale=scale)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    return path


def _asset(name):
    return importlib.resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _page(title, svgs, data):
    views = "\n".join(f'<div class="view" data-view-index="{k}"{" hidden" if k else ""}>'
                      f"{svg}</div>" for k, svg in enumerate(svgs))
    payload = json.dumps(_finite(data), allow_nan=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_asset("explorer.css")}</style></head>
<body>
<header><strong>{html.escape(title)}</strong>
<button id="back" disabled>back</button>
<button id="animate">animate backward</button>
<button id="reset">reset zoom</button>
<span id="caption"></span>
<label id="history-control" hidden>step <input id="step" type="range" min="0" value="0">
<output id="step-value"></output></label></header>
<main id="graph">{views}</main>
<aside id="tooltip" hidden></aside>
<pre id="selftest-result" hidden></pre>
<script type="application/json" id="tracegrad-data">{payload}</script>
<script>{_asset("explorer.js")}</script>
</body></html>
"""


def _finite(value):
    """`value` with every infinite or NaN float as None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
