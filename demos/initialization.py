"""Weight initialisation: how the starting weights shape the activations, layer after layer.

Seed 002's experiment: 1000 standard-normal inputs go through 5 layers of 100 units (no bias),
with weights drawn four ways, under tanh, sigmoid and ReLU. What the reader should see:
- N(0, 1) weights: every unit sums 100 inputs, its input has std about 10, and tanh and
  sigmoid pile up at their saturated ends (±1, 0/1), where their derivative is about 0;
- weights of std 0.01: the activations shrink layer after layer and collapse towards 0
 ;
- Xavier, std sqrt(2 / (n_in + n_out)) = 1/sqrt(100) here: tanh and sigmoid activations stay
  spread across all five layers, but ReLU's still drift towards 0, losing a factor
  of about sqrt(2) per layer; He, std sqrt(2 / n_in), keeps them steady;
- a layer whose weights all start equal stays a layer of identical units however long it
  trains;
- nn.init's Xavier and He draw exactly the spreads their formulas promise.

Run: python -m demos.initialization [--out FOLDER] [--quick]
"""
import math

import numpy as np

import autograd as ag
import nn
from demos import common

LAYERS, WIDTH, SAMPLES = 5, 100, 1000
TANH_SPREAD_BOUND = 0.1  # a tanh layer whose activations' std is below this has collapsed

INITS = {
    "N(0, 1)": lambda w: nn.init.normal_(w, 0.0, 1.0),
    "std 0.01": lambda w: nn.init.normal_(w, 0.0, 0.01),
    "Xavier": nn.init.xavier_normal_,
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
LABELS = {"N(0, 1)": "N(0, 1)", "std 0.01": "N(0, 0.01²): std 0.01",
          "Xavier": "Xavier: std sqrt(2/(n_in+n_out))", "He": "He: std sqrt(2/n_in)"}
ACTIVATIONS = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}

# tanh and sigmoid: 40 bins over their range; ReLU's positive values span many decades, so
# log-spaced bins from 1e-10 to 1e6 (its zeros, about half of all values, fall outside them)
BINS = {"tanh": 40, "sigmoid": 40, "relu": np.logspace(-10, 6, 129)}


def deep_stack(activation, init):
    """LAYERS blocks of Linear(WIDTH, WIDTH, no bias) + activation."""
    layers = []
    for _ in range(LAYERS):
        linear = nn.Linear(WIDTH, WIDTH, bias=False)
        init(linear.weight)
        layers += [linear, activation()]
    return nn.Sequential(*layers)


def activation_stats(activation_name, init_name, x, seed=0):
    """The statistics (std, saturated share, histogram) of each layer's activations, first
    layer first, recorded by nn.gradflow.ActivationRecorder."""
    nn.manual_seed(seed)
    model = deep_stack(ACTIVATIONS[activation_name], INITS[init_name])
    with nn.gradflow.ActivationRecorder(model, bins=BINS[activation_name]) as recorder, \
            ag.no_grad():
        model(x)
    return list(recorder.stats.values())


def plot_histograms(activation_name, stats_by_init, out_dir):
    fig, axes = common.plt.subplots(len(INITS), LAYERS, figsize=(14, 2.3 * len(INITS)),
                                    sharex=True, sharey="row")
    for row, (init_name, stats) in zip(axes, stats_by_init.items()):
        for layer, (ax, s) in enumerate(zip(row, stats), start=1):
            counts, edges = s.histogram
            ax.stairs(counts / (SAMPLES * WIDTH), edges, fill=True, color="#4c72b0")
            ax.set_title(f"layer {layer}: std {s.std:.2g}", fontsize=9)
            ax.tick_params(labelsize=8)
            ax.locator_params(axis="y", nbins=4)
            if activation_name == "relu":
                ax.set_xscale("log")
                ax.set_xticks([1e-8, 1e-4, 1, 1e4])
                ax.minorticks_off()
                ax.axvline(1.0, color="#c44e52", linestyle="--", linewidth=1)
        row[0].set_ylabel(f"{init_name}\nshare of values", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("activation value" + (" (log scale; zeros not drawn;\nred line: 1)"
                                            if activation_name == "relu" else ""), fontsize=8)
    fig.suptitle(f"{activation_name} activations of 5 layers of 100 units, one row per "
                 "initialisation: " + HISTOGRAM_MESSAGE[activation_name], fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, f"initialization_{activation_name}")


HISTOGRAM_MESSAGE = {
    "tanh": "N(0, 1) saturates at ±1, std 0.01 collapses to 0, Xavier stays spread",
    "sigmoid": "N(0, 1) saturates at 0 and 1, std 0.01 collapses to 0.5",
    "relu": "std 0.01 sinks decade by decade, N(0, 1) grows, Xavier drifts down, He holds",
}


def plot_std_by_layer(stats, out_dir):
    fig, axes = common.plt.subplots(1, len(ACTIVATIONS), figsize=(15, 4.4))
    layers = np.arange(1, LAYERS + 1)
    for ax, activation_name in zip(axes, ACTIVATIONS):
        for init_name in INITS:
            stds = [s.std for s in stats[activation_name, init_name]]
            ax.plot(layers, stds, marker="o", label=LABELS[init_name])
        ax.set_yscale("log")
        ax.set_xticks(layers)
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_ylabel("std of the layer's activations (log scale)")
        ax.set_title(activation_name)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Spread of the activations per layer: std 0.01 collapses, N(0, 1) saturates "
                 "(tanh, sigmoid) or explodes (ReLU); Xavier keeps tanh spread, He keeps ReLU "
                 "steady", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "initialization_std")


def train_constant_init(value, epochs, seed=0):
    """A 2-16-3 tanh classifier of the spiral whose weights and biases all start at `value`,
    trained by SGD for `epochs`: are its hidden units still all the same?"""
    x, y = nn.datasets.spiral()
    nn.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3))
    for parameter in model.parameters():
        nn.init.constant_(parameter, value)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.5)
    history = nn.fit(model, x, y, optimizer=optimizer, batch_size=32, epochs=epochs,
                     progress=False, seed=seed)
    hidden = common.to_numpy(model[0].weight)
    return {
        f"constant init {value}: SGD epochs": epochs,
        f"constant init {value}: largest difference between hidden units' weight rows":
            float(np.abs(hidden - hidden[0]).max()),
        f"constant init {value}: distinct hidden units (of 16)": len(np.unique(hidden, axis=0)),
        f"constant init {value}: how far the hidden weights moved":
            float(np.abs(hidden - value).max()),
        f"constant init {value}: training accuracy on the 3-class spiral":
            history.last("accuracy"),
    }


def formula_check(fan_in=300, fan_out=200, seed=0):
    """Empirical spread of nn.init's Xavier and He weights against their formulas."""
    nn.manual_seed(seed)
    weight = ag.zeros(fan_out, fan_in)  # (out, in), as nn.Linear's weight
    empirical = {}
    nn.init.xavier_normal_(weight)
    empirical["xavier_normal std"] = float(common.to_numpy(weight).std())
    nn.init.xavier_uniform_(weight)
    empirical["xavier_uniform largest |w|"] = float(np.abs(common.to_numpy(weight)).max())
    nn.init.kaiming_normal_(weight, nonlinearity="relu")
    empirical["he_normal std"] = float(common.to_numpy(weight).std())
    formula = {"xavier_normal std": math.sqrt(2 / (fan_in + fan_out)),
               "xavier_uniform largest |w|": math.sqrt(6 / (fan_in + fan_out)),
               "he_normal std": math.sqrt(2 / fan_in)}
    return empirical, formula


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    nn.manual_seed(0)
    x = ag.randn(SAMPLES, WIDTH)
    stats = {(a, i): activation_stats(a, i, x) for a in ACTIVATIONS for i in INITS}
    figures = [plot_std_by_layer(stats, out_dir)]
    for activation_name in ACTIVATIONS:
        by_init = {i: stats[activation_name, i] for i in INITS}
        figures.append(plot_histograms(activation_name, by_init, out_dir))

    symmetry = train_constant_init(0.1, epochs=5 if quick else 50)
    empirical, formula = formula_check()

    results = {f"{a}, {i}: std by layer": [s.std for s in stats[a, i]]
               for a in ACTIVATIONS for i in INITS}
    first, last = {}, {}
    for key, layers in stats.items():
        first[key], last[key] = layers[0], layers[-1]
    results.update({
        "tanh, Xavier: std at layer 5": last["tanh", "Xavier"].std,
        "tanh, std 0.01: std at layer 5": last["tanh", "std 0.01"].std,
        "tanh spread bound": TANH_SPREAD_BOUND,
        "tanh, N(0, 1): share within 0.04 of ±1 at layer 5": last["tanh", "N(0, 1)"].saturated,
        "sigmoid, N(0, 1): share within 0.02 of 0 or 1 at layer 5":
            last["sigmoid", "N(0, 1)"].saturated,
        "tanh, Xavier: share within 0.04 of ±1 at layer 5": last["tanh", "Xavier"].saturated,
        "relu, Xavier: std layer 5 / layer 1":
            last["relu", "Xavier"].std / first["relu", "Xavier"].std,
        "relu, He: std layer 5 / layer 1": last["relu", "He"].std / first["relu", "He"].std,
    })
    results.update(symmetry)
    for name in formula:
        results[f"{name}, 300 in / 200 out: drawn, formula"] = [empirical[name], formula[name]]
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("initialization", run, __doc__, argv)


if __name__ == "__main__":
    main()
