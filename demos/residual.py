"""Why skip connections keep the gradient alive: 50 layers, plain against residual.

Six networks of 50 hidden layers, 64 units wide (the 64 pixels of scikit-learn's digits), then
a Linear classifier; one backward pass of the cross-entropy of 64 digits, then training.
- plain: 50 blocks Linear → (BatchNorm1d →) activation, one after the other;
- residual: 50 blocks x + Linear(activation(x)) (BatchNorm1d first when asked: the
  "pre-activation" order). The block's Linear is initialised √50 times smaller than its
  plain counterpart: at full size every ReLU block would double the signal's variance (2^50
  over the network); scaled down, the 50 blocks together multiply it by about 10.
What it shows:
- plain sigmoid: every layer multiplies the backward signal by σ' ≤ 1/4, so after 50 layers
  the first layer's weight gradient is about 1e-30 of the last one's: nothing reaches it;
- plain ReLU with He initialisation: the gradient keeps its size (first/last about 1), yet
  the network does not learn either: after 50 ReLU layers all digits come out pointing the
  same way (cosine similarity near 1 between two digits' features), so the gradient says
  nothing about which digit is which;
- plain ReLU with He and batch norm: the digits stay apart, but now the gradient explodes
  toward the input (first/last about 1e4) and training creeps;
- residual: the skip path adds the identity to every block's Jacobian, so the gradient
  reaches the first block undiminished (first/last within 10x), with sigmoid as with ReLU,
  and the 50-layer network trains;
- the folded backward graphs of the plain and the residual sigmoid networks, on one colour
  scale: the plain one fades toward the input, while in the residual one the skip edge carries
  the gradient past each block's Linear and Sigmoid (which shrink it, as in the plain one).

Run: python -m demos.residual [--out FOLDER] [--quick]
"""
import math

import numpy as np

import autograd as ag
import nn
from demos import common, vanishing_gradient

LAYERS, WIDTH, BATCH, CLASSES = 50, 64, 64, 10
SCALE = (1e-8, 1.0)                      # one colour scale for both graphs
SHOWN_LAYERS = (1, 10, 20, 30, 40, 50)   # the layers the printed table shows


class ResidualBlock(nn.Module):
    """x + linear(activation(norm(x))), norm a BatchNorm1d or nothing: the sum passes the
    gradient arriving at the block's output back to its input unchanged, whatever the
    branch does to it."""

    def __init__(self, width, activation, init, batch_norm=False):
        super().__init__()
        self.norm = nn.BatchNorm1d(width) if batch_norm else nn.Identity()
        self.activation = activation()
        self.linear = nn.Linear(width, width, init=init)

    def forward(self, x):
        return x + self.linear(self.activation(self.norm(x)))


def plain_network(activation, init, batch_norm=False):
    return vanishing_gradient.deep_network(activation, init, batch_norm, layers=LAYERS,
                                           width=WIDTH, inputs=WIDTH, outputs=CLASSES)


def residual_network(activation, init, batch_norm=False):
    blocks = [ResidualBlock(WIDTH, activation, init, batch_norm) for _ in range(LAYERS)]
    return nn.Sequential(*blocks, nn.Linear(WIDTH, CLASSES))


SIGMOID_INIT = 1 / math.sqrt(WIDTH)       # N(0, 1/n)
HE = math.sqrt(2 / WIDTH)                 # N(0, 2/n)
SHRINK = 1 / math.sqrt(LAYERS)            # a residual branch starts √50 times smaller

CONFIGS = {
    "plain sigmoid, N(0, 1/n)":
        (plain_network, dict(activation=nn.Sigmoid, init=common.normal_init(SIGMOID_INIT))),
    "plain ReLU, He": (plain_network, dict(activation=nn.ReLU, init=common.normal_init(HE))),
    "plain ReLU, He + batch norm":
        (plain_network, dict(activation=nn.ReLU, init=common.normal_init(HE),
                             batch_norm=True)),
    "residual sigmoid, N(0, 1/n)/√50":
        (residual_network, dict(activation=nn.Sigmoid,
                                init=common.normal_init(SIGMOID_INIT * SHRINK))),
    "residual ReLU, He/√50":
        (residual_network, dict(activation=nn.ReLU, init=common.normal_init(HE * SHRINK))),
    "residual ReLU, He/√50 + batch norm":
        (residual_network, dict(activation=nn.ReLU, init=common.normal_init(HE * SHRINK),
                                batch_norm=True)),
}
# Figure files are named apart from the vanishing-gradient tour's: chapter() writes into its
# folder.
GRAPHS = {"plain sigmoid, N(0, 1/n)": "graph_plain_50_layers",
          "residual sigmoid, N(0, 1/n)/√50": "graph_residual_50_layers"}


def build(config, seed=0):
    network, settings = config
    nn.manual_seed(seed)
    return network(**settings)


def _style(config):
    """Plain dashed, residual solid; one colour per kind of layer, shared by the pairs."""
    network, settings = config
    colour = ("C2" if settings.get("batch_norm") else
              "C0" if settings["activation"] is nn.Sigmoid else "C1")
    return dict(color=colour, linestyle="-" if network is residual_network else "--")


def one_backward(config, x, y):
    """Builds the network, runs one cross-entropy forward/backward; returns (model, loss)."""
    model = build(config)
    loss = nn.functional.cross_entropy(model(ag.tensor(x)), ag.tensor(y))
    loss.backward()
    return model, loss


def weight_gradient_norms(model):
    """‖∂loss/∂W‖ of each hidden Linear layer, input side first (the classifier left out)."""
    linear = {name for name, m in model.named_modules() if isinstance(m, nn.Linear)}
    norms = [row.norm for row in nn.gradflow.gradient_norms(model)
             if row.layer in linear and row.name == "weight"]
    return norms[:-1]


def feature_similarity(model, x):
    """The mean cosine similarity between the features of two different digits, as the
    classifier receives them (after the 50 layers)."""
    (features, _), = common.layer_inputs_outputs(model, [model[-1]], x)
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    cosines = unit @ unit.T
    return float(cosines[np.triu_indices(len(unit), 1)].mean())


def folded_graph(loss, model, title):
    """The backward graph with its repeated blocks folded, the first and last two repeats
    drawn open (as the explorer, ag.viz.save_html, opens them on a click): in the residual
    network the skip edge shows beside the Linear and the activation it bypasses."""
    return ag.viz.backward_graph(loss, params=model, collapse="auto", title=title,
                                 scale=SCALE, expand=(ResidualBlock, nn.Activation))


def print_table(norms):
    print(f"weight-gradient norm of hidden layer k ({LAYERS} layers of {WIDTH}, one batch of "
          f"{BATCH} digits, cross-entropy)")
    print(f"{'layer k':<36}" + "".join(f"{k:>10}" for k in SHOWN_LAYERS))
    for name, values in norms.items():
        print(f"{name:<36}" + "".join(f"{values[k - 1]:>10.2e}" for k in SHOWN_LAYERS))


def plot_gradient_norms(norms, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(14, 5.2),
                                             gridspec_kw=dict(width_ratios=(1.6, 1)))
    layers = np.arange(1, LAYERS + 1)
    for name, values in norms.items():
        left.plot(layers, values, marker=".", label=name, **_style(CONFIGS[name]))
    left.set_yscale("log")
    left.set_xlabel(f"hidden layer (1 = next to the input, {LAYERS} = next to the classifier)")
    left.set_ylabel("‖∂loss/∂W‖ of the layer's weights (log scale)")
    left.set_title("weight gradient per layer, one backward pass")
    left.grid(True, which="major", alpha=0.3)
    names = list(norms)
    ratios = [norms[n][0] / norms[n][-1] for n in names]
    rows = np.arange(len(names))[::-1]
    right.axvspan(0.1, 10, color="0.9")
    right.barh(rows, [r - 1 for r in ratios], left=1, edgecolor="black",   # bars start at 1
               color=[_style(CONFIGS[n])["color"] for n in names])
    for row, ratio in zip(rows, ratios):
        right.annotate(f"{ratio:.2g}", (max(ratio, 1), row), xytext=(4, 0),
                       textcoords="offset points", va="center", fontsize=9)
    right.set_xscale("log")
    right.set_xlim(min(min(ratios), 1) / 10, max(max(ratios), 1) * 1e3)
    right.set_yticks(rows, names, fontsize=9)
    right.set_xlabel(f"‖∂loss/∂W‖ of layer 1 / that of layer {LAYERS} (log scale; grey: "
                     "within 10x)")
    right.set_title("how much of the gradient reaches the first layer")
    right.grid(True, axis="x", alpha=0.3)
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=9,
               frameon=False)      # below the panels, plain then residual: it hides no data
    fig.subplots_adjust(bottom=0.24, wspace=0.45)
    fig.suptitle(f"{LAYERS} layers of {WIDTH} units: the plain sigmoid network's gradient "
                 "vanishes, the residual networks' reaches the input")
    return common.save_figure(fig, out_dir, "gradient_norms_50_layers")


def train_on_digits(epochs, train_size=None, seed=0):
    """Training history of every configuration as a 50-layer digits classifier (SGD with
    momentum, batches of 32)."""
    digits = common.digits_split(train_size)
    curves = {}
    for name, config in CONFIGS.items():
        model = build(config, seed)
        optimizer = nn.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
        curves[name] = common.fit_digits(model, optimizer, digits, epochs).history
    return curves


def plot_training(curves, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(12, 4.6))
    for name, h in curves.items():
        epochs = np.arange(1, len(h["loss"]) + 1)
        left.plot(epochs, h["loss"], marker=".", label=name, **_style(CONFIGS[name]))
        right.plot(epochs, h["val_accuracy"], marker=".", label=name, **_style(CONFIGS[name]))
    right.axhline(1 / CLASSES, color="0.5", linewidth=0.8)
    left.set_yscale("log")
    left.set_ylabel("training loss (cross-entropy, log scale)")
    right.set_ylabel("test accuracy")
    right.set_ylim(0, 1)
    left.set_title(f"{LAYERS}-layer networks on digits: training loss")
    right.set_title("test accuracy (grey line: chance)")
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    fig.legend(*right.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=9,
               frameon=False)      # below the panels, plain then residual: it hides no curve
    fig.subplots_adjust(bottom=0.25)
    return common.save_figure(fig, out_dir, "training_curves_50_layers")


def chapter(out_dir, quick=False):
    """The gradient part alone, for the vanishing-gradient tour: one backward pass of each
    network, the per-layer gradient figure and the two folded graphs. The backward passes
    and pictures take a few seconds, so `quick` changes nothing here."""
    out_dir = common.output_dir(out_dir)
    x, y, _, _ = common.digits_split(BATCH)
    norms, similarity, graphs = {}, {}, []
    for name, config in CONFIGS.items():
        model, loss = one_backward(config, x, y)
        norms[name] = weight_gradient_norms(model)
        if name in GRAPHS:          # drawn now: only the latest backward pass is kept
            graph = folded_graph(loss, model, f"{name}: {LAYERS} layers, one backward pass")
            graphs += common.save_graph(graph, out_dir, GRAPHS[name])
        similarity[name] = feature_similarity(model, x)
    print_table(norms)
    results = {}
    for name, values in norms.items():
        results[f"{name}: first/last layer weight gradient"] = values[0] / values[-1]
    for name, value in similarity.items():
        results[f"{name}: cosine between two digits' features"] = value
    results["figures"] = [str(p) for p in [plot_gradient_norms(norms, out_dir)] + graphs]
    return results


def run(out_dir, quick=False):
    results = chapter(out_dir, quick)
    curves = train_on_digits(epochs=2 if quick else 10, train_size=320 if quick else None)
    for name, h in curves.items():
        results[f"{name}: final test accuracy on digits"] = h["val_accuracy"][-1]
    results["figures"].append(str(plot_training(curves, out_dir)))
    return results


def main(argv=None):
    common.run_demo("residual", run, __doc__, argv)


if __name__ == "__main__":
    main()
