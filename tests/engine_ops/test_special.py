"""erf: accurate to double precision, keeps float32, differentiable twice."""
import math

import numpy as np

import autograd as ag
from autograd.ops.special import erf, erf_array


def test_erf_is_accurate_to_double_precision():
    x = np.concatenate([np.linspace(-6, 6, 24001), [0.46875, -0.46875, 4.0, -4.0, 27.0]])
    expected = np.array([math.erf(v) for v in x])
    assert np.abs(erf_array(x) - expected).max() < 1e-15
    assert erf_array(np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert np.isnan(erf_array(np.array([np.nan]))).all()


def test_erf_keeps_float32_and_is_accurate_to_its_precision():
    x = np.linspace(-5, 5, 2001).astype(np.float32)
    y = erf_array(x)
    assert y.dtype == np.float32
    assert np.abs(y - np.array([math.erf(v) for v in x.astype(np.float64)])).max() < 2.5e-7


def test_erf_gradient():
    x = ag.tensor(np.linspace(-3, 3, 7), requires_grad=True)
    assert ag.gradcheck(erf, (x,))
    assert ag.gradgradcheck(erf, (x,))
