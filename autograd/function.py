"""Graph nodes: `Function` (the public base for custom operations) and `Op` (the base of the
built-in ones, and of new ones: see `autograd.ops`).

A node is created by each recorded operation. It holds
  * per input, where that input's gradient goes: the node that produced the input (or the
    leaf tensor itself), None when the input needs no gradient, and which output of that
    node the input is (`_inputs`, `_nrs`: flat tuples, the fewest objects per operation);
    `node.edges` gives them as `graph.Edge`s, with the shape and dtype the gradient must
    have, which are the producing node's own (`_shape`, `_dtype`) or the leaf's;
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
from .modes import per_thread, no_grad, enable_grad
from .tensor import Tensor, as_operand, _PYTHON_SCALARS

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

    __slots__ = ("_inputs", "_nrs", "_shape", "_dtype", "_saved", "_out", "_seq", "_scope",
                 "__weakref__")
    saves_inputs = True
    saves_output = False
    derivative = None  # a `Derivative` for elementwise ops whose local derivative teaches
    checks_outputs = True   # whether apply checks that forward gave arrays (custom ones)
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
        return self._inputs[i] is not None

    @property
    def num_inputs(self):
        return len(self._inputs)

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
        return tuple(None if target is None else Edge(target, nr, *output_meta(target, nr))
                     for target, nr in zip(self._inputs, self._nrs))

    @property
    def next_functions(self):
        """(node or leaf Tensor, output index) per input; None where no gradient flows."""
        return tuple(None if target is None else (target, nr)
                     for target, nr in zip(self._inputs, self._nrs))

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

    keeps_more = False   # True for an op that overrides release() to free more than its saved
                         # values (set by __init_subclass__; the engine calls release() only then)

    saves_only_output = False   # saves_output and not saves_inputs (set by __init_subclass__)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.keeps_more = cls.release is not Function.release
        cls.saves_only_output = cls.saves_output and not cls.saves_inputs

    def release(self):
        """Frees what backward needed (called after a backward without retain_graph)."""
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
        if len(gxs) != len(self._inputs):
            raise RuntimeError(f"{self.name}.backward returned {len(gxs)} gradient(s) for "
                               f"{len(self._inputs)} input(s)")
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
    checks_outputs = False

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
    from_output = False   # local(y) from the saved output alone, with this generic backward

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.from_output = cls.saves_only_output and cls.backward is Elementwise.backward

    def local(self, *saved):
        raise NotImplementedError(f"{self.name} must define local(self, *saved)")

    def backward(self, gy, *saved):
        return gy * self.local(*saved)

    def _backward(self, gy, create_graph):
        out = self._out if self.from_output and not create_graph else None
        if out is not None:   # the common case, in one call: sigmoid's gy * y (1 - y)
            return gy * self.local(out)
        return Op._backward(self, gy, create_graph)


def retain_graph_message(node):
    return (f"Trying to backward through the graph a second time (at {node.name}): the values "
            f"it saved for backward were freed by the first backward(). Pass "
            f"retain_graph=True to the first backward() (or ag.grad()) to backward again.")


def output_meta(target, nr):
    """(shape, dtype) of the gradient that goes to output `nr` of `target` (a node, or a
    leaf tensor)."""
    if isinstance(target, Tensor):
        return target.data.shape, target.data.dtype
    if target.n_outputs == 1:
        return target._shape, target._dtype
    return target._shape[nr], target._dtype[nr]


_ZEROS = {n: (0,) * n for n in range(1, 5)}   # the inputs' output indices of most nodes


def apply(node, inputs):
    """Runs `node.forward` on the arrays of `inputs` (Tensors, or python scalars that are
    constants of the operation) and wraps the results, recording `node` in the graph when
    grad mode is on and some input requires grad."""
    if len(inputs) == 1 and isinstance(inputs[0], Tensor):
        return apply_op(node, inputs[0])
    if len(inputs) == 2:
        return apply_op(node, *inputs)
    return apply_op(node, inputs, _SEVERAL)


_ABSENT = object()    # apply_op's second operand when there is none
_SEVERAL = object()   # ... when its first is the tuple of any number of inputs


def apply_op(node, a, b=_ABSENT):
    """`apply(node, (a,))` for one Tensor `a`, `apply(node, (a, b))` for two operands
    (Tensors or python scalars), and `apply(node, a)` for `b=_SEVERAL`. Every operation runs
    through here once, so its common cases (one tensor; a tensor and a scalar; two operands)
    are written out, and the graph is recorded in place rather than by a further call."""
    st = per_thread.modes
    if b is _ABSENT:
        inputs = (a,)
        ys = node.forward(a.data)
        if not (a.requires_grad and st.grad_enabled):
            return _unrecorded(node, ys, st)
        targets = (a.grad_fn or a,)
        nrs = (a._nr,) if a._nr else _ZEROS[1]
    elif b is _SEVERAL:
        inputs, arrays, targets, nrs, wanted = a, [], [], [], False
        for x in inputs:   # one pass: the arrays, and where each input's gradient goes
            if isinstance(x, Tensor):
                arrays.append(x.data)
                if x.requires_grad:
                    targets.append(x.grad_fn or x)
                    nrs.append(x._nr)
                    wanted = True
                    continue
            else:
                arrays.append(x)
            targets.append(None)
            nrs.append(0)
        ys = node.forward(*arrays)
        if not (wanted and st.grad_enabled):
            return _unrecorded(node, ys, st)
        targets = tuple(targets)
        nrs = tuple(nrs) if any(nrs) else _ZEROS.get(len(nrs)) or tuple(nrs)
    elif b.__class__ in _PYTHON_SCALARS and isinstance(a, Tensor):
        inputs = (a, b)
        ys = node.forward(a.data, b)
        if not (a.requires_grad and st.grad_enabled):
            return _unrecorded(node, ys, st)
        targets = (a.grad_fn or a, None)
        nrs = (a._nr, 0) if a._nr else _ZEROS[2]
    else:
        inputs = (a, b)
        if isinstance(a, Tensor):
            data_a, target_a = a.data, (a.grad_fn or a) if a.requires_grad else None
        else:
            data_a, target_a = a, None
        if isinstance(b, Tensor):
            data_b, target_b = b.data, (b.grad_fn or b) if b.requires_grad else None
        else:
            data_b, target_b = b, None
        ys = node.forward(data_a, data_b)
        if not st.grad_enabled or (target_a is None and target_b is None):
            return _unrecorded(node, ys, st)
        targets = (target_a, target_b)
        nrs = ((0 if target_a is None else a._nr, 0 if target_b is None else b._nr)
               if (target_a is not None and a._nr) or (target_b is not None and b._nr)
               else _ZEROS[2])
    if node.checks_outputs:
        _check_outputs(node, ys)
    if st.anomaly:
        anomaly.check_forward(node, ys if isinstance(ys, tuple) else (ys,))
        anomaly.traces[node] = anomaly.creation_trace()
    node._inputs = targets
    node._nrs = nrs
    node._seq = next_seq()  # creation order: a topological order of the graph
    node._scope = st.scope
    if node.saves_inputs:
        node._saved = inputs
    if ys.__class__ is tuple:
        return _several_outputs(node, ys)
    node._shape = ys.shape
    node._dtype = ys.dtype
    if node.saves_output:
        node._out = ys
    return Tensor._from_node(ys, node)


def _unrecorded(node, ys, st):
    """The outputs of an operation that is not recorded (no_grad, or no input needs grad)."""
    if node.checks_outputs:
        _check_outputs(node, ys)
    if st.anomaly:
        anomaly.check_forward(node, ys if isinstance(ys, tuple) else (ys,))
    if ys.__class__ is tuple:
        return tuple(Tensor._from_node(y, None) for y in ys)
    return Tensor._from_node(ys, None)


def _several_outputs(node, ys):
    if node.n_outputs != len(ys):
        node.n_outputs = len(ys)
    if len(ys) == 1:   # one output: its gradient goes unwrapped, like a plain op's
        node._shape, node._dtype = ys[0].shape, ys[0].dtype
    else:
        node._shape = tuple(y.shape for y in ys)
        node._dtype = tuple(y.dtype for y in ys)
    return tuple(Tensor._from_node(y, node, i) for i, y in enumerate(ys))


def _check_outputs(node, ys):
    """A custom Function's forward must give arrays (built-in ops are trusted)."""
    if not hasattr(ys, "shape") and not (isinstance(ys, tuple) and ys):
        raise TypeError(f"{node.name}.forward must return a backend array (or a tuple of "
                        f"them), got {type(ys).__name__}; e.g. return xp.asarray(result)")
