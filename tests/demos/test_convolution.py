"""demos/convolution.py in quick mode: after three epochs the small CNN, with fewer
parameters, is well ahead of the MLP on the digits, its first filters have grown from their
small start, and every figure and the backward graph are written."""
import shutil
from pathlib import Path

from demos import convolution


def test_convolution_quick(tmp_path):
    results = convolution.run(tmp_path, quick=True)

    cnn, mlp = results["CNN: final test accuracy"], results["MLP: final test accuracy"]
    assert cnn > 0.95                 # chance is 0.1
    assert cnn > mlp + 0.02
    assert results["CNN: parameters"] < results["MLP: parameters"]
    assert results["CNN: test errors"] == round((1 - cnn) * results["test digits"])
    assert results["first-layer filters: RMS after training / RMS at the start"] > 1.5

    names = {Path(path).name for path in results["figures"]}
    graphs = ({"backward_graph.svg", "backward_graph.png"} if shutil.which("dot")
              else {"backward_graph.dot"})   # DOT text without Graphviz
    assert {"training_curves.png", "filters.png", "feature_maps.png"} | graphs == names
    for path in results["figures"]:
        assert Path(path).stat().st_size > 1000
