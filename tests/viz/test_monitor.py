"""GradientMonitor over training: what it records every N steps, in nn.fit and in a loop of
one's own, its pictures, and the explorer's step slider fed from it."""
import math
import shutil

import numpy as np
import pytest

import autograd as ag
import nn
from nn.gradflow import GradientMonitor


def _tanh_net(depth=4, width=16, weight_std=None):
    nn.manual_seed(0)
    layers = []
    for k in range(depth):
        linear = nn.Linear(8 if k == 0 else width, width)
        if weight_std is not None:
            nn.init.normal_(linear.weight, 0.0, weight_std)
        layers += [linear, nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, 3))


def _data(n=96):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0).astype(np.int64)


def test_fit_reports_every_nth_step_per_layer():
    model = _tanh_net()
    monitor = GradientMonitor(model, every=4)
    x, y = _data()
    nn.fit(model, x, y, optimizer=nn.optim.SGD(model.parameters(), lr=0.1), epochs=2,
           batch_size=16, callbacks=[monitor], progress=False)
    assert monitor.steps == [0, 4, 8]                        # 12 steps of batch 16
    assert list(monitor.history["grad_norm"]) == ["0", "2", "4", "6", "8"]
    for name, param in monitor.layers.items():
        assert param is dict(model.named_parameters())[f"{name}.weight"]
    # SGD's update is lr * grad, so update:data is grad:data shifted by log10(lr)
    for name in monitor.layers:
        np.testing.assert_allclose(monitor.history["update_data"][name],
                                   np.array(monitor.history["grad_data"][name]) - 1, atol=1e-4)
    assert all(0 <= s <= 1 for s in monitor.history["saturated"]["1"])
    assert monitor.history["dead"] == {}                       # no rectifier here


def test_saturation_threshold_and_dead_units():
    model = _tanh_net(weight_std=3.0)                           # drives tanh to +-1
    monitor = GradientMonitor(model, every=1, saturation=0.97)
    x, _ = _data()
    with monitor.step():
        (model(ag.tensor(x)) ** 2).mean().backward()
    with ag.no_grad():
        outputs = np.abs(model[:2](ag.tensor(x)).cpu().numpy())
    assert math.isclose(monitor.history["saturated"]["1"][0], (outputs > 0.97).mean())
    relu = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
    nn.init.constant_(relu[0].bias, -100.0)                     # every unit is dead
    monitor = GradientMonitor(relu, every=1)
    with monitor.step():
        relu(ag.tensor(x)).sum().backward()
    assert monitor.history["dead"]["1"] == [1.0]


def test_a_vanishing_network_is_a_pale_band_of_the_heatmap():
    model = _tanh_net(depth=8, weight_std=0.05)                 # activations shrink to 0
    monitor = GradientMonitor(model, every=1)
    x, y = _data()
    opt = nn.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(3):
        with monitor.step():
            loss = nn.functional.cross_entropy(model(ag.tensor(x)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    norms = monitor.history["grad_norm"]
    assert norms["0"][-1] < 1e-3 * norms["16"][-1]
    pytest.importorskip("matplotlib")
    image = monitor.plot_heatmap(layers=["0", "16"]).get_images()[0]
    input_side, output_side = (image.cmap(image.norm(row[-1])) for row in image.get_array())
    brightness = [sum(colour[:3]) for colour in (input_side, output_side)]
    assert brightness[0] > brightness[1] + 1   # pale where it vanishes, as in the graphs


def test_the_pictures(tmp_path):
    pytest.importorskip("matplotlib")
    model = _tanh_net()
    monitor = GradientMonitor(model, every=2)
    x, y = _data()
    nn.fit(model, x, y, epochs=1, batch_size=16, callbacks=[monitor], progress=False)
    axes = monitor.plot()
    assert axes[0].get_images()[0].get_array().shape == (5, 3)   # layers × recorded steps
    assert any(line.get_ydata()[0] == -3 for line in axes[1].get_lines())   # the 1e-3 guide
    axes[0].figure.savefig(tmp_path / "monitor.png")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_explorer_carries_the_history_for_its_step_slider():
    model = _tanh_net()
    monitor = GradientMonitor(model, every=3)
    x, y = _data()
    nn.fit(model, x, y, epochs=1, batch_size=16, callbacks=[monitor], progress=False)
    loss = nn.functional.cross_entropy(model(ag.tensor(x)), y)
    loss.backward()
    page = ag.viz.to_html(loss, params=model, history=monitor)
    assert '"steps": [0, 3]' in page and '"grad_norm": {"0": [' in page


def test_bad_arguments():
    with pytest.raises(ValueError, match="every must be an integer"):
        GradientMonitor(_tanh_net(), every=0)
    with pytest.raises(ValueError, match=r"saturation must be in \(0, 1\)"):
        GradientMonitor(_tanh_net(), saturation=1.5)
