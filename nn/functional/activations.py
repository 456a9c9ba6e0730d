"""Activation functions. Most are compositions of engine operations, so their derivatives
(of any order) come from the engine."""
import math

import autograd as ag
from autograd.ops import as_tensor

__all__ = ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "gelu", "silu",
           "softplus", "softmax", "log_softmax", "step"]

_SQRT_HALF = math.sqrt(0.5)
_SQRT_TWO_OVER_PI = math.sqrt(2 / math.pi)


def sigmoid(x):
    """1 / (1 + exp(-x)); its derivative s(1 - s) peaks at 1/4, at 0."""
    return as_tensor(x).sigmoid()


def tanh(x):
    """Zero-centred; its derivative 1 - tanh^2 peaks at 1, at 0."""
    return as_tensor(x).tanh()


def relu(x):
    """max(0, x); derivative 1 for x > 0 and 0 for x <= 0 (PyTorch's choice at 0)."""
    return as_tensor(x).relu()


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise (the slope also at 0, as PyTorch)."""
    x = as_tensor(x)
    return ag.where(x > 0, x, x * negative_slope)


def prelu(x, weight):
    """leaky_relu with a learned slope: one for all (weight of size 1) or one per channel,
    the channel axis being axis 1 as in PyTorch."""
    x = as_tensor(x)
    if weight.size != 1:
        if x.ndim < 2 or x.shape[1] != weight.size:
            raise ValueError(f"prelu: {weight.size} slopes need an input with {weight.size} "
                             f"channels on axis 1, got shape {x.shape}")
        weight = weight.reshape((weight.size,) + (1,) * (x.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return ag.where(x > 0, x, weight * x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise. exp is taken of min(x, 0): the branch
    not chosen must stay finite, or its inf would turn the gradient into 0 * inf = nan."""
    x = as_tensor(x)
    return ag.where(x > 0, x, alpha * (x.clip(None, 0).exp() - 1))


def gelu(x, approximate="none"):
    """x * Phi(x), Phi the standard normal CDF: exactly 0.5 x (1 + erf(x / sqrt 2)) by
    default (as PyTorch), or PyTorch's tanh approximation with `approximate="tanh"`."""
    x = as_tensor(x)
    if approximate == "none":
        return 0.5 * x * (1 + ag.erf(x * _SQRT_HALF))
    if approximate == "tanh":
        inner = _SQRT_TWO_OVER_PI * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1 + inner.tanh())
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = as_tensor(x)
    return x * x.sigmoid()


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, a smooth relu; as PyTorch, x itself where beta x >
    threshold (where the two agree to float precision)."""
    x = as_tensor(x)
    scaled = x * beta if beta != 1 else x
    smooth = ag.softplus(scaled)
    if beta != 1:
        smooth = smooth / beta
    return ag.where(scaled > threshold, x, smooth)


def axis_argument(axis, dim):
    """`dim=` is accepted as PyTorch's name for `axis`."""
    return axis if dim is None else dim


def softmax(x, axis=-1, *, dim=None):
    """exp(x) / sum(exp(x)) along `axis`: positive, summing to 1, order kept."""
    return as_tensor(x).softmax(axis_argument(axis, dim))


def log_softmax(x, axis=-1, *, dim=None):
    return as_tensor(x).log_softmax(axis_argument(axis, dim))


def step(x):
    """Heaviside step (x > 0) with gradient 0 everywhere."""
    return ag.step(x)
