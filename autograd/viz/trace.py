"""Reading a backward graph for drawing: its nodes, leaves and edges in a deterministic order,
the gradient statistics a backward pass left on each node, and the module each node was made in.
Pure data, no Graphviz: `render.py` turns it into a picture."""
import heapq
from dataclasses import dataclass, field

import numpy as np

from .. import backend
from ..tensor import Tensor
from ..ops.reduce import sum_to_array


@dataclass
class GradStats:
    """Magnitude of one gradient array: RMS (the statistic drawn), and whether it is finite."""
    rms: float
    finite: bool
    values: np.ndarray | None  # the values themselves, for small arrays


@dataclass
class OpNode:
    ident: str
    name: str
    shape: tuple
    seq: int
    grad: GradStats | None = None           # of the node's output
    derivative: str | None = None           # e.g. "σ'" for elementwise ops
    local: tuple | None = None               # (mean, max, fraction passing) of gx / gy
    module: str | None = None                # dotted name of the innermost module
    inputs: list = field(default_factory=list)  # [(source, GradStats|None, factor, shape)]


@dataclass
class LeafNode:
    ident: str
    name: str
    shape: tuple
    values: np.ndarray | None
    grad: GradStats | None


@dataclass
class Graph:
    ops: list
    leaves: list
    root: str
    modules: dict            # dotted name -> label, for modules that own nodes
    has_grads: bool


SMALL = 6   # tensors with at most this many elements show their values


def host(a):
    return np.asarray(backend.to_device(a, "cpu"), dtype=np.float64)


def grad_stats(a):
    if a is None:
        return None
    values = host(a)
    finite = bool(np.isfinite(values).all())
    rms = float(np.sqrt(np.mean(np.square(values[np.isfinite(values)])))) if values.size \
        else 0.0
    return GradStats(rms, finite, values.ravel() if values.size <= SMALL else None)


def local_derivative(gx, gy):
    """The factor an elementwise op multiplied the gradient by, gx / gy, over the elements
    where gy is not zero: its mean, its largest magnitude, and the share of non-zero factors."""
    gx, gy = host(gx), host(gy)
    mask = gy != 0
    if gx.shape != gy.shape or not mask.any():
        return None
    factor = gx[mask] / gy[mask]
    return float(factor.mean()), float(np.abs(factor).max()), float(np.mean(factor != 0))


def _param_names(params):
    """id(tensor) -> name, from a dict, (name, tensor) pairs, or a module."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = dict(params.named_parameters())
    items = params.items() if isinstance(params, dict) else params
    return {id(t): name for name, t in items}


def _module_ranges(params):
    """[(start, end, dotted name, label)]: the recent calls of the modules of `params` (a
    module), whose sequence-number ranges say which nodes each call made."""
    if not hasattr(params, "named_modules"):
        return []
    ranges = []
    for name, module in params.named_modules():
        if name:
            label = module_label(name, module)
            ranges += [(start, end, name, label)
                       for start, end in getattr(module, "_recent_calls", ())]
    return ranges


def module_label(name, module):
    """'3: Linear(100→100)' — the module's own name in its parent, and what it is."""
    short = name.rsplit(".", 1)[-1]
    kind = type(module).__name__
    if hasattr(module, "in_features") and hasattr(module, "out_features"):
        kind += f"({module.in_features}→{module.out_features})"
    elif hasattr(module, "num_features"):
        kind += f"({module.num_features})"
    return f"{short}: {kind}"


def _innermost(seq, ranges):
    best = None
    for start, end, name, _ in ranges:
        if start < seq < end and (best is None or end - start < best[1] - best[0]):
            best = (start, end, name)
    return None if best is None else best[2]


def walk(output):
    """The nodes reachable from `output`, newest first (a reverse topological order), and the
    leaves in the order they are first reached. Iterative."""
    if output.grad_fn is None:
        return [], [output] if output.requires_grad else []
    nodes, leaves, seen = [], [], set()
    heap = [(-output.grad_fn._seq, output.grad_fn)]
    seen.add(id(output.grad_fn))
    while heap:
        node = heapq.heappop(heap)[1]
        nodes.append(node)
        for edge in node._edges:
            if edge is None:
                continue
            target = edge[0]
            if id(target) in seen:
                continue
            seen.add(id(target))
            if isinstance(target, Tensor):
                leaves.append(target)
            else:
                heapq.heappush(heap, (-target._seq, target))
    return nodes, leaves


def read_graph(output, params=None):
    names = _param_names(params)
    nodes, leaves = walk(output)
    if nodes:   # only the module calls that overlap this graph
        first, last = nodes[-1]._seq, nodes[0]._seq
        ranges = [r for r in _module_ranges(params) if r[1] > first and r[0] < last]
    else:
        ranges = []
    ident = {}
    for k, node in enumerate(nodes):
        ident[id(node)] = f"op{k}"
    leaf_nodes = []
    for k, leaf in enumerate(leaves):
        ident[id(leaf)] = f"leaf{k}"
        name = names.get(id(leaf)) or leaf.name or f"leaf {k}"
        values = host(leaf.data).ravel() if leaf.size <= SMALL else None
        leaf_nodes.append(LeafNode(f"leaf{k}", name, tuple(leaf.shape), values,
                                   grad_stats(None if leaf.grad is None else leaf.grad.data)))
    # a node's output shape is the input shape recorded by the edges of its consumers
    shapes = {id(output.grad_fn): tuple(output.shape)}
    for node in nodes:
        for edge in node._edges:
            if edge is not None:
                shapes.setdefault(id(edge[0]), tuple(edge[2]))
    op_nodes = []
    has_grads = False
    for node in nodes:
        grads = getattr(node, "_grads", None)
        gy = gxs = None
        if grads is not None:
            has_grads = True
            gy, gxs = grads
            if isinstance(gy, list):   # several outputs: show the first one's gradient
                gy = next((g for g in gy if g is not None), None)
        op = OpNode(ident[id(node)], node.name, shapes.get(id(node)), node._seq,
                    grad_stats(gy), getattr(node, "derivative", None),
                    module=_innermost(node._seq, ranges))
        for i, edge in enumerate(node._edges):
            if edge is None:
                continue
            gx = None if gxs is None or i >= len(gxs) else gxs[i]
            if gx is not None and tuple(gx.shape) != tuple(edge[2]):
                gx = sum_to_array(gx, edge[2])
            stats = grad_stats(gx)
            # RMS ratios only compare like with like: an op that keeps the shape
            same_shape = tuple(edge[2]) == op.shape
            factor = (stats.rms / op.grad.rms if same_shape and stats is not None
                      and op.grad is not None and op.grad.rms > 0 else None)
            op.inputs.append((ident[id(edge[0])], stats, factor, tuple(edge[2])))
            if op.derivative and gx is not None and gy is not None and len(node._edges) == 1:
                op.local = local_derivative(gx, gy)
        op_nodes.append(op)
    root = ident[id(output.grad_fn)] if output.grad_fn is not None else (
        ident[id(output)] if leaves else None)
    used = {op.module for op in op_nodes if op.module}
    modules = {}
    for _, _, name, label in ranges:
        if any(u == name or u.startswith(name + ".") for u in used):
            modules[name] = label
    return Graph(op_nodes, leaf_nodes, root, modules, has_grads)
