"""Time and size of the pictures: building a backward graph (read the graph, compute the
statistics, write DOT), rendering it with Graphviz's `dot`, and writing the interactive
HTML explorer, for sigmoid MLPs of 10 to 1,000 layers drawn in full, by module, and folded
(collapse="auto"); with the pixel size of the folded PNGs and the size of the HTML pages.

Run: python -m benchmarks.viz_render
"""
import math
import struct
import time

import autograd as ag
import nn
from demos.vanishing_gradient import deep_network


def network(layers, width=50, batch=64, seed=0):
    """The tour's vanishing case at any depth: Linear + Sigmoid layers, N(0, 1/width)."""
    nn.manual_seed(seed)
    model = deep_network(nn.Sigmoid, lambda w: nn.init.normal_(w, 0.0, 1 / math.sqrt(width)),
                         layers=layers, width=width, inputs=width)
    loss = nn.functional.mse_loss(model(ag.randn(batch, width)), ag.randn(batch, width))
    loss.backward()
    return model, loss


def _seconds(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def measure(layers, collapse):
    model, loss = network(layers)
    graph, built = _seconds(lambda: ag.viz.backward_graph(loss, params=model,
                                                          collapse=collapse))
    png, rendered = _seconds(lambda: graph.pipe(format="png"))
    width, height = struct.unpack(">II", png[16:24])
    nodes = graph.source.count("[label=")
    line = (f"{layers:>5} layers, collapse={str(collapse):<7} {nodes:>5} nodes   build "
            f"{built * 1e3:7.1f} ms   render PNG {rendered * 1e3:8.1f} ms   "
            f"{width} x {height} px")
    if collapse == "auto":
        page, written = _seconds(lambda: ag.viz.to_html(loss, params=model))
        line += f"   HTML {written * 1e3:7.1f} ms, {len(page.encode()) / 1024:.0f} KiB"
    print(line)


def main():
    measure(10, None)
    measure(50, "module")
    for layers in (50, 200, 1000):
        measure(layers, "auto")


if __name__ == "__main__":
    main()
