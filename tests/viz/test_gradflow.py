"""Gradient-flow diagnostics over a model: gradient norms per layer, activation statistics,
dead ReLU units."""
import gc
import math
import weakref

import numpy as np
import pytest

import autograd as ag
import nn
from nn import gradflow


def _sigmoid_net(layers=5, width=30, std=None):
    modules = []
    for _ in range(layers):
        linear = nn.Linear(width, width)
        if std is not None:
            nn.init.normal_(linear.weight, 0.0, std)
        modules += [linear, nn.Sigmoid()]
    return nn.Sequential(*modules)


def test_gradient_norms_match_the_parameters():
    nn.manual_seed(0)
    model = _sigmoid_net()
    (model(ag.randn(16, 30)) ** 2).mean().backward()
    rows = gradflow.gradient_norms(model)
    assert [r.full_name for r in rows] == [n for n, _ in model.named_parameters()]
    for row, (_, p) in zip(rows, model.named_parameters()):
        g = np.asarray(ag.backend.to_device(p.grad.data, "cpu"), dtype=np.float64)
        assert row.norm == pytest.approx(float(np.linalg.norm(g)), rel=1e-6)
        assert row.rms == pytest.approx(float(np.sqrt(np.mean(g * g))), rel=1e-6)


def test_gradient_table_shows_the_decay_towards_the_input():
    nn.manual_seed(0)
    model = _sigmoid_net(std=1 / math.sqrt(30))
    (model(ag.randn(16, 30)) ** 2).mean().backward()
    table = gradflow.gradient_table(model)
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["layer", "parameter"] and len(lines) == 6
    ratios = [float(line.split()[-1]) for line in lines[1:]]
    assert ratios[-1] == 1.0 and ratios == sorted(ratios)   # smaller towards the input


def test_parameters_without_grad_are_nan():
    model = _sigmoid_net(layers=1)
    assert all(math.isnan(r.norm) for r in gradflow.gradient_norms(model))


def test_plot_gradient_norms_uses_a_log_scale():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    nn.manual_seed(0)
    model = _sigmoid_net()
    (model(ag.randn(4, 30)) ** 2).mean().backward()
    ax = gradflow.plot_gradient_norms(model)
    assert ax.get_yscale() == "log" and len(ax.lines) == 2
    assert "layer" in ax.get_xlabel()


def test_activation_recorder_saturation_with_large_weights():
    # N(0, 1) weights push tanh to +-1
    nn.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(5) for m in (nn.Linear(100, 100), nn.Tanh())])
    for m in model.children():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 1.0)
    with gradflow.ActivationRecorder(model) as rec:
        model(ag.randn(200, 100))
    assert list(rec.stats) == ["1", "3", "5", "7", "9"]
    assert all(s.saturated > 0.5 for s in rec.stats.values())
    counts, edges = rec.stats["9"].histogram
    assert counts.sum() == 200 * 100 and edges[0] == -1 and edges[-1] == 1
    assert "Tanh" in rec.table()
    # the hooks are gone after the block
    model(ag.randn(2, 100))
    assert rec.stats["1"].histogram[0].sum() == 200 * 100


def test_dead_relu_units_are_counted():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 50), nn.ReLU(), nn.Linear(50, 50), nn.ReLU())
    nn.init.constant_(model[0].bias, -100.0)     # every unit of layer 1 is negative
    dead = gradflow.dead_unit_fraction(model, ag.randn(64, 10))
    assert dead["1"] == 1.0
    nn.init.constant_(model[2].bias, -1.0)   # layer 3 sees only zeros plus this bias
    assert gradflow.dead_unit_fraction(model, ag.randn(64, 10))["3"] == 1.0
    nn.init.constant_(model[2].bias, 1.0)
    assert gradflow.dead_unit_fraction(model, ag.randn(64, 10))["3"] == 0.0


def test_recording_keeps_no_graph_alive():
    nn.manual_seed(0)
    model = _sigmoid_net(layers=2)
    with gradflow.ActivationRecorder(model) as rec:
        out = model(ag.randn(8, 30))
    ref = weakref.ref(out.grad_fn)
    was = gc.isenabled()
    gc.disable()
    try:
        del out
        assert ref() is None
    finally:
        if was:
            gc.enable()
    assert len(rec.stats) == 2
