"""The backward pass: the chain rule applied over the graph in reverse topological order.

Nodes wait in a heap keyed by their sequence number (creation order, which is a topological
order), so the node popped next is always one whose consumers have all been processed.
Gradients arriving at the same node are summed before it runs. The loop is iterative:
depth is limited by memory, not by Python's recursion limit.

Without `create_graph`, gradients are plain arrays and each Op's backward formula runs on
arrays; with it, they are Tensors and the same formulas record a new, differentiable graph.
"""
import gc
import heapq

from . import anomaly
from .hooks import node_hooks
from .modes import state, enable_grad, no_grad
from .function import FREED
from .tensor import Tensor
from .ops.reduce import sum_to, sum_to_array
from .ops.elementwise import astype


def backward(outputs, grad_outputs=None, retain_graph=False, create_graph=False):
    """Accumulates the gradients of `outputs` into the `.grad` of the leaves they depend on."""
    roots = _roots(outputs, grad_outputs, create_graph, "backward")
    _run(roots, retain_graph or create_graph, create_graph, capture=None)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than accumulated
    into `.grad`. With `create_graph=True` they are differentiable (higher-order gradients)."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    for k, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad(): input {k} does not require grad, so it cannot have "
                               "a gradient; create it with requires_grad=True")
    if retain_graph is None:
        retain_graph = create_graph
    grad_outputs = None if grad_outputs is None else _as_tuple(grad_outputs)
    roots = _roots(outputs, grad_outputs, create_graph, "grad")
    capture = {}
    for x in inputs:
        capture[_key(x)] = None
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


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _key(t):
    """Where a tensor's gradient is found: the leaf itself, or (its node, output index)."""
    return t if t.grad_fn is None else (t.grad_fn, t._nr)


def _roots(outputs, grad_outputs, create_graph, caller):
    outputs = _as_tuple(outputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{caller}(): got {len(grad_outputs)} gradients for "
                           f"{len(outputs)} outputs")
    roots = []
    for k, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if not y.requires_grad:
            raise RuntimeError(f"{caller}(): output {k} does not require grad and has no "
                               "grad_fn: nothing it depends on requires grad (or it was "
                               "computed under no_grad)")
        if g is None:
            if y.data.size != 1:
                raise RuntimeError(f"{caller}(): grad can be implicitly created only for "
                                   f"scalar outputs, but output {k} has shape {y.shape}; "
                                   "pass the gradient of the output explicitly")
            from .backend import array_module
            g = array_module(y.data).ones_like(y.data)
        else:
            if isinstance(g, Tensor):
                g = g if create_graph else g.data
            elif not create_graph:
                g = Tensor(g, dtype=y.dtype, device=y.device).data
            else:
                g = Tensor(g, dtype=y.dtype, device=y.device)
            if tuple(g.shape) != tuple(y.shape):
                raise RuntimeError(f"{caller}(): the gradient for output {k} has shape "
                                   f"{tuple(g.shape)}, the output has shape {y.shape}")
        if create_graph and not isinstance(g, Tensor):
            g = Tensor._from_node(g, None)
        roots.append((y, g))
    return roots


def _run(roots, retain_graph, create_graph, capture):
    """The loop shared by `backward` and `grad`. `capture` (for `grad`) maps leaves and
    (node, output index) pairs to the gradient arriving there; leaves' `.grad` stay
    untouched then. The loop body runs once per node, so it is kept flat."""
    pending = {}   # node -> gradient of its output (a list when it has several outputs)
    leaves = {}    # leaf tensor -> summed gradient, in order of first arrival
    heap = []
    for y, g in roots:
        if y.grad_fn is None:
            leaves[y] = g if y not in leaves else leaves[y] + g
        else:
            _deliver_to_node(y.grad_fn, y._nr, g, pending, heap)
    # The loop allocates many short-lived objects but no reference cycles, so the cyclic
    # collector would only re-scan the (possibly huge) live graph again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with (enable_grad() if create_graph else no_grad()):
            _process(heap, pending, leaves, retain_graph, create_graph, capture)
    finally:
        if collecting:
            gc.enable()


def _process(heap, pending, leaves, retain_graph, create_graph, capture):
    """Pops nodes in reverse topological order, runs their backward and routes the results,
    then stores the leaves' gradients."""
    check_anomaly = state.anomaly
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        node = pop(heap)[1]
        gys = pending.pop(node)
        if node_hooks and id(node) in node_hooks:
            gys = _run_node_hooks(node, gys, create_graph, capture is None)
        if capture is not None:
            _capture_outputs(node, gys, capture)
        gxs = node._backward(gys, create_graph)
        if gxs.__class__ is not tuple and gxs.__class__ is not list:
            gxs = (gxs,)
        if check_anomaly:
            anomaly.check_backward(node, gxs)
        node._grads = (gys, gxs) if not create_graph else _detached(gys, gxs)
        if not retain_graph:
            node._saved = FREED  # what backward needed is no longer needed
            node._out = None
        for edge, gx in zip(node._edges, gxs):
            if edge is None or gx is None:
                continue
            target, nr, shape, dtype = edge
            if gx.shape != shape:
                gx = sum_to(gx, shape) if create_graph else sum_to_array(gx, shape)
            if gx.dtype is not dtype and gx.dtype != dtype:
                gx = astype(gx, dtype) if create_graph else gx.astype(dtype)
            if isinstance(target, Tensor):
                old = leaves.get(target)
                leaves[target] = gx if old is None else old + gx
            elif target._n_out == 1:
                old = pending.get(target)
                if old is None:
                    pending[target] = gx
                    push(heap, (-target._seq, target))
                else:
                    pending[target] = old + gx
            else:
                _deliver_to_node(target, nr, gx, pending, heap)
    for leaf, g in leaves.items():
        if leaf._hooks:
            g = _apply_hooks(leaf._hooks, g, create_graph)
        if capture is not None:
            if leaf in capture:
                capture[leaf] = g
        elif create_graph:
            leaf.grad = g if leaf.grad is None else leaf.grad + g
        else:
            leaf.grad = Tensor._from_node(g if leaf.grad is None else leaf.grad.data + g,
                                          None)


def _detached(gys, gxs):
    """Arrays of Tensor gradients, for `node._grads`: a graph-building backward must not make
    the old graph refer to the new one (that would be a reference cycle)."""
    def data(g):
        return g.data if isinstance(g, Tensor) else g
    gys = [data(g) for g in gys] if isinstance(gys, list) else data(gys)
    return gys, tuple(data(g) for g in gxs)


def _deliver_to_node(node, nr, g, pending, heap):
    """Adds gradient `g` to what waits for output `nr` of `node`, queueing the node."""
    if node._n_out == 1:
        old = pending.get(node)
        if old is None:
            pending[node] = g
            heapq.heappush(heap, (-node._seq, node))
        else:
            pending[node] = old + g
        return
    slots = pending.get(node)
    if slots is None:
        slots = pending[node] = [None] * node._n_out
        heapq.heappush(heap, (-node._seq, node))
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _run_node_hooks(node, gys, create_graph, run_retain):
    """Hooks registered on the node's output tensors, then `retain_grad`'s, per output."""
    table = node_hooks[id(node)][1]
    several = node._n_out != 1
    out = list(gys) if several else [gys]
    for nr in range(node._n_out):
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
    if node._n_out == 1:
        if (node, 0) in capture:
            capture[(node, 0)] = gys
        return
    for nr, g in enumerate(gys):
        if (node, nr) in capture:
            capture[(node, nr)] = g


