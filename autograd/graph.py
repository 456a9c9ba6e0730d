"""The graph's public shape, for the tools that read it: the visualiser, nn's grouping of
nodes by module, and your own.

- A node (`autograd.Function` and the built-in ops) has `name`, `seq` (its number: nodes are
  numbered as they are created, so a node's number is always above its inputs' nodes'),
  `edges` (one `Edge` per input, None where no gradient flows), `scope` (the `Scope` it was
  made in) and `saved_values()`.
- `walk(output)` lists the nodes behind a tensor, newest first, and the leaves they reach.
- `scope(owner)` groups the nodes made inside a `with` block: nn opens one per module call.
- `last_backward()` is what the latest backward pass of this thread computed at each node,
  kept until the next pass, so that a picture drawn after `backward()` can show it.
- `mark_modified(tensor)` tells autograd that a tensor's data was written in place (an
  optimiser's update, say), so that a backward needing its old values refuses to run.
"""
import heapq
from typing import NamedTuple

import numpy as np

from . import versions
from .hooks import RemovableHandle
from .modes import current
from .tensor import Tensor

__all__ = ["Edge", "Scope", "scope", "walk", "NodeGradients", "last_backward",
           "mark_modified", "RemovableHandle"]


class Edge(NamedTuple):
    """Where the gradient of one input of a node goes."""
    target: object       # the node that made the input, or the input itself if it is a leaf
    output_nr: int       # which output of `target` the input is
    shape: tuple         # the input's shape and dtype: the gradient is summed back to them
    dtype: np.dtype


class Scope:
    """One `with scope(owner):` block. Nodes created inside point to it (`node.scope`);
    `parent` is the scope that was open around it, so nested modules give nested scopes.
    Each call of a module opens a new Scope, so calls of one module stay apart."""

    __slots__ = ("owner", "parent")

    def __init__(self, owner, parent):
        self.owner = owner
        self.parent = parent

    def chain(self):
        """This scope and the ones around it, innermost first."""
        scope = self
        while scope is not None:
            yield scope
            scope = scope.parent

    def __repr__(self):
        return f"<Scope of {type(self.owner).__name__}>"


class scope:
    """`with autograd.graph.scope(owner):` — the nodes made inside belong to a new Scope of
    `owner` (any object; nn uses the module being called)."""

    __slots__ = ("owner", "_previous")

    def __init__(self, owner):
        self.owner = owner

    def __enter__(self):
        modes = current()
        self._previous = modes.scope
        modes.scope = Scope(self.owner, self._previous)
        return modes.scope

    def __exit__(self, *exc):
        current().scope = self._previous


def walk(output):
    """(nodes, leaves) behind tensor `output`: the nodes newest first (a reverse topological
    order), the leaves that require grad in the order they are first reached. Iterative, so
    any depth works."""
    root = output.grad_fn
    if root is None:
        return [], [output] if output.requires_grad else []
    nodes, leaves, seen = [], [], {id(root)}
    heap = [(-root.seq, root)]
    while heap:
        node = heapq.heappop(heap)[1]
        nodes.append(node)
        for target in node._inputs:
            if target is None or id(target) in seen:
                continue
            seen.add(id(target))
            if isinstance(target, Tensor):
                leaves.append(target)
            else:
                heapq.heappush(heap, (-target.seq, target))
    return nodes, leaves


class NodeGradients(NamedTuple):
    """What one node of the latest backward pass received and sent, as backend arrays."""
    output: object       # the gradient of its output (a list for a node with several)
    inputs: tuple        # the gradient it sent to each input (None where none went), in the
                         # broadcast shape its backward returned
    saved: tuple | None  # the values it saved for backward, for nodes that describe their
                         # local derivative (kept so it can be computed exactly)


class BackwardRecord:
    """The gradients at every node of one backward pass, by the node's number: numbers are
    never reused (a process-wide clock gives them), so no node is kept alive by the record
    and a new node is never mistaken for a dead one. The pass appends (number,
    gradients...) as it goes; the index is built when first asked for."""

    __slots__ = ("passed", "_index")

    def __init__(self):
        self.passed = []
        self._index = None

    def of(self, node):
        """The `NodeGradients` of `node` in this pass, or None if the pass did not reach it."""
        if self._index is None or len(self._index) != len(self.passed):
            self._index = {entry[0]: entry for entry in self.passed}
        entry = self._index.get(node.seq)
        return None if entry is None else NodeGradients(*entry[1:])

    def __len__(self):
        return len(self.passed)


_EMPTY = BackwardRecord()


def last_backward():
    """The record of this thread's most recent backward pass (`backward()` or `grad()`):
    replaced by the next one, so it holds at most one pass's gradients."""
    return current().record or _EMPTY


def mark_modified(*tensors):
    """Records that the data of `tensors` was written in place outside autograd (as an
    optimiser's step does), so that a backward pass that saved their old values raises
    instead of silently using the new ones."""
    for t in tensors:
        versions.record_write(t.data)
