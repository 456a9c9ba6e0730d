"""Watching the gradient over a whole training run, every N steps, per layer: the gradient's
norm, the grad:data and update:data ratios (the diagnostics of Karpathy's makemore part 3),
activation saturation and dead units; and the pictures of them — a heatmap of the gradient
norm (layers × steps, where a vanishing network is a dark band), the update:data lines
against the 1e-3 rule of thumb, and per-layer gradient histograms.

    monitor = nn.gradflow.GradientMonitor(model, every=10)
    nn.fit(model, x, y, callbacks=[monitor])          # or, in a loop of your own:
    for xb, yb in loader:
        with monitor.step():
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(); loss.backward(); opt.step()
    monitor.plot()

Everything read is copied to small host arrays at once, so the monitor keeps no graph alive.
"""
import contextlib
import math

import numpy as np

from ..activations import Activation
from .common import SATURATION, dead_share, host, pyplot, saturated_share

__all__ = ["GradientMonitor"]


def _or_nan(value):
    return float("nan") if value is None else value


def _log10_ratio(top, bottom):
    return math.log10(top / bottom) if top > 0 and bottom > 0 else float("nan")


class GradientMonitor:
    """Records, every `every` steps, for each layer that owns parameters (its `weight`, or
    its first parameter): gradient norm, log10 grad:data and update:data ratios (standard
    deviations, as makemore), a gradient histogram; and for each activation module: the share
    of saturated outputs (|value| beyond `saturation` of its range from the middle: |tanh| >
    0.97 by default) and, for rectifiers, the share of dead units.

    `kinds`: the module classes whose parameters are watched (e.g. `(nn.Linear,)` for the
    weight matrices alone, as makemore); by default every module that owns parameters.
    `history` holds the steps and, per layer name, one list per statistic."""

    def __init__(self, model, every=10, saturation=SATURATION, bins=30, kinds=None):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"GradientMonitor: every must be an integer >= 1, got {every!r}")
        if not 0 < saturation < 1:
            raise ValueError(f"GradientMonitor: saturation must be in (0, 1), got "
                             f"{saturation!r}")
        self.model, self.every, self.saturation, self.bins = model, every, saturation, bins
        self.layers = {}
        for name, module in model.named_modules():
            own = dict(module.named_parameters(recurse=False))
            if own and (kinds is None or isinstance(module, tuple(kinds))):
                self.layers[name or "model"] = own.get("weight", next(iter(own.values())))
        self.activations = {name: m for name, m in model.named_modules()
                            if isinstance(m, Activation)}
        self.steps = []
        self.history = {"grad_norm": {}, "grad_data": {}, "update_data": {}, "histogram": {},
                        "saturated": {}, "dead": {}}
        self._count = 0
        self._before = None
        self._outputs = {}
        self._hooks = [m.register_forward_hook(self._hook(name))
                       for name, m in self.activations.items()]

    # --- when to record ---------------------------------------------------------------
    def on_step_begin(self, step):
        """Before the forward pass of step `step`: on a recorded step, remembers the
        parameters (for the update) and listens to the activations."""
        if step % self.every:
            self._before = None
            return
        self._before = {name: host(p) for name, p in self.layers.items()}
        self._outputs = {}

    def on_step_end(self, step, loss=None):
        """After the optimiser's step: on a recorded step, reads gradients and updates."""
        if self._before is None:
            return
        self.steps.append(step)
        for name, param in self.layers.items():
            data = host(param)
            grad = None if param.grad is None else host(param.grad)
            norm = float("nan") if grad is None else float(np.sqrt(np.sum(grad * grad)))
            self._add("grad_norm", name, norm)
            self._add("grad_data", name, float("nan") if grad is None else
                      _log10_ratio(grad.std(), data.std()))
            self._add("update_data", name,
                      _log10_ratio((data - self._before[name]).std(), data.std()))
            finite = None if grad is None else grad[np.isfinite(grad)]
            self._add("histogram", name, np.histogram(finite, bins=self.bins)
                      if finite is not None and finite.size else None)
        for name, module in self.activations.items():
            values = self._outputs.get(name)
            nan = float("nan")
            self._add("saturated", name, nan if values is None else
                      _or_nan(saturated_share(module, values, self.saturation)))
            if module.rectifies:
                self._add("dead", name, nan if values is None else
                          _or_nan(dead_share(module, values)))
        self._before, self._outputs = None, {}

    @contextlib.contextmanager
    def step(self, loss=None):
        """One training step of a loop of your own, recorded every `every` steps."""
        self.on_step_begin(self._count)
        yield self
        self.on_step_end(self._count, loss)
        self._count += 1

    def remove(self):
        """Stops listening to the model's activations."""
        for handle in self._hooks:
            handle.remove()
        self._hooks = []

    def _hook(self, name):
        def record(module, inputs, output):
            if self._before is not None:
                self._outputs[name] = host(output)
        return record

    def _add(self, statistic, layer, value):
        self.history[statistic].setdefault(layer, []).append(value)

    def as_dict(self):
        """The steps and per-layer gradient norms (what the explorer's step slider shows)."""
        return {"steps": list(self.steps), "grad_norm": self.history["grad_norm"]}

    # --- pictures ---------------------------------------------------------------------
    def plot(self, axes=None):
        """The three pictures side by side: the heatmap, the update:data lines, the last
        recorded gradient histograms. Returns the axes."""
        plt = pyplot("GradientMonitor.plot")
        if axes is None:
            _, axes = plt.subplots(1, 3, figsize=(17, 4.8))
        self.plot_heatmap(axes[0])
        self.plot_update_ratios(axes[1])
        self.plot_histograms(axes[2])
        axes[0].figure.tight_layout()
        return axes

    def plot_heatmap(self, ax=None, layers=None, limits=None, colorbar=True):
        """log10 of each layer's gradient norm (rows, input side on top) over the recorded
        steps (columns). `layers`: the layer names to show (default all); `limits`: (low,
        high) of log10, to share one colour range between heatmaps."""
        plt = pyplot("GradientMonitor.plot_heatmap")
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        names = list(self.history["grad_norm"]) if layers is None else list(layers)
        with np.errstate(divide="ignore"):
            grid = np.log10(np.array([self.history["grad_norm"][n] for n in names]))
        grid[~np.isfinite(grid)] = np.nan
        low, high = limits if limits is not None else (None, None)
        # the graphs' convention: pale is a small gradient, dark a large one, grey none
        cmap = plt.get_cmap("magma_r").with_extremes(bad="0.6")
        image = ax.imshow(grid, aspect="auto", cmap=cmap, interpolation="nearest",
                          vmin=low, vmax=high,
                          extent=(self.steps[0] - 0.5, self.steps[-1] + 0.5, len(names) - 0.5,
                                  -0.5) if self.steps else None)
        ax.set_yticks(range(len(names)), names, fontsize=7 if len(names) > 20 else 9)
        ax.set_xlabel("training step")
        ax.set_ylabel("layer (input side on top)")
        ax.set_title("gradient norm per layer, log10 (pale: vanishing)")
        if colorbar:
            ax.figure.colorbar(image, ax=ax, label="log10 ‖∂loss/∂W‖")
        return ax

    def plot_update_ratios(self, ax=None):
        """log10(update std / data std) per layer over the steps, with the 1e-3 guide."""
        plt = pyplot("GradientMonitor.plot_update_ratios")
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        for name, values in self.history["update_data"].items():
            ax.plot(self.steps, values, label=name, linewidth=1)
        ax.axhline(-3, color="black", linestyle="--", linewidth=1.2,
                   label="1e-3: about right")
        ax.set_xlabel("training step")
        ax.set_ylabel("log10(update std / data std)")
        ax.set_title("update:data ratio per layer")
        ax.legend(fontsize=7, ncol=2 if len(self.history["update_data"]) > 8 else 1,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return ax

    def plot_histograms(self, ax=None, step=-1):
        """Each layer's gradient histogram at one recorded step (the last by default)."""
        plt = pyplot("GradientMonitor.plot_histograms")
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        for name, histograms in self.history["histogram"].items():
            if histograms[step] is None:
                continue
            counts, edges = histograms[step]
            ax.plot((edges[:-1] + edges[1:]) / 2, counts / max(1, counts.sum()),
                    label=name, linewidth=1)
        ax.set_xlabel("gradient value")
        ax.set_ylabel("share of values")
        ax.set_title(f"gradient histograms at step {self.steps[step] if self.steps else '-'}")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return ax
