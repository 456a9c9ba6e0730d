"""The graph's public shape (autograd.graph): named edges, node numbers, scopes, walking it,
and the bounded record of the latest backward pass."""
import threading
import tracemalloc

import numpy as np

import autograd as ag
import nn
from tests.helpers import f64, host


def test_edges_have_named_fields_pointing_to_the_inputs():
    x = f64(2, 3)
    w = f64(3)
    y = x * w
    a, b = y.grad_fn.edges
    assert a.target is x and b.target is w           # leaves are their own targets
    assert a.shape == (2, 3) and b.shape == (3,) and a.dtype == np.float64
    z = y.sigmoid()
    (edge,) = z.grad_fn.edges
    assert edge.target is y.grad_fn and edge.output_nr == 0
    assert z.grad_fn.next_functions == ((y.grad_fn, 0),)


def test_an_input_without_gradient_has_no_edge():
    x = f64(3)
    y = x * ag.tensor(np.ones(3))
    assert y.grad_fn.edges[1] is None


def test_nodes_are_numbered_in_creation_order():
    x = f64(3)
    h = x.exp()
    y = h * h
    assert y.grad_fn.seq > h.grad_fn.seq


def test_walk_lists_nodes_newest_first_and_each_leaf_once():
    x, w = f64(3), f64(3)
    y = ((x * w).exp() + x).sum()
    nodes, leaves = ag.graph.walk(y)
    assert [n.name for n in nodes] == ["Sum", "Add", "Exp", "Mul"]
    assert [n.seq for n in nodes] == sorted((n.seq for n in nodes), reverse=True)
    assert leaves == [x, w] or leaves == [w, x]


def test_scopes_nest_and_each_block_is_its_own():
    owner = object()
    x = f64(3)
    with ag.graph.scope(owner) as outer:
        a = x * 2.0
        with ag.graph.scope("inner"):
            b = a.exp()
    c = b + 1.0
    assert a.grad_fn.scope is outer and outer.owner is owner
    assert b.grad_fn.scope.parent is outer and b.grad_fn.scope.owner == "inner"
    assert c.grad_fn.scope is None
    with ag.graph.scope(owner) as again:
        d = x * 3.0
    assert d.grad_fn.scope is again and again is not outer


def test_last_backward_has_every_node_and_is_replaced_by_the_next_pass():
    x = f64(4)
    y = (x * 3.0).sigmoid().sum()
    y.backward()
    record = ag.graph.last_backward()
    nodes, _ = ag.graph.walk(y)
    assert len(record) == len(nodes) == 3
    sigmoid = nodes[1]
    grads = record.of(sigmoid)
    np.testing.assert_allclose(host(grads.output), np.ones(4))
    s = 1 / (1 + np.exp(-3 * host(x)))
    np.testing.assert_allclose(host(grads.inputs[0]), s * (1 - s))
    np.testing.assert_allclose(host(grads.saved[0]), s)   # what its derivative is read from
    (x * 2.0).sum().backward()
    assert ag.graph.last_backward().of(sigmoid) is None    # only the latest pass is kept
    assert sigmoid.released


def test_last_backward_is_per_thread():
    x = f64(3)
    (x * 2.0).sum().backward()
    mine = ag.graph.last_backward()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(len(ag.graph.last_backward())))
    thread.start()
    thread.join()
    assert seen == [0] and len(mine) == 2


def test_the_record_keeps_no_node_alive():
    import gc
    import weakref
    x = f64(3)
    y = (x * 2.0).exp().sum()
    y.backward()
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


def _mlp_step(model, optimizer, x, labels):
    loss = nn.functional.cross_entropy(model(x), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def test_kept_losses_do_not_keep_their_steps_gradients():
    """40 kept losses of a 32-64-64-10 MLP at batch 256 add under 1.5 MiB (they added about
    12 MiB when every node kept its gradients)."""
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((256, 32)).astype(np.float32))
    labels = rng.integers(0, 10, 256)
    for _ in range(3):
        _mlp_step(model, optimizer, x, labels)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        losses = [_mlp_step(model, optimizer, x, labels) for _ in range(40)]
        added = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(losses) == 40
    assert added < 1.5 * 2**20, f"{added / 2**20:.2f} MiB"
