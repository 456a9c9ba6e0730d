"""What the per-operation tests share: hypothesis strategies for shapes and values, and the
checks every differentiable operation goes through.

Values are made from a drawn seed rather than drawn element by element: hypothesis's float
arrays favour repeated values, which put max/min/maximum/abs/relu/clip on their kinks, where
central differences are meaningless. Each maker below keeps its values a fixed distance away
from the kinks that matter for the operation under test.
"""
import re

import numpy as np
import pytest
from hypothesis import settings, strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.helpers import host

FAST = settings(max_examples=15, deadline=None)

MAX_SIDE = 4
MAX_DIMS = 3

# 0-d included: every elementwise operation must work on scalars too.
shapes = hnp.array_shapes(min_dims=0, max_dims=MAX_DIMS, min_side=1, max_side=MAX_SIDE)
nonscalar_shapes = hnp.array_shapes(min_dims=1, max_dims=MAX_DIMS, min_side=1,
                                    max_side=MAX_SIDE)
seeds = st.integers(0, 2**32 - 1)


def pair_shapes(num_shapes=2):
    """Mutually broadcastable shapes: either side may be the bigger one, with size-1 axes
    stretched in both directions, and 0-d operands."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=0,
                                             max_dims=MAX_DIMS, max_side=MAX_SIDE)


def rng(seed):
    return np.random.default_rng(seed)


def leaf(values, requires_grad=True, dtype=np.float64):
    """A tensor on the test device holding `values`."""
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=requires_grad)


def normal(seed, shape):
    return rng(seed).standard_normal(shape)


def positive(seed, shape, low=0.5, high=2.0):
    return rng(seed).uniform(low, high, shape)


def away_from_zero(seed, shape, low=0.2, high=2.0):
    """Either sign, magnitude in [low, high): away from the kinks of abs and relu at 0."""
    r = rng(seed)
    return r.choice([-1.0, 1.0], size=shape) * r.uniform(low, high, shape)


def gridded(seed, shape, offset=0.0, step=0.2, jitter=0.03):
    """Values near the points k*step + offset (|k| <= 10): two arrays drawn with offsets
    differing by step/2 are never closer than step/2 - 2*jitter, wherever they broadcast."""
    r = rng(seed)
    return r.integers(-10, 11, shape) * step + offset + r.uniform(-jitter, jitter, shape)


def distinct(seed, shape, gap=0.1):
    """Values that are pairwise at least `gap` apart (no ties for max/min)."""
    r = rng(seed)
    size = int(np.prod(shape, dtype=int))
    return (r.permutation(size) * gap + r.uniform(-gap / 4, gap / 4, size) -
            size * gap / 2).reshape(shape)


def check_gradients(fn, *inputs, **tolerances):
    """First and second derivatives of `fn` against central differences."""
    assert ag.gradcheck(fn, inputs, **tolerances)
    assert ag.gradgradcheck(fn, inputs, **tolerances)


def assert_matches(result, expected, rtol=1e-12, atol=1e-14):
    """A tensor's values, shape and dtype against a numpy reference."""
    expected = np.asarray(expected)
    values = host(result)
    assert values.shape == expected.shape
    assert values.dtype == expected.dtype, (values.dtype, expected.dtype)
    np.testing.assert_allclose(values, expected, rtol=rtol, atol=atol)


def backward_grads(fn, *values, dtype=np.float64):
    """Runs `fn` on fresh leaves made from `values`, backward of the sum of its output, and
    returns the leaves' gradients as numpy arrays."""
    leaves = [leaf(v, dtype=dtype) for v in values]
    fn(*leaves).sum().backward()
    return [host(x.grad) for x in leaves]


def compare_with_torch(ours, theirs, *arrays, weights_seed=7, rtol=1e-10, atol=1e-12):
    """Runs `ours` on tracegrad leaves and `theirs` on torch leaves built from the same
    float64 arrays; compares outputs, then the gradients of a random weighting of them.
    Skipped where torch is not installed."""
    torch = pytest.importorskip("torch")
    mine = [leaf(a) for a in arrays]
    reference = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = ours(*mine)
    expected = theirs(*reference)
    np.testing.assert_allclose(host(out), expected.detach().numpy(), rtol=rtol, atol=atol)
    weights = normal(weights_seed, tuple(expected.shape))
    (out * leaf(weights, requires_grad=False)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    for x, t in zip(mine, reference):
        assert x.grad.shape == tuple(t.grad.shape)
        np.testing.assert_allclose(host(x.grad), t.grad.numpy(), rtol=rtol, atol=atol)


def fragments(*texts):
    """A pattern for an error message: these literal texts, in order, anywhere in it."""
    return ".*".join(map(re.escape, texts))


def sum_to_shape(a, shape):
    """numpy reference for the gradient of broadcasting: `a` summed over the axes that
    broadcasting to a.shape added or stretched, as float64."""
    a = np.asarray(a, dtype=np.float64)
    a = a.sum(axis=tuple(range(a.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and a.shape[i] != 1)
    return a.sum(axis=stretched, keepdims=True).reshape(shape)
