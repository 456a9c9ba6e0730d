"""Engine overhead: tracegrad against hand-written numpy doing the same arithmetic.

Workload 1, per-operation overhead: a chain of 300 elementwise operations (add a scalar,
multiply by a scalar, sigmoid, tanh) on a float64 vector of 16 elements, forward and backward;
microseconds per operation.
Workload 2, deep chain: y = sigmoid(y * 1.01 + 0.01) on shape (1,), forward and backward;
microseconds per level at depths 1,000, 10,000 and 100,000.

Each figure is the best of several repeats, and each ratio compares timings taken in the same
run, because absolute times on a shared machine are noisy. PyTorch is timed too when it is
installed. Run: python -m benchmarks.engine_overhead
"""
import argparse
import time

import numpy as np

import autograd as ag


def best_times(fns, repeats):
    """The fastest of `repeats` calls of each function, in seconds. The functions take turns
    (one call each per round), so that they see the same load on a shared machine."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def stable_sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


# --- workload 1: 300 elementwise operations ------------------------------------------------
def chain_numpy(x0, ops):
    """Forward keeping what backward needs, then backward by hand."""
    x, saved = x0, []
    for _ in range(ops // 4):
        x = x + 0.5
        x = x * 0.9
        s = stable_sigmoid(x)
        x = np.tanh(s)
        saved.append((s, x))
    g = np.ones_like(x)
    for s, t in reversed(saved):
        g = g * (1 - t * t)
        g = g * s * (1 - s)
        g = g * 0.9
    return g


def elementwise_chain(y, ops):
    """The same forward for tracegrad and PyTorch tensors: both spell these alike."""
    for _ in range(ops // 4):
        y = y + 0.5
        y = y * 0.9
        y = y.sigmoid()
        y = y.tanh()
    return y


def chain_tracegrad(x0, ops):
    x = ag.tensor(x0, requires_grad=True)
    elementwise_chain(x, ops).backward(np.ones_like(x0))
    return x.grad


def chain_torch(torch, x0, ops):
    x = torch.tensor(x0, requires_grad=True)
    elementwise_chain(x, ops).backward(torch.ones_like(x))
    return x.grad


# --- workload 2: a deep chain --------------------------------------------------------------
def deep_numpy(depth):
    y, saved = np.array([0.5]), []
    for _ in range(depth):
        y = stable_sigmoid(y * 1.01 + 0.01)
        saved.append(y)
    g = np.ones(1)
    for s in reversed(saved):
        g = g * s * (1 - s)
        g = g * 1.01
    return g


def deep_tracegrad(depth):
    x = ag.tensor(np.array([0.5]), requires_grad=True)
    y = x
    for _ in range(depth):
        y = (y * 1.01 + 0.01).sigmoid()
    y.backward(np.ones(1))
    return x.grad


def deep_torch(torch, depth):
    x = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(depth):
        y = torch.sigmoid(y * 1.01 + 0.01)
    y.backward(torch.ones(1, dtype=torch.float64))
    return x.grad


def _torch():
    try:
        import torch
        torch.set_num_threads(1)
        return torch
    except ImportError:
        return None


def run(repeats=15, ops=300, depths=(1_000, 10_000, 100_000)):
    torch = _torch()
    x0 = np.random.default_rng(0).standard_normal(16)
    np.testing.assert_allclose(chain_tracegrad(x0, ops).numpy(), chain_numpy(x0, ops),
                               rtol=1e-10)
    print(f"per-operation overhead: {ops} elementwise ops on float64 (16,), forward + backward")
    fns = [lambda: chain_numpy(x0, ops), lambda: chain_tracegrad(x0, ops)]
    if torch is not None:
        fns.append(lambda: chain_torch(torch, x0, ops))
    times = [t / ops * 1e6 for t in best_times(fns, repeats)]
    print(f"  numpy by hand  {times[0]:6.2f} us/op")
    print(f"  tracegrad      {times[1]:6.2f} us/op   {times[1] / times[0]:.2f}x numpy  "
          "(target <= 2.0x)")
    if torch is not None:
        print(f"  pytorch        {times[2]:6.2f} us/op   {times[2] / times[0]:.2f}x numpy")
    print("deep chain y = sigmoid(y * 1.01 + 0.01), shape (1,), forward + backward")
    for depth in depths:
        fns = [lambda: deep_numpy(depth), lambda: deep_tracegrad(depth)]
        if torch is not None:
            fns.append(lambda: deep_torch(torch, depth))
        times = [t / depth * 1e6
                 for t in best_times(fns, max(2, repeats * 1_000 // depth))]
        line = (f"  depth {depth:>7,}: numpy {times[0]:6.2f} us/level, tracegrad "
                f"{times[1]:6.2f} us/level = {times[1] / times[0]:.2f}x (target <= 3x)")
        if torch is not None:
            line += f", pytorch {times[2]:6.2f} us/level = {times[2] / times[0]:.2f}x"
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    run(args.repeats)


if __name__ == "__main__":
    main()
