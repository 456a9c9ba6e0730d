"""XOR: what a hidden layer with a non-linearity buys.

Three classifiers train on the four XOR points (two logits, cross-entropy, Adam):
- one Linear layer (a perceptron / logistic regression): its decision boundary is a straight
  line, and no line separates XOR, so at most 3 of the 4 points come out right;
- a hidden layer of 4 tanh units: the boundary bends, and all 4 points come out right;
- the same hidden layer without a non-linearity: two linear maps make one linear map, so it
  fails exactly like the single layer.
The reader sees the three decision boundaries and the training losses: the two linear models
stall at log 2 (a coin toss), the tanh network goes towards 0.

Run: python -m demos.xor [--out FOLDER] [--quick]
"""
import math

import numpy as np

import nn
from demos import common

MODELS = {
    "one Linear layer": lambda: nn.Linear(2, 2),
    "hidden layer, tanh": lambda: common.mlp([2, 4, 2], nn.Tanh),
    "hidden layer, no activation": lambda: common.mlp([2, 4, 2], nn.Identity),
}


def train(make_model, x, y, epochs, seed=0):
    """Full-batch training (the 4 points are one batch); returns the model and its losses."""
    nn.manual_seed(seed)
    model = make_model()
    optimizer = nn.optim.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, x, y, optimizer=optimizer, batch_size=len(x), epochs=epochs,
                     progress=False)
    return model, history["loss"]


def class_one_probability(model, points):
    """P(class 1) at each point: softmax of the two logits."""
    logits = nn.predict(model, points.astype(np.float32))
    return common.to_numpy(nn.functional.softmax(logits, axis=1))[:, 1]


FLAT = 0.01  # a probability field varying less than this has no boundary worth drawing


def plot_boundaries(models, x, y, accuracies, out_dir):
    ticks = np.linspace(-0.5, 1.5, 201)
    grid_x, grid_y = np.meshgrid(ticks, ticks)
    points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
    fig, axes = common.plt.subplots(1, len(models), figsize=(5 * len(models), 4.6),
                                    layout="constrained")
    for ax, (name, model) in zip(axes, models.items()):
        probability = class_one_probability(model, points).reshape(grid_x.shape)
        filled = ax.contourf(grid_x, grid_y, probability, levels=np.linspace(0, 1, 12),
                             cmap="RdBu_r", alpha=0.8)
        if np.ptp(probability) > FLAT:
            ax.contour(grid_x, grid_y, probability, levels=[0.5], colors="black",
                       linewidths=1.5)
        else:  # the 0.5 line of a flat field would only trace rounding noise
            ax.text(0.5, 0.62, f"P(class 1) = {probability.mean():.2f} everywhere:\na coin toss",
                    ha="center", fontsize=10, bbox={"facecolor": "white", "alpha": 0.8})
        for label, marker in ((0, "o"), (1, "s")):
            chosen = y == label
            ax.scatter(x[chosen, 0], x[chosen, 1], marker=marker, s=160, edgecolors="black",
                       color="#2166ac" if label == 0 else "#b2182b", label=f"XOR = {label}",
                       zorder=3)
        ax.set_title(f"{name}: accuracy {accuracies[name]:.0%}")
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_aspect("equal")
    axes[0].legend(loc="lower center", fontsize=9)
    fig.colorbar(filled, ax=axes, label="P(class 1) from softmax; black line: 0.5",
                 shrink=0.85, ticks=[0, 0.25, 0.5, 0.75, 1])
    fig.suptitle("XOR decision boundaries: no straight line separates the corners, so the "
                 "linear models settle for a coin toss; a tanh hidden layer bends the boundary",
                 fontsize=12)
    return common.save_figure(fig, out_dir, "xor_boundaries")


def plot_losses(losses, out_dir):
    fig, ax = common.plt.subplots(figsize=(7, 4.3))
    for name, values in losses.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name, linewidth=2)
    ax.axhline(math.log(2), color="grey", linestyle="--", linewidth=1,
               label="log 2: the loss of a coin toss")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (one Adam step on all 4 points)")
    ax.set_ylabel("cross-entropy loss (log scale)")
    ax.set_title("XOR training loss: the linear models stall at log 2")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return common.save_figure(fig, out_dir, "xor_loss")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    x, y = nn.datasets.xor()
    epochs = 150 if quick else 500
    models, losses, accuracies = {}, {}, {}
    for name, make_model in MODELS.items():
        models[name], losses[name] = train(make_model, x, y, epochs)
        accuracies[name] = nn.evaluate(models[name], x, y)["accuracy"]
    figures = [plot_boundaries(models, x, y, accuracies, out_dir), plot_losses(losses, out_dir)]
    results = {}
    for name in MODELS:
        results[f"{name}: accuracy"] = accuracies[name]
        results[f"{name}: final loss"] = losses[name][-1]
    results["log 2"] = math.log(2)
    results["epochs"] = epochs
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("xor", run, __doc__, argv)


if __name__ == "__main__":
    main()
