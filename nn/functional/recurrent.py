"""The recurrent cells: one time step of an Elman RNN, an LSTM or a GRU.

A step is the input's product x W_ihᵀ + b_ih, then one node of `autograd.ops.recurrent` for
the recurrent product h W_hhᵀ + b_hh and the gates together. The `*_step` functions take
the input's product and the state as a tuple, (h,) or (h, c), and return the next state in
that form: the layers (nn.RNN, nn.LSTM, nn.GRU) compute the input's product for a whole
sequence in one matmul and call them once per step. The `*_cell` functions are one step
from the input itself, with PyTorch's signatures (`torch.lstm_cell` and its siblings).
"""
from autograd import ops

from .layers import linear

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


def rnn_tanh_step(x_part, state, w_hh, b_hh=None):
    """(h,) with h = tanh(x_part + h_prev W_hhᵀ + b_hh)."""
    return (ops.recurrent.rnn_tanh_step(x_part, state[0], w_hh, b_hh),)


def rnn_relu_step(x_part, state, w_hh, b_hh=None):
    """(h,) with h = relu(x_part + h_prev W_hhᵀ + b_hh)."""
    return (ops.recurrent.rnn_relu_step(x_part, state[0], w_hh, b_hh),)


def lstm_step(x_part, state, w_hh, b_hh=None):
    """(h, c) after one LSTM step from state (h_prev, c_prev); gates i, f, g, o."""
    return ops.recurrent.lstm_step(x_part, *state, w_hh, b_hh)


def gru_step(x_part, state, w_hh, b_hh=None):
    """(h,) after one GRU step from state (h_prev,); gates r, z, n."""
    return (ops.recurrent.gru_step(x_part, state[0], w_hh, b_hh),)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = tanh(input W_ihᵀ + b_ih + hx W_hhᵀ + b_hh)."""
    return rnn_tanh_step(linear(input, w_ih, b_ih), (hx,), w_hh, b_hh)[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = relu(input W_ihᵀ + b_ih + hx W_hhᵀ + b_hh)."""
    return rnn_relu_step(linear(input, w_ih, b_ih), (hx,), w_hh, b_hh)[0]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """(h', c') from hx = (h, c); the weights hold the gates i, f, g, o in that order."""
    return lstm_step(linear(input, w_ih, b_ih), tuple(hx), w_hh, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' from hx; the weights hold the gates r, z, n in that order."""
    return gru_step(linear(input, w_ih, b_ih), (hx,), w_hh, b_hh)[0]
