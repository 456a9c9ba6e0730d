"""Recurrent layers over whole sequences: `RNN`, `LSTM`, `GRU`, with PyTorch's parameters,
layouts, gate order, shapes and initialisation, so a state_dict moves between the two.

One driver serves all three, for any number of stacked layers and both batch layouts: per
layer, the input's projection x W_ihᵀ + b_ih for every step in one matmul, then per step one
node for the recurrent product h W_hhᵀ + b_hh and the gates (`nn.functional.recurrent`).
What differs between the layers is said by attributes: how many blocks of gates the weights
hold, which step function runs, whether the state is h alone or the pair (h, c), and whether
b_hh may join b_ih in the projection.

The per-step states are ordinary tensors of the graph. `register_step_hook` shows each one as
it is made (to read its gradient with `register_hook` or `retain_grad`, say):
`nn.gradflow.GradientThroughTime` uses it to measure how the gradient fades through time.
"""
import math

import autograd as ag
from autograd import ops
from autograd.ops import as_tensor

from . import init as nn_init
from .arguments import check_size, check_flag, check_choice
from .functional import recurrent as F_recurrent
from .functional import linear
from .module import Module
from .parameter import Parameter

__all__ = ["RNN", "LSTM", "GRU"]

# How an RNN's nonlinearity is named, and the step it makes.
RNN_STEPS = {"tanh": F_recurrent.rnn_tanh_step, "relu": F_recurrent.rnn_relu_step}


class RecurrentBase(Module):
    """What the recurrent layers and cells share: the sizes, the weights in PyTorch's layout
    ((gates * hidden_size, input_size) and (gates * hidden_size, hidden_size), biases
    (gates * hidden_size,)), their initialisation, and the state's form."""
    gates = 1                  # blocks of hidden_size rows in each weight, one per gate
    state_names = ("h_0",)     # the tensors of the state: h, or (h, c) for the LSTM
    input_ndims = ()           # the numbers of dimensions an input may have

    def __init__(self, input_size, hidden_size, bias):
        super().__init__()
        name = type(self).__name__
        check_size(name, "input_size", input_size, minimum=1)
        check_size(name, "hidden_size", hidden_size, minimum=1)
        check_flag(name, "bias", bias)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias

    def _add_weights(self, suffix, input_size):
        """weight_ih{suffix}, weight_hh{suffix}, bias_ih{suffix}, bias_hh{suffix}."""
        rows = self.gates * self.hidden_size
        self.register_parameter(f"weight_ih{suffix}", Parameter(ag.zeros(rows, input_size)))
        self.register_parameter(f"weight_hh{suffix}",
                                Parameter(ag.zeros(rows, self.hidden_size)))
        for name in (f"bias_ih{suffix}", f"bias_hh{suffix}"):
            self.register_parameter(name, Parameter(ag.zeros(rows)) if self.bias else None)

    def reset_parameters(self):
        """Every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as in
        PyTorch."""
        bound = 1 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            nn_init.uniform_(param, -bound, bound)

    def _checked_input(self, x):
        x = as_tensor(x)
        if x.ndim not in self.input_ndims or x.shape[-1] != self.input_size or 0 in x.shape:
            raise ValueError(f"{self.graph_label()}: expected an input of shape "
                             f"{self._input_shapes()}, got {x.shape}: the last axis holds "
                             f"the input_size={self.input_size} features")
        if x.dtype.kind != "f":
            raise TypeError(f"{self.graph_label()}: expected a floating input, got dtype "
                            f"{x.dtype}; convert it (x.float()), or embed indices first "
                            "(nn.Embedding)")
        return x

    def _state(self, hx, shape, like):
        """The state as a tuple of tensors of `shape` (zeros in `like`'s dtype and device when
        hx is None), from hx in the user's form: a tensor, or a pair for the LSTM."""
        if hx is None:
            zeros = ag.zeros(shape, dtype=like.dtype, device=like.device)
            return (zeros,) * len(self.state_names)
        paired = len(self.state_names) > 1
        if paired != isinstance(hx, (tuple, list)) or paired and len(hx) != 2:
            kind = f"a pair ({', '.join(self.state_names)})" if paired else "one tensor"
            raise TypeError(f"{self.graph_label()}: hx must be {kind} of shape {shape}, got "
                            f"{type(hx).__name__}")
        parts = tuple(as_tensor(part) for part in (hx if paired else (hx,)))
        for name, part in zip(self.state_names, parts):
            if part.shape != shape:
                raise ValueError(f"{self.graph_label()}: expected {name} of shape {shape} for "
                                 f"this input, got {part.shape}")
        return parts

    def _user_form(self, state):
        """A state tuple as the user sees it: h, or (h, c) for the LSTM."""
        return state if len(self.state_names) > 1 else state[0]

    def graph_label(self):
        details = "".join(f", {detail}" for detail in self._label_details())
        return f"{type(self).__name__}({self.input_size}→{self.hidden_size}{details})"

    def _label_details(self):
        """What the graph label says besides the sizes."""
        return ()

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RecurrentLayers(RecurrentBase):
    """`num_layers` recurrent layers over a sequence: the input is (L, N, input_size), or
    (N, L, input_size) with batch_first=True, or unbatched (L, input_size); each layer's
    outputs are the next one's inputs. forward(x, hx=None) returns (output, h_n): the last
    layer's h at every step, in the input's layout, and every layer's last state
    (num_layers, N, hidden_size). hx has h_n's shape; zeros when not given."""
    step = None   # F.recurrent's step: (x_part, state, w_hh, b_hh) -> state
    input_ndims = (2, 3)
    # Whether b_hh only ever adds to the pre-activations, as b_ih does (RNN, LSTM): then the
    # projection adds b_ih + b_hh once for the whole sequence instead of b_hh at every step.
    # Not so in the GRU, whose n gate scales the recurrent product, b_hn included, by r.
    folds_recurrent_bias = True

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False):
        super().__init__(input_size, hidden_size, bias)
        name = type(self).__name__
        check_size(name, "num_layers", num_layers, minimum=1)
        check_flag(name, "batch_first", batch_first)
        self.num_layers = num_layers
        self.batch_first = batch_first
        self._step_hooks = []
        for k in range(num_layers):
            self._add_weights(f"_l{k}", input_size if k == 0 else hidden_size)
        self.reset_parameters()

    def register_step_hook(self, hook):
        """Calls `hook(module, layer, step, state)` for every step of every layer as forward
        makes its state (h, or (h, c) for the LSTM: tensors of the graph). Returns a handle
        whose `remove()` unregisters it."""
        self._step_hooks.append(hook)
        return ag.graph.RemovableHandle(self._step_hooks, hook)

    def time_axis(self, x):
        """The axis of `x` that runs over time: 1 for a batch-first batch, else 0."""
        return 1 if self.batch_first and x.ndim == 3 else 0

    def forward(self, x, hx=None):
        x = self._checked_input(x)
        axis = self.time_axis(x)
        batch = (x.shape[1 - axis],) if x.ndim == 3 else ()
        shape = (self.num_layers,) + batch + (self.hidden_size,)
        initial = self._state(hx, shape, x)
        states = zip(*(ops.shape.unbind(part) for part in initial))
        finals = []
        for k, state in enumerate(states):
            w_ih, w_hh, b_ih, b_hh = self._layer_parameters(k)
            if self.folds_recurrent_bias and b_hh is not None:
                b_ih, b_hh = b_ih + b_hh, None
            outputs = []
            for t, x_part in enumerate(ops.shape.unbind(linear(x, w_ih, b_ih), axis)):
                state = self.step(x_part, state, w_hh, b_hh)
                for hook in self._step_hooks:
                    hook(self, k, t, self._user_form(state))
                outputs.append(state[0])
            x = ag.stack(outputs, axis)
            finals.append(state)
        return x, self._user_form(tuple(ag.stack(part) for part in zip(*finals)))

    def _layer_parameters(self, k):
        return tuple(getattr(self, f"{name}_l{k}")
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def _input_shapes(self):
        layout = "(N, L, {0})" if self.batch_first else "(L, N, {0})"
        return (f"{layout.format(self.input_size)} (batch_first={self.batch_first}) or "
                f"unbatched (L, {self.input_size}), with at least one step")

    def _label_details(self):
        return (f"{self.num_layers} layers",) if self.num_layers > 1 else ()

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        return text


class RNN(RecurrentLayers):
    """The Elman RNN: h_t = nonlinearity(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh), with
    nonlinearity "tanh" (the default) or "relu"."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False):
        check_choice("RNN", "nonlinearity", nonlinearity, tuple(RNN_STEPS))
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first)
        self.nonlinearity = nonlinearity
        self.step = RNN_STEPS[nonlinearity]

    def _label_details(self):
        return super()._label_details() + (self.nonlinearity,)


class LSTM(RecurrentLayers):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997): the cell c_t = f c_{t-1} + i g
    carries the gradient back through time as long as the forget gate f stays open; the
    weights hold the gates i, f, g, o. The state and hx are pairs (h, c)."""
    gates = 4
    state_names = ("h_0", "c_0")
    step = staticmethod(F_recurrent.lstm_step)


class GRU(RecurrentLayers):
    """Gated recurrent unit (Cho et al., 2014), PyTorch's formula: gates r, z, n with
    n = tanh(W_in x + b_in + r (W_hn h + b_hn)) and h' = (1 - z) n + z h."""
    gates = 3
    step = staticmethod(F_recurrent.gru_step)
    folds_recurrent_bias = False
