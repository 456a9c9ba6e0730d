"""Regenerates the figures the README shows (docs/): every demo's main figure (and a few
more), the example backward graphs, the interactive explorer and a screenshot of it.
Run: python -m demos.render_docs [--out docs]"""
import argparse
import importlib
import shutil
import subprocess
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
    "convolution": "training_curves.png",
    "residual": "gradient_norms_50_layers.png",
    "through_time": "gradient_through_time.png",
}
# demo -> more of its figures the README shows, under these names
MORE_FIGURES = {"vanishing_gradient": {"training_heatmap.png": "training_heatmap.png"},
                "residual": {"graph_residual_50_layers.png": "graph_residual_50_layers.png"}}
# one colour scale for the two 10-layer graphs the README shows side by side
TEN_LAYER_SCALE = (1e-10, 10.0)


def example_graphs(out_dir):
    """The 10-layer sigmoid and ReLU + He graphs in full, on one colour scale; a 50-layer
    sigmoid network folded, as a picture and as the interactive explorer (with a screenshot
    of it when Chromium is installed)."""
    for name, stem in (("sigmoid, N(0, 1/n)", "graph_sigmoid_10_layers"),
                       ("ReLU, He", "graph_relu_he_10_layers")):
        model, loss = vanishing_gradient.one_backward(vanishing_gradient.CONFIGS[name])
        graph = ag.viz.backward_graph(loss, params=model, scale=TEN_LAYER_SCALE,
                                      title=f"10 layers of 100, {name}: one backward pass")
        common.save_graph(graph, out_dir, stem)
    config = vanishing_gradient.CONFIGS["sigmoid, N(0, 1/n)"]
    nn.manual_seed(0)
    model = vanishing_gradient.deep_network(**config, layers=50, width=50, inputs=50)
    loss = nn.functional.mse_loss(model(ag.randn(64, 50)), ag.randn(64, 50))
    loss.backward()
    graph = ag.viz.backward_graph(loss, params=model, collapse="auto",
                                  title="50 sigmoid layers, folded")
    common.save_graph(graph, out_dir, "graph_sigmoid_50_layers_folded")
    page = ag.viz.save_html(loss, Path(out_dir) / "explorer_50_layers.html", params=model,
                            title="50 sigmoid layers")
    screenshot(page, Path(out_dir) / "explorer.png")


def screenshot(page, path):
    """A picture of the explorer as a browser shows it (headless Chromium), if installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print(f"Chromium not found: {path} was not made (install chromium)")
        return
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1200,760",
                    "--virtual-time-budget=3000", f"--screenshot={path.resolve()}",
                    f"file://{Path(page).resolve()}"], capture_output=True, timeout=120,
                   check=True)


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
            for source, target in MORE_FIGURES.get(demo, {}).items():
                shutil.copy(Path(scratch) / source, out / target)
        print(f"{out / (demo + '.png')}")
    example_graphs(out)
    print(f"example graphs in {out}")


if __name__ == "__main__":
    main()
