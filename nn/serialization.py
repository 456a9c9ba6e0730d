"""Saving parameters to, and loading them from, a numpy `.npz` file.

    nn.save(model, "model.npz")                 # or nn.save(model.state_dict(), path)
    model.load_state_dict(nn.load("model.npz"))

The file holds one array per state_dict key and nothing executable (it is read with
`allow_pickle=False`), so loading a file from elsewhere is safe.
"""
import numpy as np

from autograd import Tensor, backend

from .module import Module


__all__ = ["save", "load"]


def save(state, path):
    """Writes a module's state_dict (or a dict of tensors/arrays) to `path`, exactly that
    name (numpy would otherwise append ".npz")."""
    if isinstance(state, Module):
        state = state.state_dict()
    arrays = {}
    for key, value in state.items():
        data = value.data if isinstance(value, Tensor) else value
        arrays[key] = backend.to_device(data, "cpu") if backend.device_of(data) != "cpu" \
            else np.asarray(data)
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def load(path, device="cpu"):
    """The dict {key: Tensor} saved at `path`, on `device`; pass it to load_state_dict."""
    with np.load(path, allow_pickle=False) as archive:
        return {key: Tensor(archive[key], device=device) for key in archive.files}
