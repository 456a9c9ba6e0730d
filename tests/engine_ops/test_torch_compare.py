"""Values and gradients against PyTorch for the operations whose conventions matter most
(batched broadcasting matmul, var with ddof, ties in max, logsumexp, log_softmax, repeated
indices, where, clip). Skipped where torch is not installed."""
import numpy as np
import pytest

import autograd as ag

from .support import normal, compare_with_torch


@pytest.mark.parametrize("a_shape, b_shape", [
    ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (4,)), ((4,), (3, 4, 2)),
    ((4,), (4,)), ((1, 3, 4), (2, 1, 4, 3)),
])
def test_matmul_batched_broadcasting(a_shape, b_shape):
    compare_with_torch(lambda a, b: a @ b, lambda a, b: a @ b, normal(1, a_shape),
                       normal(2, b_shape))


@pytest.mark.parametrize("axis, ddof, keepdims", [
    (None, 0, False), (None, 1, False), (0, 1, True), (-1, 0, False), ((0, 2), 1, False),
    ((2, 0), 2, True),
])
def test_var_with_ddof(axis, ddof, keepdims):
    torch = pytest.importorskip("torch")
    dim = None if axis is None else axis
    compare_with_torch(lambda x: x.var(axis=axis, ddof=ddof, keepdims=keepdims),
             lambda x: torch.var(x, dim=dim, correction=ddof, keepdim=keepdims),
             normal(3, (3, 2, 4)))


@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), (0, True),
                                            ((0, 1), False)])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_with_ties(name, axis, keepdims):
    """PyTorch's amax/amin: tied extremes share the gradient evenly."""
    torch = pytest.importorskip("torch")
    values = np.array([[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.0, 0.0], [3.0, -1.0, 2.0, -1.0]])
    reduce = torch.amax if name == "max" else torch.amin
    dim = tuple(range(values.ndim)) if axis is None else axis
    compare_with_torch(lambda x: getattr(x, name)(axis=axis, keepdims=keepdims),
             lambda x: reduce(x, dim=dim, keepdim=keepdims), values)


@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), (-1, True), ((0, 2), False)])
def test_logsumexp(axis, keepdims):
    torch = pytest.importorskip("torch")
    dim = (0, 1, 2) if axis is None else axis
    values = 10 * normal(4, (2, 3, 4))
    values[0, 0, :] = [500.0, -500.0, 499.0, 0.0]
    compare_with_torch(lambda x: x.logsumexp(axis=axis, keepdims=keepdims),
             lambda x: torch.logsumexp(x, dim=dim, keepdim=keepdims), values)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_log_softmax_and_softmax(axis):
    torch = pytest.importorskip("torch")
    values = 5 * normal(5, (3, 4, 2))
    values[0, 0, 0] = 1000.0
    compare_with_torch(lambda x: x.log_softmax(axis), lambda x: torch.log_softmax(x, dim=axis),
                       values)
    compare_with_torch(lambda x: x.softmax(axis), lambda x: torch.softmax(x, dim=axis), values)


@pytest.mark.parametrize("index", [
    [0, 2, 0, 0],
    (np.array([1, 1, 0]), np.array([2, 2, 2])),
    (slice(None), [3, 3, 0]),
    ([[0, 0], [2, 2]], slice(1, 3)),
    np.array([True, False, True]),
], ids=str)
def test_indexing_with_repeated_indices(index):
    def torch_index(i):
        torch = pytest.importorskip("torch")
        if isinstance(i, tuple):
            return tuple(torch_index(j) for j in i)
        if isinstance(i, (list, np.ndarray)):
            return torch.tensor(np.asarray(i))
        return i
    compare_with_torch(lambda x: x[index], lambda x: x[torch_index(index)], normal(6, (3, 4)))


def test_where_with_broadcasting():
    torch = pytest.importorskip("torch")
    cond = np.array([[True], [False], [True]])
    compare_with_torch(lambda a, b: ag.where(ag.tensor(cond), a, b),
             lambda a, b: torch.where(torch.tensor(cond), a, b),
             normal(7, (1, 4)), normal(8, (3, 4)))


@pytest.mark.parametrize("lo, hi", [(-0.5, 0.5), (None, 0.0), (0.0, None), (-1.0, -1.0)])
def test_clip_including_values_on_the_bounds(lo, hi):
    torch = pytest.importorskip("torch")
    values = np.array([-2.0, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 2.0])
    compare_with_torch(lambda x: x.clip(lo, hi), lambda x: torch.clamp(x, lo, hi), values)


def test_maximum_with_ties_and_broadcasting():
    torch = pytest.importorskip("torch")
    compare_with_torch(ag.maximum, torch.maximum, np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 0.0]]),
             np.array([2.0, 2.0, 1.0]))
