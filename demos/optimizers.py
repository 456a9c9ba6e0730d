"""Optimisers: eight ways down the same valley, and the same eight on digits.

Part 1 is the classic picture: f(x, y) = x²/20 + y², a valley twenty times steeper across (y)
than along (x), descended from (-7, 2) by nn.optim's SGD, Momentum, Nesterov, Adagrad,
RMSprop, Adadelta, Adam and NAdam, each with a learning rate that suits it. Part 2 trains the
same small MLP on digits with each of them, at their usual learning rates.
What the reader should see:
- plain SGD zig-zags across the valley: the steep y direction dictates the step size, so
  the gentle x direction crawls;
- momentum methods (Momentum, Nesterov) keep a velocity: they build up speed along x and
  overshoot the minimum before settling; Nesterov, which looks ahead, overshoots less;
- adaptive methods (Adagrad, RMSprop, Adadelta, Adam, NAdam) divide each parameter's step by
  that parameter's own gradient history, so x and y move at comparable speeds and the path
  heads more directly to the minimum; Adam and NAdam add momentum on top;
- on digits, every optimiser trains the network with its usual learning rate; Adam is a
  good default, since it needs little tuning, but not always the best: the ranking printed at
  the end says which one reached the lowest training loss here.

Run: python -m demos.optimizers [--out FOLDER] [--quick]
"""
import numpy as np

import autograd as ag
import nn
from demos import common

START = (-7.0, 2.0)
STEPS = 50
DIGITS_SIZES = (64, 64, 10)
EPOCHS, QUICK_EPOCHS = 15, 3

# name: (class, options on the valley, options on digits). On the valley the learning rates
# are those of the classic figure where it has one. Adadelta has no learning rate in its
# paper: its step starts near sqrt(eps) and grows with its running average of past steps, so
# eps sets the step's scale; PyTorch's 1e-6 suits network weights of about 0.1 but would
# crawl across a valley 7 units wide, hence eps=1e-2 there.
OPTIMIZERS = {
    "SGD": (nn.optim.SGD, dict(lr=0.95), dict(lr=0.1)),
    "Momentum": (nn.optim.SGD, dict(lr=0.1, momentum=0.9), dict(lr=0.01, momentum=0.9)),
    "Nesterov": (nn.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True),
                 dict(lr=0.01, momentum=0.9, nesterov=True)),
    "Adagrad": (nn.optim.Adagrad, dict(lr=1.5), dict(lr=0.01)),
    "RMSprop": (nn.optim.RMSprop, dict(lr=0.1), dict(lr=0.001)),
    "Adadelta": (nn.optim.Adadelta, dict(lr=1.0, eps=1e-2), dict(lr=1.0)),
    "Adam": (nn.optim.Adam, dict(lr=0.3), dict(lr=0.001)),
    "NAdam": (nn.optim.NAdam, dict(lr=0.3), dict(lr=0.002)),
}


def valley(x, y):
    return x * x / 20 + y * y


def descend(name, steps):
    """The points visited by optimiser `name` on the valley, start included."""
    optimizer_class, options, _ = OPTIMIZERS[name]
    x, y = (ag.tensor(value, dtype=np.float64, requires_grad=True) for value in START)
    optimizer = optimizer_class([x, y], **options)
    path = [START]
    for _ in range(steps):
        optimizer.zero_grad()
        valley(x, y).backward()
        optimizer.step()
        path.append((x.item(), y.item()))
    return np.array(path)


def train_on_digits(name, digits, epochs, seed=0):
    optimizer_class, _, options = OPTIMIZERS[name]
    nn.manual_seed(seed)  # the same initial weights for every optimiser
    model = common.mlp(DIGITS_SIZES, nn.ReLU)
    return common.fit_digits(model, optimizer_class(model.parameters(), **options), digits,
                             epochs)


def options_text(options):
    return ", ".join(f"{key}={value}" for key, value in options.items() if key != "nesterov")


def plot_paths(paths, out_dir):
    xs, ys = np.meshgrid(np.linspace(-10, 10, 201), np.linspace(-5, 5, 201))
    heights = valley(xs, ys)
    levels = np.logspace(-2, np.log10(heights.max()), 12)
    fig, axes = common.plt.subplots(2, 4, figsize=(17, 5.6), sharex=True, sharey=True)
    for ax, (name, path) in zip(axes.ravel(), paths.items()):
        ax.contour(xs, ys, heights, levels=levels, colors="#999999", linewidths=0.7)
        ax.plot(path[:, 0], path[:, 1], "o-", color="#c44e52", markersize=3, linewidth=1.2)
        ax.plot(*START, "s", color="black", markersize=6)
        ax.plot(0, 0, "+", color="black", markersize=12, markeredgewidth=2)
        final = valley(*path[-1])
        ax.set_title(f"{name} ({options_text(OPTIMIZERS[name][1])})\n"
                     f"f after {len(path) - 1} steps: {final:.2g}", fontsize=10)
        ax.set_xlim(-10, 10)
        ax.set_ylim(-5, 5)
        ax.set_aspect("equal")
        ax.set_xticks([-10, -5, 0, 5, 10])
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    fig.suptitle("Descending f(x, y) = x²/20 + y² from (-7, 2) (square; minimum: +): SGD "
                 "zig-zags, momentum overshoots, adaptive methods head straight in",
                 fontsize=12)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "optimizers_paths")


def plot_digits_curves(histories, out_dir):
    fig, ax = common.plt.subplots(figsize=(8.5, 5))
    styles = ["-", "--", ":", "-.", "-", "--", ":", "-."]
    for (name, history), style in zip(histories.items(), styles):
        loss = history["loss"]
        ax.plot(np.arange(1, len(loss) + 1), loss, style, marker="o", markersize=3,
                linewidth=1.8, label=f"{name} ({options_text(OPTIMIZERS[name][2])})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy, log scale)")
    ax.set_title("64-64-10 ReLU MLP on digits, same initial weights, each optimiser at its "
                 "usual learning rate", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "optimizers_digits")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    paths = {name: descend(name, STEPS) for name in OPTIMIZERS}
    digits = common.digits_split()
    epochs = QUICK_EPOCHS if quick else EPOCHS
    histories = {name: train_on_digits(name, digits, epochs) for name in OPTIMIZERS}
    figures = [plot_paths(paths, out_dir), plot_digits_curves(histories, out_dir)]

    results = {"valley: f at the start": float(valley(*START)), "valley: steps": STEPS}
    for name, path in paths.items():
        results[f"valley: f after {STEPS} steps, {name}"] = float(valley(*path[-1]))
    results["digits: epochs"] = epochs
    for name, history in histories.items():
        results[f"digits: {name}: final training loss, test accuracy"] = [
            history.last("loss"), history.last("val_accuracy")]
    ranking = sorted(histories, key=lambda name: histories[name].last("loss"))
    results["digits: ranking by final training loss (lowest first)"] = ", ".join(ranking)
    results["note"] = ("momentum methods keep a velocity; adaptive methods scale each "
                       "parameter's step by its own gradient history; Adam is a good default "
                       f"but not always the best (here: Adam ranks {ranking.index('Adam') + 1}"
                       f" of {len(ranking)})")
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("optimizers", run, __doc__, argv)


if __name__ == "__main__":
    main()
