"""Engine overhead: tracegrad against hand-written numpy doing the same arithmetic.

Workload 1, per-operation overhead: a chain of 300 elementwise operations (add a scalar,
multiply by a scalar, sigmoid, tanh) on a float64 vector of 16 elements, forward and backward;
microseconds per operation.
The same forward alone measures what recording the graph costs.
Workload 2, deep chain: y = sigmoid(y * 1.01 + 0.01) on shape (1,), forward and backward, with
the garbage collector on; microseconds per level at depths 1,000, 10,000 and 100,000, and how
much more a level costs at the largest depth than at the smallest.

Each figure is the best of several repeats, and each ratio compares timings taken in the same
run, because absolute times on a shared machine are noisy. PyTorch is timed too when it is
installed. Run: python -m benchmarks.engine_overhead
"""
import argparse
import time

import numpy as np

import autograd as ag


def best_times(fns, repeats, clock=time.perf_counter):
    """The fastest of `repeats` calls of each function, in seconds of `clock`. The functions
    take turns (one call each per round), so that they see the same load on a shared
    machine."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = clock()
            fn()
            best[k] = min(best[k], clock() - start)
    return best


# Everything here runs on the calling thread (numpy on 16 elements, PyTorch on one thread,
# whose CPU backward runs on the caller's thread): its CPU time is what is measured, which a
# busy machine disturbs less than the wall clock.
CLOCK = time.thread_time


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


def forward_numpy(x0, ops):
    """The forward of `chain_numpy` alone, keeping nothing."""
    x = x0
    for _ in range(ops // 4):
        x = stable_sigmoid((x + 0.5) * 0.9)
        x = np.tanh(x)
    return x


def forward_tracegrad(x0, ops):
    return elementwise_chain(ag.tensor(x0, requires_grad=True), ops)


def forward_torch(torch, x0, ops):
    return elementwise_chain(torch.tensor(x0, requires_grad=True), ops)


def ratios(times):
    """Each implementation's time over numpy's (the first)."""
    return [t / times[0] for t in times]


def per_operation(repeats, ops=300, torch=None):
    """Microseconds per op of numpy, tracegrad (and PyTorch): forward + backward, then the
    forward alone (recording the graph)."""
    x0 = np.random.default_rng(0).standard_normal(16)
    np.testing.assert_allclose(chain_tracegrad(x0, ops).numpy(), chain_numpy(x0, ops),
                               rtol=1e-10)
    both = [lambda: chain_numpy(x0, ops), lambda: chain_tracegrad(x0, ops)]
    forward = [lambda: forward_numpy(x0, ops), lambda: forward_tracegrad(x0, ops)]
    if torch is not None:
        both.append(lambda: chain_torch(torch, x0, ops))
        forward.append(lambda: forward_torch(torch, x0, ops))
    times = best_times(both + forward, repeats, CLOCK)
    return ([t / ops * 1e6 for t in times[:len(both)]],
            [t / ops * 1e6 for t in times[len(both):]])


def deep_chain(repeats, depth, torch=None):
    """Microseconds per level of numpy, tracegrad (and PyTorch), the garbage collector on."""
    fns = [lambda: deep_numpy(depth), lambda: deep_tracegrad(depth)]
    if torch is not None:
        fns.append(lambda: deep_torch(torch, depth))
    return [t / depth * 1e6 for t in best_times(fns, max(2, repeats * 1_000 // depth), CLOCK)]


def _line(label, cells, target):
    return f"  {label:<26}" + "".join(f"{cell:>18}" for cell in cells) + f"   target <= {target}"


def _header(title, unit, columns):
    return f"{title}\n" + _line(unit, NAMES[:columns], "")[:-len("   target <= ")]


def _timed(times):
    return [f"{times[0]:.2f}"] + [f"{t:.2f} = {r:.2f}x" for t, r in zip(times[1:],
                                                                      ratios(times)[1:])]


NAMES = ("numpy", "tracegrad", "pytorch")


def run(repeats=15, depths=(1_000, 10_000, 100_000)):
    """Prints and returns {figure: (tracegrad's ratio to numpy, PyTorch's or None)}."""
    torch = _torch()
    figures = {}
    both, forward = per_operation(repeats, torch=torch)
    print(_header("per-operation overhead, 300 elementwise ops on float64 (16,)", "us per op",
                  len(both)))
    print(_line("forward + backward", _timed(both), "2.0x"))
    print(_line("forward only (recording)", _timed(forward), "1.6x"))
    figures["per-op forward + backward"] = ratios(both)[1:]
    figures["per-op forward only"] = ratios(forward)[1:]
    print(_header("deep chain y = sigmoid(y * 1.01 + 0.01), shape (1,), forward + backward, "
                  "gc on", "us per level", len(both)))
    per_level = {}
    for depth in depths:
        per_level[depth] = deep_chain(repeats, depth, torch)
        print(_line(f"depth {depth:,}", _timed(per_level[depth]), "2.5x"))
        figures[f"deep chain, depth {depth:,}"] = ratios(per_level[depth])[1:]
    low, high = per_level[depths[0]], per_level[depths[-1]]
    growth = [h / l for h, l in zip(high, low)]
    print(_line(f"depth {depths[-1]:,} / {depths[0]:,}", [f"{g:.2f}x" for g in growth], "1.2x"))
    figures["deep chain growth"] = growth[1:]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    run(args.repeats)


if __name__ == "__main__":
    main()
