"""Smoke test of the main job, the vanishing-gradient tour, in its quick setting."""
import shutil

from demos import vanishing_gradient


def test_vanishing_gradient_tour(tmp_path):
    results = vanishing_gradient.run(tmp_path, quick=True)
    assert results["sigmoid, N(0, 1/n): first/last layer weight gradient"] <= 1e-3
    assert results["ReLU, He: first/last layer weight gradient"] >= 0.1
    assert results["sigmoid + batch norm: first/last layer weight gradient"] >= 0.1
    assert results["largest sigmoid σ' mean"] <= 0.25
    assert results["ReLU, N(0, 9/n): explodes: first/last layer backward signal"] >= 100
    assert (results["ReLU, He: final test accuracy on digits"] >
            results["sigmoid, N(0, 1/n): final test accuracy on digits"])
    names = {p.split("/")[-1] for p in results["figures"]}
    graphs = ({"graph_sigmoid.svg", "graph_relu_he.png"} if shutil.which("dot")
              else {"graph_sigmoid.dot", "graph_relu_he.dot"})   # DOT text without Graphviz
    assert {"gradient_norms.png", "training_curves.png"} | graphs <= names
    for p in results["figures"]:
        assert (tmp_path / p.split("/")[-1]).stat().st_size > 1000
