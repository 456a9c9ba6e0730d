"""collapse="auto": repeated blocks fold into one node with the gradient across the repeats,
the rest of the graph stays, and every network fits one screen, quickly."""
import re
import shutil
import struct
import time

import pytest

import autograd as ag
from autograd.viz import fold, plan as plans

from .networks import sigmoid_mlp, unrolled_rnn, residual_cnn, lstm_over, ResidualConvBlock


def test_tandem_repeats_are_found_with_the_shortest_unit():
    tokens = list("xy") + list("ab") * 10 + list("z")
    (run,) = fold.find_runs(tokens)
    assert (run.start, run.period, run.repeats) == (2, 2, 10)
    assert fold.find_runs(list("abab")) == []                  # two repeats are not folded
    runs = fold.find_runs(list("aaaa") + list("bcbcbc"))
    assert [(r.start, r.period, r.repeats) for r in runs] == [(0, 1, 4), (4, 2, 3)]


@pytest.mark.parametrize("layers", [50, 200])
def test_a_deep_mlp_folds_into_one_block(layers):
    model, loss = sigmoid_mlp(layers)
    graph = ag.viz.read_graph(loss, params=model)
    items = plans.auto(graph).items
    folds = [i for i in items if isinstance(i, plans.FoldItem)]
    assert len(folds) == 1 and folds[0].repeats == layers
    assert folds[0].description == "Linear(50→50) → Sigmoid"
    others = [i for i in items if not isinstance(i, plans.FoldItem)]
    assert [i.op.name for i in others] == ["Sub", "Mul", "Mean"]   # the loss stays
    dot = ag.viz.to_dot(loss, params=model, collapse="auto")
    assert f"<B>{layers} ×</B>" in dot
    first, last = re.search(r"grad rms: first ([^ ]+).*? … last ([^<]+)<", dot).groups()
    assert float(last) > 1e-6 and (first == "0" or float(first) < 1e-20)  # it vanishes


def test_an_unrolled_rnn_folds_its_steps_and_keeps_shared_weights_outside():
    params, loss = unrolled_rnn(400)
    graph = ag.viz.read_graph(loss, params=params)
    (folded,) = [i for i in plans.auto(graph).items if isinstance(i, plans.FoldItem)]
    assert folded.repeats == 400
    dot = ag.viz.to_dot(loss, params=params, collapse="auto")
    leaves = re.findall(r'^\t(leaf\d+) \[label="(\w+)', dot, flags=re.M)
    assert sorted(name for _, name in leaves) == ["U", "W"]
    for ident, _ in leaves:                       # one edge from each shared weight
        assert len(re.findall(rf"^\t{ident} -> fold_0", dot, flags=re.M)) == 1


def test_residual_blocks_fold_and_an_lstm_folds_its_steps():
    model, loss = residual_cnn()
    graph = ag.viz.read_graph(loss, params=model)
    (blocks,) = [i for i in plans.auto(graph).items if isinstance(i, plans.FoldItem)]
    assert blocks.repeats == 12 and blocks.description == "ResidualConvBlock"
    model, loss = lstm_over(50)
    graph = ag.viz.read_graph(loss, params=model)
    folds = [i for i in plans.auto(graph).walk() if isinstance(i, plans.FoldItem)]
    assert [f.repeats for f in folds] == [50] and "LSTMStep" in folds[0].description


def test_expand_opens_the_blocks_of_a_fold_so_their_skip_edges_show():
    model, loss = residual_cnn(blocks=12)
    folded = ag.viz.to_dot(loss, params=model, collapse="auto")
    assert "Add" not in folded                     # closed: the skip is inside "12 ×"
    dot = ag.viz.to_dot(loss, params=model, collapse="auto", expand=ResidualConvBlock)
    adds = re.findall(r'^\t\t(op\d+) \[label="Add', dot, flags=re.M)
    assert len(adds) == 4                          # the first two and last two blocks open
    assert re.findall(r"<B>(\d+) ×</B>", dot) == ["8"]   # the eight between stay folded
    newest, second = adds[:2]
    assert re.search(rf"^\t{newest} -> {second} ", dot, flags=re.M)   # block to block
    with pytest.raises(TypeError, match="module class"):
        ag.viz.to_dot(loss, params=model, collapse="auto", expand="ResidualConvBlock")
    with pytest.raises(ValueError, match="collapse='auto'"):
        ag.viz.to_dot(loss, params=model, expand=ResidualConvBlock)


def test_an_unfolded_drawing_of_a_huge_graph_folds_itself_with_a_warning():
    params, loss = unrolled_rnn(150)
    with pytest.warns(UserWarning, match="collapse='auto'"):
        dot = ag.viz.to_dot(loss, params=params)
    assert "fold_0" in dot
    assert ag.viz.to_dot(loss, params=params, max_nodes=None).count("MatMul") == 300


def test_a_fixed_scale_colours_the_same_gradient_alike_in_two_pictures():
    _, a = sigmoid_mlp(3)
    dot_a = ag.viz.to_dot(a, scale=(1e-8, 1.0))
    _, b = sigmoid_mlp(3, seed=1)
    dot_b = ag.viz.to_dot(b, scale=(1e-8, 1.0))
    legend = re.compile(r"1e(-?\d+)</FONT>")
    assert legend.findall(dot_a)[0] == legend.findall(dot_b)[0] == "-8"
    with pytest.raises(ValueError, match="0 < low < high"):
        ag.viz.to_dot(a, scale=(1.0, 0.1))


def _png_size(png):
    return struct.unpack(">II", png[16:24])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("make, budget", [(lambda: sigmoid_mlp(50), 5.0),
                                         (lambda: sigmoid_mlp(200), 5.0),
                                         (lambda: unrolled_rnn(400), 10.0),
                                         (residual_cnn, 5.0),
                                         (lstm_over, 5.0)],
                         ids=["mlp-50", "mlp-200", "rnn-400-steps", "residual-cnn",
                              "lstm-50-steps"])
def test_the_folded_picture_fits_one_screen_and_renders_quickly(make, budget):
    params, loss = make()
    start = time.perf_counter()
    png = ag.viz.backward_graph(loss, params=params, collapse="auto").pipe(format="png")
    seconds = time.perf_counter() - start
    width, height = _png_size(png)
    assert width <= 3000 and height <= 3000, (width, height)
    assert 1 / 3 <= width / height <= 3, (width, height)
    assert seconds < budget           # a guard against hanging, not a speed target
