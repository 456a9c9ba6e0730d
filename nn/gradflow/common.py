"""What the diagnostics share: reading tensors onto the host, and matplotlib on demand."""
import numpy as np

import autograd as ag
from autograd import backend


def host(t):
    """A tensor's (or array's) values as a float64 numpy array on the host."""
    return backend.to_host(getattr(t, "data", t), np.float64)


def pyplot(feature):
    ag.extras.require("matplotlib", f"nn.gradflow.{feature}")
    import matplotlib.pyplot as plt
    return plt


SATURATION = 0.97   # |tanh| > 0.97, as in makemore part 3


def saturated_share(module, values, threshold=SATURATION):
    """The share of a saturating activation's outputs farther from the middle of its
    `output_bounds` than `threshold` of the half-range (|tanh| > 0.97; sigmoid within 0.015
    of 0 or 1); None for an activation without bounds."""
    bounds = getattr(module, "output_bounds", None)
    if bounds is None:
        return None
    low, high = bounds
    middle, half = (low + high) / 2, (high - low) / 2
    return float(np.mean(np.abs(values - middle) > threshold * half))


def dead_share(module, values):
    """For a rectifier, the share of units (features) that output 0 for every sample of the
    batch; None otherwise."""
    if not getattr(module, "rectifies", False) or values.ndim < 2:
        return None
    units = values.reshape(values.shape[0], -1)
    return float(np.mean(np.all(units <= 0, axis=0)))
