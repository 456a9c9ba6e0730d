"""Issue acceptance: the statistics a backward graph is drawn from show the vanishing gradient
of a deep sigmoid network, and its absence with ReLU + He initialisation."""
import math

import numpy as np
import pytest

import autograd as ag
import nn

pytest.importorskip("graphviz")

LAYERS, WIDTH, BATCH = 10, 100, 64


def _network(activation, init):
    layers = []
    for _ in range(LAYERS):
        linear = nn.Linear(WIDTH, WIDTH)
        init(linear.weight)
        layers += [linear, activation()]
    return nn.Sequential(*layers)


def _backward(model):
    x = ag.randn(BATCH, WIDTH)
    target = ag.randn(BATCH, WIDTH)
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    return loss


def _weight_gradient_norms(graph, model):
    leaves = {leaf.name: leaf for leaf in graph.leaves}
    names = [f"{name}.weight" for name, m in model.named_children() if isinstance(m, nn.Linear)]
    return [leaves[n].grad.rms * math.sqrt(np.prod(leaves[n].shape)) for n in names]


def test_sigmoid_network_loses_its_gradient_layer_by_layer():
    nn.manual_seed(0)
    model = _network(nn.Sigmoid, lambda w: nn.init.normal_(w, 0.0, 1 / math.sqrt(WIDTH)))
    loss = _backward(model)
    graph = ag.viz.read_graph(loss, params=model)
    sigmoids = [op for op in graph.ops if op.name == "Sigmoid"]
    assert len(sigmoids) == LAYERS
    for op in sigmoids:
        assert 0 < op.local.mean <= 0.25 and op.local.largest <= 0.25
    norms = _weight_gradient_norms(graph, model)
    assert norms[-1] / norms[0] >= 1000
    # the same numbers as the parameters' own gradients
    direct = [float(np.linalg.norm(np.asarray(ag.backend.to_device(m.weight.grad.data, "cpu"))))
              for m in model.children() if isinstance(m, nn.Linear)]
    np.testing.assert_allclose(norms, direct, rtol=1e-4)


def test_relu_with_he_initialisation_keeps_it_within_ten_times():
    nn.manual_seed(0)
    model = _network(nn.ReLU, nn.init.he_normal_)
    loss = _backward(model)
    norms = _weight_gradient_norms(ag.viz.read_graph(loss, params=model), model)
    assert max(norms) / min(norms) <= 10


def test_module_clusters_and_one_node_per_module_when_collapsed():
    nn.manual_seed(0)
    model = _network(nn.Sigmoid, lambda w: nn.init.normal_(w, 0.0, 0.1))
    loss = _backward(model)
    full = ag.viz.to_dot(loss, params=model)
    assert full.count("subgraph cluster_") == 2 * LAYERS
    assert 'label="0: Linear(100→100)"' in full and 'label="1: Sigmoid"' in full
    collapsed = ag.viz.to_dot(loss, params=model, collapse="module")
    module_nodes = {line.split()[0] for line in collapsed.splitlines()
                    if line.startswith("\tmodule_")}
    assert module_nodes == {f"module_{k}" for k in range(2 * LAYERS)}
    assert "σ' mean" in collapsed and "weight (100, 100) grad rms" in collapsed
    assert "subgraph" not in collapsed


def test_collapsed_fifty_layers_stays_small():
    nn.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(25) for m in (nn.Linear(20, 20), nn.Tanh())])
    loss = (model(ag.randn(8, 20)) ** 2).mean()
    loss.backward()
    collapsed = ag.viz.to_dot(loss, params=model, collapse="module")
    nodes = [line for line in collapsed.splitlines()
             if line.startswith("\tmodule_") and "->" not in line]
    assert len(nodes) == 50


def test_clusters_survive_a_later_call_of_the_model():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 1))
    out = model(ag.randn(3, 4))
    loss = (out ** 2).mean()
    loss.backward()
    before = ag.viz.to_dot(loss, params=model)
    with ag.no_grad():
        model(ag.randn(2, 4))            # an evaluation pass before drawing
    assert ag.viz.to_dot(loss, params=model) == before
    assert 'label="0: Linear(4→4)"' in before and 'label="1: Tanh"' in before
    assert model.owns_node(out) and model[2].owns_node(out)
    assert not model.owns_node(loss) and not model[1].owns_node(out)
