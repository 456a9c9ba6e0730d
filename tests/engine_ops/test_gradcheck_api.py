"""ag.gradcheck and ag.gradgradcheck themselves: they pass correct gradients, and catch wrong
first and second derivatives of custom Functions with a message that locates the error."""
import re
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import host, Square

from .support import leaf


class ScaledSquare(ag.Function):
    """x * x with a backward off by a factor of 3/2."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        x, = self.inputs
        return 3 * x * gy


class WrongSecondInput(ag.Function):
    """x * y whose gradient for y is right only up to a constant offset."""

    def forward(self, x, y):
        return x * y

    def backward(self, gy):
        x, y = self.inputs
        return gy * y, gy * x + 0.5


class DetachedSquare(ag.Function):
    """Right first derivative, built from a detached input: no second derivative."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        x, = self.inputs
        return 2 * x.detach() * gy


class NumpySquare(ag.Function):
    """Right first derivative, computed in numpy: no second derivative either."""

    def forward(self, x):
        return x * x

    def backward(self, gy):
        x, = self.inputs
        return gy * ag.tensor(2 * host(x))


def test_correct_functions_pass():
    x, y = leaf([0.3, -1.2, 2.0]), leaf([[1.5], [0.5]])
    assert ag.gradcheck(lambda a, b: (a * b.sin()).exp(), (x, y)) is True
    assert ag.gradgradcheck(lambda a, b: (a * b.sin()).exp(), (x, y)) is True
    assert ag.gradcheck(Square(), x) is True
    assert ag.gradgradcheck(Square(), (x,)) is True


def test_several_outputs_and_constant_inputs():
    x = leaf([0.3, -1.2])
    c = leaf([2.0, 3.0], requires_grad=False)
    assert ag.gradcheck(lambda a, k: (a.sin() * k, (a * a).sum()), (x, c))
    assert ag.gradgradcheck(lambda a, k: (a.sin() * k, (a * a).sum()), (x, c))


def test_wrong_backward_raises_naming_input_element_and_both_values():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(ScaledSquare(), (x,))
    message = str(info.value)
    # numerically d(x^2)/dx = 2x; analytically 3x: the worst mismatch is at x = 3
    assert re.search(r"input 0\b", message)
    assert re.search(r"\(2,\)", message)
    assert re.search(r"numerical 6(\.0*)?\b", message)
    assert re.search(r"analytical 9(\.0*)?\b", message)
    assert isinstance(info.value, RuntimeError)


def test_wrong_gradient_of_the_second_input_is_located():
    x, y = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0]])
    with pytest.raises(ag.GradcheckError, match=r"input 1\b") as info:
        ag.gradcheck(WrongSecondInput(), (x, y))
    assert "numerical" in str(info.value) and "analytical" in str(info.value)


def test_raise_exception_false_returns_false():
    x = leaf([1.0, 2.0])
    assert ag.gradcheck(ScaledSquare(), (x,), raise_exception=False) is False
    assert ag.gradgradcheck(DetachedSquare(), (x,), raise_exception=False) is False
    assert ag.gradcheck(Square(), (x,), raise_exception=False) is True


def test_tolerances_are_applied():
    x = leaf([1.0, 2.0])
    # 3x against 2x: off by x, which a relative tolerance of 60% accepts
    assert ag.gradcheck(ScaledSquare(), (x,), rtol=0.6)
    assert not ag.gradcheck(ScaledSquare(), (x,), rtol=0.4, raise_exception=False)
    assert ag.gradcheck(ScaledSquare(), (x,), atol=2.1, rtol=0)


@pytest.mark.parametrize("bad", [DetachedSquare, NumpySquare])
def test_gradgradcheck_catches_a_wrong_second_derivative(bad):
    x = leaf([0.5, -1.5, 2.0])
    assert ag.gradcheck(bad(), (x,))  # first order is right
    with pytest.raises(ag.GradcheckError, match=r"input 0\b.*numerical.*analytical"):
        ag.gradgradcheck(bad(), (x,))


def test_warns_for_float32_inputs():
    x = leaf([1.0, 2.0], dtype=np.float32)
    with pytest.warns(UserWarning, match="float64"):
        ag.gradcheck(lambda t: t * 2, x, eps=1e-2, atol=1e-2)
    with pytest.warns(UserWarning, match="float64"):
        ag.gradgradcheck(lambda t: t * t, x, eps=1e-2, atol=1e-2)


def test_no_warning_for_float64_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ag.gradcheck(lambda t: t * 2, leaf([1.0, 2.0]))


def test_inputs_laid_out_in_fortran_order():
    """The perturbation must reach the tensor's own memory, whatever its strides."""
    values = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    x = leaf(values)
    assert ag.gradcheck(lambda t: (t * t).sum(axis=0), x)
    assert ag.gradgradcheck(lambda t: t * t, x)


def test_outputs_that_are_views_of_the_input():
    """reshape and basic indexing may return views of the perturbed input's memory."""
    x = leaf(np.arange(6.0).reshape(2, 3))
    assert ag.gradcheck(lambda t: t.reshape(-1), x)
    assert ag.gradcheck(lambda t: t[1], x)
    assert ag.gradcheck(lambda t: t.reshape(3, 2)[:, 0], x)


def test_gradcheck_leaves_inputs_unchanged():
    values = np.array([0.1, 0.2, 0.3])
    x = leaf(values)
    ag.gradcheck(lambda t: t.exp(), x)
    ag.gradgradcheck(lambda t: t.exp(), x)
    assert np.array_equal(host(x), values)
    assert x.grad is None
