"""Gradient flow over a model: where does the gradient vanish?

- `gradient_norms(model)`: per layer, the norm of each parameter's gradient (text with
  `gradient_table`, a log-scale chart with `plot_gradient_norms`);
- `ActivationRecorder`: activation statistics and histograms per layer, recorded by forward
  hooks (one histogram per layer), and the share of dead ReLU units;
everything copied to small host arrays as it is read, so no graph is kept alive and it can
run every N steps of a training loop.
"""
from dataclasses import dataclass

import numpy as np

import autograd as ag
from autograd import backend

from .activations import Activation


def _host(t):
    return backend.to_host(getattr(t, "data", t), np.float64)


@dataclass
class ParameterGradient:
    layer: str          # dotted name of the module that owns the parameter
    name: str           # the parameter's own name ("weight", "bias")
    shape: tuple
    norm: float         # Frobenius norm of the gradient (nan when there is none)
    rms: float          # root mean square of the gradient

    @property
    def full_name(self):
        return f"{self.layer}.{self.name}" if self.layer else self.name


def gradient_norms(model):
    """One row per parameter, in model order, read after `backward()`."""
    rows = []
    for full_name, p in model.named_parameters():
        layer, _, name = full_name.rpartition(".")
        if p.grad is None:
            norm = rms = float("nan")
        else:
            g = _host(p.grad)
            norm = float(np.sqrt(np.sum(g * g)))
            rms = float(np.sqrt(np.mean(g * g))) if g.size else 0.0
        rows.append(ParameterGradient(layer, name, tuple(p.shape), norm, rms))
    return rows


def gradient_table(model_or_rows, kind="weight"):
    """A text table of gradient norms per layer; the last column compares each layer with the
    last one, which is where the loss enters."""
    rows = _rows(model_or_rows)
    chosen = [r for r in rows if kind is None or r.name == kind] or rows
    last = chosen[-1].norm if chosen else float("nan")
    lines = [f"{'layer':<16}{'parameter':<12}{'shape':<14}{'grad norm':>12}{'grad rms':>12}"
             f"{'vs last':>12}"]
    for r in chosen:
        ratio = r.norm / last if last and np.isfinite(last) else float("nan")
        lines.append(f"{r.layer or '-':<16}{r.name:<12}{str(r.shape):<14}{r.norm:>12.3e}"
                     f"{r.rms:>12.3e}{ratio:>12.3e}")
    return "\n".join(lines)


def _rows(model_or_rows):
    if hasattr(model_or_rows, "named_parameters"):
        return gradient_norms(model_or_rows)
    return list(model_or_rows)


def plot_gradient_norms(model_or_rows, ax=None, label=None, kinds=("weight", "bias")):
    """The "where does the gradient vanish" chart: gradient norm per layer on a log scale,
    the input side on the left. Returns the matplotlib Axes."""
    plt = _pyplot("plot_gradient_norms")
    rows = _rows(model_or_rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    for kind, marker in zip(kinds, ("o", "s")):
        chosen = [r for r in rows if r.name == kind]
        if not chosen:
            continue
        xs = np.arange(1, len(chosen) + 1)
        name = f"{label}: {kind}" if label else kind
        ax.plot(xs, [r.norm for r in chosen], marker=marker, label=name)
        ax.set_xticks(xs, [r.layer for r in chosen], rotation=0 if len(xs) < 16 else 90)
    ax.set_yscale("log")
    ax.set_xlabel("layer (input side on the left, loss side on the right)")
    ax.set_ylabel("gradient norm ‖∂loss/∂W‖ (log scale)")
    ax.set_title("gradient norm per layer")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


@dataclass
class ActivationStats:
    layer: str
    kind: str               # the module's class name, for tables
    mean: float
    std: float
    saturated: float        # share of values within 2% of a saturating bound (sigmoid/tanh)
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

    def __init__(self, model, kinds=(Activation,), layers=None, bins=30):
        self.model = model
        self.kinds = tuple(kinds)
        self.layers = None if layers is None else set(layers)
        self.bins = bins
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
            self.stats[name] = summarize(name, module, _host(output), self.bins)
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


def summarize(layer, module, values, bins=30):
    """Statistics of one layer's output (batch first), read as the module says it should be:
    saturation against its `output_bounds`, dead units if it `rectifies`."""
    flat = values.ravel()
    low, high = getattr(module, "output_bounds", None) or (None, None)
    if low is not None:
        margin = 0.02 * (high - low)
        saturated = float(np.mean((flat <= low + margin) | (flat >= high - margin)))
        edges = np.linspace(low, high, bins + 1)
    else:
        saturated = 0.0
        edges = bins
    dead = None
    if getattr(module, "rectifies", False) and values.ndim >= 2:
        units = values.reshape(values.shape[0], -1)
        dead = float(np.mean(np.all(units <= 0, axis=0)))
    counts, edges = np.histogram(flat, bins=edges)
    return ActivationStats(layer, type(module).__name__, float(flat.mean()),
                           float(flat.std()), saturated, dead, (counts, edges))


def dead_unit_fraction(model, x):
    """{layer: share of units that output 0 for every sample of `x`} for the model's ReLU
    layers (such units get no gradient, so they never recover)."""
    from autograd import no_grad
    rectifiers = [name for name, m in model.named_modules() if getattr(m, "rectifies", False)]
    with ActivationRecorder(model, layers=rectifiers) as rec, no_grad():
        model(x)
    return {name: s.dead for name, s in rec.stats.items()}


def _pyplot(feature):
    ag.extras.require("matplotlib", f"nn.gradflow.{feature}")
    import matplotlib.pyplot as plt
    return plt


def plot_histograms(stats, axes=None, title=None):
    plt = _pyplot("plot_histograms")
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
