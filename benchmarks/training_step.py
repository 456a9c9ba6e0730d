"""One training step (forward, backward, SGD update) of a ReLU MLP with cross-entropy, float32:
tracegrad against hand-written numpy doing the same arithmetic (and PyTorch when installed).

Workloads: 784-256-256-10 at batch 128 (targets: <= 1.10x numpy) and 784-2048-2048-10 at batch
512 (<= 1.03x). Ratios compare timings taken in the same run, the implementations taking turns.
Also memory: the peak of one step of the small network against the numpy step's (<= 1.5x), and
the memory held after 10,000 steps against after 1,000 (it must not grow).

Run: python -m benchmarks.training_step [--repeats N] [--skip-large] [--steps N]
"""
import argparse
import contextlib
import time
import tracemalloc

import numpy as np

import autograd as ag
import nn
from benchmarks.engine_overhead import best_times

LR = 0.01


def make_data(batch, inputs=784, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, inputs)).astype(np.float32)
    y = rng.integers(0, classes, batch)
    return x, y


def make_weights(sizes, seed=0):
    """PyTorch-layout (out, in) weights and biases, shared by every implementation."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append((rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32),
                       rng.uniform(-bound, bound, fan_out).astype(np.float32)))
    return params


class NumpyMLP:
    """The same step written by hand: forward, softmax cross-entropy, backward, SGD."""

    def __init__(self, weights):
        self.params = [(w.copy(), b.copy()) for w, b in weights]

    def step(self, x, y):
        activations, h = [x], x
        for k, (w, b) in enumerate(self.params):
            z = h @ w.T + b
            h = np.maximum(z, 0) if k < len(self.params) - 1 else z
            activations.append(h)
        logits = h
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = len(y)
        loss = -log_probs[np.arange(n), y].mean()
        g = np.exp(log_probs)
        g[np.arange(n), y] -= 1
        g /= n
        for k in range(len(self.params) - 1, -1, -1):
            w, b = self.params[k]
            grad_w = g.T @ activations[k]
            grad_b = g.sum(axis=0)
            if k > 0:
                g = (g @ w) * (activations[k] > 0)
            w -= LR * grad_w
            b -= LR * grad_b
        return float(loss)


class TracegradTraining:
    """SGD steps of a tracegrad model on the cross-entropy of integer labels."""

    def __init__(self, model):
        self.model = model
        self.optimizer = nn.optim.SGD(model.parameters(), lr=LR)

    def step(self, x, y):
        loss = nn.functional.cross_entropy(self.model(ag.from_numpy(x)), y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


class TorchTraining:
    """The same steps of a PyTorch model."""

    def __init__(self, torch, model):
        self.torch = torch
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=LR)

    def step(self, x, y):
        loss = self.torch.nn.functional.cross_entropy(self.model(self.torch.from_numpy(x)),
                                                       self.torch.from_numpy(y))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


class TracegradMLP(TracegradTraining):
    def __init__(self, weights):
        layers = []
        for k, (w, b) in enumerate(weights):
            linear = nn.Linear(w.shape[1], w.shape[0])
            linear.weight.data[...] = w
            linear.bias.data[...] = b
            layers.append(linear)
            if k < len(weights) - 1:
                layers.append(nn.ReLU())
        super().__init__(nn.Sequential(*layers))


class TorchMLP(TorchTraining):
    def __init__(self, torch, weights):
        layers = []
        for k, (w, b) in enumerate(weights):
            linear = torch.nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(w))
                linear.bias.copy_(torch.from_numpy(b))
            layers.append(linear)
            if k < len(weights) - 1:
                layers.append(torch.nn.ReLU())
        super().__init__(torch, torch.nn.Sequential(*layers))


def torch_if_installed():
    try:
        import torch
        return torch
    except ImportError:
        return None


def one_blas_thread():
    """BLAS limited to one thread while the context is open, or nothing without threadpoolctl
    (then the printout says so)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext(None)
    return threadpool_limits(1, user_api="blas")


def compare(name, sizes, batch, repeats, target):
    x, y = make_data(batch, sizes[0], sizes[-1])
    weights = make_weights(sizes)
    ours, theirs = TracegradMLP(weights), NumpyMLP(weights)
    for _ in range(3):  # same losses, step for step: the same arithmetic
        a, b = ours.step(x, y), theirs.step(x, y)
        assert abs(a - b) <= 1e-4 * max(1.0, abs(b)), (a, b)
    fns = [lambda: theirs.step(x, y), lambda: ours.step(x, y)]
    torch = torch_if_installed()
    if torch is not None:
        torch.set_num_threads(1 if batch <= 128 else torch.get_num_threads())
        reference = TorchMLP(torch, weights)
        fns.append(lambda: reference.step(x, y))
    # small matrices on one BLAS thread: two spinning thread pools taking turns on a busy
    # machine slow each other down far more than the arithmetic costs
    with one_blas_thread() if batch <= 128 else contextlib.nullcontext():
        times = best_times(fns, repeats)
    print(f"{name}: {'-'.join(map(str, sizes))}, batch {batch}, float32"
          + (", BLAS on 1 thread" if batch <= 128 else ""))
    print(f"  numpy by hand  {times[0] * 1e3:8.2f} ms/step")
    print(f"  tracegrad      {times[1] * 1e3:8.2f} ms/step   {times[1] / times[0]:.3f}x numpy  "
          f"(target <= {target}x)")
    if torch is not None:
        print(f"  pytorch        {times[2] * 1e3:8.2f} ms/step   {times[2] / times[0]:.3f}x numpy")
    return [t / times[0] for t in times[1:]]


def peak_of_a_step(model, x, y):
    """Traced memory at the peak of one step, over what was allocated before it: what the
    step itself needs (weights, inputs and the optimiser's state are there before)."""
    model.step(x, y)   # the first step allocates what every step reuses
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        model.step(x, y)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def memory(steps=10_000):
    """Peak memory of a step of the small network against the numpy step's; and the memory
    held after `steps` steps against after 1,000 (it must not grow; the first few hundred
    steps fill caches and free lists)."""
    x, y = make_data(128)
    weights = make_weights((784, 256, 256, 10))
    ours, theirs = TracegradMLP(weights), NumpyMLP(weights)
    peaks = peak_of_a_step(theirs, x, y), peak_of_a_step(ours, x, y)
    print("memory, 784-256-256-10 batch 128 (traced by tracemalloc; PyTorch's is not)")
    print(f"  peak during a step: numpy {peaks[0] / 2**20:.2f} MiB, tracegrad "
          f"{peaks[1] / 2**20:.2f} MiB = {peaks[1] / peaks[0]:.2f}x   target <= 1.5x")
    held, reference = [], min(1_000, steps // 2)
    tracemalloc.start()
    try:
        for step in progress(range(1, steps + 1), "steps"):
            ours.step(x, y)
            if step in (reference, steps):
                held.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    print(f"  held after {steps:,} steps over after {reference:,}: "
          f"{(held[1] - held[0]) / 1024:+.1f} KiB   target: no growth")
    return peaks[1] / peaks[0], held[1] - held[0]


def progress(iterable, unit):
    """tqdm's progress bar when tqdm is installed, the iterable itself otherwise."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, unit=unit, leave=False, disable=None)   # None: on a terminal only


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--steps", type=int, default=10_000,
                        help="steps of the memory-growth check")
    args = parser.parse_args()
    start = time.perf_counter()
    compare("small", (784, 256, 256, 10), 128, args.repeats, 1.10)
    if not args.skip_large:
        compare("large", (784, 2048, 2048, 10), 512, max(3, args.repeats // 4), 1.03)
    memory(args.steps)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
