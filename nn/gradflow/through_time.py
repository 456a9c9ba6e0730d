"""How the gradient fades through time in a recurrent layer: the norm of ∂loss/∂h_t at every
step t of every layer (∂loss/∂c_t too for an LSTM) and of ∂loss/∂x_t, read during the one
backward pass that training runs anyway.

Through a tanh RNN the gradient reaching step t is multiplied by the recurrent Jacobian once
per later step, so it shrinks geometrically towards the start of the sequence; an LSTM's
cell passes it back through the forget gates alone, which can stay open.
"""
import numpy as np

from autograd.ops import as_tensor

from .common import host as _host, pyplot

__all__ = ["GradientThroughTime"]


class GradientThroughTime:
    """Records the per-step gradient norms of a recurrent layer (nn.RNN, nn.LSTM, nn.GRU)
    for the layer's last forward call inside the block, as backward computes them:

        with nn.gradflow.GradientThroughTime(lstm) as through_time:
            output, (h_n, c_n) = lstm(x)
            loss = F.cross_entropy(head(h_n[-1]), y)
        loss.backward()                 # inside the block or after it
        through_time.hidden             # (num_layers, L): ‖∂loss/∂h_t‖, step 0 first
        through_time.input              # (L,): ‖∂loss/∂x_t‖
        through_time.cell               # LSTM: (num_layers, L) ‖∂loss/∂c_t‖; else None

    ∂loss/∂h_t is the whole gradient of the state: what reaches it through the output at
    step t and through every later step. Each norm is over one step's batch and features.
    The layer's step hooks show each state as it is made, and a gradient hook on it keeps
    only its norm, on the host, so nothing holds the graph. An input that needs no gradient
    is given one for the call (it is data: nothing else changes), so that ∂loss/∂x_t
    exists; the input's norms are read by the first backward pass after the call, whose
    hook then goes. A state that the gradient did not reach reads nan.
    """

    def __init__(self, layer):
        self.layer = layer
        self._norms = {}      # (kind, layer index, step) -> norm
        self._handles = []

    def __enter__(self):
        self._handles = [self.layer.register_forward_pre_hook(self._on_call),
                         self.layer.register_step_hook(self._on_step)]
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _on_call(self, module, args):
        """A new forward call: forget the previous one's norms, and watch the input."""
        self._norms = {}
        x = as_tensor(args[0])
        if not x.requires_grad:
            x = x.detach().requires_grad_()
        axis = module.time_axis(x)
        others = tuple(k for k in range(x.ndim) if k != axis)
        norms = self._norms

        def read(grad):
            handle.remove()   # once: a hook must not stay on the caller's own tensor
            per_step = np.sqrt((_host(grad) ** 2).sum(axis=others))
            for t, norm in enumerate(per_step):
                norms["input", 0, t] = float(norm)
        handle = x.register_hook(read)
        return (x,) + tuple(args[1:])

    def _on_step(self, module, layer, step, state):
        paired = len(module.state_names) > 1
        for kind, tensor in zip(("hidden", "cell"), state if paired else (state,)):
            if tensor.requires_grad:
                tensor.register_hook(self._reader(kind, layer, step))

    def _reader(self, kind, layer, step):
        norms = self._norms

        def read(grad):
            norms[kind, layer, step] = float(np.sqrt((_host(grad) ** 2).sum()))
        return read

    def _table(self, kind, layers):
        steps = 1 + max((t for (_, _, t) in self._norms), default=-1)
        table = np.full((layers, steps), np.nan)
        for (name, layer, t), norm in self._norms.items():
            if name == kind:
                table[layer, t] = norm
        return table

    @property
    def hidden(self):
        """‖∂loss/∂h_t‖ per layer (rows) and step (columns)."""
        return self._table("hidden", self.layer.num_layers)

    @property
    def cell(self):
        """‖∂loss/∂c_t‖ per layer and step for an LSTM; None for a layer without a cell."""
        if len(self.layer.state_names) < 2:
            return None
        return self._table("cell", self.layer.num_layers)

    @property
    def input(self):
        """‖∂loss/∂x_t‖ per step."""
        return self._table("input", 1)[0]

    def plot(self, ax=None, label=None):
        """The norms against the step on a log scale, one line per layer (and the input):
        a line that falls towards step 0 is a gradient vanishing through time."""
        plt = pyplot("GradientThroughTime.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        name = f"{label}: " if label else ""
        hidden = self.hidden
        for k, row in enumerate(hidden):
            ax.plot(np.arange(len(row)), row, label=f"{name}‖∂loss/∂h_t‖, layer {k}")
        ax.plot(np.arange(hidden.shape[1]), self.input, linestyle="--",
                label=f"{name}‖∂loss/∂x_t‖")
        ax.set_yscale("log")
        ax.set_xlabel("time step t")
        ax.set_ylabel("gradient norm (log scale)")
        ax.set_title("gradient through time")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        return ax
