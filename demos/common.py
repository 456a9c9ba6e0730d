"""What every demo shares: its command line (--out, --quick), its output folder, saving
figures, and a small MLP builder."""
import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # demos write files; they never open windows
import matplotlib.pyplot as plt  # noqa: E402

DEFAULT_ROOT = Path("out")


def parse_args(name, description, argv=None):
    parser = argparse.ArgumentParser(prog=f"python -m demos.{name}", description=description)
    parser.add_argument("--out", type=Path, default=DEFAULT_ROOT / name,
                        help=f"folder for the figures (default: out/{name})")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny setting that runs in seconds (used by the smoke tests)")
    return parser.parse_args(argv)


def output_dir(path):
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_figure(fig, out_dir, name):
    """Writes `name`.png into `out_dir`, closes the figure and returns the path."""
    path = Path(out_dir) / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def save_graph(graph, out_dir, name):
    """Writes a backward graph as `name`.svg and `name`.png; returns the two paths."""
    paths = []
    for fmt in ("svg", "png"):
        path = Path(out_dir) / f"{name}.{fmt}"
        path.write_bytes(graph.pipe(format=fmt))
        paths.append(path)
    return paths


def mlp(sizes, activation, init=None, batch_norm=False):
    """Linear layers of the given sizes with `activation()` between them (and BatchNorm1d
    before each activation when asked); `init(weight)` initialises every weight."""
    import nn
    layers = []
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        if init is not None:
            init(linear.weight)
        layers.append(linear)
        if k < len(sizes) - 2:
            if batch_norm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(activation())
    return nn.Sequential(*layers)


def report(title, values):
    """Prints the key numbers of a demo, one per line (a list of numbers on one line)."""
    print(f"\n== {title}")
    for key, value in values.items():
        print(f"  {key}: {_number_text(value)}")


def _number_text(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, float) for v in value):
        return "  ".join(f"{v:.4g}" for v in value)
    return str(value)


def report_results(title, results):
    """Prints what a demo's `run` returned: its key numbers, then the files under
    "figures"."""
    report(title, {k: v for k, v in results.items() if k != "figures"})
    print("\nfigures:\n  " + "\n  ".join(str(path) for path in results.get("figures", [])))


def to_numpy(tensor):
    """A tensor's values as a host numpy array, whatever its device (`np.asarray(t.data)`
    would fail for a GPU tensor)."""
    from autograd import backend
    return backend.to_device(tensor.data, "cpu")
