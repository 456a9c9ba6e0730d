"""Custom operations with ag.Function."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import host, f64, Square


class SplitSigns(ag.Function):
    """Two outputs: the positive and the negative part."""

    def forward(self, x):
        xp = ag.backend.array_module(x)
        return xp.maximum(x, 0), xp.minimum(x, 0)

    def backward(self, g_pos, g_neg):
        x, = self.inputs
        return ag.where(x > 0, g_pos, g_neg)


def test_custom_function_forward_and_backward():
    x = f64(3)
    y = Square()(x)
    assert y.grad_fn is not None and y.grad_fn.name == "Square"
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), 2 * host(x))


def test_custom_function_passes_gradcheck_and_gradgradcheck():
    x = f64(2, 3)
    assert ag.gradcheck(lambda t: Square()(t), (x,))
    assert ag.gradgradcheck(lambda t: Square()(t), (x,))


def test_custom_function_with_two_outputs():
    x = ag.tensor(np.array([-2.0, 3.0]), requires_grad=True)
    pos, neg = SplitSigns()(x)
    (pos * 2.0 + neg * 5.0).sum().backward()
    np.testing.assert_allclose(host(x.grad), [5.0, 2.0])


def test_custom_function_accepts_python_scalars_and_arrays():
    y = Square()(ag.tensor(np.array([3.0]), requires_grad=True))
    assert host(y)[0] == 9.0


def test_backward_returning_the_wrong_number_of_gradients_is_an_error():
    class Bad(ag.Function):
        def forward(self, a, b):
            return a + b

        def backward(self, gy):
            return gy

    with pytest.raises(RuntimeError, match="1 gradient"):
        Bad()(f64(2), f64(2, seed=1)).sum().backward()
