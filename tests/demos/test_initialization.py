"""demos/initialization.py in quick mode: activation spreads per initialisation, symmetry,
and the Xavier/He formulas."""
from pathlib import Path

import pytest

from demos import initialization


def test_initialization_quick(tmp_path):
    results = initialization.run(tmp_path, quick=True)

    bound = results["tanh spread bound"]
    collapsed = results["tanh, std 0.01: std at layer 5"]
    assert results["tanh, Xavier: std at layer 5"] > bound > collapsed
    assert collapsed < 1e-3
    assert results["tanh, N(0, 1): share within 0.04 of ±1 at layer 5"] > 0.5
    assert results["sigmoid, N(0, 1): share within 0.02 of 0 or 1 at layer 5"] > 0.3
    assert results["tanh, Xavier: share within 0.04 of ±1 at layer 5"] < 0.05
    assert results["relu, Xavier: std layer 5 / layer 1"] < 0.5
    assert 0.7 < results["relu, He: std layer 5 / layer 1"] < 1.4
    assert results["constant init 0.1: largest difference between hidden units' weight rows"] \
        == 0.0
    assert results["constant init 0.1: distinct hidden units (of 16)"] == 1
    assert results["constant init 0.1: how far the hidden weights moved"] > 0
    for key in ("xavier_normal std", "xavier_uniform largest |w|", "he_normal std"):
        drawn, formula = results[f"{key}, 300 in / 200 out: drawn, formula"]
        assert drawn == pytest.approx(formula, rel=0.03)
    assert len(results["figures"]) == 4
    assert all(Path(path).is_file() for path in results["figures"])
