"""demos/activations.py in quick mode: the derivatives autograd computes, and the figures."""
from pathlib import Path

from demos import activations


def test_activations_quick(tmp_path):
    results = activations.run(tmp_path, quick=True)

    assert results["sigmoid' max (at x = 0)"] == 0.25
    assert results["sigmoid' at x = 0"] == 0.25
    assert results["sigmoid' at x = 5"] < 0.01
    assert results["autograd sigmoid' vs s(1 - s), largest difference"] < 1e-6
    assert results["tanh' max (at x = 0)"] == 1.0
    assert results["relu' at x = 3 and x = -3"] == [1.0, 0.0]
    assert results["leaky_relu' at x = -3"] == 0.01
    assert results["step' non-zero entries over the grid"] == 0
    assert results["step: non-zero weight-gradient entries in 20 SGD steps"] == 0
    assert results["step: largest weight change after 20 SGD steps"] == 0.0
    assert results["h(h(h(x))) - c^3 x, largest difference"] < 1e-6
    assert results["3 stacked Linear - 1 Linear (product matrix), largest difference"] < 1e-5
    assert results["same-sign weight-gradient rows, fed by sigmoid"] == 1.0
    assert results["same-sign weight-gradient rows, fed by tanh"] < 0.1
    assert abs(results["softmax sum"] - 1) < 1e-6
    assert results["softmax keeps the order of the scores"]
    assert results["arg-max class"] == 0
    assert results["sigmoid / relu time"] > 0
    assert len(results["figures"]) == 3
    assert all(Path(path).is_file() for path in results["figures"])
