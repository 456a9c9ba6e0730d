"""Datasets of arrays and a loader that serves them in (shuffled) mini-batches of Tensors."""
import math

import numpy as np

from autograd import Tensor, backend, get_default_device
from autograd import default_generator

from .arguments import check_size


__all__ = ["DataLoader", "TensorDataset"]


class TensorDataset:
    """Arrays (numpy arrays, device arrays or Tensors) that share their first axis: item i is
    the tuple of their i-th rows, as Tensors on the arrays' devices (PyTorch's
    TensorDataset)."""

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(_as_backend_array(a, f"array {k}") for k, a in enumerate(arrays))
        lengths = [len(a) if a.ndim else None for a in self.arrays]
        if None in lengths:
            raise ValueError("TensorDataset: every array needs a first (sample) axis; got a "
                             "0-d array")
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: arrays must have the same number of samples "
                             f"(first axis), got lengths {lengths}")

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(Tensor(a[index], device=backend.device_of(a)) for a in self.arrays)

    def rows(self, indices):
        """The rows at `indices` (a numpy integer array) of every array, gathered at once."""
        return tuple(a[backend.to_device(indices, backend.device_of(a))] for a in self.arrays)


class DataLoader:
    """Iterates over a dataset in batches of `batch_size`.

    `dataset` is a dataset (`__len__` and `__getitem__`), a tuple of arrays `(x, y)` (wrapped
    in a TensorDataset), or a single array. Each batch is a tuple of Tensors, one per field of
    an item (a single Tensor for a single array, or for a dataset whose items are not
    tuples). Arrays keep their dtype, so integer labels stay integer; batches go to `device`
    (default: the default device).

    With `shuffle=True` every pass visits the items in a new random order: drawn from the
    project's shared generator (`nn.manual_seed`/`ag.manual_seed` makes it reproducible), or,
    when `seed` is given, from the loader's own generator, so that the sequence of orders is
    the same for every loader built with that seed. `drop_last=True` skips a final batch
    smaller than `batch_size`.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 device=None, num_workers=0, pin_memory=False, persistent_workers=False):
        # PyTorch's worker and pinning options are accepted so that its loader settings
        # carry over; batches are always made in the calling process, on the host
        check_size("DataLoader", "num_workers", num_workers, minimum=0)
        check_size("DataLoader", "batch_size", batch_size, minimum=1)
        self._single = _is_array(dataset)
        if self._single:
            dataset = TensorDataset(dataset)
        elif isinstance(dataset, (tuple, list)):
            dataset = TensorDataset(*dataset)
        elif not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: expected a dataset (with __len__ and __getitem__), "
                            f"a tuple of arrays or an array, got {type(dataset).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.device = backend.normalize_device(device) if device is not None else None
        self._own_generator = np.random.default_rng(seed) if seed is not None else None

    def __len__(self):
        count = len(self.dataset)
        return count // self.batch_size if self.drop_last else math.ceil(count / self.batch_size)

    def __iter__(self):
        device = self.device or get_default_device()
        order = self._order(len(self.dataset))
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            batch = self._batch(order[start:start + self.batch_size])
            if isinstance(batch, tuple):
                yield tuple(Tensor(field, device=device) for field in batch)
            else:
                yield Tensor(batch, device=device)

    def _order(self, count):
        if not self.shuffle:
            return np.arange(count)
        rng = self._own_generator if self._own_generator is not None else default_generator()
        return rng.permutation(count)

    def _batch(self, indices):
        """The items at `indices` as one array per field (a tuple), or one array when items
        are not tuples."""
        if isinstance(self.dataset, TensorDataset):
            fields = self.dataset.rows(indices)
            return fields[0] if self._single else fields
        items = [self.dataset[int(i)] for i in indices]
        if isinstance(items[0], (tuple, list)):
            return tuple(_stack(column) for column in zip(*items))
        return _stack(items)


def _is_array(value):
    return isinstance(value, (np.ndarray, Tensor)) or backend.device_of(value) != "cpu"


def _as_backend_array(value, what):
    if isinstance(value, Tensor):
        return value.data
    try:
        return backend.as_array(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"TensorDataset: {what} is a {type(value).__name__}, not an array") \
            from error


def _stack(values):
    """One batch array from a dataset's items: on the host unless an item is already on a
    device (then on that device, so device data is not copied back and forth)."""
    arrays = [v.data if isinstance(v, Tensor) else v for v in values]
    devices = {backend.device_of(a) for a in arrays}
    if devices == {"cpu"}:
        return np.stack([np.asarray(a) for a in arrays])
    device = sorted(devices - {"cpu"})[0]
    on_device = [backend.to_device(np.asarray(a) if backend.device_of(a) == "cpu" else a,
                                   device) for a in arrays]
    return backend.array_module(on_device[0]).stack(on_device)
