"""A Keras-style training loop: `history = nn.fit(model, x, y, batch_size=32, epochs=10)`.

One epoch is one pass over shuffled mini-batches: forward, loss, `zero_grad`, `backward`,
`step`. The returned History holds per-epoch averages of the loss and the metrics, for the
training data and, when given, the validation data (evaluated in eval mode, without a graph).
"""

import numpy as np

import autograd as ag
from autograd import backend, no_grad
from . import functional as F
from .arguments import check_size
from .data import DataLoader
from .optim import Adam


__all__ = ["fit", "evaluate", "predict", "History", "progress_range"]


class History:
    """Per-epoch values: `history.history["loss"]`, `["val_accuracy"]`, ... (as Keras)."""

    def __init__(self):
        self.history = {}
        self.epochs = 0

    def record(self, values):
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        self.epochs += 1

    def __getitem__(self, key):
        return self.history[key]

    def last(self, key):
        return self.history[key][-1]

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        return f"History({self.epochs} epochs: {last})"


def accuracy(output, target):
    """Share of rows whose arg-max class equals the integer label (at
    inference the arg-max class is taken)."""
    predicted = backend.to_host(output.data.argmax(axis=1))
    labels = backend.to_host(getattr(target, "data", target))
    return float(np.mean(predicted == labels))


METRICS = {"accuracy": accuracy}
LOSSES = {"cross_entropy": F.cross_entropy, "mse": F.mse_loss,
          "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
          "nll": F.nll_loss}


def _resolve(name_or_fn, table, what):
    if callable(name_or_fn):
        return name_or_fn
    if name_or_fn not in table:
        raise ValueError(f"fit: unknown {what} {name_or_fn!r}; choose one of "
                         f"{sorted(table)} or pass a function")
    return table[name_or_fn]


def _metric_functions(metrics):
    return {(m if isinstance(m, str) else m.__name__): _resolve(m, METRICS, "metric")
            for m in metrics}


def _device_of(model):
    """Where the model's parameters are (batches go there), or None for a model without."""
    return next((p.device for p in model.parameters()), None)


class _Steps:
    """Counts training steps across epochs and tells the callbacks about each one."""

    def __init__(self, callbacks):
        self.callbacks = tuple(callbacks)
        self.count = 0

    def begin(self):
        for callback in self.callbacks:
            if hasattr(callback, "on_step_begin"):
                callback.on_step_begin(self.count)

    def end(self, loss):
        for callback in self.callbacks:
            if hasattr(callback, "on_step_end"):
                callback.on_step_end(self.count, loss)
        self.count += 1


def _averages(model, loader, loss_fn, metric_fns, optimizer=None, steps=None):
    """One pass over `loader`: the loss and metrics averaged over samples. With an optimizer
    every batch is also a training step (forward, zero_grad, backward, step)."""
    totals, count = {}, 0
    for xb, yb in loader:
        if optimizer is not None:
            steps.begin()
        output = model(xb)
        value = loss_fn(output, yb)
        if optimizer is not None:
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            steps.end(value)
        n = len(xb)
        count += n
        totals["loss"] = totals.get("loss", 0.0) + value.item() * n
        for name, fn in metric_fns.items():
            totals[name] = totals.get(name, 0.0) + fn(output, yb) * n
    return {k: v / max(count, 1) for k, v in totals.items()}


def progress_range(count, progress=None, unit="epoch"):
    """range(count), as a tqdm bar when tqdm is installed and progress is wanted (None: only
    on a terminal, False: never); without tqdm, no bar. For training loops of your own too."""
    if progress is False or not ag.extras.available("tqdm"):
        return range(count)
    from tqdm.auto import tqdm
    return tqdm(range(count), desc="training", unit=unit,
                disable=None if progress is None else not progress)


def fit(model, x, y, *, loss="cross_entropy", optimizer=None, batch_size=32, epochs=1,
        validation_data=None, metrics=("accuracy",), shuffle=True, seed=None, progress=None,
        on_epoch_end=None, callbacks=()):
    """Trains `model` on arrays (or Tensors) `x`, `y` and returns a History.

    loss: a name ("cross_entropy", "mse", ...) or `fn(output, target) -> scalar Tensor`.
    optimizer: an nn.optim optimiser over the model's parameters (default Adam, lr 1e-3).
    validation_data: `(x_val, y_val)`, evaluated after every epoch ("val_" keys).
    metrics: names ("accuracy") or functions `fn(output, target) -> float`.
    progress: a tqdm bar over epochs (when tqdm is installed); None shows it only on a
        terminal, False hides it.
    on_epoch_end: `fn(epoch, values)` called after each epoch (e.g. to record diagnostics).
    callbacks: objects told about every training step: `on_step_begin(step)` before its
        forward pass, `on_step_end(step, loss)` after the optimiser's step (e.g. an
        `nn.gradflow.GradientMonitor`).
    Batches go to the device of the model's parameters.
    """
    check_size("fit", "epochs", epochs, minimum=0)
    check_size("fit", "batch_size", batch_size, minimum=1)
    loss_fn = _resolve(loss, LOSSES, "loss")
    metric_fns = _metric_functions(metrics)
    optimizer = optimizer or Adam(model.parameters())
    loader = DataLoader((x, y), batch_size=batch_size, shuffle=shuffle, seed=seed,
                        device=_device_of(model))
    history = History()
    steps = _Steps(callbacks)
    bar = progress_range(epochs, progress)
    for epoch in bar:
        model.train()
        values = _averages(model, loader, loss_fn, metric_fns, optimizer, steps)
        if validation_data is not None:
            scores = evaluate(model, *validation_data, loss=loss_fn, metrics=metrics,
                              batch_size=max(batch_size, 256))
            values.update({f"val_{k}": v for k, v in scores.items()})
        history.record(values)
        if hasattr(bar, "set_postfix"):
            bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()})
        if on_epoch_end is not None:
            on_epoch_end(epoch, values)
    return history


def evaluate(model, x, y, *, loss="cross_entropy", metrics=("accuracy",), batch_size=256):
    """Average loss and metrics over `(x, y)` in eval mode, without recording a graph. The
    model's train/eval mode is restored afterwards."""
    loss_fn = _resolve(loss, LOSSES, "loss")
    was_training = model.training
    model.eval()
    with no_grad():
        values = _averages(model, DataLoader((x, y), batch_size=batch_size,
                                             device=_device_of(model)),
                           loss_fn, _metric_functions(metrics))
    model.train(was_training)
    return values


def predict(model, x, batch_size=256):
    """The model's outputs for `x`, in eval mode and without a graph, as one Tensor."""
    was_training = model.training
    model.eval()
    with no_grad():
        outputs = [model(xb) for xb in DataLoader(x, batch_size=batch_size,
                                                  device=_device_of(model))]
    model.train(was_training)
    return ag.concatenate(outputs, axis=0)
