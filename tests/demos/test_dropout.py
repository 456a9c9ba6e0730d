"""demos/dropout.py in quick mode: dropout narrows the train-validation gap of a network
that memorises noisy labels; it is inverted and inactive in eval mode."""
from pathlib import Path

import pytest

from demos import dropout


def test_dropout_quick(tmp_path):
    results = dropout.run(tmp_path, quick=True)

    def value(name, what):
        return results[f"{name} dropout: {what}"]

    gap = "final train-validation accuracy gap"
    assert value("with", gap) < value("without", gap)
    memorised = "mislabelled training samples predicted as their wrong label"
    assert value("with", memorised) < 0.5 * value("without", memorised)

    p = dropout.HIDDEN_DROPOUT
    assert results[f"Dropout({p}) training mode: share of units kept"] == \
        pytest.approx(1 - p, abs=0.02)
    kept = next(v for k, v in results.items()
                if k.startswith(f"Dropout({p}) training mode: value of every kept unit"))
    assert kept == [pytest.approx(1 / (1 - p))]
    assert results[f"Dropout({p}) training mode: mean output (input 1)"] == \
        pytest.approx(1.0, abs=0.02)
    assert results[f"Dropout({p}) eval mode: largest |output - input|"] == 0
    assert results["dropout net, eval mode: largest difference between two evaluations"] == 0
    assert len(results["figures"]) == 1
    assert all(Path(path).is_file() for path in results["figures"])
