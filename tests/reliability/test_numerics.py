"""Answers that used to be silently wrong: variance past its degrees of freedom, division by
tiny float32 numbers, softplus at infinity, and the local derivative shown in pictures."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import host


def test_variance_with_ddof_at_or_past_n_is_inf_never_negative():
    x = ag.tensor([1.0, 2.0, 3.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # numpy's "mean of empty slice"
        for ddof in (3, 5):
            assert np.isposinf(host(x.var(ddof=ddof)))
            assert np.isposinf(np.var([1.0, 2.0, 3.0], ddof=ddof))
        empty = ag.zeros(0, 3).var(axis=0)
    assert np.isnan(host(empty)).all()


def test_float32_division_by_a_tiny_number_has_finite_gradients():
    for numerator, expected in ((0.0, 0.0), (1e-30, -1e30)):
        a = ag.tensor(np.float32(numerator), requires_grad=True)
        b = ag.tensor(np.float32(1e-30), requires_grad=True)
        (a / b).backward()
        gb = float(host(b.grad))
        assert math.isfinite(gb)
        np.testing.assert_allclose(gb, expected, rtol=1e-5)


def test_softplus_gradient_is_exact_at_both_infinities():
    x = ag.tensor(np.array([-np.inf, -1000.0, 0.0, 1000.0, np.inf]), requires_grad=True)
    nn.functional.softplus(x).sum().backward()
    np.testing.assert_allclose(host(x.grad), [0.0, 0.0, 0.5, 1.0, 1.0])
    y = ag.tensor(np.array([np.inf]), requires_grad=True)
    ag.softplus(y).sum().backward()
    assert host(y.grad).tolist() == [1.0]


def test_pictures_show_sigmoid_derivatives_never_above_a_quarter_in_float32():
    """50 float32 sigmoid layers: the gradient reaching the first layers is subnormal, so a
    ratio of gradients is off; the derivative read from the saved outputs is not."""
    nn.manual_seed(0)
    model = nn.Sequential(*[m for _ in range(50) for m in (nn.Linear(50, 50), nn.Sigmoid())])
    loss = nn.functional.mse_loss(model(ag.randn(64, 50)), ag.randn(64, 50))
    loss.backward()
    graph = ag.viz.read_graph(loss, params=model)
    sigmoids = [op for op in graph.ops if op.local is not None]
    assert len(sigmoids) == 50
    assert max(op.local.largest for op in sigmoids) <= 0.25
    assert all(0 < op.local.mean <= 0.25 for op in sigmoids)
    dot = ag.viz.to_dot(loss, params=model, collapse="module")
    assert "(max 0.26)" not in dot and "(max 0.25)" in dot


# --- the gradient checker in a user's own tests ---------------------------------------------
def test_a_correct_op_on_float32_inputs_passes_through_a_float64_copy():
    x = ag.tensor(np.linspace(-2, 2, 7).astype(np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match="float64 copy"):
        assert ag.gradcheck(lambda t: t.tanh() * t, (x,))


def test_a_backward_of_the_wrong_shape_names_the_function_and_both_shapes():
    class Wrong(ag.Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return ag.ones(3, dtype=gy.dtype)  # for an input of shape (4, 3, 2)
    x = ag.tensor(np.ones((4, 3, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Wrong.backward returned a gradient of shape "
                                           r"\(3,\) for an input of shape \(4, 3, 2\)"):
        Wrong()(x).sum().backward()


def test_a_backward_that_is_not_differentiable_gets_a_hint():
    class NumpySquare(ag.Function):
        def forward(self, x):
            return x * x

        def backward(self, gy):
            x, = self.inputs
            return gy * ag.tensor(2 * host(x))
    x = ag.tensor(np.array([0.5, -1.0]), requires_grad=True)
    assert ag.gradcheck(NumpySquare(), (x,))
    with pytest.raises(ag.GradcheckError, match="hint: the first derivative does not depend"):
        ag.gradgradcheck(NumpySquare(), (x,))


def test_the_failing_output_element_is_given_as_an_index_tuple():
    class Off(ag.Function):
        def forward(self, x):
            return x * x

        def backward(self, gy):
            x, = self.inputs
            return gy * x * 3.0
    x = ag.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    with pytest.raises(ag.GradcheckError, match=r"output element \(1, 2\)"):
        ag.gradcheck(Off(), (x,))


@pytest.mark.parametrize("check", [ag.gradcheck, ag.gradgradcheck])
def test_a_check_with_nothing_to_check_is_refused(check):
    x = ag.tensor(np.ones(3))
    with pytest.raises(ValueError, match="none of the inputs requires grad"):
        check(lambda t: t * 2, (x,))
    w = ag.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="returned no floating Tensor"):
        check(lambda t: (t > 0), (w,))


def test_float32_check_mismatch_still_fails():
    class Off(ag.Function):
        def forward(self, x):
            return x * x

        def backward(self, gy):
            x, = self.inputs
            return gy * x
    x = ag.tensor(np.ones(3, np.float32), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ag.gradcheck(Off(), (x,), raise_exception=False) is False
