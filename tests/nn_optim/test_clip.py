"""clip_grad_norm_: PyTorch's semantics."""
import math

import numpy as np
import pytest

import autograd as ag
from nn.clip import clip_grad_norm_
from tests.helpers import host

GRADS = [np.array([3.0, -4.0, 1.0]), np.array([[2.0, 0.5], [-1.0, 6.0]])]


def params_with_grads(dtype=np.float64, grads=GRADS):
    params = []
    for grad in grads:
        p = ag.tensor(np.zeros(grad.shape, dtype=dtype), requires_grad=True)
        p.grad = ag.tensor(grad.astype(dtype))
        params.append(p)
    return params


def test_total_norm_is_the_norm_of_all_gradients_together_and_ignores_missing_ones():
    params = params_with_grads() + [ag.tensor(np.ones(3), requires_grad=True)]
    total = clip_grad_norm_(params, max_norm=1e9)
    assert isinstance(total, ag.Tensor) and total.ndim == 0
    expected = math.sqrt(sum(float((g ** 2).sum()) for g in GRADS))
    assert total.item() == pytest.approx(expected, rel=1e-12)


def test_large_gradients_are_scaled_down_to_max_norm_keeping_their_direction():
    params = params_with_grads()
    old_grads = [p.grad for p in params]
    total = clip_grad_norm_(params, max_norm=2.0).item()
    scale = 2.0 / (total + 1e-6)
    for p, old, grad in zip(params, old_grads, GRADS):
        assert p.grad is not old  # a new tensor; the old gradient array is untouched
        np.testing.assert_array_equal(host(old), grad)
        np.testing.assert_allclose(host(p.grad), grad * scale, rtol=1e-12)
    new_total = math.sqrt(sum(float((host(p.grad) ** 2).sum()) for p in params))
    assert new_total == pytest.approx(2.0, rel=1e-6)


def test_small_gradients_are_left_alone():
    params = params_with_grads()
    old_grads = [p.grad for p in params]
    clip_grad_norm_(params, max_norm=100.0)
    assert all(p.grad is old for p, old in zip(params, old_grads))


@pytest.mark.parametrize("norm_type, expected", [
    (math.inf, 6.0),
    ("inf", 6.0),
    (1.0, 3 + 4 + 1 + 2 + 0.5 + 1 + 6),
    (3.0, (27 + 64 + 1 + 8 + 0.125 + 1 + 216) ** (1 / 3)),
])
def test_other_norms(norm_type, expected):
    params = params_with_grads()
    total = clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type).item()
    assert total == pytest.approx(expected, rel=1e-12)
    assert float(np.abs(host(params[1].grad)).max()) == pytest.approx(6.0 / (expected + 1e-6))


def test_float32_gradients_stay_float32_and_a_single_tensor_is_accepted():
    (param,) = params_with_grads(np.float32, GRADS[:1])
    total = clip_grad_norm_(param, max_norm=1.0)
    assert total.dtype == np.float32 and param.grad.dtype == np.float32
    assert total.item() == pytest.approx(math.sqrt(26), rel=1e-6)


def test_no_gradients_gives_zero():
    assert clip_grad_norm_([ag.tensor([1.0], requires_grad=True)], 1.0).item() == 0.0


def test_non_finite_norm():
    (param,) = params_with_grads(grads=[np.array([1.0, np.nan])])
    assert math.isnan(clip_grad_norm_([param], 1.0).item())
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([param], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_([param], 1.0, norm_type=-1)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 50.0])
def test_same_as_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    ours = params_with_grads(np.float32)
    theirs = []
    for grad in GRADS:
        t = torch.zeros(grad.shape, requires_grad=True)
        t.grad = torch.tensor(grad, dtype=torch.float32)
        theirs.append(t)
    our_total = clip_grad_norm_(ours, max_norm, norm_type)
    their_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert our_total.item() == pytest.approx(their_total.item(), rel=1e-6)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(host(p.grad), t.grad.numpy(), rtol=1e-6)
