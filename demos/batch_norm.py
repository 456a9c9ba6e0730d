"""Batch normalisation: the same deep network trains fast from any initial weight scale.

Seed 002's comparison, on scikit-learn's digits instead of MNIST: a 64-100-100-100-100-10
ReLU network is trained with plain SGD (lr 0.05, batches of 100) from weights N(0, std^2)
for several stds, once as it is and once with a BatchNorm1d layer before every ReLU.
What the reader should see:
- without batch norm only a narrow band of scales trains well: std 1 makes the activations
  grow about sevenfold per layer until the loss overflows, and small stds shrink the signal
  layer by layer until the network is stuck at chance (10%);
- with batch norm every scale trains, most within two or three epochs (near the best scale
  the plain network keeps up): each layer's input is re-centred and re-scaled per
  mini-batch, so the weights' scale no longer carries over to the next layer;
- the formula at work on one batch: mu_B and sigma_B^2 are the batch's per-unit mean and
  variance, x_hat = (x - mu_B) / sqrt(sigma_B^2 + eps) has mean 0 and variance about 1
  (slightly under 1 because of eps), and a fresh layer (scale 1, shift 0) outputs exactly
  x_hat in training mode.

Run: python -m demos.batch_norm [--out FOLDER] [--quick]
"""
import math

import numpy as np

import nn
from demos import common

SIZES = (64, 100, 100, 100, 100, 10)
WEIGHT_STDS = (1.0, 0.3, 0.1, 0.03, 0.01)
QUICK_WEIGHT_STDS = (0.1, 0.01)
EPOCHS, QUICK_EPOCHS = 12, 3
LEARNING_RATE, BATCH_SIZE = 0.05, 100
FORMULA_STD = 0.01  # the weight scale of the network whose first BatchNorm layer is examined


def deep_network(weight_std, batch_norm, seed=0):
    nn.manual_seed(seed)
    return common.mlp(SIZES, nn.ReLU, init=common.normal_init(weight_std),
                      batch_norm=batch_norm)


def train(weight_std, batch_norm, digits, epochs):
    model = deep_network(weight_std, batch_norm)
    optimizer = nn.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    # std 1 without batch norm overflows to inf/nan on purpose: that failure is on the figure
    with np.errstate(over="ignore", invalid="ignore"):
        return common.fit_digits(model, optimizer, digits, epochs, batch_size=BATCH_SIZE)


def formula_on_one_batch(x_batch):
    """The first BatchNorm1d layer of a fresh network (weights std FORMULA_STD), in training
    mode, on one batch: its input, its output, and the output the formula predicts."""
    model = deep_network(FORMULA_STD, batch_norm=True)
    layer = next(m for m in model.modules() if isinstance(m, nn.BatchNorm1d))
    [(x, output)] = common.layer_inputs_outputs(model, [layer], x_batch)
    mu_b = x.mean(axis=0)
    var_b = x.var(axis=0)  # the biased variance (ddof=0), as batch norm uses in training
    x_hat = (x - mu_b) / np.sqrt(var_b + layer.eps)
    return x, output, x_hat, var_b, layer.eps


def plot_curves(histories, weight_stds, out_dir):
    panels = len(weight_stds) + 1
    cols = 3
    rows = math.ceil(panels / cols)
    fig, axes = common.plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows),
                                    squeeze=False)
    axes = axes.ravel()
    for ax, std in zip(axes, weight_stds):
        for batch_norm, style in ((True, "-"), (False, "--")):
            accuracy = histories[std, batch_norm]["accuracy"]
            epochs = np.arange(1, len(accuracy) + 1)
            ax.plot(epochs, accuracy, style, marker="o", markersize=3,
                    color="#c44e52" if batch_norm else "#4c72b0",
                    label="with BatchNorm" if batch_norm else "without")
        ax.axhline(0.1, color="gray", linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"initial weights N(0, {std:g}²)")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training accuracy")
        ax.grid(True, alpha=0.3)
    axes[0].legend(loc="center right")
    axes[0].text(1, 0.12, "chance: 0.1", color="gray", fontsize=8)

    summary = axes[len(weight_stds)]
    for batch_norm, marker in ((True, "o"), (False, "s")):
        final = [histories[std, batch_norm]["accuracy"][-1] for std in weight_stds]
        summary.plot(weight_stds, final, marker=marker,
                     color="#c44e52" if batch_norm else "#4c72b0",
                     linestyle="-" if batch_norm else "--",
                     label="with BatchNorm" if batch_norm else "without")
    summary.set_xscale("log")
    summary.set_ylim(0, 1.02)
    summary.set_xlabel("std of the initial weights (log scale)")
    summary.set_ylabel("final training accuracy")
    summary.set_title("final accuracy against initial scale")
    summary.grid(True, which="both", alpha=0.3)
    summary.legend(loc="center left")   # clear of the points at both ends
    for ax in axes[panels:]:
        ax.axis("off")
    fig.suptitle("64-100-100-100-100-10 ReLU net on digits, SGD lr 0.05: with BatchNorm "
                 "(red) it trains fast from every scale; without it (blue) only near the "
                 "right scale", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "batch_norm_training")


def plot_one_batch(x, output, out_dir):
    """Three units of the batch, before and after: the units with the lowest, the middle and
    the highest batch mean."""
    order = np.argsort(x.mean(axis=0))
    units = [order[0], order[len(order) // 2], order[-1]]
    colors = ("#4c72b0", "#55a868", "#c44e52")
    fig, (ax_in, ax_out) = common.plt.subplots(1, 2, figsize=(11, 3.8))
    for unit, color in zip(units, colors):
        ax_in.hist(x[:, unit], bins=15, color=color, alpha=0.6,
                   label=f"unit {unit}: mu_B {x[:, unit].mean():.3f}, "
                         f"sigma_B {x[:, unit].std():.3f}")
        ax_out.hist(output[:, unit], bins=15, color=color, histtype="step", linewidth=2,
                    label=f"unit {unit}: mean {output[:, unit].mean():.1g}, "
                          f"std {output[:, unit].std():.3f}")
    ax_in.set_title("entering BatchNorm1d: pre-activations")
    ax_in.set_xlabel("value")
    ax_in.set_ylabel(f"count (of {len(x)} samples)")
    ax_out.set_title("leaving it: x_hat = (x - mu_B) / sqrt(sigma_B² + eps)")
    ax_out.set_xlabel("value")
    for ax in (ax_in, ax_out):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"One batch of {len(x)} digits through the first BatchNorm1d of a fresh network "
                 f"(weights N(0, {FORMULA_STD}²)): every unit comes out with mean 0 and "
                 "std about 1", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "batch_norm_one_batch")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    digits = common.digits_split()
    weight_stds = QUICK_WEIGHT_STDS if quick else WEIGHT_STDS
    epochs = QUICK_EPOCHS if quick else EPOCHS
    histories = {(std, batch_norm): train(std, batch_norm, digits, epochs)
                 for std in weight_stds for batch_norm in (False, True)}

    x, output, x_hat, var_b, eps = formula_on_one_batch(digits[0][:BATCH_SIZE])
    figures = [plot_curves(histories, weight_stds, out_dir), plot_one_batch(x, output, out_dir)]

    results = {"epochs": epochs}
    for std in weight_stds:
        for batch_norm in (False, True):
            history = histories[std, batch_norm]
            name = f"std {std:g}, {'with' if batch_norm else 'without'} BatchNorm"
            results[f"{name}: final training accuracy"] = history.last("accuracy")
            results[f"{name}: final test accuracy"] = history.last("val_accuracy")
    results.update({
        "one batch: mu_B, range over units": [float(x.mean(axis=0).min()),
                                              float(x.mean(axis=0).max())],
        "one batch: sigma_B^2, range over units": [float(var_b.min()), float(var_b.max())],
        "one batch: x_hat mean, largest |.| over units": float(np.abs(output.mean(axis=0)).max()),
        "one batch: x_hat variance, range over units": [float(output.var(axis=0).min()),
                                                        float(output.var(axis=0).max())],
        "one batch: x_hat variance the formula predicts, sigma_B^2/(sigma_B^2+eps), smallest":
            float((var_b / (var_b + eps)).min()),
        "one batch: largest |layer output - formula|": float(np.abs(output - x_hat).max()),
    })
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("batch_norm", run, __doc__, argv)


if __name__ == "__main__":
    main()
