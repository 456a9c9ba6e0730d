"""The graph holds no reference cycles, and backward frees what it saved."""
import gc
import weakref

import numpy as np
import pytest

from autograd.function import FREED
from tests.helpers import f64, host


@pytest.fixture
def no_gc():
    """Reference counting alone must free the graph: the cyclic collector is off."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was:
        gc.enable()


def _chain(x):
    h1 = x * 2.0
    h2 = h1.sigmoid()
    h3 = (h2 @ h2.T).tanh()
    return h1, h2, h3, h3.sum()


def test_dropping_the_output_frees_intermediates_and_nodes(no_gc):
    x = f64(4, 4)
    h1, h2, h3, y = _chain(x)
    refs = [weakref.ref(t) for t in (h1, h2, h3, y)]
    nodes = [weakref.ref(t.grad_fn) for t in (h1, h2, h3, y)]
    del h1, h2, h3, y
    assert all(r() is None for r in refs)
    assert all(r() is None for r in nodes)


def test_graph_is_freed_after_backward_too(no_gc):
    x = f64(4, 4)
    h1, h2, h3, y = _chain(x)
    y.backward()
    nodes = [weakref.ref(t.grad_fn) for t in (h1, h2, h3, y)]
    del h1, h2, h3, y
    assert all(r() is None for r in nodes)
    assert x.grad is not None


def test_intermediate_dies_while_the_output_lives_when_backward_does_not_need_it(no_gc):
    # sigmoid saves its output, not its input: the input tensor may die
    x = f64(5)
    h = x * 3.0
    ref = weakref.ref(h)
    y = h.sigmoid()
    del h
    assert ref() is None
    y.sum().backward()
    s = 1 / (1 + np.exp(-3 * host(x)))
    np.testing.assert_allclose(host(x.grad), 3 * s * (1 - s))


def test_backward_releases_saved_values():
    x = f64(3)
    y = (x * x).sigmoid()
    mul_node = y.grad_fn.edges[0].target
    y.sum().backward()
    assert y.grad_fn._out is None
    assert mul_node._saved is FREED


def test_retain_graph_keeps_saved_values():
    x = f64(3)
    y = (x * x).sigmoid()
    y.sum().backward(retain_graph=True)
    assert y.grad_fn._out is not None


def test_node_does_not_refer_to_its_outputs():
    x = f64(3)
    y = x.exp()
    referents = gc.get_referents(y.grad_fn)
    assert not any(r is y for r in referents)


def test_deep_graph_is_freed_without_recursion_error(no_gc):
    x = f64(1)
    y = x
    for _ in range(50_000):
        y = y + 1.0
    ref = weakref.ref(y.grad_fn)
    del y   # a deep chain of nodes, released one by one by reference counting
    assert ref() is None
