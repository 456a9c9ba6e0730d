"""Saving and loading checkpoints: a module's (or any) state dict, an optimiser's
`state_dict()`, or a dict of them.

    nn.save(model, "model.safetensors")           # or .npz; nn.save(model.state_dict(), ...)
    model.load_state_dict(nn.load("model.safetensors"))
    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, "run.npz")

- A path ending in `.safetensors` is written in that format (readable by
  `safetensors.numpy.load_file` and PyTorch's safetensors loader; a flat state dict keeps its
  keys); any other path as `.npz` (numpy's zip of arrays). `load` tells them apart by their
  content.
- Writes are atomic: the file is written next to the target under a temporary name, flushed
  to disk, then renamed over it, so a save that fails or is interrupted leaves the previous
  file as it was.
- Loading never executes code, and refuses a file that is incomplete or damaged, or whose
  header claims more data than the file holds, with an error that says so.

Tensors and arrays are stored as arrays; the structure around them (nested dicts, lists,
numbers such as an optimiser's step counts and hyperparameters) as JSON beside them.
"""
import os
from pathlib import Path

from autograd import backend

from ..module import Module
from . import atomic, npz, safetensors_format, tree

__all__ = ["save", "load"]

def _format_to_write(path):
    return safetensors_format if Path(path).suffix.lower() == ".safetensors" else npz


def _format_to_read(path):
    with open(path, "rb") as file:
        start = file.read(9)
    return safetensors_format if safetensors_format.looks_like(start) else npz


def save(obj, path):
    """Writes `obj` (a Module, a state dict, an optimiser's state_dict(), or a dict or list of
    them) to `path`, atomically."""
    fmt = _format_to_write(path)
    if isinstance(obj, Module):
        obj = obj.state_dict()
    arrays, structure = tree.flatten(obj)
    arrays = {key: backend.to_host(array) for key, array in arrays.items()}
    atomic.write(path, fmt.encode(arrays, structure))


def load(path, device="cpu", weights_only=True):
    """What `save` wrote, with every array as a Tensor on `device`. A file written by another
    program (numpy's savez, safetensors) loads as a flat dict {key: Tensor}. Loading never
    runs code from the file: `weights_only` (PyTorch's flag) can only be True."""
    if weights_only is not True:
        raise ValueError("nn.load: files are only ever read as data (weights_only=True); "
                         "tracegrad never unpickles code")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"nn.load: no file at {str(path)!r}")
    arrays, structure = _format_to_read(path).decode(path)
    return tree.unflatten(arrays, structure, device)
