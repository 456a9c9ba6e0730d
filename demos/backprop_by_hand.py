"""Backpropagation by hand: the chain rule on a graph you can see, what it costs, and where it
breaks.

What the reader should see:
- f = (x + y) * z with x = 2, y = -3, z = 4, drawn with its gradients: the add node passes the
  gradient it receives (4) unchanged to both inputs; the multiply node scales it by the other
  input (df/dz = x + y = -1, df/d(x + y) = z = 4);
- the same graph behind a small network, one node per layer, with the gradient's size;
- backward needs the forward intermediates: a forward pass that records the graph keeps every
  layer's activations alive until backward, one under `ag.no_grad()` keeps none, so training
  takes more memory than inference;
- through a chain of sigmoids the gradient shrinks by about 0.22 per sigmoid and eventually
  underflows to exactly 0.0: after about 70 sigmoids in float32, about 500 in float64
 ;
- mini-batch training, Keras-style `nn.fit(model, x, y, batch_size, epochs)`: an
  epoch is one pass over the data, so batch size 1 makes 1437 updates per epoch on digits and
  the full batch makes 1: small batches learn more per epoch, large ones at least as much
  per update (each update costing more).

Run: python -m demos.backprop_by_hand [--out FOLDER] [--quick]
"""
import tracemalloc

import numpy as np

import autograd as ag
import nn
from demos import common


# --- the chain rule on f = (x + y) * z ---------------------------------------------------
def add_and_multiply(x=2.0, y=-3.0, z=4.0):
    """f = (x + y) * z and its gradients; returns the values and f (for drawing)."""
    inputs = {name: ag.tensor(value, requires_grad=True, name=name)
              for name, value in (("x", x), ("y", y), ("z", z))}
    q = inputs["x"] + inputs["y"]
    q.retain_grad()
    f = q * inputs["z"]
    f.retain_grad()
    f.backward()
    grads = {name: common.to_numpy(t.grad).item() for name, t in inputs.items()}
    grads["q = x + y"] = common.to_numpy(q.grad).item()
    grads["f"] = common.to_numpy(f.grad).item()
    values = {"x": x, "y": y, "z": z, "q = x + y": common.to_numpy(q).item(),
              "f": common.to_numpy(f).item()}
    return values, grads, f, inputs


# --- memory of training against inference -------------------------------------------------
def bytes_kept_for_backward(output):
    """Bytes of the arrays the graph behind `output` holds for backward: every node's saved
    values (`node.saved_values()`). Views count as the array they look into (`W.T` is the
    weight itself), and the leaves' arrays (parameters, the input) are left out: they exist
    whether or not a graph is recorded."""
    nodes, leaves = ag.graph.walk(output)
    leaf_memory = {id(_memory_owner(leaf.data)) for leaf in leaves}
    kept = {}
    for node in nodes:
        leaf_memory.update(id(_memory_owner(t.data)) for t in node.saved_tensors
                           if t.is_leaf)    # inputs that need no gradient, such as the data
        for array in node.saved_values():
            owner = _memory_owner(array)
            kept[id(owner)] = owner
    return sum(array.nbytes for key, array in kept.items() if key not in leaf_memory)


def _memory_owner(array):
    """The array that owns the memory `array` looks into (itself unless it is a view)."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def forward_memory(model, x, record_graph):
    """The forward pass's output, the bytes its graph keeps for backward, and the bytes still
    allocated after it while the output is alive (by tracemalloc: host memory only)."""
    tracemalloc.start()
    try:
        if record_graph:
            output = model(x)
        else:
            with ag.no_grad():
                output = model(x)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"output": output, "kept for backward": bytes_kept_for_backward(output),
            "held": held}


# --- underflow --------------------------------------------------------------------------
def sigmoid_chain_gradients(depth, dtype):
    """The gradient of a chain of `depth` sigmoids, read after 0, 1, ..., depth sigmoids
    counted from the output: entry k has been multiplied by k local derivatives."""
    h = x = ag.tensor(np.array([0.5], dtype=dtype), requires_grad=True)
    stages = [x]
    for _ in range(depth):
        h = h.sigmoid()
        h.retain_grad()
        stages.append(h)
    h.sum().backward()
    return np.array([common.to_numpy(t.grad)[0] for t in reversed(stages)], dtype=np.float64)


def first_zero(gradients):
    """How many sigmoids the gradient passed when it first became exactly 0 (None if never)."""
    zeros = np.flatnonzero(gradients == 0)
    return int(zeros[0]) if zeros.size else None


def plot_underflow(chains, out_dir):
    fig, ax = common.plt.subplots(figsize=(9, 4.8))
    colours = {"float32": "#dd8452", "float64": "#4c72b0"}
    for name, gradients in chains.items():
        depth = np.arange(len(gradients))
        nonzero = gradients > 0
        # float32 drawn wide and below, so that it shows where float64 runs along it
        ax.plot(depth[nonzero], np.log10(gradients[nonzero]), color=colours[name],
                linewidth=4 if name == "float32" else 1.5,
                zorder=2 if name == "float32" else 3, label=f"{name} gradient")
        tiny = np.finfo(name).smallest_subnormal
        ax.axhline(np.log10(tiny), color=colours[name], linestyle=":",
                   label=f"smallest {name} > 0: {tiny:.1e}")
        zero_at = first_zero(gradients)
        if zero_at is not None:
            ax.axvline(zero_at, color=colours[name], linestyle="--",
                       label=f"{name} gradient is exactly 0 from {zero_at} sigmoids on")
    ax.set_ylim(-345, 15)
    ax.set_xlabel("number of sigmoids the gradient has passed backward")
    ax.set_ylabel("log10 of the gradient\n(a gradient of exactly 0 is not drawn)")
    ax.set_title("A gradient through a chain of sigmoids underflows to exactly 0.0: "
                 "float32 first, float64 later", fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    return common.save_figure(fig, out_dir, "backprop_underflow")


# --- mini-batches -----------------------------------------------------------------------
def train_with_batch_sizes(batch_sizes, epochs, samples=None, seed=0):
    """Test loss after each epoch (epoch 0: before training) of a 64-32-10 ReLU classifier
    of digits trained by plain SGD with each batch size, and its updates per epoch."""
    x, y = nn.datasets.digits()
    if samples is not None:
        x, y = x[:samples], y[:samples]
    x_train, x_test, y_train, y_test = nn.datasets.train_test_split(x, y, test_size=0.2,
                                                                    seed=seed)
    runs = {}
    for batch_size in batch_sizes:
        batch_size = batch_size or len(x_train)  # None: the full batch
        nn.manual_seed(seed)
        model = common.mlp([64, 32, 10], nn.ReLU)
        losses = [nn.evaluate(model, x_test, y_test)["loss"]]
        history = nn.fit(model, x_train, y_train, batch_size=batch_size, epochs=epochs,
                         optimizer=nn.optim.SGD(model.parameters(), lr=0.1),
                         validation_data=(x_test, y_test), progress=False, seed=seed)
        updates_per_epoch = -(-len(x_train) // batch_size)
        runs[batch_size] = {"test loss": losses + history["val_loss"],
                            "test accuracy": history["val_accuracy"][-1],
                            "updates per epoch": updates_per_epoch}
    return runs, len(x_train)


def batch_size_name(batch_size, train_size):
    return "full batch" if batch_size == train_size else f"batch size {batch_size}"


def plot_batch_sizes(runs, train_size, out_dir):
    fig, (left, right) = common.plt.subplots(1, 2, figsize=(12, 4.5))
    for batch_size, curve in runs.items():
        losses = curve["test loss"]
        epochs = np.arange(len(losses))
        updates = curve["updates per epoch"]
        label = (f"{batch_size_name(batch_size, train_size)}: {updates} "
                 f"update{'s' if updates > 1 else ''}/epoch")
        left.plot(epochs, losses, marker="o", label=label)
        right.plot(np.maximum(epochs * updates, 0.5), losses, marker="o", label=label)
    left.set_xlabel("epoch (one pass over the training data)")
    left.set_title("per epoch, small batches learn faster")
    right.set_xscale("log")
    right.set_xlabel("number of SGD updates (log scale; 0 drawn at 0.5)")
    right.set_title("per update, large batches do as well or better\n"
                    "(but each update costs more)")
    for ax in (left, right):
        ax.set_ylabel("test loss (cross-entropy)")
        ax.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    fig.suptitle(f"nn.fit(model, x, y, batch_size, epochs) on digits ({train_size} training "
                 "images, plain SGD, lr 0.1)", fontsize=12)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "backprop_batch_sizes")


def show_chain_rule(out_dir):
    values, grads, f, inputs = add_and_multiply()
    title = (f"f = (x + y) * z after backward(): the add node passes the {grads['q = x + y']:g} "
             f"it receives on unchanged;\nthe multiply node sends "
             f"{grads['f']:g}·z = {grads['q = x + y']:g} to x + y and {grads['f']:g}·(x + y) = "
             f"{grads['z']:g} to z")
    figures = common.save_graph(ag.viz.backward_graph(f, params=inputs, title=title),
                                out_dir, "backprop_graph")
    results = {
        "f = (x + y) * z at x=2, y=-3, z=4": values["f"],
        "gradient arriving at the add node (df/dq, q = x + y)": grads["q = x + y"],
        "df/dx, df/dy": [grads["x"], grads["y"]],
        "add node passes its gradient unchanged": grads["x"] == grads["y"] == grads["q = x + y"],
        "df/dz (= x + y)": grads["z"],
        "multiply node scales by the other input": (
            grads["q = x + y"] == grads["f"] * values["z"]
            and grads["z"] == grads["f"] * values["q = x + y"]),
    }
    return results, figures


def show_memory(out_dir, quick):
    x, y = nn.datasets.digits()
    samples = 128 if quick else 512
    batch = ag.tensor(x[:samples])
    nn.manual_seed(0)
    model = common.mlp([64, 256, 256, 10], nn.ReLU)
    # inference first: the graph drawing groups operations by the model's latest call
    inference = forward_memory(model, batch, record_graph=False)
    training = forward_memory(model, batch, record_graph=True)
    loss = nn.functional.cross_entropy(training["output"], y[:samples])
    loss.backward()
    graph = ag.viz.backward_graph(loss, params=model, collapse="module",
                                  title="a 64-256-256-10 ReLU network after backward()")
    results = {
        "MLP forward: batch size": samples,
        "MLP forward: bytes the graph keeps for backward": training["kept for backward"],
        "same forward under no_grad: bytes kept": inference["kept for backward"],
        "host bytes still allocated after forward, recording the graph": training["held"],
        "host bytes still allocated after forward, under no_grad": inference["held"],
    }
    return results, common.save_graph(graph, out_dir, "backprop_mlp_graph")


def show_underflow(out_dir, depth=800):
    chains = {name: sigmoid_chain_gradients(depth, name) for name in ("float32", "float64")}
    float32_zero, float64_zero = first_zero(chains["float32"]), first_zero(chains["float64"])
    results = {
        "sigmoids until the float32 gradient is exactly 0": float32_zero,
        "sigmoids until the float64 gradient is exactly 0": float64_zero,
        "float64 gradient there, where float32's is already 0":
            float(chains["float64"][float32_zero]),
    }
    return results, [plot_underflow(chains, out_dir)]


def show_batch_sizes(out_dir, quick):
    runs, train_size = train_with_batch_sizes((1, 16, 128, None), epochs=2 if quick else 10,
                                              samples=400 if quick else None)
    results = {}
    for batch_size, curve in runs.items():
        name = batch_size_name(batch_size, train_size)
        results[f"{name}: updates per epoch, final test loss, final test accuracy"] = [
            float(curve["updates per epoch"]), curve["test loss"][-1], curve["test accuracy"]]
    return results, [plot_batch_sizes(runs, train_size, out_dir)]


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    results, figures = {}, []
    for part in (show_chain_rule(out_dir), show_memory(out_dir, quick),
                 show_underflow(out_dir), show_batch_sizes(out_dir, quick)):
        results.update(part[0])
        figures += part[1]
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("backprop_by_hand", run, __doc__, argv)


if __name__ == "__main__":
    main()
