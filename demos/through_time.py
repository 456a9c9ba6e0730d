"""Vanishing gradients through time: how far back a recurrent layer's gradient reaches.

The task needs a long memory, "recall the first symbol": a sequence is T symbols drawn at
random from 4 (one-hot inputs), its class is the first one, and a Linear head reads the
class from the last hidden state h_T. Every later symbol is a distraction that the layer
has to carry the first one past. All layers have 16 hidden units.
- One backward pass at T = 50, before training, read with nn.gradflow.GradientThroughTime:
  ‖∂loss/∂h_t‖ at every step. Through the tanh RNN the gradient is multiplied by the
  recurrent Jacobian once per step and reaches h_1 between 1e9 and 1e15 times weaker than
  h_50 (seeds 0-4). PyTorch's default LSTM does no better: its forget gates start half
  shut (f ≈ σ(0) = 1/2), and the cell passes back only f of its gradient per step. The
  GRU's update gate also starts near 1/2, and its gradient fades about as fast. Opening
  the LSTM's forget gates (bias 3, f ≈ σ(3) = 0.95) keeps between 1/70 and 1/5 of the
  gradient over the 50 steps.
- The same training budget for every layer and length (Adam, lr 0.01, 600 batches of 32,
  seeds 0-2): at T = 5 every layer solves the task. As T grows the default LSTM is the
  first to fail (mean accuracy 0.38 at T = 10; chance is 1/4), the GRU solves T = 10 but
  falls near chance at T = 20, and the tanh RNN solves it on some seeds but not on others.
  Only the LSTM with open forget gates solves every seed at T = 20. The same first/last
  ratio on the trained models at T = 20: 0.05 to 0.3 for the open LSTM, about 1e-8 for the
  default one. A gate carries the gradient back only when it starts open.
- The backward graph of the unrolled layer, folded to one node for the 50 time steps,
  whose strip is coloured by the gradient at each step: the RNN's turns pale towards the
  first step, the open LSTM's stays dark. Both graphs share one colour scale.
`chapter` is the short version for the tour: the gradient-per-step figure and the graphs.

Run: python -m demos.through_time [--out FOLDER] [--quick]
"""
import numpy as np

import autograd as ag
import nn
from demos import common

SYMBOLS, HIDDEN, BATCH = 4, 16, 32
STEPS = 50                       # the sequence length of the gradient measurement
FORGET_BIAS = 3.0
OPEN_LSTM = f"LSTM, forget bias {FORGET_BIAS:g}"
LENGTHS, QUICK_LENGTHS = (5, 10, 20, 40), (5, 20)
SEEDS, QUICK_SEEDS = (0, 1, 2), (0,)
TRAIN_STEPS, QUICK_TRAIN_STEPS = 600, 300
LEARNING_RATE = 0.01
TEST_SIZE, TEST_SEED = 512, 10_000   # the test batch of seed s is drawn with TEST_SEED + s
REPORTED_LENGTH = 20            # the length whose trained ratios are reported (both modes)
RATIO_SEEDS = range(5)           # the seeds of the untrained first/last ratios (full mode)
GRAPHED = ("tanh RNN", OPEN_LSTM)   # the layers whose folded graphs are drawn


def open_forget_gates(lstm, bias=FORGET_BIAS):
    """Sets the forget gates' bias (rows H:2H, PyTorch's gate order i, f, g, o) to `bias`:
    f = σ(bias) at the start instead of about 1/2."""
    rows = slice(lstm.hidden_size, 2 * lstm.hidden_size)
    with ag.no_grad():
        lstm.bias_ih_l0.data[rows] = bias
        lstm.bias_hh_l0.data[rows] = 0.0
    return lstm


LAYERS = {
    "tanh RNN": lambda: nn.RNN(SYMBOLS, HIDDEN),
    "LSTM": lambda: nn.LSTM(SYMBOLS, HIDDEN),
    OPEN_LSTM: lambda: open_forget_gates(nn.LSTM(SYMBOLS, HIDDEN)),
    "GRU": lambda: nn.GRU(SYMBOLS, HIDDEN),
}


class Recall(nn.Module):
    """A recurrent layer and a Linear head on its last hidden state."""

    def __init__(self, recurrent):
        super().__init__()
        self.recurrent = recurrent
        self.head = nn.Linear(recurrent.hidden_size, SYMBOLS)

    def forward(self, x):
        _, state = self.recurrent(x)
        h_n = state[0] if isinstance(state, tuple) else state   # an LSTM's state is (h, c)
        return self.head(h_n[-1])


def make_model(name, seed=0):
    nn.manual_seed(seed)
    return Recall(LAYERS[name]())


def recall_batch(steps, batch, rng):
    """`batch` sequences of `steps` random one-hot symbols, (steps, batch, SYMBOLS), and
    their classes: the first symbol of each."""
    symbols = rng.integers(0, SYMBOLS, size=(steps, batch))
    x = np.eye(SYMBOLS, dtype=ag.get_default_dtype())[symbols]
    return ag.tensor(x), ag.tensor(symbols[0])


def recall_loss(model, seed=0, steps=STEPS):
    """The cross-entropy of `model` on one batch of the task (the batch drawn by `seed`)."""
    x, y = recall_batch(steps, BATCH, np.random.default_rng(seed))
    return nn.functional.cross_entropy(model(x), y)


def gradient_through_time(model, seed=0, steps=STEPS):
    """One forward and backward pass of `model` on one batch: the GradientThroughTime
    recorder of its recurrent layer."""
    with nn.gradflow.GradientThroughTime(model.recurrent) as through_time:
        loss = recall_loss(model, seed, steps)
    loss.backward()
    return through_time


def first_to_last(through_time):
    """‖∂loss/∂h_1‖ / ‖∂loss/∂h_T‖ of one recorded pass."""
    hidden = through_time.hidden[0]
    return float(hidden[0] / hidden[-1])


def untrained_ratios(seeds):
    """The first/last ratio of every layer at initialisation, for each seed."""
    return {name: [first_to_last(gradient_through_time(make_model(name, seed), seed))
                   for seed in seeds] for name in LAYERS}


def _colour(name):
    """One colour per layer, the same in every figure."""
    return f"C{list(LAYERS).index(name)}"


def plot_gradient_through_time(recorders, out_dir):
    fig, ax = common.plt.subplots(figsize=(9, 5))
    steps = np.arange(1, STEPS + 1)
    for name, through_time in recorders.items():
        ax.plot(steps, through_time.hidden[0], color=_colour(name), linewidth=2,
                label=f"{name}: ‖∂loss/∂h_t‖, h_1/h_{STEPS} = "
                      f"{first_to_last(through_time):.1e}")
        if through_time.cell is not None:
            ax.plot(steps, through_time.cell[0], color=_colour(name), linestyle="--",
                    linewidth=1, label=f"{name}: ‖∂loss/∂c_t‖ (cell)")
    ax.set_yscale("log")
    ax.set_xlabel(f"time step t (the loss reads h_{STEPS}, on the right)")
    ax.set_ylabel("gradient norm (log scale)")
    ax.set_title(f"Gradient through time before training: one backward pass, recall the "
                 f"first of {STEPS} symbols, {HIDDEN} hidden units", fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    return common.save_figure(fig, out_dir, "gradient_through_time")


def backward_pass(name):
    """One forward and backward pass of a fresh model (seed 0), with nothing recorded:
    (model, loss), the graph that `ag.viz` draws."""
    model = make_model(name)
    loss = recall_loss(model)
    loss.backward()
    return model, loss


def gradient_range(model, loss):
    """The smallest and largest gradient RMS in the graph of the latest backward pass (the
    range its own colour scale would span)."""
    graph = ag.viz.read_graph(loss, params=model)
    stats = [op.grad for op in graph.ops] + [leaf.grad for leaf in graph.leaves]
    stats += [i.grad for op in graph.ops for i in op.inputs]
    values = [s.rms for s in stats if s is not None and s.rms > 0]
    return min(values), max(values)


def folded_graphs(out_dir, names=GRAPHED):
    """The folded backward graph of each layer in `names`, on one colour scale. A graph
    shows the latest backward pass, so each pass is run again right before its drawing."""
    ranges = [gradient_range(*backward_pass(name)) for name in names]
    scale = (min(low for low, _ in ranges), max(high for _, high in ranges))
    paths = []
    for name in names:
        model, loss = backward_pass(name)
        graph = ag.viz.backward_graph(
            loss, params=model, collapse="auto", scale=scale,
            title=f"{name}: {STEPS} time steps folded into one node\nits strip: the "
                  "gradient at each step, the first step on the left")
        stem = "graph_" + name.lower().replace(",", "").replace(" ", "_")
        paths += common.save_graph(graph, out_dir, stem)
    return paths


def trained_model(name, steps, seed, train_steps):
    """A fresh model after `train_steps` Adam steps on batches of BATCH sequences of
    length `steps`."""
    model = make_model(name, seed)
    optimizer = nn.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    rng = np.random.default_rng(seed)
    for _ in range(train_steps):
        x, y = recall_batch(steps, BATCH, rng)
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def accuracy(model, steps, seed):
    """The share of fresh sequences (TEST_SIZE of them) whose first symbol `model` recalls."""
    x, y = recall_batch(steps, TEST_SIZE, np.random.default_rng(TEST_SEED + seed))
    with ag.no_grad():
        predicted = common.to_numpy(model(x)).argmax(axis=1)
    return float((predicted == common.to_numpy(y)).mean())


def train_all(lengths, seeds, train_steps):
    """Per layer, an array (len(lengths), len(seeds), 2): the test accuracy of each trained
    model and its first/last gradient ratio on a fresh batch."""
    results = {}
    for name in LAYERS:
        rows = []
        for steps in lengths:
            row = []
            for seed in seeds:
                model = trained_model(name, steps, seed, train_steps)
                ratio = first_to_last(gradient_through_time(model, TEST_SEED + seed, steps))
                row.append((accuracy(model, steps, seed), ratio))
            rows.append(row)
        results[name] = np.array(rows)
    return results


def plot_training(trained, lengths, seeds, train_steps, out_dir):
    """Accuracy (left) and the first/last gradient ratio (right) after training, against the
    sequence length: each seed a faint dot, their mean (geometric for the ratio) a line."""
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(13, 4.8))
    offsets = np.linspace(-0.03, 0.03, len(LAYERS))   # side by side, on the log axis
    for (name, values), offset in zip(trained.items(), offsets):
        xs = np.array(lengths) * 10 ** offset
        colour = _colour(name)
        for ax, column, mean in ((left, 0, np.mean), (right, 1, _geometric_mean)):
            ax.plot(xs, [mean(row) for row in values[:, :, column]], marker="o",
                    color=colour, label=name)
            ax.scatter(np.repeat(xs, len(seeds)), values[:, :, column].ravel(), s=14,
                       color=colour, alpha=0.35)
    left.axhline(1 / SYMBOLS, color="gray", linestyle=":", linewidth=1)
    left.text(lengths[0], 1 / SYMBOLS + 0.02, f"chance: 1/{SYMBOLS}", color="gray",
              fontsize=9)
    left.set_ylim(0, 1.05)
    seeds_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}-{seeds[-1]}"
    left.set_ylabel(f"test accuracy (dots: {seeds_text}; line: mean)")
    left.set_title("accuracy after training")
    right.set_yscale("log")
    right.set_ylabel("‖∂loss/∂h_1‖ / ‖∂loss/∂h_T‖ after training (log scale)")
    right.set_title("how much gradient reaches step 1 after training")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks(lengths, [str(n) for n in lengths])
        ax.minorticks_off()
        ax.set_xlabel("sequence length T (log scale)")
        ax.grid(True, alpha=0.3)
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=len(LAYERS),
               fontsize=9, frameon=False)      # below the panels: it hides no data
    fig.subplots_adjust(bottom=0.2, wspace=0.25)
    fig.suptitle(f"Recall the first of T symbols, the same budget for every layer (Adam, "
                 f"lr {LEARNING_RATE}, {train_steps} batches of {BATCH})", fontsize=11)
    return common.save_figure(fig, out_dir, "accuracy_vs_length")


def _geometric_mean(values):
    return float(np.exp(np.mean(np.log(values))))


def chapter(out_dir, quick=False):
    """The tour's chapter: the gradient per step of every layer after one backward pass
    (seed 0), and the folded graphs of the RNN and the open LSTM. Without `quick`, the
    first/last ratios are also measured over seeds 0-4."""
    out_dir = common.output_dir(out_dir)
    recorders = {name: gradient_through_time(make_model(name)) for name in LAYERS}
    figures = [plot_gradient_through_time(recorders, out_dir)] + folded_graphs(out_dir)
    results = {f"{name}: ‖∂loss/∂h_1‖/‖∂loss/∂h_{STEPS}‖": first_to_last(through_time)
               for name, through_time in recorders.items()}
    if not quick:
        for name, values in untrained_ratios(RATIO_SEEDS).items():
            results[f"{name}: that ratio's range over seeds "
                    f"{RATIO_SEEDS[0]}-{RATIO_SEEDS[-1]}"] = [min(values), max(values)]
    results["figures"] = [str(path) for path in figures]
    return results


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    results = chapter(out_dir, quick=quick)
    lengths = QUICK_LENGTHS if quick else LENGTHS
    seeds = QUICK_SEEDS if quick else SEEDS
    train_steps = QUICK_TRAIN_STEPS if quick else TRAIN_STEPS
    trained = train_all(lengths, seeds, train_steps)
    figures = results.pop("figures")
    figures.append(str(plot_training(trained, lengths, seeds, train_steps, out_dir)))
    results["sequence lengths T"] = list(lengths)
    for name, values in trained.items():
        results[f"{name}: test accuracy per T, mean over seeds"] = [
            float(v) for v in values[:, :, 0].mean(axis=1)]
    row = lengths.index(REPORTED_LENGTH)
    for name, values in trained.items():
        results[f"{name}: after training at T = {REPORTED_LENGTH}, ‖∂loss/∂h_1‖/‖∂loss/∂h_T‖ "
                "per seed"] = [float(v) for v in values[row, :, 1]]
    results["figures"] = figures
    return results


def main(argv=None):
    common.run_demo("through_time", run, __doc__, argv)


if __name__ == "__main__":
    main()
