"""Losses: every reduction against PyTorch and central differences, the fused cross-entropy
gradient, stability at logits of +-1000, label validation, and dtype preservation."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host, f64

REDUCTIONS = ["mean", "sum", "none"]


def labels_for(shape, classes, seed=0):
    return np.random.default_rng(seed).integers(0, classes, shape)


def run_both(torch, ours, theirs, logits, target, dtype, torch_target=None):
    """Loss and input gradient (weighted, for 'none') from us and from PyTorch."""
    x = ag.tensor(logits.astype(dtype), requires_grad=True)
    loss = ours(x, target)
    weights = np.linspace(0.5, 1.5, loss.size).reshape(loss.shape).astype(dtype)
    (loss * ag.tensor(weights)).sum().backward()
    tx = torch.tensor(logits.astype(dtype), requires_grad=True)
    tloss = theirs(tx, torch.as_tensor(target if torch_target is None else torch_target))
    (tloss * torch.tensor(weights)).sum().backward()
    return (host(loss), host(x.grad)), (tloss.detach().numpy(), tx.grad.numpy())


def assert_same(ours, theirs, dtype):
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **tol)
        assert a.dtype == dtype


# --- against PyTorch ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 4), (1, 3), (4,), (2, 3, 2, 2)])
def test_cross_entropy_matches_pytorch(shape, reduction, dtype):
    torch = pytest.importorskip("torch")
    logits = 3 * np.random.default_rng(1).standard_normal(shape)
    classes = shape[1] if len(shape) > 1 else shape[0]
    label_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    labels = labels_for(label_shape, classes)
    ours, theirs = run_both(torch, lambda x, y: F.cross_entropy(x, y, reduction=reduction),
                            lambda x, y: torch.nn.functional.cross_entropy(
                                x, y, reduction=reduction), logits, labels, dtype)
    assert_same(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_pytorch(reduction, dtype):
    torch = pytest.importorskip("torch")
    log_probs = np.log(np.random.default_rng(2).dirichlet(np.ones(5), size=6))
    labels = labels_for(6, 5)
    ours, theirs = run_both(torch, lambda x, y: F.nll_loss(x, y, reduction=reduction),
                            lambda x, y: torch.nn.functional.nll_loss(x, y, reduction=reduction),
                            log_probs, labels, dtype)
    assert_same(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_matches_pytorch(reduction, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    prediction, target = rng.standard_normal((2, 4, 3))
    ours, theirs = run_both(torch, lambda x, y: F.mse_loss(x, y, reduction=reduction),
                            lambda x, y: torch.nn.functional.mse_loss(x, y, reduction=reduction),
                            prediction, target.astype(dtype), dtype)
    assert_same(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_pytorch(reduction, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    logits = np.concatenate([5 * rng.standard_normal(10), [0.0, 40.0, -40.0, 1000.0, -1000.0]])
    target = np.concatenate([rng.random(10), [1.0, 1.0, 0.0, 1.0, 0.0]]).astype(dtype)
    ours, theirs = run_both(
        torch, lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction=reduction),
        lambda x, y: torch.nn.functional.binary_cross_entropy_with_logits(
            x, y, reduction=reduction), logits, target, dtype)
    assert_same(ours, theirs, dtype)


# --- gradients ----------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(3, 4), (1, 2), (5,), (2, 3, 2)])
def test_cross_entropy_and_nll_gradcheck(shape, reduction):
    label_shape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    classes = shape[1] if len(shape) > 1 else shape[0]
    labels = labels_for(label_shape, classes, seed=5)
    x = f64(*shape)
    assert ag.gradcheck(lambda x: F.cross_entropy(x, labels, reduction), (x,))
    assert ag.gradgradcheck(lambda x: F.cross_entropy(x, labels, reduction), (x,))
    assert ag.gradcheck(lambda x: F.nll_loss(x.log_softmax(axis=1 if x.ndim > 1 else 0),
                                             labels, reduction), (x,))


@settings(max_examples=15, deadline=None)
@given(batch=st.integers(1, 4), classes=st.integers(1, 4), seed=st.integers(0, 100),
       reduction=st.sampled_from(REDUCTIONS))
def test_cross_entropy_gradcheck_on_random_sizes(batch, classes, seed, reduction):
    labels = labels_for(batch, classes, seed)
    x = f64(batch, classes, seed=seed)
    assert ag.gradcheck(lambda x: F.cross_entropy(x, labels, reduction), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_and_bce_gradcheck_for_both_arguments(reduction):
    prediction, target = f64(3, 2), f64(3, 2, seed=1)
    probabilities = f64(3, 2, seed=2, low=0.0, high=1.0)
    assert ag.gradcheck(lambda x, t: F.mse_loss(x, t, reduction), (prediction, target))
    bce = lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction)  # noqa: E731
    assert ag.gradcheck(bce, (prediction, probabilities))
    assert ag.gradgradcheck(bce, (prediction, probabilities))


def test_cross_entropy_is_one_node_with_the_softmax_minus_onehot_gradient():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    labels = np.array([0, 2])
    x = ag.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, labels)
    assert loss.grad_fn.next_functions == ((x, 0),)  # straight from the logits, one node
    loss.backward()
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(host(x.grad), (probs - np.eye(3)[labels]) / 2, rtol=1e-12)
    expected = -np.log(probs[[0, 1], labels]).mean()
    assert host(loss).item() == pytest.approx(expected, rel=1e-12)


def test_nll_of_log_softmax_equals_cross_entropy():
    x = ag.tensor(np.random.default_rng(6).standard_normal((4, 5)))
    labels = labels_for(4, 5, seed=6)
    np.testing.assert_allclose(host(F.nll_loss(F.log_softmax(x, axis=1), labels)),
                               host(F.cross_entropy(x, labels)), rtol=1e-12)


def test_bce_gradient_at_zero_logit_is_sigmoid_minus_target():
    x = ag.tensor(np.array([0.0, 0.0]), requires_grad=True)
    F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0]), reduction="sum").backward()
    np.testing.assert_allclose(host(x.grad), [-0.5, 0.5])


# --- stability ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_at_plus_minus_1000(dtype):
    x = ag.tensor(np.array([[1000.0, -1000.0], [1000.0, -1000.0]], dtype=dtype),
                  requires_grad=True)
    losses = F.cross_entropy(x, np.array([0, 1]), reduction="none")
    assert host(losses).tolist() == [0.0, 2000.0]
    losses.sum().backward()
    assert host(x.grad).tolist() == [[0.0, 0.0], [1.0, -1.0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_is_finite_at_plus_minus_1000(dtype):
    x = ag.tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0], dtype=dtype),
                  requires_grad=True)
    losses = F.binary_cross_entropy_with_logits(x, np.array([0.0, 1.0, 1.0, 0.0]), "none")
    assert host(losses).tolist() == [1000.0, 1000.0, 0.0, 0.0]
    losses.sum().backward()
    assert host(x.grad).tolist() == [1.0, -1.0, 0.0, 0.0]
    assert x.grad.dtype == dtype


def test_bce_is_exact_where_the_loss_is_tiny():
    x = ag.tensor(np.array([30.0, -30.0]))
    losses = host(F.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0]), "none"))
    np.testing.assert_allclose(losses, np.log1p(np.exp(-30.0)), rtol=1e-14)


# --- labels, targets and arguments --------------------------------------------------------
def test_labels_may_be_numpy_tensor_or_list():
    x = ag.tensor(np.random.default_rng(7).standard_normal((3, 4)))
    labels = np.array([3, 0, 1])
    expected = host(F.cross_entropy(x, labels))
    assert host(F.cross_entropy(x, ag.tensor(labels))) == expected
    assert host(F.cross_entropy(x, [3, 0, 1])) == expected
    assert host(F.cross_entropy(x, labels.astype(np.int32))) == expected
    assert host(nn.CrossEntropyLoss()(x, labels)) == expected


@pytest.mark.parametrize("function", [F.cross_entropy, F.nll_loss])
def test_bad_labels_raise_clear_errors(function):
    name = function.__name__
    x = ag.zeros(3, 4)
    with pytest.raises(ValueError, match=rf"{name}: labels must be integer class indices, "
                                         r"got dtype float64 \(labels of shape \(3,\), "
                                         r"input of shape \(3, 4\)\).*astype"):
        function(x, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"{name}: label 4 is out of range for an input of "
                                         r"shape \(3, 4\) with 4 classes"):
        function(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=rf"{name}: label -1 is out of range"):
        function(x, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match=rf"{name}: input of shape \(3, 4\) needs labels of "
                                         r"shape \(3,\).*got shape \(3, 4\)"):
        function(x, np.zeros((3, 4), dtype=np.int64))
    with pytest.raises(ValueError, match=rf"{name}: reduction must be"):
        function(x, np.array([0, 1, 2]), reduction="avg")
    with pytest.raises(ValueError, match=rf"{name}: input must be floating"):
        function(ag.tensor(np.zeros((3, 4), dtype=np.int64)), np.array([0, 1, 2]))


def test_target_shape_mismatch_raises():
    with pytest.raises(ValueError, match=r"mse_loss: target of shape \(3,\) does not match "
                                         r"input of shape \(3, 1\)"):
        F.mse_loss(ag.zeros(3, 1), np.zeros(3))
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits: target"):
        nn.BCEWithLogitsLoss()(ag.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="MSELoss: reduction"):
        nn.MSELoss(reduction="total")


@pytest.mark.parametrize("loss_fn,target", [
    (nn.MSELoss(), np.zeros((4, 3))), (nn.CrossEntropyLoss(), np.array([0, 1, 2, 0])),
    (nn.NLLLoss(reduction="sum"), np.array([0, 1, 2, 0])),
    (nn.BCEWithLogitsLoss(reduction="none"), np.ones((4, 3)))], ids=repr)
def test_losses_keep_float32(loss_fn, target):
    x = ag.tensor(np.random.default_rng(8).standard_normal((4, 3)).astype(np.float32),
                  requires_grad=True)
    loss = loss_fn(x, target)
    loss.sum().backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32


def test_loss_modules_repr_and_reduction():
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.NLLLoss(reduction="none")) == "NLLLoss(reduction='none')"
    x = ag.tensor(np.array([[1.0, 2.0], [3.0, 1.0]]))
    target = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert host(nn.MSELoss(reduction="sum")(x, target)).item() == 1 + 4 + 4 + 0
    assert host(nn.MSELoss(reduction="none")(x, target)).tolist() == [[1, 4], [4, 0]]
