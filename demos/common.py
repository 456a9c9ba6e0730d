"""What every demo shares: its command line (--out, --quick), its output folder, saving
figures, and a small MLP builder."""
import argparse
import shutil
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
    """Writes a backward graph as `name`.svg and `name`.png and returns the paths. Without
    Graphviz's `dot` it writes the DOT text (`name`.dot) instead and says how to render."""
    if shutil.which("dot") is None:
        path = Path(out_dir) / f"{name}.dot"
        path.write_text(graph.source)
        print(f"Graphviz's `dot` was not found: wrote {path} instead of SVG/PNG (install "
              "Graphviz, e.g. `apt-get install graphviz`, to get the pictures)")
        return [path]
    paths = []
    for fmt in ("svg", "png"):
        path = Path(out_dir) / f"{name}.{fmt}"
        path.write_bytes(graph.pipe(format=fmt))
        paths.append(path)
    return paths


def normal_init(std):
    """An initialiser for `mlp`'s and the deep networks' `init=`: weights drawn N(0, std²)."""
    import nn
    return lambda weight: nn.init.normal_(weight, 0.0, std)


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


def run_demo(name, run, doc, argv=None):
    """The command line of demo `name`: parses --out/--quick, runs it, prints its key numbers
    and the figures it wrote. `doc` is the demo's docstring (its first line describes it)."""
    args = parse_args(name, doc.splitlines()[0], argv)
    report_results(f"{name.replace('_', ' ')}: key numbers", run(args.out, quick=args.quick))


def report_results(title, results):
    """Prints what a demo's `run` returned: its key numbers, then the files under
    "figures"."""
    report(title, {k: v for k, v in results.items() if k != "figures"})
    print("\nfigures:\n  " + "\n  ".join(str(path) for path in results.get("figures", [])))


def to_numpy(tensor):
    """A tensor's values as a host numpy array, whatever its device (`np.asarray(t.data)`
    would fail for a GPU tensor)."""
    from autograd import backend
    return backend.to_host(tensor.data)


def digits_split(train_size=None):
    """scikit-learn's digits, split 80/20 by train_test_split with seed 0, as
    (x_train, y_train, x_test, y_test); with `train_size`, only the first `train_size`
    training samples are kept (a small training set, to overfit)."""
    import nn
    x, y = nn.datasets.digits()
    x_train, x_test, y_train, y_test = nn.datasets.train_test_split(x, y, test_size=0.2,
                                                                    seed=0)
    if train_size is not None:
        x_train, y_train = x_train[:train_size], y_train[:train_size]
    return x_train, y_train, x_test, y_test


def fit_digits(model, optimizer, digits, epochs, batch_size=32, on_epoch_end=None,
               callbacks=()):
    """nn.fit on the training part of `digits` (as digits_split returns it), evaluated on
    its test part after every epoch ("val_loss", "val_accuracy"); shuffling is seeded and no
    progress bar is drawn. Returns the History."""
    import nn
    x_train, y_train, x_test, y_test = digits
    return nn.fit(model, x_train, y_train, optimizer=optimizer, batch_size=batch_size,
                  epochs=epochs, validation_data=(x_test, y_test), progress=False, seed=0,
                  on_epoch_end=on_epoch_end, callbacks=callbacks)


def layer_inputs_outputs(model, layers, x):
    """Runs `model(x)` once, without recording a graph, and returns for each module in
    `layers` its (input, output) as host numpy arrays. The model's mode is left as it is
    (a BatchNorm layer in training mode uses, and updates, its batch statistics)."""
    import autograd as ag
    seen = {}

    def recorder(index):
        def record(module, inputs, output):
            seen[index] = (to_numpy(inputs[0]), to_numpy(output))
        return record

    handles = [layer.register_forward_hook(recorder(k)) for k, layer in enumerate(layers)]
    try:
        with ag.no_grad():
            model(x if isinstance(x, ag.Tensor) else ag.tensor(x))
    finally:
        for handle in handles:
            handle.remove()
    return [seen[k] for k in range(len(layers))]
