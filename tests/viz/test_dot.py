"""The DOT text of backward graphs: structure, gradients, legend, determinism."""
import re
import shutil

import numpy as np
import pytest

import autograd as ag
from autograd.graph import walk

pytest.importorskip("graphviz")


def _small_net(seed=0):
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((4, 3)))
    w1 = ag.tensor(rng.standard_normal((3, 5)) * 0.5, requires_grad=True)
    w2 = ag.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    b = ag.tensor(np.zeros(2), requires_grad=True)
    loss = ((((x @ w1).sigmoid() @ w2) + b).tanh() ** 2).mean()
    return loss, {"w1": w1, "w2": w2, "b": b}


def _node_ids(dot):
    return re.findall(r"^\t(op\d+|leaf\d+) \[", dot, flags=re.M)


def _edges(dot):
    return re.findall(r"^\t(\w+) -> (\w+)", dot, flags=re.M)


def test_one_node_per_operation_and_per_leaf():
    loss, params = _small_net()
    dot = ag.viz.to_dot(loss, params=params)
    ids = _node_ids(dot)
    nodes, leaves = walk(loss)
    assert sum(i.startswith("op") for i in ids) == len(nodes) == 7
    assert sum(i.startswith("leaf") for i in ids) == len(leaves) == 3
    for name in ("MatMul", "Sigmoid", "Add", "Tanh", "Pow", "Mean"):
        assert f'label="{name}' in dot
    for name in params:
        assert f'label="{name}\n' in dot


def test_edges_match_the_graph():
    loss, params = _small_net()
    dot = ag.viz.to_dot(loss, params=params)
    nodes, leaves = walk(loss)
    ident = {id(n): f"op{k}" for k, n in enumerate(nodes)}
    ident.update({id(t): f"leaf{k}" for k, t in enumerate(leaves)})
    expected = sorted((ident[id(e[0])], ident[id(n)]) for n in nodes for e in n.edges
                      if e is not None)
    assert sorted(_edges(dot)) == expected


def test_before_backward_shapes_only_and_no_legend():
    loss, params = _small_net()
    dot = ag.viz.to_dot(loss, params=params)
    assert "(4, 5)" in dot and "(4, 2)" in dot
    assert "grad" not in dot
    assert "legend" not in dot


def test_after_backward_gradients_legend_and_local_derivatives():
    loss, params = _small_net()
    loss.backward()
    dot = ag.viz.to_dot(loss, params=params)
    assert "legend" in dot and "gradient RMS" in dot and "log scale" in dot
    assert "grad rms" in dot
    match = re.search(r"σ' mean ([0-9.e-]+) \(max ([0-9.e-]+)\)", dot)
    assert match and 0 < float(match.group(1)) <= 0.25 and float(match.group(2)) <= 0.25
    assert "tanh' mean" in dot


def test_a_graph_drawn_after_another_pass_says_why_it_has_no_gradients():
    first, params = _small_net(seed=1)
    first.backward()
    second, _ = _small_net(seed=2)
    second.backward()
    dot = ag.viz.to_dot(first, params=params)
    assert 'label="Sigmoid\n(4, 5)" ' in dot and "only the latest pass" in dot
    assert "only the latest pass" not in ag.viz.to_dot(second)


def test_small_tensors_show_values():
    a = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    (a * 3.0).sum().backward()
    dot = ag.viz.to_dot((a * 3.0).sum(), params={"a": a})
    assert "value [1, -2]" in dot and "grad [3, 3]" in dot


def test_shrinking_operations_are_marked():
    x = ag.tensor(np.full(8, 4.0), requires_grad=True)
    y = x.sigmoid().sum()          # sigma'(4) = 0.018: far below 1/4
    y.backward()
    dot = ag.viz.to_dot(y)
    assert "▼ ×0.018" in dot


def test_nan_gradients_are_flagged_red():
    x = ag.tensor(np.array([0.0, 1.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        y = x.sqrt().sum()
        y.backward()
    dot = ag.viz.to_dot(y, params={"x": x})
    assert "NaN/Inf" in dot and "#ff0000" in dot


def test_same_graph_gives_byte_identical_dot():
    a, pa = _small_net(seed=1)
    a.backward()
    first = ag.viz.to_dot(a, params=pa)
    b, pb = _small_net(seed=1)
    b.backward()
    assert first == ag.viz.to_dot(b, params=pb)


def test_deep_graph_is_traversed_iteratively():
    x = ag.tensor(np.ones(1), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert len(_node_ids(ag.viz.to_dot(y, max_nodes=None))) == 5001


def test_bad_collapse_value():
    loss, _ = _small_net()
    with pytest.raises(ValueError, match="collapse"):
        ag.viz.backward_graph(loss, collapse="layer")


def test_returns_a_graphviz_digraph():
    import graphviz
    loss, params = _small_net()
    assert isinstance(ag.viz.backward_graph(loss, params=params), graphviz.Digraph)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_renders(fmt, tmp_path):
    loss, params = _small_net()
    loss.backward()
    graph = ag.viz.backward_graph(loss, params=params)
    data = graph.pipe(format=fmt)
    assert len(data) > 1000
    path = graph.render(tmp_path / "g", format=fmt)
    assert path.endswith(fmt)


def test_missing_dot_explains_how_to_install(monkeypatch):
    loss, params = _small_net()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match="Install Graphviz"):
        ag.viz.backward_graph(loss, params=params).pipe(format="svg")
    assert ag.viz.to_dot(loss, params=params).startswith("digraph")


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_a_layers_parameters_sit_beside_its_op_and_the_chain_runs_straight_down():
    from .networks import sigmoid_mlp
    model, loss = sigmoid_mlp(4)
    graph = ag.viz.backward_graph(loss, params=model)
    assert graph.source.count("rank=same") == 4                  # one row per Linear
    positions = {}                                   # node -> (x, y) as Graphviz laid it out
    for line in graph.pipe(format="plain").decode().splitlines():
        parts = line.split()
        if parts[0] == "node":
            positions[parts[1]] = (float(parts[2]), float(parts[3]))
    labels = dict(re.findall(r'^\t+(\w+) \[label="([^"\n]+)', graph.source, flags=re.M))
    chain = [ident for ident, label in labels.items() if label in ("Linear", "Sigmoid")]
    assert len(chain) == 8
    xs = {round(positions[ident][0], 2) for ident in chain}
    assert len(xs) == 1, xs                           # one straight column, no diagonal
    for name in ("0.weight", "0.bias"):
        (leaf,) = [ident for ident, label in labels.items() if label == name]
        (linear,) = [ident for ident in chain if positions[ident][1] == positions[leaf][1]]
        assert labels[linear] == "Linear"             # on the row of its Linear
