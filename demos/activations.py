"""Activation functions and their derivatives, as autograd computes them.

What the reader should see:
- every activation of nn.functional next to its derivative, the derivative taken by autograd
  (backward of the sum over a grid of inputs), not written by hand;
- sigmoid' = s(1 - s) peaks at exactly 1/4 at x = 0 and tends to 0 for large |x|; tanh' =
  1 - tanh^2 peaks at 1; ReLU' is 1 on the positive side and 0 on the
  negative side, and ReLU is cheaper to compute than sigmoid; leaky ReLU, PReLU,
  ELU, GELU keep some gradient for x < 0;
- sigmoid's outputs are all positive, so the weight gradients of a neuron fed by them all
  share one sign; tanh's zero-centred outputs do not;
- the step function's gradient is exactly 0 everywhere, so training through it changes
  nothing;
- without a non-linearity, stacked layers collapse to one linear map;
- softmax turns scores into probabilities that sum to 1 and keep their order; at inference the
  arg-max class is taken.

Run: python -m demos.activations [--out FOLDER] [--quick]
"""
import time

import numpy as np

import autograd as ag
import nn
from demos import common

F = nn.functional
PRELU_SLOPE = 0.25  # PReLU's starting slope, as in PyTorch

ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    "leaky_relu (a=0.01)": F.leaky_relu,
    f"prelu (a={PRELU_SLOPE})": lambda x: F.prelu(x, ag.tensor([PRELU_SLOPE], dtype=x.dtype)),
    "elu": F.elu,
    "gelu": F.gelu,
    "silu": F.silu,
    "softplus": F.softplus,
    "step": F.step,
}


def grid_inputs(limit=6, points_per_unit=100):
    """Evenly spaced inputs that contain 0 exactly (where sigmoid' and tanh' peak)."""
    ticks = np.arange(-limit * points_per_unit, limit * points_per_unit + 1)
    return ticks / points_per_unit


def value_and_derivative(fn, xs):
    """fn over `xs` and its derivative, computed by autograd: the gradient of sum(fn(x))
    with respect to x is fn'(x) elementwise."""
    x = ag.tensor(xs, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return common.to_numpy(y), common.to_numpy(x.grad)


def plot_activations(curves, xs, out_dir):
    fig, axes = common.plt.subplots(2, 5, figsize=(17, 6.5), sharex=True)
    for ax, (name, (values, derivative)) in zip(axes.ravel(), curves.items()):
        ax.axhline(0, color="grey", linewidth=0.6)
        ax.axvline(0, color="grey", linewidth=0.6)
        ax.plot(xs, values, label="f(x)", linewidth=2)
        ax.plot(xs, derivative, label="f'(x) by autograd", linewidth=2, linestyle="--")
        ax.set_title(f"{name}   (max f' = {derivative.max():.3g})", fontsize=10)
        ax.set_ylim(-1.6, 3.2)
        ax.grid(True, alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("f(x) and f'(x)")
    axes[0, 0].legend(loc="upper left", fontsize=9)
    fig.suptitle("Activations and their derivatives: sigmoid' never exceeds 1/4, tanh' peaks "
                 "at 1, ReLU' is 1 for x > 0, step' is 0 everywhere", fontsize=13)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "activations")


def best_time(fn, repeats):
    """The fastest of `repeats` runs of fn(), in seconds (the least disturbed by the rest of
    the machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def forward_backward_seconds(fn, size, repeats):
    xs = ag.tensor(np.random.default_rng(0).standard_normal(size).astype(np.float32))

    def once():
        x = ag.tensor(xs.data, requires_grad=True)
        fn(x).sum().backward()
        common.to_numpy(x.grad)  # waits for a GPU, if there is one
    once()  # warm-up
    return best_time(once, repeats)


def linear_collapse(c=0.5, seed=0):
    """h(h(h(x))) with h(x) = c x against c^3 x; three Linear layers without activation
    against one Linear with the product matrix. Returns both largest differences."""
    xs = ag.tensor(np.linspace(-3, 3, 13))

    def h(x):
        return c * x
    chained = common.to_numpy(h(h(h(xs))))
    scalar_difference = float(np.abs(chained - c ** 3 * common.to_numpy(xs)).max())

    nn.manual_seed(seed)
    stack = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 3))
    weights = [common.to_numpy(layer.weight) for layer in stack]
    biases = [common.to_numpy(layer.bias) for layer in stack]
    product = weights[2] @ weights[1] @ weights[0]
    bias = weights[2] @ (weights[1] @ biases[0] + biases[1]) + biases[2]
    single = nn.Linear(4, 3)
    single.load_state_dict({"weight": ag.tensor(product), "bias": ag.tensor(bias)})
    x = ag.randn(100, 4)
    with ag.no_grad():
        difference = np.abs(common.to_numpy(stack(x)) - common.to_numpy(single(x))).max()
    return scalar_difference, float(difference)


def train_through_step(steps=20, seed=0):
    """A Linear layer followed by the step function, trained by SGD on a regression target:
    counts the non-zero weight-gradient entries over all steps and measures how far the
    weights moved."""
    nn.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.Step())
    start = common.to_numpy(model[0].weight).copy()
    optimizer = nn.optim.SGD(model.parameters(), lr=1.0)
    x, target = ag.randn(64, 3), ag.rand(64, 4)
    nonzero = 0
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(x), target).backward()
        nonzero += int(np.count_nonzero(common.to_numpy(model[0].weight.grad)))
        optimizer.step()
    moved = float(np.abs(common.to_numpy(model[0].weight) - start).max())
    return nonzero, moved


def weight_gradient_signs(activation, samples, seed=0):
    """A hidden layer with `activation` feeds a Linear layer; for each sample separately,
    dL/dW of that Linear layer. Returns the share of (sample, output neuron) rows whose
    entries all share one sign, and the first neuron's gradient for its first two weights,
    one point per sample."""
    nn.manual_seed(seed)
    hidden, readout = nn.Linear(10, 20), nn.Linear(20, 5)
    x, target = ag.randn(samples, 10), ag.randn(samples, 5)
    same_sign_rows, first_two = [], []
    for i in range(samples):
        readout.zero_grad()
        h = activation(hidden(x[i:i + 1]))
        F.mse_loss(readout(h), target[i:i + 1]).backward()
        grad = common.to_numpy(readout.weight.grad)
        same_sign_rows += list(np.all(grad >= 0, axis=1) | np.all(grad <= 0, axis=1))
        first_two.append(grad[0, :2])
    return float(np.mean(same_sign_rows)), np.array(first_two)


def plot_gradient_signs(points, out_dir):
    fig, axes = common.plt.subplots(1, len(points), figsize=(5 * len(points), 4.6))
    for ax, (name, (share, xy)) in zip(axes, points.items()):
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.scatter(xy[:, 0], xy[:, 1], s=12, alpha=0.7)
        limit = 1.1 * np.abs(xy).max()
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_xlabel("∂L/∂w₁ (weight from hidden unit 1)")
        ax.set_ylabel("∂L/∂w₂ (weight from hidden unit 2)")
        ax.set_title(f"fed by {name} outputs: {share:.0%} of neurons'\n"
                     "gradient rows have one sign", fontsize=10)
        ax.grid(True, alpha=0.3)
    fig.suptitle("One neuron's weight gradient, one point per sample: positive inputs "
                 "(sigmoid) allow only the ++ and −− quadrants", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "activations_gradient_signs")


def softmax_example():
    scores = ag.tensor([2.0, 1.0, 0.1, -1.0])
    probabilities = common.to_numpy(F.softmax(scores))
    order_kept = bool(np.array_equal(np.argsort(common.to_numpy(scores)),
                                     np.argsort(probabilities)))
    return common.to_numpy(scores), probabilities, order_kept


def plot_softmax(scores, probabilities, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(9, 3.6))
    classes = np.arange(len(scores))
    left.bar(classes, scores, color="#4c72b0")
    left.axhline(0, color="grey", linewidth=0.8)
    left.set_title("scores (logits) from the output layer")
    left.set_ylabel("score")
    right.bar(classes, probabilities, color="#dd8452")
    right.set_ylim(0, 1)
    right.set_title(f"softmax: probabilities, sum = {probabilities.sum():.6f}")
    right.set_ylabel("probability")
    winner = int(np.argmax(probabilities))
    right.annotate("arg-max: the predicted class", (winner, probabilities[winner]),
                   xytext=(winner + 0.6, min(0.95, probabilities[winner] + 0.2)),
                   arrowprops={"arrowstyle": "->"})
    for ax in (left, right):
        ax.set_xticks(classes)
        ax.set_xlabel("class")
        ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "activations_softmax")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    xs = grid_inputs()
    curves = {name: value_and_derivative(fn, xs) for name, fn in ACTIVATIONS.items()}
    at = {value: int(np.flatnonzero(xs == value)[0]) for value in (-5, -3, 0, 3, 5)}
    sigmoid_grad, tanh_grad = curves["sigmoid"][1], curves["tanh"][1]
    relu_grad, step_grad = curves["relu"][1], curves["step"][1]
    sigmoid_values = curves["sigmoid"][0]
    formula_error = np.abs(sigmoid_grad - sigmoid_values * (1 - sigmoid_values)).max()

    size, repeats = (200_000, 3) if quick else (4_000_000, 7)
    sigmoid_seconds = forward_backward_seconds(F.sigmoid, size, repeats)
    relu_seconds = forward_backward_seconds(F.relu, size, repeats)

    scalar_difference, stack_difference = linear_collapse()
    step_nonzero, step_moved = train_through_step()
    samples = 40 if quick else 300
    signs = {"sigmoid (all > 0)": weight_gradient_signs(F.sigmoid, samples),
             "tanh (zero-centred)": weight_gradient_signs(F.tanh, samples)}
    scores, probabilities, order_kept = softmax_example()

    figures = [plot_activations(curves, xs, out_dir), plot_gradient_signs(signs, out_dir),
               plot_softmax(scores, probabilities, out_dir)]
    return {
        "sigmoid' max (at x = 0)": float(sigmoid_grad.max()),
        "sigmoid' at x = 0": float(sigmoid_grad[at[0]]),
        "sigmoid' at x = 5": float(sigmoid_grad[at[5]]),
        "autograd sigmoid' vs s(1 - s), largest difference": float(formula_error),
        "tanh' max (at x = 0)": float(tanh_grad.max()),
        "tanh' at x = 5": float(tanh_grad[at[5]]),
        "relu' at x = 3 and x = -3": [float(relu_grad[at[3]]), float(relu_grad[at[-3]])],
        "leaky_relu' at x = -3": float(curves["leaky_relu (a=0.01)"][1][at[-3]]),
        "elu' at x = -3": float(curves["elu"][1][at[-3]]),
        "step' non-zero entries over the grid": int(np.count_nonzero(step_grad)),
        "step: non-zero weight-gradient entries in 20 SGD steps": step_nonzero,
        "step: largest weight change after 20 SGD steps": step_moved,
        f"forward+backward seconds, sigmoid ({size:,} values, best of {repeats})":
            sigmoid_seconds,
        f"forward+backward seconds, relu ({size:,} values, best of {repeats})": relu_seconds,
        "sigmoid / relu time": sigmoid_seconds / relu_seconds,
        "h(h(h(x))) - c^3 x, largest difference": scalar_difference,
        "3 stacked Linear - 1 Linear (product matrix), largest difference": stack_difference,
        "same-sign weight-gradient rows, fed by sigmoid": signs["sigmoid (all > 0)"][0],
        "same-sign weight-gradient rows, fed by tanh": signs["tanh (zero-centred)"][0],
        "softmax of scores 2, 1, 0.1, -1": [float(p) for p in probabilities],
        "softmax sum": float(probabilities.sum()),
        "softmax keeps the order of the scores": order_kept,
        "arg-max class": int(np.argmax(probabilities)),
        "figures": [str(path) for path in figures],
    }


def main(argv=None):
    common.run_demo("activations", run, __doc__, argv)


if __name__ == "__main__":
    main()
