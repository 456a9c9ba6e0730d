"""demos/optimizers.py in quick mode: every optimiser descends the valley and trains the
digits MLP."""
import math
from pathlib import Path

from demos import optimizers


def test_optimizers_quick(tmp_path):
    results = optimizers.run(tmp_path, quick=True)

    start = results["valley: f at the start"]
    steps = results["valley: steps"]
    for name in optimizers.OPTIMIZERS:
        assert results[f"valley: f after {steps} steps, {name}"] < 0.01 * start
        loss, accuracy = results[f"digits: {name}: final training loss, test accuracy"]
        assert loss < math.log(10)  # below the loss of a uniform guess over 10 classes
        assert accuracy > 0.5
    ranking = results["digits: ranking by final training loss (lowest first)"].split(", ")
    assert sorted(ranking) == sorted(optimizers.OPTIMIZERS)
    assert len(results["figures"]) == 2
    assert all(Path(path).is_file() for path in results["figures"])
