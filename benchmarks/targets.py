"""Every speed and memory target in one run: the engine's overhead per operation and along a
deep chain, training steps of a small and a large MLP, of a CNN and of an LSTM, and the memory
of a training step. Each workload times numpy by hand, tracegrad and PyTorch (when installed)
taking turns; a summary table then gives each ratio to numpy next to its target.

Run: python -m benchmarks.targets [--repeats N] [--steps N]   (about a minute)
"""
import argparse
import time

from benchmarks import cnn_step, engine_overhead, lstm_step, training_step

# figure -> the most it may cost, as a ratio to numpy by hand
TARGETS = {
    "per-op forward + backward": 2.0,
    "per-op forward only": 1.6,
    "deep chain, depth 1,000": 2.5,
    "deep chain, depth 10,000": 2.5,
    "deep chain, depth 100,000": 2.5,
    "deep chain growth": 1.2,
    "small MLP step": 1.10,
    "large MLP step": 1.03,
    "CNN step": 1.5,
    "LSTM step": 1.5,
    "peak memory of a step": 1.5,
}


GROWTH_NOISE = 16 * 1024   # bytes: a few small objects, not a step's worth of anything


def measure(repeats, steps):
    """{figure: [tracegrad's ratio, PyTorch's ratio (when timed)]}, printing as it goes."""
    figures = engine_overhead.run(repeats)
    print()
    figures["small MLP step"] = training_step.compare("small", (784, 256, 256, 10), 128,
                                                      repeats, TARGETS["small MLP step"])
    figures["large MLP step"] = training_step.compare("large", (784, 2048, 2048, 10), 512,
                                                      max(3, repeats // 4),
                                                      TARGETS["large MLP step"])
    peak, growth = training_step.memory(steps)
    figures["peak memory of a step"] = [peak]
    print()
    cnn_step.reuse_freed_memory()
    print(f"threads: {cnn_step.limit_threads(training_step.torch_if_installed(), 1)}")
    figures["CNN step"] = cnn_step.compare(repeats)
    figures["LSTM step"] = lstm_step.compare(repeats)
    return figures, growth


def summary(figures, growth, steps):
    print(f"\n{'figure (ratio to numpy by hand)':<34}{'tracegrad':>10}{'pytorch':>10}"
          f"{'target':>10}  met")
    for name, target in TARGETS.items():
        ours, *theirs = figures[name]
        torch = f"{theirs[0]:.2f}x" if theirs else "-"
        print(f"{name:<34}{ours:>9.2f}x{torch:>10}{f'<= {target}x':>10}  "
              f"{'yes' if ours <= target else 'no'}")
    print(f"{f'memory held, steps 1,000 to {steps:,}':<34}{growth / 1024:>+6.1f} KiB{'-':>10}"
          f"{'no growth':>10}  {'yes' if growth <= GROWTH_NOISE else 'no'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--steps", type=int, default=10_000,
                        help="training steps of the memory-growth check")
    args = parser.parse_args()
    start = time.perf_counter()
    figures, growth = measure(args.repeats, args.steps)
    summary(figures, growth, args.steps)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
