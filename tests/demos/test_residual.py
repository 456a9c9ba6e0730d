"""demos/residual.py in quick mode: through 50 plain layers the gradient vanishes (sigmoid),
explodes (ReLU with batch norm) or survives without teaching anything (ReLU, He); through 50
residual blocks it reaches the first layer within 10x and the networks learn."""
import shutil

from demos import residual

PLAIN = [name for name, (network, _) in residual.CONFIGS.items()
         if network is residual.plain_network]
RESIDUAL = [name for name in residual.CONFIGS if name not in PLAIN]


def _ratio(results, name):
    return results[f"{name}: first/last layer weight gradient"]


def _check_gradients(results):
    assert len(PLAIN) == 3 and len(RESIDUAL) == 3
    assert _ratio(results, "plain sigmoid, N(0, 1/n)") < 1e-20          # vanished
    assert _ratio(results, "plain ReLU, He + batch norm") > 1e3          # exploded
    for name in RESIDUAL:
        assert 0.1 <= _ratio(results, name) <= 10, name
    cosine = "cosine between two digits' features"
    assert results[f"plain ReLU, He: {cosine}"] > 0.99                  # all digits alike
    assert results[f"residual ReLU, He/√50: {cosine}"] < 0.95


def _check_figures(results, out_dir, names):
    graphs = ({"graph_plain_50_layers.png", "graph_residual_50_layers.svg"}
              if shutil.which("dot")
              else {"graph_plain_50_layers.dot", "graph_residual_50_layers.dot"})   # no Graphviz
    written = {p.split("/")[-1] for p in results["figures"]}
    assert set(names) | graphs <= written
    for name in written:
        assert (out_dir / name).stat().st_size > 1000


def test_residual_quick(tmp_path):
    results = residual.run(tmp_path, quick=True)
    _check_gradients(results)
    accuracy = {name: results[f"{name}: final test accuracy on digits"]
                for name in residual.CONFIGS}
    best_plain = max(accuracy[name] for name in PLAIN)
    assert best_plain < 0.2                                              # chance is 0.1
    for name in RESIDUAL:
        assert accuracy[name] > best_plain + 0.1, name
    assert accuracy["residual ReLU, He/√50"] > 0.4
    _check_figures(results, tmp_path,
                   {"gradient_norms_50_layers.png", "training_curves_50_layers.png"})


def test_residual_chapter(tmp_path):
    results = residual.chapter(tmp_path, quick=True)
    _check_gradients(results)
    assert not any("accuracy" in key for key in results)                # no training
    _check_figures(results, tmp_path, {"gradient_norms_50_layers.png"})
