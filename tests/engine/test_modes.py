"""no_grad / enable_grad (thread-local), and anomaly detection."""
import threading

import numpy as np
import pytest

import autograd as ag
from tests.helpers import f64


def test_no_grad_records_nothing():
    x = f64(3)
    with ag.no_grad():
        y = x * 2.0
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad


def test_no_grad_as_decorator_and_enable_grad_inside():
    x = f64(3)

    @ag.no_grad()
    def f(t):
        a = t * 2.0
        with ag.enable_grad():
            b = t * 3.0
        return a, b

    a, b = f(x)
    assert not a.requires_grad
    assert b.requires_grad


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["enabled"] = ag.is_grad_enabled()

    with ag.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["enabled"] is True


def test_no_grad_restores_after_an_exception():
    with pytest.raises(ValueError):
        with ag.no_grad():
            raise ValueError("boom")
    assert ag.is_grad_enabled()


def test_detach_cuts_the_graph():
    x = f64(3)
    y = (x * 2.0).detach()
    assert y.is_leaf and not y.requires_grad
    z = (y * x).sum()
    z.backward()
    np.testing.assert_allclose(np.asarray(x.grad.cpu().data), np.asarray(y.cpu().data))


def test_requires_grad_underscore():
    x = ag.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad
    with pytest.raises(TypeError, match="floating"):
        ag.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2.0).requires_grad_(False)


def _forward_with_nan(x):
    y = x * 0.0
    return (y / y).sum()      # 0/0: NaN made here


def test_anomaly_names_the_forward_operation_and_line():
    x = f64(3)
    with ag.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(FloatingPointError) as info:
            _forward_with_nan(x)
    message = str(info.value)
    assert "Div" in message
    assert "_forward_with_nan" in message and "y / y" in message


def test_anomaly_in_backward_names_the_operation_and_where_it_was_created():
    x = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        y = x.sqrt()          # finite forward; backward divides by 2*sqrt(0) -> inf
        with pytest.raises(FloatingPointError) as info:
            y.sum().backward()
    message = str(info.value)
    assert "Sqrt" in message and "backward" in message
    assert "y = x.sqrt()" in message


def test_without_anomaly_mode_nan_passes_silently():
    x = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert np.isinf(np.asarray(x.grad.cpu().data)[0])


def test_no_grad_decorator_without_parentheses():
    @ag.no_grad
    def f(t):
        return t * 2.0

    assert not f(f64(2)).requires_grad
    assert f.__name__ == "f"
