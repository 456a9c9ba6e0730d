"""The backward pass: the chain rule applied over the graph in reverse topological order.

Nodes wait in a heap keyed by their sequence number (creation order, which is a topological
order), so the node popped next is always one whose consumers have all been processed.
Gradients arriving at the same node are summed before it runs. The loop is iterative:
depth is limited by memory, not by Python's recursion limit.

Without `create_graph`, gradients are plain arrays and each Op's backward formula runs on
arrays; with it, they are Tensors and the same formulas record a new, differentiable graph.

Each pass leaves what it computed at every node in this thread's `graph.last_backward()`
record (replacing the previous pass's), which is what pictures of the graph draw.
"""
import gc
import heapq
import threading

from . import anomaly, versions
from .graph import BackwardRecord
from .hooks import node_hooks
from .function import FREED
from .modes import current, enable_grad, no_grad
from .tensor import Tensor
from .ops.reduce import sum_to, sum_to_array
from .ops.elementwise import astype
from .backend import array_module


def as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def backward(outputs, grad_outputs=None, retain_graph=False, create_graph=False):
    """Accumulates the gradients of `outputs` into the `.grad` of the leaves they depend on."""
    roots = _roots(outputs, grad_outputs, create_graph, "backward")
    _run(roots, retain_graph or create_graph, create_graph, capture=None)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than accumulated
    into `.grad`. With `create_graph=True` they are differentiable (higher-order gradients).
    The pass stops at `inputs`: nodes that lead to none of them are not run (`only_inputs`
    is accepted for old PyTorch code, which ignores it too)."""
    outputs = as_tuple(outputs)
    inputs = as_tuple(inputs)
    for k, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad(): input {k} does not require grad, so it cannot have "
                               "a gradient; create it with requires_grad=True")
    if retain_graph is None:
        retain_graph = create_graph
    grad_outputs = None if grad_outputs is None else as_tuple(grad_outputs)
    roots = _roots(outputs, grad_outputs, create_graph, "grad")
    capture = {_key(x): None for x in inputs}
    _run(roots, retain_graph, create_graph, capture)
    results = []
    for k, x in enumerate(inputs):
        g = capture[_key(x)]
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad(): input {k} (shape {x.shape}) is not used in the "
                                   "graph of the outputs; pass allow_unused=True to get None")
            results.append(None)
        else:
            results.append(g if isinstance(g, Tensor) else Tensor._from_node(g, None))
    return tuple(results)


def _key(t):
    """Where a tensor's gradient is found: the leaf itself, or (its node, output index)."""
    return t if t.grad_fn is None else (t.grad_fn, t._nr)


def _roots(outputs, grad_outputs, create_graph, caller):
    outputs = as_tuple(outputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{caller}(): got {len(grad_outputs)} gradients for "
                           f"{len(outputs)} outputs")
    roots = []
    for k, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(y, Tensor):
            raise TypeError(f"{caller}(): output {k} is a {type(y).__name__}, not a Tensor")
        if not y.requires_grad:
            raise RuntimeError(f"{caller}(): output {k} does not require grad and has no "
                               "grad_fn: nothing it depends on requires grad (or it was "
                               "computed under no_grad)")
        if g is None:
            if y.data.size != 1:
                raise RuntimeError(f"{caller}(): grad can be implicitly created only for "
                                   f"scalar outputs, but output {k} has shape {y.shape}; "
                                   "pass the gradient of the output explicitly")
            g = array_module(y.data).ones_like(y.data)
        else:
            if isinstance(g, Tensor):
                if g.device != y.device:
                    raise RuntimeError(f"{caller}(): the gradient for output {k} is on device "
                                       f"{g.device}, the output on {y.device}; move it with "
                                       f".to({y.device!r})")
                g = g if create_graph else g.data
            else:
                g = Tensor(g, dtype=y.dtype, device=y.device)
                g = g if create_graph else g.data
            if tuple(g.shape) != tuple(y.shape):
                raise RuntimeError(f"{caller}(): the gradient for output {k} has shape "
                                   f"{tuple(g.shape)}, the output has shape {y.shape}")
        if create_graph and not isinstance(g, Tensor):
            g = Tensor._from_node(g, None)
        roots.append((y, g))
    return roots


class _CollectorPause:
    """Pauses Python's cyclic garbage collector while any thread runs a backward pass, and
    restores its state when the last one ends (a count under a lock, so that overlapping
    passes in several threads cannot leave it off). The loop allocates many short-lived
    objects but no reference cycles, so the collector would only re-scan the (possibly huge)
    live graph again and again."""

    def __init__(self):
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False

    def __enter__(self):
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1

    def __exit__(self, *exc):
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.was_enabled:
                gc.enable()


_collector_pause = _CollectorPause()
_accumulation_lock = threading.Lock()   # adding into a leaf's .grad is one step per leaf


def _run(roots, retain_graph, create_graph, capture):
    """The loop shared by `backward` and `grad`. `capture` (for `grad`) maps leaves and
    (node, output index) pairs to the gradient arriving there; leaves' `.grad` stay
    untouched then."""
    wanted = None if capture is None else _leading_to(capture, [y for y, _ in roots])
    record = BackwardRecord()
    current().record = record   # the previous pass's gradients go now, before new ones arrive
    # the roots' gradients are routed like any node's: along an edge to the root itself
    arrivals = [(y.grad_fn or y, y._nr, g) for y, g in roots]
    with _collector_pause, (enable_grad() if create_graph else no_grad()):
        _process(arrivals, retain_graph, create_graph, capture, wanted, record.passed)


def _leading_to(capture, outputs):
    """The nodes whose backward must run for `grad()`: those with a path to a captured
    tensor. A node older than every captured node cannot lead to one (edges point to older
    nodes), unless a leaf is captured, so the search stops there."""
    captured_nodes = {key[0] for key in capture if isinstance(key, tuple)}
    has_leaf = any(isinstance(key, Tensor) for key in capture)
    floor = -1 if has_leaf or not captured_nodes else min(n._seq for n in captured_nodes)
    found, stack = {}, [y.grad_fn for y in outputs if y.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in found or node._seq < floor:
            continue
        found[id(node)] = node
        stack.extend(t for t in node._inputs if t is not None and not isinstance(t, Tensor))
    leads = set()
    for node in sorted(found.values(), key=lambda n: n._seq):   # inputs' side first
        for target, nr in zip(node._inputs, node._nrs):
            if target is None:
                continue
            if (target in capture if isinstance(target, Tensor) else
                    id(target) in leads or (target, nr) in capture):
                leads.add(id(node))
                break
    return leads


def _process(arrivals, retain_graph, create_graph, capture, wanted, record):
    """Routes gradients to the inputs' nodes, pops nodes in reverse topological order and
    runs their backward, then stores the leaves' gradients. `arrivals` are (target, output
    index, gradient): the roots' first, then each node's inputs'."""
    pending = {}   # node -> gradient of its output (a list when it has several outputs)
    leaves = {}    # leaf tensor -> summed gradient, in order of first arrival
    heap = []
    check_anomaly = current().anomaly
    latest_write = versions.latest_write()
    push, pop, keep = heapq.heappush, heapq.heappop, record.append
    node = None
    while True:
        # the first node to get its first gradient from this one, which may run next without
        # the heap (a single-output one's gradient held in first_gy, not in `pending`); the
        # others go to the heap at once
        first = first_gy = None
        for target, nr, gx in arrivals:
            if target is None or gx is None:
                continue
            leaf = isinstance(target, Tensor)
            if leaf:
                shape, dtype = target.data.shape, target.data.dtype
            elif target.n_outputs == 1:
                shape, dtype = target._shape, target._dtype
            else:
                shape, dtype = target._shape[nr], target._dtype[nr]
            if gx.shape != shape:
                gx = _summed_to(node, gx, shape, create_graph)
            if gx.dtype is not dtype and gx.dtype != dtype:
                gx = astype(gx, dtype) if create_graph else gx.astype(dtype)
            if leaf:
                if capture is None or target in capture:
                    old = leaves.get(target)
                    leaves[target] = gx if old is None else old + gx
            elif wanted is not None and id(target) not in wanted and \
                    (target, nr) not in capture:
                continue
            elif target.n_outputs == 1:
                if target is first:
                    first_gy = first_gy + gx
                    continue
                old = pending.get(target)
                if old is None:
                    if first is None:   # held here, not in `pending`, while it may run next
                        first, first_gy = target, gx
                    else:
                        pending[target] = gx
                        push(heap, (-target._seq, target))
                else:
                    pending[target] = old + gx
            else:
                slots = pending.get(target)
                if slots is None:
                    slots = pending[target] = [None] * target.n_outputs
                    if first is None:
                        first = target   # its gradients stay in `pending` (first_gy is None)
                    else:
                        push(heap, (-target._seq, target))
                slots[nr] = gx if slots[nr] is None else slots[nr] + gx
        if first is not None and not heap:   # a chain: the only node left to run, no heap
            node = first
            gys = pending.pop(node) if first_gy is None else first_gy
        else:
            if first is not None:
                if first_gy is not None:
                    pending[first] = first_gy
                push(heap, (-first._seq, first))
            elif not heap:
                break
            node = pop(heap)[1]
            gys = pending.pop(node)
        if node_hooks and id(node) in node_hooks:
            gys = _run_node_hooks(node, gys, create_graph, capture is None)
        if capture is not None:
            _capture_outputs(node, gys, capture)
            if id(node) not in wanted:
                arrivals = ()
                continue
        if node._seq < latest_write:
            versions.check_saved(node, node._saved_arrays())
        saved = None if node.derivative is None else (
            (node._out,) if node.saves_only_output else node._saved_args(False))
        gxs = node._backward(gys, create_graph)
        if gxs.__class__ is not tuple and gxs.__class__ is not list:
            gxs = (gxs,)
        if check_anomaly:
            anomaly.check_backward(node, gxs)
        keep((node._seq, gys, gxs, saved) if not create_graph else
             (node._seq, *_detached(gys, gxs), saved))
        if not retain_graph:     # what backward needed is no longer needed
            if node.keeps_more:
                node.release()
            else:
                node._saved = FREED
                node._out = None
        arrivals = zip(node._inputs, node._nrs, gxs)
    _store_leaves(leaves, create_graph, capture)


def _summed_to(node, gx, shape, create_graph):
    """A gradient in the broadcast shape summed back to its input's shape; a gradient that
    cannot be is a bug in the node's backward, said as such."""
    try:
        return sum_to(gx, shape) if create_graph else sum_to_array(gx, shape)
    except ValueError:
        raise RuntimeError(f"{node.name}.backward returned a gradient of shape "
                           f"{tuple(gx.shape)} for an input of shape {tuple(shape)}; each "
                           "gradient must have its input's shape (or one that broadcasts "
                           "to it)") from None


def _store_leaves(leaves, create_graph, capture):
    stored = set()   # arrays already given to a leaf
    for leaf, g in leaves.items():
        if leaf._hooks:
            g = _apply_hooks(leaf._hooks, g, create_graph)
        if capture is not None:
            capture[leaf] = g
            continue
        if not create_graph:
            # each .grad owns its memory, so that `x.grad.zero_()` changes nothing else: not
            # a view (a read-only broadcast, say), not an array another leaf got (a + b)
            if id(g) in stored or getattr(g, "base", None) is not None:
                g = g.copy()
            stored.add(id(g))
        with _accumulation_lock:
            old = leaf._grad
            if create_graph:
                leaf._grad = g if old is None else old + g
            else:
                leaf._grad = Tensor._from_node(g if old is None else old.data + g, None)


def _detached(gys, gxs):
    """Arrays of Tensor gradients, for the record: a graph-building backward must not make
    the record refer to the new graph."""
    def data(g):
        return g.data if isinstance(g, Tensor) else g
    gys = [data(g) for g in gys] if isinstance(gys, list) else data(gys)
    return gys, tuple(data(g) for g in gxs)


def _run_node_hooks(node, gys, create_graph, run_retain):
    """Hooks registered on the node's output tensors, then `retain_grad`'s, per output."""
    table = node_hooks[id(node)][1]
    several = node.n_outputs != 1
    out = list(gys) if several else [gys]
    for nr in range(node.n_outputs):
        if out[nr] is None:
            continue
        hooks = table.get(nr)
        if hooks:
            out[nr] = _apply_hooks(hooks, out[nr], create_graph)
        retain = table.get(("retain", nr)) if run_retain else None
        if retain:
            _apply_hooks(retain, out[nr], create_graph)
    return out if several else out[0]


def _apply_hooks(hooks, g, create_graph):
    for hook in list(hooks):
        t = g if isinstance(g, Tensor) else Tensor._from_node(g, None)
        result = hook(t)
        if result is not None:
            if not isinstance(result, Tensor):
                raise TypeError(f"a gradient hook must return a Tensor or None, got "
                                f"{type(result).__name__}")
            if tuple(result.shape) != tuple(g.shape):
                raise RuntimeError(f"a gradient hook returned shape {result.shape} for a "
                                   f"gradient of shape {tuple(g.shape)}")
            g = result if create_graph else result.data
    return g


def _capture_outputs(node, gys, capture):
    if node.n_outputs == 1:
        if (node, 0) in capture:
            capture[(node, 0)] = gys
        return
    for nr, g in enumerate(gys):
        if (node, nr) in capture:
            capture[(node, nr)] = g
