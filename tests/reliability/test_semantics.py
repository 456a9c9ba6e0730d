"""PyTorch's meaning where tracegrad used to differ silently: grad() stops at its inputs,
no_grad covers generator functions, requires_grad_ on a non-leaf, gradients on the wrong
device."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import f64, host


def test_grad_stops_at_its_inputs_and_runs_no_hook_beyond_them():
    x = f64(3)
    early = x * 2.0
    seen = []
    early.register_hook(lambda g: seen.append("early"))
    x.register_hook(lambda g: seen.append("leaf"))
    h = early
    for _ in range(2000):
        h = h * 1.0
    middle = h.exp()
    y = (middle * 3.0).sum()
    (g,) = ag.grad(y, middle)
    np.testing.assert_allclose(host(g), np.full(3, 3.0))
    assert seen == []                                 # nothing behind `middle` ran
    assert len(ag.graph.last_backward()) <= 3         # not the 2,000-node chain
    (gx,) = ag.grad((middle * 3.0).sum(), x)          # a leaf: the whole way
    np.testing.assert_allclose(host(gx), 6.0 * host(middle))
    assert seen == ["early", "leaf"]


def test_grad_with_several_inputs_stops_below_the_oldest():
    x = f64(2)
    a = x.sin()
    b = a * 2.0
    c = (b * b).sum()
    ga, gb = ag.grad(c, [a, b])
    np.testing.assert_allclose(host(gb), 2 * host(b))
    np.testing.assert_allclose(host(ga), 2 * host(gb))


def test_no_grad_on_a_generator_function_covers_its_body():
    w = f64(3)

    @ag.no_grad()
    def evaluate(batches):
        for batch in batches:
            yield (w * batch).sum()

    outputs = list(evaluate([1.0, 2.0, 3.0]))
    assert not any(o.requires_grad for o in outputs)
    assert ag.is_grad_enabled()

    @ag.no_grad
    def with_return():
        yield w * 2.0
        return "done"
    gen = with_return()
    assert not next(gen).requires_grad
    with pytest.raises(StopIteration) as info:
        next(gen)
    assert info.value.value == "done"


def test_enable_grad_inside_a_generator_under_no_grad():
    w = f64(2)

    @ag.enable_grad()
    def train_steps():
        yield (w * 2.0).sum()
    with ag.no_grad():
        (out,) = list(train_steps())
    assert out.requires_grad


def test_requires_grad_on_a_non_leaf_that_requires_grad_returns_it():
    h = f64(3) * 2.0
    assert h.requires_grad_() is h
    assert h.requires_grad_(True) is h
    with pytest.raises(RuntimeError, match="leaf"):
        h.requires_grad_(False)


def test_a_gradient_on_another_device_is_refused():
    if not ag.cuda.is_available() or ag.get_default_device() == "cpu":
        pytest.skip("needs a GPU (or the stand-in) as the default device")
    x = ag.tensor(np.ones(3), requires_grad=True)             # on the GPU
    y = x * 2.0
    with pytest.raises(RuntimeError, match="on device cpu, the output on cuda"):
        y.backward(ag.tensor(np.ones(3), device="cpu"))


def test_fit_sends_batches_to_the_models_device():
    if not ag.cuda.is_available():
        pytest.skip("needs a GPU (or the stand-in)")
    import nn
    previous = ag.get_default_device()
    ag.set_default_device("cpu")
    try:
        nn.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to("cuda")
        x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
        y = (x[:, 0] > 0).astype(np.int64)
        history = nn.fit(model, x, y, epochs=2, batch_size=8, validation_data=(x, y))
        assert len(history["val_loss"]) == 2
        assert nn.predict(model, x).device.startswith("cuda")
    finally:
        ag.set_default_device(previous)
