"""The backward pass: chain rule, accumulation, broadcasting, order, second backward."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import host, f64


def test_chain_rule_through_a_small_graph():
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0, requires_grad=True)
    z = x * y + x.exp()          # dz/dx = y + e^x, dz/dy = x
    z.backward()
    assert host(x.grad) == pytest.approx(3.0 + np.exp(2.0), rel=1e-6)
    assert host(y.grad) == pytest.approx(2.0)


def test_add_passes_gradient_unchanged_and_mul_scales_by_the_other_input():
    a = ag.tensor(1.5, requires_grad=True)
    b = ag.tensor(-4.0, requires_grad=True)
    s = a + b
    s.retain_grad()
    p = s * b
    p.backward()
    assert host(s.grad) == pytest.approx(-4.0)            # scaled by the other input, b
    assert host(a.grad) == pytest.approx(host(s.grad))      # add: unchanged


def test_a_tensor_used_several_times_gets_the_sum_of_its_gradients():
    x = f64(3)
    y = (x * x + x * 3.0 + x.sin()).sum()
    y.backward()
    np.testing.assert_allclose(host(x.grad), 2 * host(x) + 3 + np.cos(host(x)))


def test_diamond_graph_counts_each_path_once():
    x = f64(4)
    a = x.sigmoid()
    b = a * 2.0
    c = a * 3.0
    (b + c).sum().backward()
    s = 1 / (1 + np.exp(-host(x)))
    np.testing.assert_allclose(host(x.grad), 5 * s * (1 - s), rtol=1e-12)


def test_broadcasting_is_summed_back_to_each_input_shape():
    a = f64(3, 1)
    b = f64(1, 4, seed=1)
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and b.grad.shape == (1, 4)
    np.testing.assert_allclose(host(a.grad)[:, 0], host(b).sum() * np.ones(3))
    np.testing.assert_allclose(host(b.grad)[0], host(a).sum() * np.ones(4))


def test_gradients_accumulate_across_backward_calls_until_reset():
    x = f64(2)
    (x * 2.0).sum().backward()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(host(x.grad), [4.0, 4.0])
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0])


def test_grad_has_the_shape_and_dtype_of_its_tensor():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = ag.tensor(np.random.default_rng(0).standard_normal((2, 3)))  # float64
    (x @ w).sigmoid().sum().backward()
    assert x.grad.shape == x.shape
    assert x.grad.dtype == np.float32
    assert x.grad.requires_grad is False


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = f64(3)
    y = x * 2.0
    with pytest.raises(RuntimeError, match="scalar"):
        y.backward()
    y.backward(ag.ones(3, dtype=np.float64))
    np.testing.assert_allclose(host(x.grad), [2.0, 2.0, 2.0])


def test_backward_with_a_wrongly_shaped_gradient_is_an_error():
    y = f64(3) * 2.0
    with pytest.raises(RuntimeError, match="shape"):
        y.backward(ag.ones(4, dtype=np.float64))


def test_backward_from_a_tensor_that_does_not_require_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0, 2.0]).sum().backward()


def test_second_backward_without_retain_graph_says_what_to_do():
    x = f64(3)
    y = (x * x).sigmoid().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = f64(3)
    y = (x * x).sigmoid().sum()
    y.backward(retain_graph=True)
    first = host(x.grad).copy()
    y.backward()
    np.testing.assert_allclose(host(x.grad), 2 * first)


def test_non_leaf_tensors_keep_grad_only_after_retain_grad():
    x = f64(3)
    h = x * 2.0
    k = x * 3.0
    k.retain_grad()
    (h * k).sum().backward()
    assert h.grad is None
    np.testing.assert_allclose(host(k.grad), host(h))
    assert x.is_leaf and not h.is_leaf and h.grad_fn is not None and x.grad_fn is None


def test_deep_chain_of_100000_operations_is_iterative():
    x = ag.tensor(np.array([0.1]), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward(np.ones(1))
    assert host(x.grad)[0] == pytest.approx(1.0)


def test_backward_order_is_deterministic():
    def run():
        x = ag.tensor(np.linspace(-1, 1, 7), requires_grad=True)
        parts = [(x * float(k)).sin() for k in range(1, 30)]
        total = parts[0]
        for p in parts[1:]:
            total = total + p * p
        total.sum().backward()
        return host(x.grad).tobytes()
    assert run() == run()


def test_leaf_output_backward_sets_its_own_grad():
    x = ag.tensor(3.0, requires_grad=True)
    x.backward()
    assert host(x.grad) == pytest.approx(1.0)


def test_unused_branch_outputs_do_not_block_backward():
    x = f64(3)
    y = x.exp()
    _unused = y * 5.0
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.exp(host(x)))


def test_multiple_paths_with_broadcast_and_reduction():
    x = f64(2, 3)
    b = f64(3, seed=2)
    y = ((x + b).tanh() * x.mean(axis=0)).sum()
    assert ag.gradcheck(lambda x, b: ((x + b).tanh() * x.mean(axis=0)).sum(), (x, b))
    y.backward()
    assert x.grad.shape == (2, 3) and b.grad.shape == (3,)
