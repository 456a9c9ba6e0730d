"""One training step (forward, backward, SGD update) of a ReLU MLP with cross-entropy, float32:
tracegrad against hand-written numpy doing the same arithmetic (and PyTorch when installed).

Workloads: 784-256-256-10 at batch 128 (targets: <= 1.15x numpy) and 784-2048-2048-10 at batch
512 (<= 1.03x). Ratios compare timings taken in the same run, the implementations taking turns.
Also: peak traced memory of 200 steps of the small network, steps 1-100 against 101-200 (it
must not grow).

Run: python -m benchmarks.training_step [--repeats N] [--skip-large]
"""
import argparse
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
    times = best_times(fns, repeats)
    print(f"{name}: {'-'.join(map(str, sizes))}, batch {batch}, float32")
    print(f"  numpy by hand  {times[0] * 1e3:8.2f} ms/step")
    print(f"  tracegrad      {times[1] * 1e3:8.2f} ms/step   {times[1] / times[0]:.3f}x numpy  "
          f"(target <= {target}x)")
    if torch is not None:
        print(f"  pytorch        {times[2] * 1e3:8.2f} ms/step   {times[2] / times[0]:.3f}x numpy")
    return times[1] / times[0]


def memory_over_steps(steps=200):
    """Peak traced memory of steps 1..steps/2 and steps/2+1..steps of the small network."""
    x, y = make_data(128)
    model = TracegradMLP(make_weights((784, 256, 256, 10)))
    tracemalloc.start()
    peaks = []
    for half in range(2):
        tracemalloc.reset_peak()
        for _ in range(steps // 2):
            model.step(x, y)
        peaks.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    print(f"peak traced memory, 784-256-256-10 batch 128: steps 1-{steps // 2} "
          f"{peaks[0] / 2**20:.2f} MiB, steps {steps // 2 + 1}-{steps} {peaks[1] / 2**20:.2f} MiB"
          f" ({'no growth' if peaks[1] <= peaks[0] * 1.01 else 'GROWS'})")
    return peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    compare("small", (784, 256, 256, 10), 128, args.repeats, 1.15)
    if not args.skip_large:
        compare("large", (784, 2048, 2048, 10), 512, max(3, args.repeats // 4), 1.03)
    memory_over_steps()
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
