"""The main job, `make tour`, in its quick setting: every chapter runs into its own folder
and the gradient fades where the chapters say, and is kept where they say."""
from pathlib import Path

from demos import tour


def test_the_tour_runs_its_three_chapters(tmp_path):
    results = tour.run(tmp_path, quick=True)
    folders = {Path(p).parent.name for p in results["figures"]}
    assert folders == {"vanishing_gradient", "residual", "through_time"}
    assert all(Path(p).stat().st_size > 1000 for p in results["figures"])
    assert results["vanishing_gradient: sigmoid, N(0, 1/n): first/last layer weight "
                   "gradient"] < 1e-3
    assert results["residual: plain sigmoid, N(0, 1/n): first/last layer weight "
                   "gradient"] < 1e-20
    assert 0.1 < results["residual: residual ReLU, He/√50: first/last layer weight "
                         "gradient"] < 10
    assert results["through_time: tanh RNN: ‖∂loss/∂h_1‖/‖∂loss/∂h_50‖"] < 1e-3
    assert results["through_time: LSTM, forget bias 3: ‖∂loss/∂h_1‖/‖∂loss/∂h_50‖"] > 1e-2
