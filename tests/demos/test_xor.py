"""demos/xor.py in quick mode: only the network with a non-linear hidden layer solves XOR."""
from pathlib import Path

from demos import xor


def test_xor_quick(tmp_path):
    results = xor.run(tmp_path, quick=True)

    assert results["hidden layer, tanh: accuracy"] == 1.0
    assert results["one Linear layer: accuracy"] <= 0.75
    assert results["hidden layer, no activation: accuracy"] <= 0.75
    assert results["hidden layer, tanh: final loss"] < 0.1
    assert results["one Linear layer: final loss"] > 0.6
    assert len(results["figures"]) == 2
    assert all(Path(path).is_file() for path in results["figures"])
