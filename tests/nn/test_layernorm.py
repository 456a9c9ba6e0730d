"""LayerNorm: per-sample normalisation over the trailing axes, against PyTorch and central
differences (first and second derivatives), its parameters, dtypes and bad shapes."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host


def test_parameters_repr_and_label():
    layer = nn.LayerNorm(5)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [("weight", (5,)),
                                                                   ("bias", (5,))]
    assert (host(layer.weight) == 1).all() and (host(layer.bias) == 0).all()
    assert repr(layer) == "LayerNorm((5,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert nn.LayerNorm((4, 5)).graph_label() == "LayerNorm(4×5)"
    plain = nn.LayerNorm((4, 5), elementwise_affine=False)
    assert list(plain.parameters()) == [] and plain.weight is None
    assert repr(plain) == "LayerNorm((4, 5), eps=1e-05, elementwise_affine=False, bias=False)"


def test_each_sample_is_normalised_over_its_features_with_the_biased_variance():
    x = np.random.default_rng(0).normal(3.0, 2.0, (6, 8)).astype(np.float32)
    y = host(nn.LayerNorm(8)(ag.tensor(x)))
    expected = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True)
                                                             + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    assert y.dtype == np.float32


def test_large_offsets_and_float32_stay_accurate():
    """The variance is the mean of the centred squares: no cancellation at a large mean."""
    x = (1e4 + np.random.default_rng(1).standard_normal((4, 64))).astype(np.float32)
    y = host(F.layer_norm(ag.tensor(x), 64))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.std(axis=1), 1.0, rtol=2e-3)


@pytest.mark.parametrize("shape, normalized", [((4, 5), 5), ((2, 3, 4), (3, 4)), ((5,), (5,))])
@pytest.mark.parametrize("affine", [True, False])
def test_matches_pytorch(shape, normalized, affine):
    torch = pytest.importorskip("torch")
    ag.set_default_dtype(np.float64)
    theirs = torch.nn.LayerNorm(normalized, elementwise_affine=affine).double()
    ours = nn.LayerNorm(normalized, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            theirs.weight.normal_()
            theirs.bias.normal_()
        ours.load_state_dict(theirs.state_dict())
    values = np.random.default_rng(2).standard_normal(shape)
    x, tx = ag.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.random.default_rng(3).standard_normal(shape)
    (y * ag.tensor(weights)).sum().backward()
    (ty * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(host(x.grad), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    if affine:
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(host(p.grad), getattr(theirs, name).grad.numpy(),
                                       rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("shape, normalized", [((3, 4), 4), ((2, 2, 3), (2, 3)), ((1, 3), 3)])
def test_gradcheck(shape, normalized):
    ag.set_default_dtype(np.float64)
    rng = np.random.default_rng(4)
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    trailing = normalized if isinstance(normalized, tuple) else (normalized,)
    weight = ag.tensor(rng.standard_normal(trailing), requires_grad=True)
    bias = ag.tensor(rng.standard_normal(trailing), requires_grad=True)
    fn = lambda x, w, b: F.layer_norm(x, normalized, w, b)   # noqa: E731
    assert ag.gradcheck(fn, (x, weight, bias))
    assert ag.gradgradcheck(fn, (x, weight, bias))


def test_bad_shapes_name_the_layer_and_the_fix():
    with pytest.raises(ValueError, match=r"layer_norm: LayerNorm\(\(8,\)\) normalises the "
                                         r"last axes.*\(8,\), got an input of shape \(2, 5\);"
                                         r" give the trailing sizes"):
        nn.LayerNorm(8)(ag.ones(2, 5))
    with pytest.raises(ValueError, match="normalized_shape must be a positive integer"):
        nn.LayerNorm(0)
    with pytest.raises(ValueError, match=r"layer_norm: weight must have shape"):
        F.layer_norm(ag.ones(2, 3), 3, weight=ag.ones(2))
    with pytest.raises(ValueError, match="LayerNorm: eps must be > 0"):
        nn.LayerNorm(3, eps=0)
