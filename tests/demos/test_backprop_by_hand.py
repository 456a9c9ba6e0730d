"""demos/backprop_by_hand.py in quick mode: the chain rule at add and multiply nodes, memory
kept for backward, underflow, and mini-batches."""
import shutil
from pathlib import Path

import pytest

from demos import backprop_by_hand

pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="drawing the graphs needs Graphviz's dot")


def test_backprop_by_hand_quick(tmp_path):
    results = backprop_by_hand.run(tmp_path, quick=True)

    assert results["f = (x + y) * z at x=2, y=-3, z=4"] == -4.0
    assert results["gradient arriving at the add node (df/dq, q = x + y)"] == 4.0
    assert results["df/dx, df/dy"] == [4.0, 4.0]
    assert results["add node passes its gradient unchanged"]
    assert results["df/dz (= x + y)"] == -1.0
    assert results["multiply node scales by the other input"]

    batch = results["MLP forward: batch size"]
    kept = results["MLP forward: bytes the graph keeps for backward"]
    assert kept >= 2 * batch * 256 * 4  # at least the two hidden layers' outputs, float32
    assert results["same forward under no_grad: bytes kept"] == 0
    held = results["host bytes still allocated after forward, recording the graph"]
    assert held > 10 * results["host bytes still allocated after forward, under no_grad"]

    float32_depth = results["sigmoids until the float32 gradient is exactly 0"]
    float64_depth = results["sigmoids until the float64 gradient is exactly 0"]
    assert 50 < float32_depth < float64_depth
    assert results["float64 gradient there, where float32's is already 0"] > 0

    updates = {k: v[0] for k, v in results.items() if "updates per epoch" in k}
    assert updates["batch size 1: updates per epoch, final test loss, final test accuracy"] \
        == 320
    assert updates["full batch: updates per epoch, final test loss, final test accuracy"] == 1
    assert len(results["figures"]) == 6
    assert all(Path(path).is_file() for path in results["figures"])
