"""The vanishing-gradient tour: where the gradient shrinks, layer by layer, and what stops it.

A 10-layer, 100-wide network gets a batch of 64 standard-normal inputs and an MSE loss.
- sigmoid with weights N(0, 1/n): every layer multiplies the backward signal by σ'(x) ≤ 1/4
  (times the weight's gain, about 1 here), so the first layer's weight gradient ends up about
  a million times smaller than the last layer's;
- sigmoid with N(0, 1): the sigmoids saturate (σ' mean about 0.05), but the large weights offset
  part of it: the factor per layer is σ' times the weight's gain;
- ReLU with He initialisation: ReLU' is 1 where a unit is active, and He's std sqrt(2/n)
  keeps the signal's scale, so the gradient stays within a small factor;
- sigmoid with batch normalisation: each layer's input is re-centred and re-scaled, so the
  sigmoids work in their steep middle part and the gradient decays far less;
- ReLU with N(0, 9/n): weights too large make the same product explode instead.
Then the same architectures train on scikit-learn's digits: the deep sigmoid network barely
moves, the others learn.

Run: python -m demos.vanishing_gradient [--out FOLDER] [--quick]
"""
import math
import textwrap

import numpy as np

import autograd as ag
import nn
from demos import common

LAYERS, WIDTH, BATCH = 10, 100, 64


CONFIGS = {
    "sigmoid, N(0, 1/n)": dict(activation=nn.Sigmoid,
                               init=common.normal_init(1 / math.sqrt(WIDTH))),
    "sigmoid, N(0, 1)": dict(activation=nn.Sigmoid, init=common.normal_init(1.0)),
    "sigmoid + batch norm": dict(activation=nn.Sigmoid,
                                 init=common.normal_init(1 / math.sqrt(WIDTH)), batch_norm=True),
    "ReLU, He": dict(activation=nn.ReLU, init=nn.init.he_normal_),
    "ReLU, N(0, 9/n): explodes": dict(activation=nn.ReLU,
                                      init=common.normal_init(3 / math.sqrt(WIDTH))),
}


def deep_network(activation, init, batch_norm=False, layers=LAYERS, width=WIDTH,
                 inputs=WIDTH, outputs=None):
    """`layers` blocks of Linear (+ BatchNorm1d) + activation; then a Linear head when
    `outputs` is given."""
    modules, fan_in = [], inputs
    for _ in range(layers):
        linear = nn.Linear(fan_in, width)
        init(linear.weight)
        nn.init.zeros_(linear.bias)
        modules.append(linear)
        if batch_norm:
            modules.append(nn.BatchNorm1d(width))
        modules.append(activation())
        fan_in = width
    if outputs is not None:
        modules.append(nn.Linear(fan_in, outputs))
    return nn.Sequential(*modules)


def one_backward(config, seed=0):
    """Builds the 10-layer network, runs one MSE forward/backward; returns (model, loss)."""
    nn.manual_seed(seed)
    model = deep_network(**config)
    x = ag.randn(BATCH, WIDTH)
    target = ag.randn(BATCH, WIDTH)
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    return model, loss


def layer_profile(model, loss):
    """Per Linear layer, read from the statistics the backward graph is drawn with: the norm
    of its weight gradient, the RMS of the gradient arriving at its activation's output (the
    backward signal), and the mean local derivative (σ' or relu') of that activation."""
    graph = ag.viz.read_graph(loss, params=model)
    leaves = {leaf.name: leaf for leaf in graph.leaves}
    activation = {op.group: op for op in graph.ops
                  if op.group is not None and op.local is not None}
    names = [name for name, m in model.named_children() if isinstance(m, nn.Linear)]
    rows = []
    for name in names:
        leaf = leaves[f"{name}.weight"]
        after = [k for k in activation if int(k) > int(name)]
        op = activation[min(after, key=int)] if after else None
        rows.append({"layer": name,
                     "grad_norm": leaf.grad.rms * math.sqrt(np.prod(leaf.shape)),
                     "signal_rms": None if op is None or op.grad is None else op.grad.rms,
                     "local_mean": None if op is None or op.local is None else op.local.mean})
    return rows


COLUMN = 18   # five configurations and the layer number fit a 100-column terminal


def print_table(profiles):
    names = list(profiles)
    keep = "(0,\N{NO-BREAK SPACE}"     # "N(0, 1/n)" stays on one line of the header
    headers = [[part.replace(keep, "(0, ") for part in
                textwrap.wrap(n.replace("(0, ", keep), COLUMN - 2)] for n in names]
    print(f"per layer, {LAYERS} layers of {WIDTH}, batch {BATCH}, MSE loss")
    for line in range(max(len(h) for h in headers)):
        lead = "layer" if line == 0 else ""
        print(f"{lead:>5} " + "".join(f"{(h[line] if line < len(h) else ''):>{COLUMN}}"
                                      for h in headers))
    for title, key, cell in (("weight-gradient norm ‖∂loss/∂W‖", "grad_norm", "{:.3e}"),
                             ("RMS of the backward signal at the activation output",
                              "signal_rms", "{:.3e}"),
                             ("mean local derivative of the activation (σ' or relu')",
                              "local_mean", "{:.3f}")):
        print(title)
        for i in range(LAYERS):
            values = [profiles[n][i][key] for n in names]
            print(f"{i + 1:>5} " + "".join(
                f"{'-' if v is None else cell.format(v):>{COLUMN}}" for v in values))


def _colour(name):
    """One colour per configuration, the same in every figure."""
    return f"C{list(CONFIGS).index(name)}"


def plot_gradient_norms(profiles, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(13, 5))
    layers = np.arange(1, LAYERS + 1)
    for name, rows in profiles.items():
        left.plot(layers, [r["grad_norm"] for r in rows], marker="o", label=name,
                  color=_colour(name))
        right.plot(layers, [r["signal_rms"] for r in rows], marker="o", label=name,
                   color=_colour(name))
    left.set_ylabel("‖∂loss/∂W‖ of the layer's weights (log scale)")
    left.set_title("weight gradient per layer")
    right.set_ylabel("RMS of ∂loss/∂(activation output) (log scale)")
    right.set_title("backward signal arriving at each layer's activation")
    for ax in (left, right):
        ax.set_yscale("log")
        ax.set_xticks(layers)
        ax.set_xlabel("layer (1 = next to the input, 10 = next to the loss)")
        ax.grid(True, which="both", alpha=0.3)
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=len(profiles),
               fontsize=9, frameon=False)      # below the panels: it hides no data
    fig.subplots_adjust(bottom=0.2)
    fig.suptitle("Where the gradient vanishes (or explodes): 10 layers of 100 units, "
                 "one backward pass of an MSE loss")
    return common.save_figure(fig, out_dir, "gradient_norms")


def train_on_digits(configs, epochs, hidden_layers, seed=0):
    """Training loss per epoch of each configuration, as a deep classifier of digits, and a
    GradientMonitor of each run (every 10 steps)."""
    digits = common.digits_split()
    curves, monitors = {}, {}
    for name, config in configs.items():
        nn.manual_seed(seed)
        model = deep_network(**config, layers=hidden_layers, inputs=64, outputs=10)
        optimizer = nn.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
        monitors[name] = nn.gradflow.GradientMonitor(model, every=10)
        curves[name] = common.fit_digits(model, optimizer, digits, epochs,
                                         callbacks=[monitors[name]]).history
        monitors[name].remove()
        monitors[name].linear_layers = [n for n, m in model.named_modules()
                                        if isinstance(m, nn.Linear)]
    return curves, monitors


def plot_training_heatmaps(monitors, out_dir):
    """Each run's gradient norm per Linear layer over training, on one colour range: the
    deep sigmoid network is a pale band on the input side for the whole run."""
    fig, axes = common.plt.subplots(1, len(monitors), figsize=(5 * len(monitors), 4.2),
                                    sharey=True)
    values = [v for m in monitors.values() for n in m.linear_layers
              for v in m.history["grad_norm"][n] if v > 0]
    limits = (math.floor(math.log10(min(values))), math.ceil(math.log10(max(values))))
    for ax, (name, monitor) in zip(axes, monitors.items()):
        monitor.plot_heatmap(ax, layers=monitor.linear_layers, limits=limits, colorbar=False)
        ax.set_title(name)
        ax.set_yticks(range(len(monitor.linear_layers)),
                      [f"{k + 1}" for k in range(len(monitor.linear_layers))])
        ax.set_ylabel("Linear layer (1 = input side)" if ax is axes[0] else "")
    fig.colorbar(axes[-1].get_images()[0], ax=list(axes), label="log10 ‖∂loss/∂W‖")
    fig.suptitle("Gradient norm per layer over training on digits (every 10 steps): pale is "
                 "vanishing")
    return common.save_figure(fig, out_dir, "training_heatmap")


def plot_training(curves, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(11, 4.2))
    for name, h in curves.items():
        epochs = np.arange(1, len(h["loss"]) + 1)
        colour = _colour(name)
        left.plot(epochs, h["loss"], marker=".", label=name, color=colour)
        right.plot(epochs, h["val_accuracy"], marker=".", label=name, color=colour)
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("training loss (cross-entropy, log scale)")
    right.set_xlabel("epoch")
    right.set_ylabel("test accuracy")
    right.set_ylim(0, 1)
    left.set_title("deep networks on digits: training loss")
    right.set_title("test accuracy")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.legend(*right.get_legend_handles_labels(), loc="lower center", ncol=len(curves),
               fontsize=9, frameon=False)      # below the panels: the chance line stays visible
    fig.subplots_adjust(bottom=0.22)
    return common.save_figure(fig, out_dir, "training_curves")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    profiles, figures, graphs = {}, [], {}
    for name, config in CONFIGS.items():
        model, loss = one_backward(config)
        profiles[name] = layer_profile(model, loss)
        graphs[name] = (model, loss)
    print_table(profiles)
    figures.append(plot_gradient_norms(profiles, out_dir))
    for name, stem in (("sigmoid, N(0, 1/n)", "graph_sigmoid"),
                       ("ReLU, He", "graph_relu_he"),
                       ("sigmoid + batch norm", "graph_sigmoid_batchnorm")):
        model, loss = graphs[name]
        graph = ag.viz.backward_graph(loss, params=model, collapse="module",
                                      title=f"{name}: gradient per layer")
        figures += common.save_graph(graph, out_dir, stem)
    chosen = {k: CONFIGS[k] for k in ("sigmoid, N(0, 1/n)", "sigmoid + batch norm",
                                      "ReLU, He")}
    curves, monitors = train_on_digits(chosen, epochs=2 if quick else 15,
                                       hidden_layers=3 if quick else 8)
    figures.append(plot_training(curves, out_dir))
    figures.append(plot_training_heatmaps(monitors, out_dir))
    results = {}
    for name, rows in profiles.items():
        results[f"{name}: first/last layer weight gradient"] = (rows[0]["grad_norm"] /
                                                               rows[-1]["grad_norm"])
        results[f"{name}: first/last layer backward signal"] = (rows[0]["signal_rms"] /
                                                               rows[-1]["signal_rms"])
    results["largest sigmoid σ' mean"] = max(
        r["local_mean"] for r in profiles["sigmoid, N(0, 1/n)"] if r["local_mean"] is not None)
    for name, h in curves.items():
        results[f"{name}: final test accuracy on digits"] = h["val_accuracy"][-1]
    results["figures"] = [str(p) for p in figures]
    return results


def main(argv=None):
    common.run_demo("vanishing_gradient", run, __doc__, argv)


if __name__ == "__main__":
    main()
