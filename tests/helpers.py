"""Small helpers shared by the tests."""
import numpy as np

import autograd as ag
from autograd import backend


def host(t):
    """A tensor's (or device array's) values as a numpy array, whatever its device."""
    data = t if isinstance(t, np.ndarray) else getattr(t, "data", t)
    if isinstance(data, np.ndarray):
        return data
    return np.asarray(backend.to_device(data, "cpu"))


def f64(*shape, seed=0, low=None, high=None, requires_grad=True):
    """A float64 tensor of standard normal (or uniform in [low, high)) values on the test
    device."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape) if low is None else rng.uniform(low, high, shape)
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)



class Square(ag.Function):
    """x * x as a custom Function, with its backward written by hand."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        x, = self.inputs
        return 2 * x * gy
