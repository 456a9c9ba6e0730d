"""Gradient norms per layer, as a table and as the "where does the gradient vanish" chart."""
from dataclasses import dataclass

import numpy as np

from .common import host as _host, pyplot

__all__ = ["ParameterGradient", "gradient_norms", "gradient_table", "plot_gradient_norms"]


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
    """A text table of gradient norms per layer, of the parameters of one `kind` ("weight",
    "bias"; None for all); the last column compares each with the last one, which is where
    the loss enters."""
    rows = _rows(model_or_rows)
    chosen = [r for r in rows if kind is None or _is_kind(r.name, kind)] or rows
    last = chosen[-1].norm if chosen else float("nan")
    layer_width = max([len("layer")] + [len(r.layer) for r in chosen]) + 2
    name_width = max([len("parameter")] + [len(r.name) for r in chosen]) + 2
    shape_width = max([len("shape")] + [len(str(r.shape)) for r in chosen]) + 2
    lines = [f"{'layer':<{layer_width}}{'parameter':<{name_width}}{'shape':<{shape_width}}"
             f"{'grad norm':>12}{'grad rms':>12}{'vs last':>12}"]
    for r in chosen:
        ratio = r.norm / last if last and np.isfinite(last) else float("nan")
        lines.append(f"{r.layer or '-':<{layer_width}}{r.name:<{name_width}}"
                     f"{str(r.shape):<{shape_width}}{r.norm:>12.3e}{r.rms:>12.3e}{ratio:>12.3e}")
    return "\n".join(lines)


def _is_kind(name, kind):
    """"weight" covers a recurrent layer's weight_ih_l0 and weight_hh_l0 too (PyTorch's
    names); "bias" its bias_ih_l0 and bias_hh_l0."""
    return name == kind or name.startswith(kind + "_")


def _rows(model_or_rows):
    if hasattr(model_or_rows, "named_parameters"):
        return gradient_norms(model_or_rows)
    return list(model_or_rows)


def plot_gradient_norms(model_or_rows, ax=None, label=None, kinds=("weight", "bias")):
    """The "where does the gradient vanish" chart: gradient norm per layer on a log scale,
    the input side on the left. Returns the matplotlib Axes."""
    plt = pyplot("plot_gradient_norms")
    rows = _rows(model_or_rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    for kind, marker in zip(kinds, ("o", "s")):
        chosen = [r for r in rows if _is_kind(r.name, kind)]
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
