"""Machine instructions per operation of the elementwise chain of `engine_overhead` (300 ops on
a float64 vector of 16, forward + backward, and the forward alone), for tracegrad and for the
hand-written numpy version, counted by valgrind's callgrind.

Unlike times, instruction counts barely move (about 2 %) whatever else the machine is doing,
so they show a change to the engine's hot path of a few percent that timings on a shared
machine cannot. Each figure is the difference between runs of 60 and 20 chains, divided by
the operations in between (what importing and starting costs cancels out), with the garbage
collector off and a fixed hash seed (what it collects, when, varies with addresses).
Needs valgrind (Debian's package `valgrind`); about a minute and a half.

Run: python -m benchmarks.instructions
"""
import argparse
import gc
import os
import re
import shutil
import subprocess
import sys

import numpy as np

from benchmarks import engine_overhead

OPS = 300
CHAINS = {
    "numpy, forward + backward": engine_overhead.chain_numpy,
    "tracegrad, forward + backward": engine_overhead.chain_tracegrad,
    "numpy, forward": engine_overhead.forward_numpy,
    "tracegrad, forward": engine_overhead.forward_tracegrad,
}


def run_chains(name, passes):
    """What callgrind counts: `passes` chains of the workload `name`."""
    x0 = np.random.default_rng(0).standard_normal(16)
    for _ in range(passes):
        CHAINS[name](x0, OPS)


def instructions_in(valgrind_output):
    """The total callgrind reports ("I   refs:      1,234,567")."""
    match = re.search(r"refs:\s*([\d,]+)", valgrind_output)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{valgrind_output}")
    return int(match.group(1).replace(",", ""))


def counted(name, passes):
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
               "-m", "benchmarks.instructions", "--chains", name, str(passes)]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    return instructions_in(done.stderr)


def per_operation(name, few=20, many=60):
    return (counted(name, many) - counted(name, few)) / ((many - few) * OPS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", nargs=2, metavar=("NAME", "PASSES"),
                        help="run the chains themselves (what valgrind is given)")
    args = parser.parse_args()
    if args.chains:
        gc.disable()
        run_chains(args.chains[0], int(args.chains[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("benchmarks.instructions needs valgrind: apt-get install valgrind")
    counts = {name: per_operation(name) for name in CHAINS}
    print(f"instructions per operation, {OPS} elementwise ops on float64 (16,)")
    for name, count in counts.items():
        print(f"  {name:<40}{count:>10,.0f}")
    for part in ("forward + backward", "forward"):
        ratio = counts[f"tracegrad, {part}"] / counts[f"numpy, {part}"]
        print(f"  {'tracegrad / numpy, ' + part:<40}{ratio:>9.2f}x")


if __name__ == "__main__":
    main()
