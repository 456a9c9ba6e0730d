"""Graph nodes: `Function` (the public base for custom operations) and `Op` (the base of the
built-in ones, and of new ones: see `autograd.ops`).

A node is created by each recorded operation. It holds
  * one edge per input: where that input's gradient goes, as (target, output_nr, shape,
    dtype), `target` being the node that produced the input (or the leaf tensor itself), or
    None when the input needs no gradient (`node.edges` gives them as `graph.Edge`s);
  * what its backward needs, and nothing else (`saves_inputs` / `saves_output`);
  * a sequence number. Nodes are numbered as they are created, and a node is always created
    after the nodes of its inputs, so the numbers are a topological order of the graph:
    backward pops the highest number first, which is deterministic and never recurses;
  * the scope (module call) it was made in, for grouping in pictures.

A node never refers to its outputs (they refer to it through `grad_fn`), so the graph has no
reference cycles and dropping the output frees all of it by reference counting.
"""
import itertools
from typing import NamedTuple

from . import anomaly
from .modes import state, no_grad, enable_grad
from .tensor import Tensor, as_operand

next_seq = itertools.count().__next__   # the clock that numbers nodes (and in-place writes)


class _Freed:
    def __repr__(self):
        return "<freed by backward>"


FREED = _Freed()  # what `_saved` holds once backward has released the saved values


class Derivative(NamedTuple):
    """How an elementwise op's local derivative reads in a picture: its symbol, the largest
    value it can take (sigmoid's 1/4), and whether it only gates (each element passes
    unchanged or not at all, as relu's 0 or 1)."""
    symbol: str
    most: float | None = None
    gates: bool = False


class Function:
    """Base class of every node of the backward graph; subclass it for a custom operation.

    `forward(*arrays)` receives backend arrays (numpy or cupy) and returns an array or a tuple
    of arrays. `backward(*grad_outputs)` receives Tensors and returns one Tensor (or None) per
    input, built from differentiable operations, so higher-order gradients work through it.
    The input Tensors are available as `self.inputs` during backward.
    """

    __slots__ = ("_edges", "_saved", "_out", "_seq", "_scope", "__weakref__")
    saves_inputs = True
    saves_output = False
    derivative = None  # a `Derivative` for elementwise ops whose local derivative teaches
    n_outputs = 1  # an op with several outputs returns a tuple from forward; an Op class
                   # with __slots__ declares how many (a custom Function is counted)

    def __call__(self, *inputs):
        return apply(self, tuple(as_operand(x) for x in inputs))

    @property
    def inputs(self):
        if self._saved is FREED:
            raise RuntimeError(retain_graph_message(self))
        return self._saved

    def needs_grad(self, i):
        """Whether input `i` wants a gradient (a backward may skip computing it when not)."""
        return self._edges[i] is not None

    # --- the public shape of a node (see autograd.graph) ---------------------------------
    @property
    def name(self):
        return type(self).__name__

    @property
    def seq(self):
        """The node's number: nodes are numbered in creation order."""
        return self._seq

    @property
    def scope(self):
        """The innermost `graph.scope` open when the node was made (None outside any)."""
        return self._scope

    @property
    def edges(self):
        """One `graph.Edge` per input, None for inputs that need no gradient."""
        from .graph import Edge
        return tuple(None if e is None else Edge(*e) for e in self._edges)

    @property
    def next_functions(self):
        """(node or leaf Tensor, output index) per input; None where no gradient flows."""
        return tuple(None if e is None else (e[0], e[1]) for e in self._edges)

    @property
    def saved_tensors(self):
        """The input Tensors this node keeps for backward (empty once backward freed them)."""
        saved = getattr(self, "_saved", FREED) if self.saves_inputs else FREED
        return () if saved is FREED else tuple(x for x in saved if isinstance(x, Tensor))

    @property
    def released(self):
        """Whether a backward pass (without retain_graph) has run through this node and
        freed what it saved."""
        return getattr(self, "_saved", None) is FREED

    def release(self):
        """Frees what backward needed (called after a backward without retain_graph); an op
        that keeps more for backward than its saved inputs and output frees that too."""
        self._saved = FREED
        self._out = None

    def saved_values(self):
        """The arrays this node keeps for backward (empty once backward has freed them)."""
        return tuple(array for _, array in self._saved_arrays())

    def __repr__(self):
        return f"<{self.name} node>"

    def forward(self, *xs):
        raise NotImplementedError(f"{self.name} must define forward(self, *arrays)")

    def backward(self, *gys):
        raise NotImplementedError(f"{self.name} must define backward(self, *grad_outputs)")

    # --- engine interface -------------------------------------------------------------
    def _saved_arrays(self):
        """(label, array) for every value backward will read, for the in-place check."""
        saved = getattr(self, "_saved", FREED) if self.saves_inputs else FREED
        pairs = [] if saved is FREED else [(f"input {k}", x.data) for k, x in enumerate(saved)
                                           if isinstance(x, Tensor)]
        out = getattr(self, "_out", None)
        if out is not None:
            pairs.append(("its output", out))
        return pairs

    def _backward(self, gys, create_graph):
        """Input gradients from output gradients (one value, or a list for several outputs).
        A custom function always sees Tensors, and always returns them."""
        if self._saved is FREED:
            raise RuntimeError(retain_graph_message(self))
        if self.n_outputs == 1:
            gys = (gys,)
        gys = [g if g is None or isinstance(g, Tensor) else Tensor._from_node(g, None)
               for g in gys]
        with (enable_grad() if create_graph else no_grad()):
            gxs = self.backward(*gys)
        if not isinstance(gxs, (tuple, list)):
            gxs = (gxs,)
        if len(gxs) != len(self._edges):
            raise RuntimeError(f"{self.name}.backward returned {len(gxs)} gradient(s) for "
                               f"{len(self._edges)} input(s)")
        for k, g in enumerate(gxs):
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"{self.name}.backward must return Tensors (or None), but "
                                f"gradient {k} is a {type(g).__name__}; build it from the "
                                "Tensors it receives, so that it is differentiable too")
        if create_graph:
            return gxs
        return [g.data if isinstance(g, Tensor) else g for g in gxs]


class Op(Function):
    """A built-in operation.

    `forward` works on backend arrays. `backward(gy, *saved)` gets the output's gradient and
    the saved values: the inputs if `saves_inputs`, then the output if `saves_output`. It is
    written once: it runs on arrays for a plain backward and on Tensors (recording a graph)
    under `create_graph=True`; a formula such as `gy * y * (1 - y)` reads the same on both.
    It returns one gradient per input (None where `needs_grad(i)` is false) in the broadcast
    shape; the engine sums each back to its input's shape and dtype.
    """

    __slots__ = ()
    saves_inputs = False

    def _backward(self, gy, create_graph):
        if not self.saves_inputs:
            if not self.saves_output:
                return self.backward(gy)
            if not create_graph and self._out is not None:
                return self.backward(gy, self._out)
        return self.backward(gy, *self._saved_args(create_graph))

    def _saved_args(self, as_tensors):
        """The saved values as `backward` receives them: Tensors when building a graph,
        arrays otherwise."""
        args = []
        if self.saves_inputs:
            saved = self._saved
            if saved is FREED:
                raise RuntimeError(retain_graph_message(self))
            args = list(saved) if as_tensors else [
                x.data if isinstance(x, Tensor) else x for x in saved]
        if self.saves_output:
            out = self._out
            if out is None:
                raise RuntimeError(retain_graph_message(self))
            args.append(Tensor._from_node(out, self) if as_tensors else out)
        return args


class Elementwise(Op):
    """An op applied element by element with one input, whose backward is its local
    derivative times the output gradient: `local(*saved)` is that derivative, computed from
    the saved values (on arrays or on Tensors alike). Pictures of the graph show it too,
    exactly, for ops that declare a `derivative`."""

    __slots__ = ()

    def local(self, *saved):
        raise NotImplementedError(f"{self.name} must define local(self, *saved)")

    def backward(self, gy, *saved):
        return gy * self.local(*saved)


def retain_graph_message(node):
    return (f"Trying to backward through the graph a second time (at {node.name}): the values "
            f"it saved for backward were freed by the first backward(). Pass "
            f"retain_graph=True to the first backward() (or ag.grad()) to backward again.")


def edge_of(x):
    """Where the gradient of operand `x` goes, or None when it needs none."""
    if isinstance(x, Tensor) and x.requires_grad:
        data = x.data
        return (x.grad_fn or x, x._nr, data.shape, data.dtype)
    return None


def apply(node, inputs):
    """Runs `node.forward` on the arrays of `inputs` (Tensors, or python scalars that are
    constants of the operation) and wraps the results, recording `node` in the graph when
    grad mode is on and some input requires grad.

    This runs once per operation, so the common cases (one or two inputs) take a path
    without loops."""
    st = state
    if len(inputs) == 2:
        a, b = inputs
        ys = node.forward(a.data if isinstance(a, Tensor) else a,
                          b.data if isinstance(b, Tensor) else b)
        edges = (edge_of(a), edge_of(b)) if st.grad_enabled else (None, None)
        if edges[0] is None and edges[1] is None:
            edges = None
    elif len(inputs) == 1:
        x = inputs[0]
        if isinstance(x, Tensor):
            ys = node.forward(x.data)
            edges = (edge_of(x),) if x.requires_grad and st.grad_enabled else None
        else:
            ys, edges = node.forward(x), None
    else:
        ys = node.forward(*[x.data if isinstance(x, Tensor) else x for x in inputs])
        edges = tuple(map(edge_of, inputs)) if st.grad_enabled else None
        if edges is not None and edges.count(None) == len(edges):
            edges = None
    if not hasattr(ys, "shape") and not (isinstance(ys, tuple) and ys):
        raise TypeError(f"{node.name}.forward must return a backend array (or a tuple of "
                        f"them), got {type(ys).__name__}; e.g. return xp.asarray(result)")
    if st.anomaly:
        anomaly.check_forward(node, ys if isinstance(ys, tuple) else (ys,))
    if edges is None:
        if isinstance(ys, tuple):
            return tuple(Tensor._from_node(y, None) for y in ys)
        return Tensor._from_node(ys, None)
    node._edges = edges
    node._seq = next_seq()  # creation order: a topological order of the graph
    node._scope = st.scope
    if node.saves_inputs:
        node._saved = inputs
    if st.anomaly:
        anomaly.traces[node] = anomaly.creation_trace()
    if isinstance(ys, tuple):
        if node.n_outputs != len(ys):
            node.n_outputs = len(ys)
        return tuple(Tensor._from_node(y, node, i) for i, y in enumerate(ys))
    if node.saves_output:
        node._out = ys
    return Tensor._from_node(ys, node)
