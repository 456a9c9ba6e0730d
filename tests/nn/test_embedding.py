"""Embedding: lookups of any index shape, gradients that accumulate at repeated indices,
against PyTorch and central differences, PyTorch's initialisation, and bad indices."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import host


def test_lookup_shapes_and_values():
    layer = nn.Embedding(10, 3)
    assert layer.weight.shape == (10, 3) and [n for n, _ in layer.named_parameters()] == \
        ["weight"]
    indices = ag.tensor(np.array([[1, 4, 4], [0, 9, 2]]))
    y = layer(indices)
    assert y.shape == (2, 3, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(host(y), host(layer.weight)[host(indices)])
    assert layer(ag.tensor(np.array(7))).shape == (3,)
    assert layer([2, 3]).shape == (2, 3)
    np.testing.assert_array_equal(host(layer(np.array([[2, 3]]))), host(layer.weight)[[[2, 3]]])
    assert repr(layer) == "Embedding(10, 3)" and layer.graph_label() == "Embedding(10, 3)"


def test_repeated_indices_accumulate_in_the_gradient():
    layer = nn.Embedding(5, 2)
    indices = ag.tensor(np.array([[1, 3, 1], [1, 0, 3]]))
    upstream = np.arange(12.0).reshape(2, 3, 2)
    (layer(indices) * ag.tensor(upstream)).sum().backward()
    expected = np.zeros((5, 2))
    np.add.at(expected, host(indices), upstream)
    np.testing.assert_allclose(host(layer.weight.grad), expected)
    assert not host(layer.weight.grad)[[2, 4]].any()   # rows never looked up get nothing
    np.testing.assert_allclose(host(layer.weight.grad)[1], upstream[0, 0] + upstream[0, 2]
                               + upstream[1, 0])


def test_gradients_match_central_differences():
    ag.set_default_dtype(np.float64)
    weight = ag.tensor(np.random.default_rng(0).standard_normal((6, 3)), requires_grad=True)
    indices = ag.tensor(np.array([[5, 0], [5, 5]]))
    fn = lambda w: F.embedding(indices, w) ** 2   # noqa: E731
    assert ag.gradcheck(fn, (weight,))
    assert ag.gradgradcheck(fn, (weight,))


def test_matches_pytorch():
    torch = pytest.importorskip("torch")
    ag.set_default_dtype(np.float64)
    theirs = torch.nn.Embedding(7, 4).double()
    ours = nn.Embedding(7, 4)
    ours.load_state_dict(theirs.state_dict())
    indices = np.array([[6, 1, 1, 0], [2, 6, 6, 6]])
    y, ty = ours(ag.tensor(indices)), theirs(torch.from_numpy(indices))
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-12)
    weights = np.random.default_rng(1).standard_normal(y.shape)
    (y * ag.tensor(weights)).sum().backward()
    (ty * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(host(ours.weight.grad), theirs.weight.grad.numpy(), rtol=1e-12)


def test_default_init_is_standard_normal_as_pytorchs():
    w = host(nn.Embedding(1000, 50).weight)
    assert w.mean() == pytest.approx(0, abs=0.01) and w.std() == pytest.approx(1, rel=0.02)


@pytest.mark.parametrize("bad, error, message", [
    ([[0, 10]], IndexError, r"embedding: index 10 is out of range for Embedding\(10, 3\): "
                            r"indices must be in 0\.\.9"),
    ([3, -1], IndexError, r"index -1 is out of range for Embedding\(10, 3\).*0\.\.9"),
    (np.array([1.0, 2.0]), TypeError, r"embedding: Embedding\(10, 3\) takes integer "
                                      r"indices, got dtype float"),
])
def test_bad_indices_are_clear_errors(bad, error, message):
    layer = nn.Embedding(10, 3)
    with pytest.raises(error, match=message):
        layer(ag.tensor(np.asarray(bad)))
    with pytest.raises(error, match=message):
        F.embedding(ag.tensor(np.asarray(bad)), layer.weight)


def test_bad_sizes():
    with pytest.raises(ValueError, match="Embedding: num_embeddings must be an integer >= 1"):
        nn.Embedding(0, 3)
    with pytest.raises(ValueError, match=r"embedding: the weight must be a table"):
        F.embedding(ag.tensor(np.array([0])), ag.ones(3))
