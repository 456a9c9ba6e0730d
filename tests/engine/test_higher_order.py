"""create_graph=True: gradients that are themselves differentiable."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import host, f64


def test_second_derivative_of_a_cubic():
    x = ag.tensor(np.array(2.0), requires_grad=True)
    y = x ** 3
    (g,) = ag.grad(y, x, create_graph=True)
    assert host(g) == pytest.approx(12.0)
    (h,) = ag.grad(g, x)
    assert host(h) == pytest.approx(12.0)   # d2/dx2 x^3 = 6x


def test_backward_with_create_graph_then_backward_again():
    x = ag.tensor(np.array(0.5), requires_grad=True)
    y = x.sigmoid()
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.backward()
    s = 1 / (1 + np.exp(-0.5))
    assert host(x.grad) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-10)


def test_hessian_vector_product_matches_the_explicit_hessian():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    a = a + a.T
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    v = ag.tensor(rng.standard_normal(3))
    A = ag.tensor(a)
    f = 0.5 * (x @ (A @ x)) + (x * x * x).sum()   # Hessian: A + diag(6x)
    (g,) = ag.grad(f, x, create_graph=True)
    (hv,) = ag.grad((g * v).sum(), x)
    hessian = a + np.diag(6 * host(x))
    np.testing.assert_allclose(host(hv), hessian @ host(v), rtol=1e-10)


def test_third_derivative_through_tanh():
    x = ag.tensor(np.array(0.3), requires_grad=True)
    (g1,) = ag.grad(x.tanh(), x, create_graph=True)
    (g2,) = ag.grad(g1, x, create_graph=True)
    (g3,) = ag.grad(g2, x)
    t = np.tanh(0.3)
    # tanh''' = -2 (1 - t^2) (1 - 3 t^2)
    assert host(g3) == pytest.approx(-2 * (1 - t * t) * (1 - 3 * t * t), rel=1e-9)


def test_grad_does_not_touch_grad_attributes():
    x = f64(3)
    y = (x * x).sum()
    (g,) = ag.grad(y, x)
    np.testing.assert_allclose(host(g), 2 * host(x))
    assert x.grad is None


def test_grad_with_respect_to_a_non_leaf():
    x = f64(3)
    h = x * 2.0
    y = (h * h).sum()
    (g,) = ag.grad(y, h)
    np.testing.assert_allclose(host(g), 2 * host(h))


def test_grad_unused_input():
    x, z = f64(2), f64(2, seed=1)
    y = (x * 2.0).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad(y, [x, z])
    gx, gz = ag.grad((x * 2.0).sum(), [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(host(gx), [2.0, 2.0])


def test_grad_with_grad_outputs_for_a_vector_output():
    x = f64(3)
    y = x.exp()
    w = np.array([1.0, 2.0, 3.0])
    (g,) = ag.grad(y, x, grad_outputs=ag.tensor(w))
    np.testing.assert_allclose(host(g), w * np.exp(host(x)))


def test_gradgradcheck_through_a_small_network():
    x = f64(2, 3)
    w = f64(3, 4, seed=1)
    b = f64(4, seed=2)
    assert ag.gradgradcheck(lambda x, w, b: ((x @ w + b).sigmoid() * 2.0).softmax(axis=1),
                            (x, w, b))
