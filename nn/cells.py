"""Recurrent cells, one time step each: `RNNCell`, `LSTMCell`, `GRUCell`, with PyTorch's
parameters (weight_ih, weight_hh, bias_ih, bias_hh), layouts, gate order and
initialisation. A loop over time written with a cell computes what the matching layer does,
one input projection per step instead of one for the whole sequence."""
from . import functional as F
from .arguments import check_choice
from .recurrent import RecurrentBase

__all__ = ["RNNCell", "LSTMCell", "GRUCell"]

# How an RNNCell's nonlinearity is named, and the cell function it makes.
RNN_CELLS = {"tanh": F.rnn_tanh_cell, "relu": F.rnn_relu_cell}


class RecurrentCell(RecurrentBase):
    """One step: forward(x, hx=None) takes x (N, input_size), or unbatched (input_size,), and
    hx (N, hidden_size) (for the LSTMCell a pair (h, c)), zeros when not given; it returns the
    next state in hx's form."""
    cell = None   # nn.functional's cell: (input, hx, w_ih, w_hh, b_ih, b_hh) -> next state
    input_ndims = (1, 2)

    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__(input_size, hidden_size, bias)
        self._add_weights("", input_size)
        self.reset_parameters()

    def forward(self, x, hx=None):
        x = self._checked_input(x)
        state = self._state(hx, x.shape[:-1] + (self.hidden_size,), x)
        return self.cell(x, self._user_form(state), self.weight_ih, self.weight_hh,
                         self.bias_ih, self.bias_hh)

    def _input_shapes(self):
        return f"(N, {self.input_size}) or unbatched ({self.input_size},)"


class RNNCell(RecurrentCell):
    """h' = nonlinearity(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), nonlinearity "tanh" or "relu"."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        check_choice("RNNCell", "nonlinearity", nonlinearity, tuple(RNN_CELLS))
        super().__init__(input_size, hidden_size, bias)
        self.nonlinearity = nonlinearity
        self.cell = RNN_CELLS[nonlinearity]

    def _label_details(self):
        return (self.nonlinearity,)

    def extra_repr(self):
        text = super().extra_repr()
        return text if self.nonlinearity == "tanh" else f"{text}, nonlinearity={self.nonlinearity}"


class LSTMCell(RecurrentCell):
    """One LSTM step (gates i, f, g, o); the state is the pair (h, c)."""
    gates = 4
    state_names = ("h_0", "c_0")
    cell = staticmethod(F.lstm_cell)


class GRUCell(RecurrentCell):
    """One GRU step (gates r, z, n), PyTorch's formula."""
    gates = 3
    cell = staticmethod(F.gru_cell)
