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
