"""The recurrent step nodes (LSTM, GRU, tanh and ReLU RNN) and `unbind`: first and second
derivatives against central differences, values against the formulas written out in numpy,
what backward keeps and frees, and the errors."""
import numpy as np
import pytest

import autograd as ag
from autograd import ops
from tests.helpers import host

from .support import leaf, normal, check_gradients, backward_grads

STEPS = {  # name: (function, gate blocks, state tensors)
    "lstm": (ops.recurrent.lstm_step, 4, 2),
    "gru": (ops.recurrent.gru_step, 3, 1),
    "rnn_tanh": (ops.recurrent.rnn_tanh_step, 1, 1),
    "rnn_relu": (ops.recurrent.rnn_relu_step, 1, 1),
}
H = 3


def step_operands(name, lead=(2,), bias=True, seed=0):
    """x_part, the state, w_hh and (with bias) b_hh, as float64 leaves."""
    _, blocks, states = STEPS[name]
    shapes = [lead + (blocks * H,)] + [lead + (H,)] * states + [(blocks * H, H)]
    if bias:
        shapes.append((blocks * H,))
    return [leaf(normal(seed + k, shape)) for k, shape in enumerate(shapes)]


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def reference(name, x_part, *rest):
    """The step written out in numpy, in PyTorch's gate order."""
    states = STEPS[name][2]
    state, (w_hh, *bias) = rest[:states], rest[states:]
    h_part = state[0] @ w_hh.T + (bias[0] if bias else 0)
    if name == "lstm":
        i, f, g, o = np.split(x_part + h_part, 4, axis=-1)
        c = sigmoid(f) * state[1] + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c), c
    if name == "gru":
        (x_r, x_z, x_n), (h_r, h_z, h_n) = (np.split(v, 3, axis=-1) for v in (x_part, h_part))
        r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
        n = np.tanh(x_n + r * h_n)
        return (1 - z) * n + z * state[0]
    pre = x_part + h_part
    return np.tanh(pre) if name == "rnn_tanh" else np.maximum(pre, 0)


@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("lead", [(2,), (1,), ()], ids=["batch 2", "batch 1", "unbatched"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
def test_step_values_and_derivatives(name, lead, bias):
    fn = STEPS[name][0]
    operands = step_operands(name, lead, bias)
    outputs = fn(*operands)
    expected = reference(name, *(host(t) for t in operands))
    for y, e in zip(outputs if isinstance(outputs, tuple) else (outputs,),
                    expected if isinstance(expected, tuple) else (expected,)):
        np.testing.assert_allclose(host(y), e, rtol=1e-12, atol=1e-14)
    check_gradients(fn, *operands)


def test_lstm_step_with_only_one_output_used():
    """A backward in which h or c gets no gradient of its own (None for that output)."""
    operands = step_operands("lstm")
    check_gradients(lambda *a: ops.recurrent.lstm_step(*a)[0], *operands)
    check_gradients(lambda *a: ops.recurrent.lstm_step(*a)[1], *operands)


def test_step_gradients_match_the_composition_of_elementwise_ops():
    """The hand-written backward against the same LSTM step built from engine operations."""
    values = [host(t) for t in step_operands("lstm", (4,))]

    def composed(x_part, h, c, w_hh, b_hh):
        pre = x_part + h @ w_hh.T + b_hh
        i, f, g, o = (pre[:, k * H:(k + 1) * H] for k in range(4))
        c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
        return (o.sigmoid() * c_new.tanh()) * 2 + c_new

    def fused(*operands):
        h, c = ops.recurrent.lstm_step(*operands)
        return h * 2 + c
    for ours, theirs in zip(backward_grads(fused, *values), backward_grads(composed, *values)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_steps_keep_float32():
    operands = [ag.tensor(host(t), dtype=np.float32, requires_grad=True)
                for t in step_operands("lstm")]
    h, c = ops.recurrent.lstm_step(*operands)
    (h.sum() + c.sum()).backward()
    assert h.dtype == c.dtype == np.float32
    assert all(t.grad.dtype == np.float32 for t in operands)


def test_backward_frees_the_gates_and_can_run_again_with_retain_graph():
    operands = step_operands("gru")
    y = ops.recurrent.gru_step(*operands)
    node = y.grad_fn
    y.sum().backward(retain_graph=True)
    first = [host(t.grad).copy() for t in operands]
    assert node.cache is not None
    for t in operands:
        t.grad = None
    y.sum().backward()
    assert node.cache is None and node.released
    for t, g in zip(operands, first):
        np.testing.assert_array_equal(host(t.grad), g)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


def test_second_derivative_after_a_plain_backward():
    """A backward that kept the graph, then ag.grad with create_graph: the gates are then
    recomputed as Tensors, so the gradient can be differentiated again."""
    x_part, h, c, w_hh, b_hh = step_operands("lstm")
    h_new, c_new = ops.recurrent.lstm_step(x_part, h, c, w_hh, b_hh)
    loss = (h_new * h_new).sum() + c_new.sum()
    loss.backward(retain_graph=True)
    g, = ag.grad(loss, [x_part], create_graph=True)
    hessian_row, = ag.grad(g[0, 0], [x_part])
    eps = 1e-6
    shifted = host(x_part).copy()
    shifted[0, 0] += eps
    x2 = leaf(shifted)
    h2, c2 = ops.recurrent.lstm_step(x2, h, c, w_hh, b_hh)
    g2, = ag.grad((h2 * h2).sum() + c2.sum(), [x2])
    np.testing.assert_allclose(host(hessian_row), (host(g2) - host(g)) / eps, atol=1e-5)


@pytest.mark.parametrize("name", STEPS)
def test_step_rejects_operands_that_do_not_fit(name):
    fn = STEPS[name][0]
    operands = step_operands(name)
    with pytest.raises(ValueError, match=f"{name}_step: operands of shapes .* do not fit"):
        fn(operands[0][:, :-1], *operands[1:])
    with pytest.raises(ValueError, match=f"{name}_step: operands of shapes"):
        fn(*operands[:-2], operands[-2][:, :-1], operands[-1])


# --- unbind ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, axis", [((3, 2, 4), 0), ((3, 2, 4), 1), ((3, 2, 4), -1),
                                         ((1, 2), 0), ((4,), 0)])
def test_unbind_values_and_derivatives(shape, axis):
    x = leaf(normal(1, shape))
    parts = ops.shape.unbind(x, axis)
    expected = np.moveaxis(host(x), axis, 0)
    assert len(parts) == len(expected)
    for part, e in zip(parts, expected):
        np.testing.assert_array_equal(host(part), e)
    check_gradients(lambda t: ops.shape.unbind(t, axis), x)


def test_unbind_gives_zeros_to_parts_without_a_gradient():
    x = leaf(normal(2, (4, 3)))
    parts = ops.shape.unbind(x)
    (parts[1] * 3).sum().backward()
    expected = np.zeros((4, 3))
    expected[1] = 3
    np.testing.assert_array_equal(host(x.grad), expected)
    check_gradients(lambda t: ops.shape.unbind(t)[2] * ops.shape.unbind(t)[0], x)


def test_unbind_errors():
    with pytest.raises(ValueError, match="0-d"):
        ops.shape.unbind(leaf(1.0))
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        ops.shape.unbind(leaf(np.ones((2, 2))), 2)
    with pytest.raises(ValueError, match="empty"):
        ops.shape.unbind(leaf(np.ones((0, 2))))
