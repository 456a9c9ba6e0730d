"""Time to draw backward graphs: building the Digraph (read the graph, compute statistics,
write DOT) and rendering it to SVG with Graphviz's `dot`, for the full graph of a 10-layer
sigmoid MLP and the collapsed (one node per module) graph of a 50-layer one.

Run: python -m benchmarks.viz_render
"""
import math
import time

import autograd as ag
import nn


def network(layers, width=100, batch=64, seed=0):
    nn.manual_seed(seed)
    modules = []
    for _ in range(layers):
        linear = nn.Linear(width, width)
        nn.init.normal_(linear.weight, 0.0, 1 / math.sqrt(width))
        modules += [linear, nn.Sigmoid()]
    model = nn.Sequential(*modules)
    loss = nn.functional.mse_loss(model(ag.randn(batch, width)), ag.randn(batch, width))
    loss.backward()
    return model, loss


def measure(label, layers, collapse):
    model, loss = network(layers)
    start = time.perf_counter()
    graph = ag.viz.backward_graph(loss, params=model, collapse=collapse)
    built = time.perf_counter() - start
    start = time.perf_counter()
    svg = graph.pipe(format="svg")
    rendered = time.perf_counter() - start
    nodes = graph.source.count("[label=")
    print(f"{label:<42} {nodes:>4} nodes   build {built * 1e3:7.1f} ms   render SVG "
          f"{rendered * 1e3:7.1f} ms   ({len(svg) / 1024:.0f} KiB)")
    return built, rendered


def main():
    measure("full graph, 10 layers (20 modules)", 10, None)
    measure("collapsed graph, 50 layers (100 modules)", 50, "module")
    measure("full graph, 50 layers (100 modules)", 50, None)


if __name__ == "__main__":
    main()
