"""In-place writes, and the saved values they would silently change (PyTorch's version
counter).

A node saves some of its inputs (or its output) for backward. If one of them is written in
place before that backward runs (`opt.step()` between a forward pass and its `backward()`,
say), backward would compute the gradient at the new values, which is silently wrong; so it
raises instead.

Writes are recorded per block of memory: the array that owns it (a view counts as the array
it looks into), so a write through any tensor or view sharing that memory counts. Each entry
holds the number of writes (the version) and the time of the latest, on the clock that
numbers nodes: a node numbered before the latest write to something it saved must not run.
Recording costs nothing per operation; only writes and the backward of nodes older than the
latest write pay for it.
"""
import weakref

from .function import next_seq

_writes = {}           # id(owner array) -> [weak reference to it, version, time of last write]
_latest = [-1]         # the time of the latest write anywhere


def owner(array):
    """The array that owns `array`'s memory (itself unless it is a view)."""
    base = getattr(array, "base", None)
    while base is not None and base.__class__ is array.__class__:
        array, base = base, getattr(base, "base", None)
    return array


def _entry(array):
    root = owner(array)
    entry = _writes.get(id(root))
    if entry is not None and entry[0]() is root:
        return entry
    return None


def record_write(array):
    """Counts one in-place write to the memory of `array`."""
    root = owner(array)
    key = id(root)
    entry = _entry(root)
    if entry is None:
        def forget(_, key=key):
            if _writes.get(key) is entry:
                del _writes[key]
        entry = [weakref.ref(root, forget), 0, 0]
        _writes[key] = entry
    entry[1] += 1
    entry[2] = _latest[0] = next_seq()


def version(array):
    """How many in-place writes the memory of `array` has had."""
    entry = _entry(array)
    return 0 if entry is None else entry[1]


def latest_write():
    return _latest[0]


def written_after(array, seq):
    entry = _entry(array)
    return entry is not None and entry[2] > seq


def check_saved(node, saved):
    """Raises if any of `saved` ((label, array) pairs that `node` kept for backward) was
    written in place after `node` was created."""
    for label, array in saved:
        if array is not None and hasattr(array, "shape") and written_after(array, node.seq):
            raise RuntimeError(
                f"{node.name}: {label} (shape {tuple(array.shape)}, dtype {array.dtype}), "
                f"which it saved for backward, was modified in place after the forward pass "
                f"(it is now at version {version(array)}), so its gradient would be computed "
                "from the new values. Modify it only after backward() (e.g. call opt.step() "
                "after loss.backward()), or modify a copy (x.detach().clone()-style: "
                "ag.tensor(x.data)).")
