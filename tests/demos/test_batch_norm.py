"""demos/batch_norm.py in quick mode: BatchNorm trains from a bad initial scale where the
plain network cannot, and its output on one batch follows the formula."""
from pathlib import Path

import pytest

from demos import batch_norm


def test_batch_norm_quick(tmp_path):
    results = batch_norm.run(tmp_path, quick=True)

    def final(std, with_bn):
        name = f"std {std:g}, {'with' if with_bn else 'without'} BatchNorm"
        return results[f"{name}: final training accuracy"]

    stds = batch_norm.QUICK_WEIGHT_STDS
    smallest = min(stds)
    assert final(smallest, True) > final(smallest, False) + 0.5
    for std in stds:
        assert final(std, True) > final(std, False)
    spread_with = max(final(s, True) for s in stds) - min(final(s, True) for s in stds)
    spread_without = max(final(s, False) for s in stds) - min(final(s, False) for s in stds)
    assert spread_with < spread_without  # less sensitive to the initial scale

    assert results["one batch: x_hat mean, largest |.| over units"] < 1e-4
    low, high = results["one batch: x_hat variance, range over units"]
    predicted = results["one batch: x_hat variance the formula predicts, "
                        "sigma_B^2/(sigma_B^2+eps), smallest"]
    assert low == pytest.approx(predicted, abs=1e-4)
    assert 0.9 < low <= high < 1.0 + 1e-4
    assert results["one batch: largest |layer output - formula|"] < 1e-5
    assert len(results["figures"]) == 2
    assert all(Path(path).is_file() for path in results["figures"])
