"""Activation statistics per layer, recorded by forward hooks: spread, saturation, dead
units, histograms."""
from dataclasses import dataclass

import numpy as np

from autograd import no_grad

from ..activations import Activation
from .common import SATURATION, dead_share, host as _host, pyplot, saturated_share

__all__ = ["ActivationStats", "ActivationRecorder", "summarize", "dead_unit_fraction",
           "plot_histograms"]


@dataclass
class ActivationStats:
    layer: str
    kind: str               # the module's class name, for tables
    mean: float
    std: float
    saturated: float        # share of saturated values (common.saturated_share)
    dead: float | None      # ReLU-like layers: share of units that were 0 for every sample
    histogram: tuple        # (counts, bin edges) over the layer's values


class ActivationRecorder:
    """Records the output of chosen layers on every forward call while active:

        with nn.gradflow.ActivationRecorder(model) as rec:
            model(x)
        print(rec.table()); rec.plot_histograms()

    By default every activation module (`nn.Activation`: Sigmoid, Tanh, ReLU, ...) is
    recorded; pass `kinds` (module classes) or `layers` (dotted names) to choose. Only
    statistics and a histogram of each output are kept, on the host, so nothing holds the
    graph.
    """

    def __init__(self, model, kinds=(Activation,), layers=None, bins=30,
                 saturation=SATURATION):
        self.model = model
        self.kinds = tuple(kinds)
        self.layers = None if layers is None else set(layers)
        self.bins = bins
        self.saturation = saturation
        self.stats = {}
        self._handles = []

    def _wanted(self, name, module):
        if not name:
            return False
        if self.layers is not None:
            return name in self.layers
        return isinstance(module, self.kinds)

    def __enter__(self):
        for name, module in self.model.named_modules():
            if self._wanted(name, module):
                self._handles.append(module.register_forward_hook(self._hook(name)))
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _hook(self, name):
        def record(module, inputs, output):
            self.stats[name] = summarize(name, module, _host(output), self.bins,
                                         self.saturation)
        return record

    def table(self):
        lines = [f"{'layer':<10}{'kind':<10}{'mean':>10}{'std':>10}{'saturated':>11}"
                 f"{'dead units':>12}"]
        for s in self.stats.values():
            dead = "-" if s.dead is None else f"{s.dead:.1%}"
            lines.append(f"{s.layer:<10}{s.kind:<10}{s.mean:>10.3f}{s.std:>10.3f}"
                         f"{s.saturated:>11.1%}{dead:>12}")
        return "\n".join(lines)

    def plot_histograms(self, axes=None, title=None):
        """One histogram per recorded layer, side by side."""
        return plot_histograms(list(self.stats.values()), axes=axes, title=title)


def summarize(layer, module, values, bins=30, saturation=SATURATION):
    """Statistics of one layer's output (batch first), read as the module says it should be:
    saturation against its `output_bounds`, dead units if it `rectifies`."""
    flat = values.ravel()
    bounds = getattr(module, "output_bounds", None)
    edges = bins if bounds is None else np.linspace(*bounds, bins + 1)
    saturated = saturated_share(module, flat, saturation) or 0.0
    dead = dead_share(module, values)
    counts, edges = np.histogram(flat, bins=edges)
    return ActivationStats(layer, type(module).__name__, float(flat.mean()),
                           float(flat.std()), saturated, dead, (counts, edges))


def dead_unit_fraction(model, x):
    """{layer: share of units that output 0 for every sample of `x`} for the model's ReLU
    layers (such units get no gradient, so they never recover)."""
    rectifiers = [name for name, m in model.named_modules() if getattr(m, "rectifies", False)]
    with ActivationRecorder(model, layers=rectifiers) as rec, no_grad():
        model(x)
    return {name: s.dead for name, s in rec.stats.items()}


def plot_histograms(stats, axes=None, title=None):
    plt = pyplot("plot_histograms")
    if axes is None:
        _, axes = plt.subplots(1, len(stats), figsize=(2.6 * len(stats), 2.6), sharey=True,
                               squeeze=False)
        axes = axes[0]
    for ax, s in zip(axes, stats):
        counts, edges = s.histogram
        share = counts / max(1, counts.sum())
        ax.bar(edges[:-1], share, width=np.diff(edges), align="edge", color="#4c72b0")
        ax.set_title(f"layer {s.layer}: {s.kind}", fontsize=9)
        ax.set_xlabel("activation value", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("share of values")
    if title:
        axes[0].figure.suptitle(title)
    axes[0].figure.tight_layout()
    return axes
