"""register_hook, removable handles, retain_grad."""
import numpy as np

import autograd as ag
from tests.helpers import host, f64


def test_leaf_hook_sees_and_can_replace_the_gradient():
    x = f64(3)
    seen = []
    handle = x.register_hook(lambda g: seen.append(host(g).copy()) or g * 2.0)
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(seen[0], [3.0, 3.0, 3.0])
    np.testing.assert_allclose(host(x.grad), [6.0, 6.0, 6.0])
    handle.remove()
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(host(x.grad), [3.0, 3.0, 3.0])
    assert len(seen) == 1


def test_leaf_hook_runs_once_on_the_summed_gradient():
    x = f64(2)
    calls = []
    x.register_hook(lambda g: calls.append(host(g).copy()))
    (x * 2.0 + x * 5.0).sum().backward()
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], [7.0, 7.0])


def test_non_leaf_hook_changes_what_flows_further():
    x = f64(3)
    h = x * 2.0
    h.register_hook(lambda g: g * 0.0)
    (h * h).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.zeros(3))


def test_retain_grad_sees_the_hooked_gradient():
    x = f64(3)
    h = x.exp()
    h.retain_grad()
    h.register_hook(lambda g: g * 10.0)
    h.sum().backward()
    np.testing.assert_allclose(host(h.grad), 10 * np.ones(3))


def test_hook_on_a_tensor_without_grad_is_an_error():
    import pytest
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(lambda g: g)


def test_hook_returning_a_wrong_shape_is_an_error():
    import pytest
    x = f64(3)
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="shape"):
        (x * 1.0).sum().backward()
