"""Activation functions as modules, for use in Sequential. Each calls its namesake in
nn.functional; see there for the formulas.

Each declares what the diagnostics in `nn.gradflow` need to know about it, instead of being
recognised by name: `output_bounds`, the range a saturating activation squeezes its input
into (sigmoid's (0, 1)); `rectifies`, whether it outputs exactly 0 for negative inputs (so a
unit can die). PyTorch's `inplace=` flag is accepted; the result is computed out of place.
"""
import autograd as ag

from . import functional as F
from .functional.activations import axis_argument
from .arguments import check_size
from .module import Module
from .parameter import Parameter


__all__ = ["Activation", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "GELU",
           "SiLU", "Softplus", "Softmax", "LogSoftmax", "Step"]


class Activation(Module):
    """Base of the elementwise activation modules."""
    output_bounds = None   # (low, high) for saturating activations
    rectifies = False      # outputs exactly 0 for every negative input

    def __init__(self, inplace=False):
        super().__init__()
        if not isinstance(inplace, bool):
            raise TypeError(f"{type(self).__name__}: inplace must be True or False, got "
                            f"{inplace!r}")
        self.inplace = inplace


class Sigmoid(Activation):
    output_bounds = (0.0, 1.0)

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Activation):
    output_bounds = (-1.0, 1.0)

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.tanh(x)


class ReLU(Activation):
    rectifies = True

    def forward(self, x):
        return F.relu(x)


class SiLU(Activation):
    def forward(self, x):
        return F.silu(x)


class Step(Activation):
    """Heaviside step with zero gradient: for showing that it cannot be trained through."""
    output_bounds = (0.0, 1.0)
    rectifies = True

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.step(x)


class LeakyReLU(Activation):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class PReLU(Activation):
    """Leaky ReLU whose negative slope is a parameter (`weight`, starting at `init`): one
    shared slope, or one per channel (axis 1) with num_parameters=C."""

    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        check_size("PReLU", "num_parameters", num_parameters, minimum=1)
        self.num_parameters = num_parameters
        self.weight = Parameter(ag.full(num_parameters, init))

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class ELU(Activation):
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace)
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class GELU(Activation):
    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got "
                             f"{approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Activation):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    def __init__(self, axis=-1, *, dim=None):
        super().__init__()
        self.axis = axis_argument(axis, dim)

    def forward(self, x):
        return F.softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.axis)
