"""Recurrent layers and cells: RNN (tanh, relu), LSTM, GRU and their cells, against central
differences (first and second derivatives) and against PyTorch in float64: outputs and the
gradients of the input, the initial state and every parameter, with PyTorch's state_dict
loaded unchanged. Also names, shapes, initialisation, per-step states and bad inputs."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import host

# name: (our class, PyTorch's class name, constructor keywords)
LAYERS = {"rnn_tanh": (nn.RNN, "RNN", {}), "rnn_relu": (nn.RNN, "RNN", {"nonlinearity": "relu"}),
          "lstm": (nn.LSTM, "LSTM", {}), "gru": (nn.GRU, "GRU", {})}
CELLS = {"rnn_tanh": (nn.RNNCell, "RNNCell", {}),
         "rnn_relu": (nn.RNNCell, "RNNCell", {"nonlinearity": "relu"}),
         "lstm": (nn.LSTMCell, "LSTMCell", {}), "gru": (nn.GRUCell, "GRUCell", {})}


@pytest.fixture
def float64():
    ag.set_default_dtype(np.float64)


def values(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


def make_state(layer, lead, seed=10):
    """An initial state of the right shape as float64 leaves: a tensor, or (h, c)."""
    shape = lead + (layer.hidden_size,)
    parts = [ag.tensor(values(seed + k, *shape), requires_grad=True)
             for k in range(len(layer.state_names))]
    return tuple(parts) if len(parts) == 2 else parts[0]


def state_parts(state):
    return list(state) if isinstance(state, tuple) else [state]


def projected(run, outputs_like, seed=20):
    """A scalar: the outputs of `run` weighted by fixed random arrays. Its gradient with
    respect to every input checks every output's Jacobian along one random direction, with
    one backward pass instead of one per output element."""
    weights = [ag.tensor(values(seed + k, *y.shape)) for k, y in enumerate(outputs_like)]

    def fn(*inputs):
        return sum((y * w).sum() for y, w in zip(run(*inputs), weights))
    return fn


def flat_outputs(result):
    """(output, h_n) or (output, (h_n, c_n)) as a flat list."""
    output, state = result
    return [output] + state_parts(state)


# --- names, shapes, initialisation ----------------------------------------------------------
def test_parameter_names_shapes_and_state_dict_keys_are_pytorchs():
    torch = pytest.importorskip("torch")
    for name, (ours_cls, torch_name, kw) in LAYERS.items():
        for options in ({"num_layers": 2}, {"num_layers": 1, "bias": False}):
            ours = ours_cls(3, 5, **kw, **options)
            theirs = getattr(torch.nn, torch_name)(3, 5, **kw, **options)
            assert [(n, p.shape) for n, p in ours.named_parameters()] == \
                [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
            assert list(ours.state_dict()) == list(theirs.state_dict())
            assert repr(ours) == repr(theirs)
    for name, (ours_cls, torch_name, kw) in CELLS.items():
        for bias in (True, False):
            ours = ours_cls(3, 5, bias=bias, **kw)
            theirs = getattr(torch.nn, torch_name)(3, 5, bias=bias, **kw)
            assert [(n, p.shape) for n, p in ours.named_parameters()] == \
                [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
            assert repr(ours) == repr(theirs)


def test_graph_labels_and_reprs():
    assert nn.LSTM(16, 64).graph_label() == "LSTM(16→64)"
    assert nn.GRU(16, 64, num_layers=2).graph_label() == "GRU(16→64, 2 layers)"
    assert nn.RNN(16, 64, nonlinearity="relu").graph_label() == "RNN(16→64, relu)"
    assert nn.LSTMCell(16, 64).graph_label() == "LSTMCell(16→64)"
    assert nn.RNNCell(16, 64).graph_label() == "RNNCell(16→64, tanh)"
    assert repr(nn.LSTM(3, 4, num_layers=2, bias=False, batch_first=True)) == \
        "LSTM(3, 4, num_layers=2, bias=False, batch_first=True)"
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"


@pytest.mark.parametrize("make", [lambda: nn.LSTM(10, 400, num_layers=2),
                                  lambda: nn.GRUCell(10, 400)], ids=["LSTM", "GRUCell"])
def test_every_parameter_starts_uniform_within_one_over_sqrt_hidden(make):
    bound = 1 / math.sqrt(400)
    for name, p in make().named_parameters():
        w = host(p)
        assert w.dtype == np.float32
        assert abs(w).max() <= bound and abs(w).max() > 0.98 * bound, name
        assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.1), name


# --- against PyTorch ------------------------------------------------------------------------
def torch_twins(torch, table, name, input_size, hidden_size, **options):
    """Our layer and PyTorch's, in float64, ours loaded from PyTorch's state_dict as is."""
    ours_cls, torch_name, kw = table[name]
    theirs = getattr(torch.nn, torch_name)(input_size, hidden_size, **kw, **options).double()
    ours = ours_cls(input_size, hidden_size, **kw, **options)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def compare_with_torch(torch, ours, theirs, run_ours, run_theirs, inputs):
    """Runs both on the same float64 arrays (`inputs`: arrays, or pairs for (h, c)),
    compares every output, then the gradients of a random weighting of the outputs with
    respect to every input and every parameter."""
    flat = [a for item in inputs for a in (item if isinstance(item, tuple) else (item,))]
    mine = [ag.tensor(a, requires_grad=True) for a in flat]
    reference = [torch.tensor(a, requires_grad=True) for a in flat]

    def regroup(leaves):
        it = iter(leaves)
        return [tuple(next(it) for _ in item) if isinstance(item, tuple) else next(it)
                for item in inputs]
    ys, expected = run_ours(*regroup(mine)), run_theirs(*regroup(reference))
    assert len(ys) == len(expected)
    loss, torch_loss = 0, 0
    for k, (y, e) in enumerate(zip(ys, expected)):
        assert y.shape == tuple(e.shape)
        np.testing.assert_allclose(host(y), e.detach().numpy(), rtol=1e-10, atol=1e-12)
        weights = values(30 + k, *y.shape)
        loss = loss + (y * ag.tensor(weights)).sum()
        torch_loss = torch_loss + (e * torch.tensor(weights)).sum()
    loss.backward()
    torch_loss.backward()
    for x, t in zip(mine, reference):
        np.testing.assert_allclose(host(x.grad), t.grad.numpy(), rtol=1e-9, atol=1e-12)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(host(p.grad), theirs_params[name].grad.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=name)


LAYER_CASES = [  # steps, batch (None: unbatched), num_layers, batch_first, initial state, bias
    (5, 3, 1, False, False, True), (4, 2, 2, True, True, True), (6, 1, 2, False, True, False),
    (3, None, 2, False, True, True), (1, 2, 1, True, False, True)]


@pytest.mark.parametrize("case", LAYER_CASES, ids=lambda c: "L{}-N{}-layers{}-bf{}-hx{}-b{}"
                         .format(*c))
@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_pytorch(float64, name, case):
    torch = pytest.importorskip("torch")
    steps, batch, layers, batch_first, with_state, bias = case
    ours, theirs = torch_twins(torch, LAYERS, name, 3, 4, num_layers=layers, bias=bias,
                               batch_first=batch_first)
    lead = () if batch is None else (batch,)
    shape = (steps, 3) if batch is None else (batch, steps, 3) if batch_first else \
        (steps, batch, 3)
    inputs = [values(1, *shape)]
    if with_state:
        state = make_state(ours, (layers,) + lead)
        inputs.append(tuple(host(p) for p in state_parts(state)) if name == "lstm"
                      else host(state))

    def run_ours(*args):
        return flat_outputs(ours(*args))

    def run_theirs(*args):
        return flat_outputs(theirs(*args))
    compare_with_torch(torch, ours, theirs, run_ours, run_theirs, inputs)


@pytest.mark.parametrize("lead", [(3,), ()], ids=["batch 3", "unbatched"])
@pytest.mark.parametrize("with_state", [True, False], ids=["hx", "no hx"])
@pytest.mark.parametrize("name", CELLS)
def test_cell_matches_pytorch(float64, name, lead, with_state):
    torch = pytest.importorskip("torch")
    ours, theirs = torch_twins(torch, CELLS, name, 3, 4)
    inputs = [values(1, *lead, 3)]
    if with_state:
        state = make_state(ours, lead)
        inputs.append(tuple(host(p) for p in state_parts(state)) if name == "lstm"
                      else host(state))

    def run(layer):
        return lambda *args: state_parts(layer(*args))
    compare_with_torch(torch, ours, theirs, run(ours), run(theirs), inputs)


def test_pytorch_state_dict_gives_the_same_outputs_in_float32():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.LSTM(5, 7, num_layers=2, batch_first=True)
    ours = nn.LSTM(5, 7, num_layers=2, batch_first=True)
    ours.load_state_dict(theirs.state_dict())
    x = values(3, 4, 6, 5).astype(np.float32)
    output, (h_n, c_n) = ours(ag.tensor(x))
    t_output, (t_h, t_c) = theirs(torch.from_numpy(x))
    assert output.dtype == h_n.dtype == c_n.dtype == np.float32
    for a, b in ((output, t_output), (h_n, t_h), (c_n, t_c)):
        np.testing.assert_allclose(host(a), b.detach().numpy(), rtol=1e-5, atol=1e-6)


# --- against central differences -----------------------------------------------------------
GRAD_CASES = [  # steps, batch, num_layers, batch_first, initial state, bias; second order
    ((1, 1, 1, False, False, True), True),
    ((7, 2, 2, True, True, True), False),
    ((7, 1, 1, False, True, False), True),
    ((3, 2, 2, False, True, False), True),
    ((2, None, 2, False, False, True), True),
]


@pytest.mark.parametrize("case, second_order", GRAD_CASES,
                         ids=lambda c: "L{}-N{}-layers{}-bf{}-hx{}-b{}".format(*c)
                         if isinstance(c, tuple) else ("gradgrad" if c else "grad"))
@pytest.mark.parametrize("name", LAYERS)
def test_layer_gradcheck(float64, name, case, second_order):
    steps, batch, layers, batch_first, with_state, bias = case
    cls, _, kw = LAYERS[name]
    layer = cls(2, 2, num_layers=layers, bias=bias, batch_first=batch_first, **kw)
    lead = () if batch is None else (batch,)
    shape = (steps, 2) if batch is None else (batch, steps, 2) if batch_first else \
        (steps, batch, 2)
    x = ag.tensor(values(1, *shape), requires_grad=True)
    state = make_state(layer, (layers,) + lead) if with_state else None
    parts = state_parts(state) if with_state else []
    params = list(layer.parameters())

    def run(x, *rest):   # the parameters are among the inputs: gradcheck perturbs them
        hx = None if not parts else tuple(rest[:len(parts)]) if len(parts) == 2 else rest[0]
        return flat_outputs(layer(x, hx))
    with ag.no_grad():
        fn = projected(run, run(x, *parts))
    assert ag.gradcheck(fn, (x, *parts, *params))
    if second_order:
        assert ag.gradgradcheck(fn, (x, *parts, *params))


@pytest.mark.parametrize("lead, with_state, bias", [((2,), True, True), ((), False, False)],
                         ids=["batch 2, hx, bias", "unbatched, no hx, no bias"])
@pytest.mark.parametrize("name", CELLS)
def test_cell_gradcheck(float64, name, lead, with_state, bias):
    cls, _, kw = CELLS[name]
    cell = cls(2, 3, bias=bias, **kw)
    x = ag.tensor(values(1, *lead, 2), requires_grad=True)
    parts = state_parts(make_state(cell, lead)) if with_state else []
    params = list(cell.parameters())

    def run(x, *rest):
        hx = None if not parts else tuple(rest[:len(parts)]) if len(parts) == 2 else rest[0]
        return state_parts(cell(x, hx))
    with ag.no_grad():
        fn = projected(run, run(x, *parts))
    assert ag.gradcheck(fn, (x, *parts, *params))
    assert ag.gradgradcheck(fn, (x, *parts, *params))


# --- what the layers compute ----------------------------------------------------------------
def test_layer_is_its_cell_unrolled(float64):
    """An LSTM over a sequence computes what a loop over its cell does with the same
    weights, and the last state is the last output."""
    layer, cell = nn.LSTM(3, 4), nn.LSTMCell(3, 4)
    cell.load_state_dict({name.removesuffix("_l0"): p for name, p in layer.state_dict().items()})
    x = ag.tensor(values(1, 6, 2, 3))
    output, (h_n, c_n) = layer(x)
    h = c = ag.zeros(2, 4)
    for t in range(6):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(host(output[t]), host(h), rtol=1e-12)
    np.testing.assert_allclose(host(h_n[0]), host(h), rtol=1e-12)
    np.testing.assert_allclose(host(c_n[0]), host(c), rtol=1e-12)


def test_batch_first_is_the_same_computation_transposed(float64):
    a, b = nn.GRU(3, 4, num_layers=2), nn.GRU(3, 4, num_layers=2, batch_first=True)
    b.load_state_dict(a.state_dict())
    x = values(1, 5, 2, 3)
    out_a, h_a = a(ag.tensor(x))
    out_b, h_b = b(ag.tensor(x.transpose(1, 0, 2)))
    np.testing.assert_allclose(host(out_b), host(out_a).transpose(1, 0, 2), rtol=1e-12)
    np.testing.assert_allclose(host(h_b), host(h_a), rtol=1e-12)


def test_one_node_per_step_after_one_projection():
    """An LSTM over 10 steps records, per step, one node for the recurrent product and the
    gates together; the input's projection is one node for the whole sequence."""
    lstm = nn.LSTM(3, 4)
    output, _ = lstm(ag.randn(10, 2, 3))
    nodes, _ = ag.graph.walk(output)
    names = [node.name for node in nodes]
    assert names.count("LSTMStep") == 10
    assert names.count("Linear") == 1 and names.count("Unbind") == 1
    assert len(names) <= 10 + 5   # the steps, the projection, unbind, stack, the bias sum
    assert all(lstm.owns_node(node) for node in nodes)


def test_step_hooks_show_every_state_and_their_gradients_flow():
    """The per-step states are tensors of the graph: retain_grad and ag.grad work on them,
    and the gradient reaching h_t is the sum of what comes through the output at t and
    through step t + 1."""
    ag.set_default_dtype(np.float64)
    rnn = nn.RNN(3, 4, num_layers=2)
    seen = []
    handle = rnn.register_step_hook(lambda module, layer, step, h: seen.append((layer, step, h)))
    x = ag.tensor(values(1, 5, 2, 3))
    output, h_n = rnn(x)
    handle.remove()
    assert [(layer, step) for layer, step, _ in seen] == [(k, t) for k in range(2)
                                                          for t in range(5)]
    top = [h for layer, _, h in seen if layer == 1]
    for h in top:
        h.retain_grad()
    loss = (output * output).sum()
    loss.backward(retain_graph=True)
    grads = ag.grad(loss, top)
    for h, g in zip(top, grads):
        np.testing.assert_allclose(host(h.grad), host(g), rtol=1e-12)
    np.testing.assert_allclose(host(top[-1].grad), 2 * host(output[-1]), rtol=1e-12)
    rnn(x)
    assert len(seen) == 10   # removed


def test_lstm_step_hook_gets_the_pair():
    lstm = nn.LSTM(2, 3)
    states = []
    lstm.register_step_hook(lambda module, layer, step, state: states.append(state))
    _, (h_n, c_n) = lstm(ag.randn(4, 1, 2))
    h, c = states[-1]
    np.testing.assert_array_equal(host(h), host(h_n[0]))
    np.testing.assert_array_equal(host(c), host(c_n[0]))


# --- bad inputs -----------------------------------------------------------------------------
def test_constructor_arguments_are_checked():
    with pytest.raises(ValueError, match="RNN: nonlinearity must be one of 'tanh', 'relu'"):
        nn.RNN(2, 3, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="RNNCell: nonlinearity"):
        nn.RNNCell(2, 3, nonlinearity="gelu")
    with pytest.raises(ValueError, match="LSTM: hidden_size must be an integer >= 1"):
        nn.LSTM(2, 0)
    with pytest.raises(ValueError, match="GRU: num_layers must be an integer >= 1"):
        nn.GRU(2, 3, num_layers=0)
    with pytest.raises(TypeError, match="LSTM: batch_first must be True or False"):
        nn.LSTM(2, 3, batch_first="yes")
    with pytest.raises(TypeError, match="GRUCell: bias must be True or False"):
        nn.GRUCell(2, 3, bias=1)


def test_input_errors_name_the_layer_the_shapes_and_the_fix():
    lstm = nn.LSTM(16, 64)
    with pytest.raises(ValueError, match=r"LSTM\(16→64\): expected an input of shape "
                                         r"\(L, N, 16\).*got \(5, 3, 8\).*input_size=16"):
        lstm(ag.randn(5, 3, 8))
    with pytest.raises(ValueError, match=r"LSTM\(16→64\).*got \(3, 4, 5, 16\)"):
        lstm(ag.randn(3, 4, 5, 16))
    with pytest.raises(ValueError, match=r"LSTM\(16→64\).*at least one step.*got \(0, 2, 16\)"):
        lstm(ag.randn(0, 2, 16))
    with pytest.raises(ValueError, match=r"GRU\(16→64\): expected an input of shape "
                                         r"\(N, L, 16\) \(batch_first=True\)"):
        nn.GRU(16, 64, batch_first=True)(ag.randn(2, 3))
    with pytest.raises(TypeError, match=r"RNN\(2→3, tanh\): expected a floating input.*int64"
                                        r".*nn.Embedding"):
        nn.RNN(2, 3)(ag.tensor(np.ones((4, 1, 2), dtype=np.int64)))
    with pytest.raises(ValueError, match=r"LSTMCell\(4→5\): expected an input of shape "
                                         r"\(N, 4\) or unbatched \(4,\), got \(2, 3\)"):
        nn.LSTMCell(4, 5)(ag.randn(2, 3))


def test_state_errors_name_the_layer_and_the_expected_shape():
    lstm = nn.LSTM(2, 3, num_layers=2)
    x = ag.randn(4, 5, 2)
    with pytest.raises(TypeError, match=r"LSTM\(2→3, 2 layers\): hx must be a pair "
                                        r"\(h_0, c_0\) of shape \(2, 5, 3\), got Tensor"):
        lstm(x, ag.zeros(2, 5, 3))
    with pytest.raises(ValueError, match=r"LSTM\(2→3, 2 layers\): expected c_0 of shape "
                                         r"\(2, 5, 3\) for this input, got \(1, 5, 3\)"):
        lstm(x, (ag.zeros(2, 5, 3), ag.zeros(1, 5, 3)))
    with pytest.raises(TypeError, match=r"GRU\(2→3\): hx must be one tensor"):
        nn.GRU(2, 3)(x, (ag.zeros(1, 5, 3), ag.zeros(1, 5, 3)))
    with pytest.raises(ValueError, match=r"RNN\(2→3, tanh\): expected h_0 of shape "
                                         r"\(1, 3\) for this input, got \(1, 5, 3\)"):
        nn.RNN(2, 3)(ag.randn(4, 2), ag.zeros(1, 5, 3))
    with pytest.raises(ValueError, match=r"GRUCell\(2→3\): expected h_0 of shape \(5, 3\)"):
        nn.GRUCell(2, 3)(ag.randn(5, 2), ag.zeros(3))
