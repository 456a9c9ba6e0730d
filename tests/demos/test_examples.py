"""The ports in examples/ run and reach what their originals reach."""
import numpy as np
import pytest

pytest.importorskip("sklearn")


def test_micrograd_demo_separates_the_moons(tmp_path):
    from examples import micrograd_demo
    model, X, y, final_loss, accuracy = micrograd_demo.train(verbose=False)
    assert accuracy == 1.0 and final_loss < 0.02      # micrograd reaches about 0.011
    assert micrograd_demo.plot(model, X, y, tmp_path / "moons.png").stat().st_size > 1000


def test_makemore_part3_trains_and_draws_its_diagnostics(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from examples import makemore_part3
    monkeypatch.setattr(makemore_part3, "OUT", tmp_path)
    C, model, monitor, data, lossi = makemore_part3.train(max_steps=300)
    assert np.mean(lossi[-20:]) < lossi[0] - 0.05       # log10 of the loss: it learns
    assert list(monitor.history["update_data"]) == ["0", "3", "6", "9", "12", "15"]
    assert makemore_part3.plots(C, model, monitor, data).stat().st_size > 10_000


def test_the_pytorch_quickstart_port_runs_as_the_tutorial_does(tmp_path):
    import os
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-m", "examples.pytorch_quickstart"], cwd=tmp_path,
                            env=dict(os.environ, PYTHONPATH=str(root)), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Shape of X [N, C, H, W]:  (64, 1, 8, 8)" in out and "int64" in out
    assert out.count("Test Error") == 5 and "Done!" in out and 'Predicted: "' in out
    assert (tmp_path / "model.pth").stat().st_size > 10_000
