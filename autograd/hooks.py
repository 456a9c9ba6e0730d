"""Gradient hooks: removable handles, and the hook behind `retain_grad()`."""
import weakref


# Hooks on non-leaf tensors belong to the node that made them (the node, not the tensor, is
# what backward sees). Few nodes have any, so they live in this side table rather than in a
# field of every node: id(node) -> {output index: [hooks], ("retain", output index): [hook]}.
# A plain dict keyed by identity keeps the per-node check in backward cheap; an entry goes
# when its node dies.
node_hooks = {}


def hooks_of(node):
    """The (created on demand) hook table of `node`."""
    key = id(node)
    entry = node_hooks.get(key)
    if entry is None:
        table = {}
        node_hooks[key] = (weakref.ref(node, lambda _, key=key: node_hooks.pop(key, None)),
                           table)
        return table
    return entry[1]


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook (idempotent)."""

    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn

    def remove(self):
        if self._fn is not None:
            try:
                self._hooks.remove(self._fn)
            except ValueError:
                pass
            self._fn = None
            self._hooks = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def retain_grad_hook(tensor):
    """A hook that stores (accumulating) the gradient on `tensor`, held weakly so that the
    graph does not keep the tensor alive. The stored gradient has memory of its own: the
    array flowing backward may go on to become another tensor's gradient too."""
    ref = weakref.ref(tensor)

    def retain(grad):
        t = ref()
        if t is not None:
            own = grad if grad.requires_grad else grad.detach().clone()
            t.grad = own if t.grad is None else t.grad + grad
    return retain
