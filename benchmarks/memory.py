"""Memory: what keeping the losses of a training loop costs (`losses.append(loss)`, a common
habit). A kept loss keeps its graph's nodes, but neither their saved values (backward freed
them) nor their gradients: only the latest backward pass's gradients are kept, for drawing.

Workload: a 32-64-64-10 ReLU MLP, batch 256, SGD; traced memory added by 40 training steps
whose losses are all kept (target: < 1.5 MiB), against the same 40 steps keeping none.

Run: python -m benchmarks.memory
"""
import argparse
import tracemalloc

import numpy as np

import autograd as ag
import nn


def _setup(seed=0):
    nn.manual_seed(seed)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((256, 32)).astype(np.float32))
    labels = rng.integers(0, 10, 256)

    def step():
        loss = nn.functional.cross_entropy(model(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step


def added_memory(steps, keep):
    """Traced bytes still allocated after `steps` training steps, over those before them."""
    step = _setup()
    for _ in range(3):
        step()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        kept = [step() for _ in range(steps)] if keep else [step().item()
                                                             for _ in range(steps)]
        added = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del kept
    return added


def run(steps=40):
    kept = added_memory(steps, keep=True)
    dropped = added_memory(steps, keep=False)
    print(f"32-64-64-10 MLP, batch 256: memory added by {steps} training steps")
    print(f"  keeping every loss: {kept / 2**20:6.3f} MiB (target < 1.5 MiB)")
    print(f"  keeping none:       {dropped / 2**20:6.3f} MiB (the latest pass's gradients, kept "
          "for drawing, and the optimiser's bookkeeping)")
    print(f"  so the {steps} kept losses themselves: {(kept - dropped) / 2**20:.3f} MiB, "
          f"{(kept - dropped) / steps / 1024:.1f} KiB each")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    run(parser.parse_args().steps)


if __name__ == "__main__":
    main()
