"""One time step of the recurrent layers (Elman RNN, LSTM, GRU) as one node.

A step is the recurrent product h_prev W_hhᵀ + b_hh, added to the input's product x_part
(x W_ihᵀ + b_ih, which a layer computes for every step of a sequence in one matmul before
its loop), and a handful of elementwise gate operations. Recorded one by one, that would be
a dozen nodes per step; here it is one, with its backward written by hand: the gates'
derivatives, then the products' (h_prev's gradient, and W_hh's and b_hh's for this step).

Inputs: x_part (..., k·H), the state (h_prev, and c_prev for the LSTM, each (..., H)), w_hh
(k·H, H) and, optionally, b_hh (k·H,): k blocks of gates in PyTorch's order.

Second derivatives: a plain backward reads the gate values its forward computed (kept on
the node until `release()`). Under `create_graph=True` the backward receives Tensors and
recomputes the gates from the saved inputs with differentiable operations (the `either`
helpers), so that the same formulas record a graph of their own, as every op's do.
"""
from ..function import Op, apply
from ..tensor import Tensor
from . import either
from .elementwise import Tanh, ReLU
from .operands import apply_checked, as_tensor, check_devices

__all__ = []   # reached as autograd.ops.recurrent.<fn> (nn's recurrent layers call them)


def _split(v, parts):
    """`v`'s last axis cut into `parts` equal blocks (views on arrays, slices on Tensors)."""
    size = v.shape[-1] // parts
    return [v[..., k * size:(k + 1) * size] for k in range(parts)]


class RecurrentStep(Op):
    """The recurrent product and the gates of one step. A subclass defines the gates:
    `gates(x_part, h_part, *state)` gives the outputs and what the backward reads (its
    `cache`), on arrays or Tensors alike; `gates_backward(gys, cache, *state)` gives the
    gradients of x_part and of the product h_part, and those that reach each state input
    directly (None where none does)."""
    __slots__ = ("cache",)
    saves_inputs = True
    blocks = 1   # blocks of H columns in x_part and of H rows in w_hh
    states = 1   # state inputs after x_part: h_prev, and c_prev for the LSTM

    def forward(self, x_part, *inputs):
        state, weights = inputs[:self.states], inputs[self.states:]
        outputs, self.cache = self.gates(x_part, self._product(state[0], *weights), *state)
        return outputs

    @staticmethod
    def _product(h_prev, w_hh, b_hh=None):
        h_part = h_prev @ w_hh.T
        return h_part if b_hh is None else h_part + b_hh

    def backward(self, gys, x_part, *inputs):
        state, (w_hh, *bias) = inputs[:self.states], inputs[self.states:]
        h_prev = state[0]
        if isinstance(x_part, Tensor):   # building a graph: recompute, differentiably
            cache = self.gates(x_part, self._product(h_prev, w_hh, *bias), *state)[1]
        else:
            cache = self.cache
        d_x, d_product, direct = self.gates_backward(gys, cache, *state)
        d_h = d_product @ w_hh if self.needs_grad(1) else None   # through the product ...
        if d_h is not None and direct[0] is not None:
            d_h = d_h + direct[0]                                 # ... and directly (GRU)
        rows = d_product.reshape((-1, d_product.shape[-1]))
        d_w = (rows.T @ h_prev.reshape((-1, h_prev.shape[-1]))
               if self.needs_grad(1 + self.states) else None)
        grads = [d_x, d_h, *direct[1:], d_w] + [rows.sum(axis=0) for _ in bias]
        return tuple(g if self.needs_grad(k) else None for k, g in enumerate(grads))

    def release(self):
        super().release()
        self.cache = None


class LSTMStep(RecurrentStep):
    """i, f, g, o = σ, σ, tanh, σ of x_part + h_part; c = f c_prev + i g; h = o tanh(c).
    Outputs (h, c)."""
    __slots__ = ()
    blocks = 4
    states = 2
    n_outputs = 2

    @staticmethod
    def gates(x_part, h_part, h_prev, c_prev):
        pre = x_part + h_part
        H = pre.shape[-1] // 4
        i, f = _split(either.sigmoid(pre[..., :2 * H]), 2)   # side by side: one sigmoid
        g, o = either.tanh(pre[..., 2 * H:3 * H]), either.sigmoid(pre[..., 3 * H:])
        c = f * c_prev + i * g
        tanh_c = either.tanh(c)
        return (o * tanh_c, c), (i, f, g, o, tanh_c)

    @staticmethod
    def gates_backward(gys, cache, h_prev, c_prev):
        (gh, gc), (i, f, g, o, tanh_c) = gys, cache
        if gh is None:
            dc, do = gc, o * 0
        else:
            dc = gh * o * (1 - tanh_c * tanh_c)
            if gc is not None:
                dc = dc + gc
            do = gh * tanh_c * o * (1 - o)
        d_pre = either.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                                    dc * i * (1 - g * g), do], -1)
        return d_pre, d_pre, (None, dc * f)


def lstm_step(x_part, h_prev, c_prev, w_hh, b_hh=None):
    """(h, c) after one LSTM step (gates i, f, g, o)."""
    return _apply("lstm_step", LSTMStep(), x_part, (h_prev, c_prev), w_hh, b_hh)


class GRUStep(RecurrentStep):
    """PyTorch's GRU: r, z = σ of the first two blocks of x_part + h_part,
    n = tanh(x_n + r h_n) (the recurrent block, its bias included, scaled by r),
    h = (1 - z) n + z h_prev."""
    __slots__ = ()
    blocks = 3

    @staticmethod
    def gates(x_part, h_part, h_prev):
        (x_r, x_z, x_n), (h_r, h_z, h_n) = _split(x_part, 3), _split(h_part, 3)
        r, z = either.sigmoid(x_r + h_r), either.sigmoid(x_z + h_z)
        n = either.tanh(x_n + r * h_n)
        return n + z * (h_prev - n), (r, z, n, h_n)

    @staticmethod
    def gates_backward(gh, cache, h_prev):
        r, z, n, h_n = cache
        dn = gh * (1 - z) * (1 - n * n)
        dz = gh * (h_prev - n) * z * (1 - z)
        dr = dn * h_n * r * (1 - r)
        return (either.concatenate([dr, dz, dn], -1), either.concatenate([dr, dz, dn * r], -1),
                (gh * z,))


def gru_step(x_part, h_prev, w_hh, b_hh=None):
    """h after one GRU step (gates r, z, n)."""
    return _apply("gru_step", GRUStep(), x_part, (h_prev,), w_hh, b_hh)


class _ElmanStep(RecurrentStep):
    """h = activation(x_part + h_part), `activation` being the elementwise op (tanh or
    relu) whose forward, and derivative from its output, the step uses."""
    __slots__ = ()
    activation = None

    def gates(self, x_part, h_part, h_prev):
        pre = x_part + h_part
        h = (apply(type(self.activation)(), (pre,)) if isinstance(pre, Tensor) else
             self.activation.forward(pre))
        return h, h

    def gates_backward(self, gh, h, h_prev):
        d_pre = gh * self.activation.local(h)
        return d_pre, d_pre, (None,)


class RNNTanhStep(_ElmanStep):
    __slots__ = ()
    activation = Tanh()


class RNNReLUStep(_ElmanStep):
    __slots__ = ()
    activation = ReLU()


def rnn_tanh_step(x_part, h_prev, w_hh, b_hh=None):
    """tanh(x_part + h_prev W_hhᵀ + b_hh): one step of a tanh RNN."""
    return _apply("rnn_tanh_step", RNNTanhStep(), x_part, (h_prev,), w_hh, b_hh)


def rnn_relu_step(x_part, h_prev, w_hh, b_hh=None):
    """relu(x_part + h_prev W_hhᵀ + b_hh): one step of a ReLU RNN."""
    return _apply("rnn_relu_step", RNNReLUStep(), x_part, (h_prev,), w_hh, b_hh)


def _apply(name, op, x_part, state, w_hh, b_hh):
    """Checks the shapes, x_part (..., k·H), each state (..., H), w_hh (k·H, H), b_hh (k·H,),
    then applies the step."""
    operands = [as_tensor(t, name) for t in (x_part, *state, w_hh)]
    if b_hh is not None:
        operands.append(as_tensor(b_hh, name))
    check_devices(name, operands)
    x_part, w_hh = operands[0], operands[len(state) + 1]
    rows, hidden = w_hh.shape if w_hh.ndim == 2 else (-1, -1)
    lead = x_part.shape[:-1]
    if (w_hh.ndim != 2 or rows != op.blocks * hidden or x_part.shape != lead + (rows,)
            or any(s.shape != lead + (hidden,) for s in operands[1:len(state) + 1])
            or b_hh is not None and operands[-1].shape != (rows,)):
        shapes = ", ".join(str(t.shape) for t in operands)
        expected = ", ".join(["(..., k·H)"] + ["(..., H)"] * len(state) + ["(k·H, H)"] +
                             ["(k·H,)"] * (b_hh is not None))
        raise ValueError(f"{name}: operands of shapes {shapes} do not fit one step: expected "
                         f"{expected} with k = {op.blocks}")
    return apply_checked(op, tuple(operands))
