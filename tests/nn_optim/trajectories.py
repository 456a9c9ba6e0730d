"""A fixed parameter and gradient sequence, and a helper that runs an optimiser over it."""
import numpy as np

import autograd as ag
from tests.helpers import host

START = np.array([0.5, -1.0, 2.0])
# coordinate 0 gets one large gradient and then small ones, so Adam's second moment falls
# and amsgrad's running maximum differs from it
GRADIENTS = [np.array([1.0, -0.2, 0.3]),
             np.array([0.1, 0.5, -0.6]),
             np.array([0.05, 0.8, -0.9])]


def run_fixed_gradients(optimizer_class, gradients=GRADIENTS, start=START, **hyperparameters):
    """The parameter (as float64 host arrays) after each step, with `.grad` set by hand."""
    param = ag.tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    optimizer = optimizer_class([param], **hyperparameters)
    trajectory = []
    for grad in gradients:
        param.grad = ag.tensor(np.asarray(grad, dtype=np.float64))
        optimizer.step()
        trajectory.append(host(param).copy())
    return trajectory


def assert_trajectory(got, expected, rtol=1e-12):
    assert len(got) == len(expected)
    for step, (g, e) in enumerate(zip(got, expected), start=1):
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-14, err_msg=f"after step {step}")
