"""Regenerates the figures the README shows (docs/): every demo's main figure and the example
backward graphs. Run: python -m demos.render_docs [--out docs]"""
import argparse
import importlib
import shutil
import tempfile
from pathlib import Path

import autograd as ag
import nn
from demos import common, vanishing_gradient

# demo -> the figure the README gallery shows
MAIN_FIGURES = {
    "vanishing_gradient": "gradient_norms.png",
    "activations": "activations.png",
    "initialization": "initialization_std.png",
    "batch_norm": "batch_norm_training.png",
    "optimizers": "optimizers_paths.png",
    "xor": "xor_boundaries.png",
    "dying_relu": "dying_relu.png",
    "dropout": "dropout.png",
    "backprop_by_hand": "backprop_graph.png",
}


def example_graphs(out_dir):
    """The 10-layer sigmoid and ReLU + He graphs in full, and a collapsed 50-layer one."""
    for name, stem in (("sigmoid, N(0, 1/n)", "graph_sigmoid_10_layers"),
                       ("ReLU, He", "graph_relu_he_10_layers")):
        model, loss = vanishing_gradient.one_backward(vanishing_gradient.CONFIGS[name])
        graph = ag.viz.backward_graph(loss, params=model,
                                      title=f"10 layers of 100, {name}: one backward pass")
        common.save_graph(graph, out_dir, stem)
    config = vanishing_gradient.CONFIGS["sigmoid, N(0, 1/n)"]
    nn.manual_seed(0)
    model = vanishing_gradient.deep_network(**config, layers=50, width=50, inputs=50)
    loss = nn.functional.mse_loss(model(ag.randn(64, 50)), ag.randn(64, 50))
    loss.backward()
    graph = ag.viz.backward_graph(loss, params=model, collapse="module",
                                  title="50 sigmoid layers, one node per module")
    common.save_graph(graph, out_dir, "graph_sigmoid_50_layers_collapsed")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos.render_docs", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    out = common.output_dir(args.out)
    for demo, figure in MAIN_FIGURES.items():
        module = importlib.import_module(f"demos.{demo}")
        with tempfile.TemporaryDirectory() as scratch:
            module.run(scratch)
            shutil.copy(Path(scratch) / figure, out / f"{demo}.png")
        print(f"{out / (demo + '.png')}")
    example_graphs(out)
    print(f"example graphs in {out}")


if __name__ == "__main__":
    main()
