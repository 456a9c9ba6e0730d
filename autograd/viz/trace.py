"""Reading a backward graph for drawing: its nodes, leaves and edges in a deterministic order,
the gradients the latest backward pass computed at each node (`graph.last_backward()`), the
exact local derivative of the activations, and the module call each node was made in.
Pure data, no Graphviz: `render.py` turns it into a picture."""
from dataclasses import dataclass, field

import numpy as np

from .. import backend, graph as autograd_graph
from ..ops.reduce import sum_to_array
from .style import SHRINK


@dataclass
class GradStats:
    """Magnitude of one gradient array: RMS (the statistic drawn), whether it is finite, its
    range and a small histogram of its finite values."""
    rms: float
    finite: bool
    values: np.ndarray | None  # the values themselves, for small arrays
    low: float = 0.0
    high: float = 0.0
    histogram: tuple = ()      # (counts, bin edges), HISTOGRAM_BINS bins

    def as_dict(self):
        counts, edges = self.histogram or ((), ())
        return {"rms": self.rms, "finite": self.finite, "min": self.low, "max": self.high,
                "hist": [int(c) for c in counts], "edges": [float(e) for e in edges]}


@dataclass
class LocalDerivative:
    """An elementwise op's derivative, computed exactly from the values it saved."""
    symbol: str
    mean: float
    largest: float        # the largest magnitude
    passing: float        # the share of elements where it is not zero
    gates: bool           # the op only lets the gradient through or stops it


@dataclass
class Input:
    """One edge into an op: where it comes from and the gradient that went along it."""
    source: str
    grad: GradStats | None
    factor: float | None   # RMS of this gradient over the op's output gradient (same shape)
    shape: tuple


@dataclass
class OpNode:
    ident: str
    name: str
    shape: tuple
    seq: int
    grad: GradStats | None = None           # of the node's output
    local: LocalDerivative | None = None
    group: str | None = None                # key of the innermost module call
    inputs: list = field(default_factory=list)   # [Input]

    @property
    def shrink(self):
        """The factor by which a one-input op scaled the gradient, when it is at most
        `SHRINK` (the op is marked), else None."""
        if len(self.inputs) == 1 and self.inputs[0].factor is not None \
                and self.inputs[0].factor <= SHRINK:
            return self.inputs[0].factor
        return None


@dataclass
class LeafNode:
    ident: str
    name: str
    shape: tuple
    values: np.ndarray | None
    grad: GradStats | None


@dataclass
class Group:
    """One call of a module: the cluster its nodes are drawn in."""
    key: str
    label: str            # e.g. "3: Linear(100→100)"
    parent: str | None    # the enclosing call's key
    kind: str = ""        # what the module is, without its name: "Linear(100→100)"
    module_type: type | None = None   # the module's class (what `expand=` selects by)


@dataclass
class Graph:
    ops: list
    leaves: list
    root: str
    groups: dict            # key -> Group, for module calls that made nodes of the graph
    has_grads: bool
    stale: bool = False     # a backward pass ran through it, but its gradients are gone


SMALL = 6     # tensors with at most this many elements show their values


def host(a):
    return backend.to_host(a, np.float64)


HISTOGRAM_BINS = 16


def grad_stats(a):
    if a is None:
        return None
    values = host(a)
    kept = values[np.isfinite(values)]
    rms = float(np.sqrt(np.mean(np.square(kept)))) if kept.size else 0.0
    histogram = np.histogram(kept, bins=HISTOGRAM_BINS) if kept.size else ()
    return GradStats(rms, kept.size == values.size,
                     values.ravel() if values.size <= SMALL else None,
                     float(kept.min()) if kept.size else 0.0,
                     float(kept.max()) if kept.size else 0.0, histogram)


def local_derivative(node, saved):
    """The derivative an activation multiplied the gradient by, element by element, computed
    from what it saved (so exact: a sigmoid's never exceeds 1/4)."""
    if saved is None or node.derivative is None:
        return None
    values = host(node.local(*saved))
    if not values.size:
        return None
    return LocalDerivative(node.derivative.symbol, float(values.mean()),
                           float(np.abs(values).max()), float(np.mean(values != 0)),
                           node.derivative.gates)


def _param_names(params):
    """id(tensor) -> name, from a dict, (name, tensor) pairs, or a module."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        params = dict(params.named_parameters())
    items = params.items() if isinstance(params, dict) else params
    return {id(t): name for name, t in items}


class _Groups:
    """Module calls as clusters: each scope whose owner is a submodule of `params` becomes a
    Group keyed by the module's dotted name (and the call's number when it is called more
    than once in the graph)."""

    def __init__(self, params):
        self.names = {}
        if hasattr(params, "named_modules"):
            self.names = {id(m): name for name, m in params.named_modules() if name}
        self.groups = {}
        self._key_of_scope = {}
        self._calls = {}

    def key(self, scope):
        """The key of the innermost known module call around a node (None outside any)."""
        while scope is not None and id(scope.owner) not in self.names:
            scope = scope.parent
        if scope is None:
            return None
        key = self._key_of_scope.get(id(scope))
        if key is None:
            name = self.names[id(scope.owner)]
            call = self._calls[name] = self._calls.get(name, 0) + 1
            key = name if call == 1 else f"{name}#{call}"
            self._key_of_scope[id(scope)] = key
            owner = scope.owner
            kind = owner.graph_label() if hasattr(owner, "graph_label") else type(owner).__name__
            short = name.rsplit(".", 1)[-1]
            self.groups[key] = Group(key, f"{short}: {kind}", self.key(scope.parent), kind,
                                     type(owner))
        return key


def read_graph(output, params=None):
    names = _param_names(params)
    nodes, leaves = autograd_graph.walk(output)
    record = autograd_graph.last_backward()
    ident = {id(node): f"op{k}" for k, node in enumerate(nodes)}
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
        for edge in node.edges:
            if edge is not None:
                shapes.setdefault(id(edge.target), tuple(edge.shape))
    # groups are numbered oldest call first, so read the scopes in creation order
    groups = _Groups(params)
    group_of = {id(node): groups.key(node.scope) for node in reversed(nodes)}
    op_nodes = []
    has_grads = False
    for node in nodes:
        grads = record.of(node)
        gy = gxs = None
        if grads is not None:
            has_grads = True
            gy, gxs = grads.output, grads.inputs
            if isinstance(gy, list):   # several outputs: show the first one's gradient
                gy = next((g for g in gy if g is not None), None)
        op = OpNode(ident[id(node)], node.name, shapes.get(id(node)), node.seq,
                    grad_stats(gy), local_derivative(node, grads and grads.saved),
                    group_of[id(node)])
        for i, edge in enumerate(node.edges):
            if edge is None:
                continue
            gx = None if gxs is None or i >= len(gxs) else gxs[i]
            if gx is not None and tuple(gx.shape) != tuple(edge.shape):
                gx = sum_to_array(gx, edge.shape)
            stats = grad_stats(gx)
            # RMS ratios only compare like with like: an op that keeps the shape
            same_shape = tuple(edge.shape) == op.shape
            factor = (stats.rms / op.grad.rms if same_shape and stats is not None
                      and op.grad is not None and op.grad.rms > 0 else None)
            op.inputs.append(Input(ident[id(edge.target)], stats, factor, tuple(edge.shape)))
        op_nodes.append(op)
    root = ident[id(output.grad_fn)] if output.grad_fn is not None else (
        ident[id(output)] if leaves else None)
    used = {op.group for op in op_nodes if op.group}
    kept = {}
    for key in used:   # the groups that hold nodes, and the ones around them
        while key is not None and key not in kept:
            kept[key] = groups.groups[key]
            key = kept[key].parent
    stale = bool(nodes) and not has_grads and nodes[0].released
    return Graph(op_nodes, leaf_nodes, root, kept, has_grads, stale)
