"""demos/dying_relu.py in quick mode: ReLU units die and get exactly zero gradient; the
leaky variants have no dead units."""
from pathlib import Path

import pytest

from demos import dying_relu


def test_dying_relu_quick(tmp_path):
    results = dying_relu.run(tmp_path, quick=True)

    def dead(setting, name):
        return results[f"{setting}, {name}: dead share before training, after"]

    before, after = dead("bias -2", "ReLU")
    assert before > 0.5 and after >= before
    assert results["bias -2, ReLU: dead units revived, hidden layer 1, layer 2"][0] == 0
    before, after = dead("lr 0.03", "ReLU")
    assert after > before + 0.2
    for setting in dying_relu.SETTINGS:
        for name in ("LeakyReLU", "PReLU", "ELU"):
            assert dead(setting, name) == [0.0, 0.0]
    for name in ("PReLU", "ELU"):  # they train where ReLU is stuck
        assert results[f"bias -2, {name}: final training loss, accuracy"][0] < \
            results["bias -2, ReLU: final training loss, accuracy"][0]

    per_layer = results["lr 0.03, ReLU: dead share per layer, by nn.gradflow.dead_unit_fraction"]
    assert sum(per_layer) / len(per_layer) == pytest.approx(after)
    assert results["lr 0.03, ReLU: dead hidden units after training"] > 0
    assert results["lr 0.03, ReLU: largest |gradient| into a dead unit (weights and bias)"] == 0
    assert results["lr 0.03, ReLU: largest |gradient| into a live unit"] > 0
    assert len(results["figures"]) == 1
    assert all(Path(path).is_file() for path in results["figures"])
