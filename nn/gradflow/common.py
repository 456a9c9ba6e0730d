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
