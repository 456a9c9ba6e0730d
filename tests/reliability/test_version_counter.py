"""A value saved for backward and then changed in place makes backward refuse to run, as
PyTorch's version counter does, instead of silently using the new value."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import f64, host


def test_an_optimiser_step_between_forward_and_backward_is_refused():
    nn.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    loss = (model(ag.randn(4, 3)) ** 2).sum()
    opt.step()                         # nothing to do yet (no grad), so nothing changes
    loss.backward()
    opt.step()                         # changes the weights
    loss2 = (model(ag.randn(4, 3)) ** 2).sum()
    opt.step()
    with pytest.raises(RuntimeError, match=r"Linear: input 1 \(shape \(2, 3\).*modified in "
                                           r"place after the forward pass"):
        loss2.backward()


def test_the_usual_training_loop_is_never_refused():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(20):
        loss = (model(ag.randn(16, 3)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def test_a_saved_output_changed_in_place_is_refused():
    x = f64(4)
    y = x.sigmoid()
    with ag.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="Sigmoid: its output"):
        y.sum().backward()


def test_a_saved_input_changed_through_a_detached_alias_is_refused():
    x = f64(3)
    h = x * 2.0
    y = (h * h).sum()
    h.detach().zero_()                   # shares h's memory, needs no grad: allowed
    with pytest.raises(RuntimeError, match="Mul: input 0"):
        y.backward()


def test_a_saved_view_of_a_changed_tensor_is_refused():
    w = f64(2, 3)
    flat = w.reshape(-1)                 # a view of w's memory
    y = (flat * flat).sum()
    with ag.no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_nn_init_and_load_state_dict_count_as_writes():
    nn.manual_seed(0)
    layer = nn.Linear(2, 2)
    loss = (layer(ag.randn(3, 2)) ** 2).sum()
    nn.init.zeros_(layer.weight)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
    loss = (layer(ag.randn(3, 2)) ** 2).sum()
    layer.load_state_dict(nn.Linear(2, 2).state_dict())
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_writes_count_in_the_version_and_unsaved_values_may_change():
    x = ag.tensor(np.zeros(3))
    assert x._version == 0
    x.add_(1.0).mul_(3.0)
    assert x._version == 2
    np.testing.assert_array_equal(host(x), [3.0, 3.0, 3.0])
    w = f64(3)
    y = (w + 1.0).sum()                  # Add saves nothing
    with ag.no_grad():
        w.mul_(2.0)
    y.backward()
    np.testing.assert_array_equal(host(w.grad), np.ones(3))


def test_in_place_on_a_tensor_that_requires_grad_outside_no_grad_is_refused():
    w = f64(3)
    with pytest.raises(RuntimeError, match="add_: cannot change a leaf tensor that requires "
                                           "grad in place"):
        w.add_(1.0)
    h = w * 2.0
    with pytest.raises(RuntimeError, match="part of a graph"):
        h.zero_()
    with ag.no_grad():
        w.add_(1.0)                      # allowed, as an optimiser's update


def test_in_place_operations_check_their_operands():
    x = ag.tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"mul_: an operand of shape \(4,\) cannot be "
                                         r"broadcast to the tensor's shape \(2, 3\)"):
        x.mul_(ag.tensor(np.ones(4)))
    ints = ag.tensor(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="add_: the result is floating"):
        ints.add_(0.5)
    with pytest.raises(TypeError, match="uniform_: random floats cannot fill"):
        nn.init.uniform_(ints)
    ints.fill_(2.0)                       # an integral value: nothing is truncated
    np.testing.assert_array_equal(host(ints), [2, 2, 2])
    x.copy_(np.arange(3.0))
    np.testing.assert_array_equal(host(x), [[0, 1, 2], [0, 1, 2]])
    x.clamp_(0.5, 1.5)
    np.testing.assert_array_equal(host(x), [[0.5, 1, 1.5]] * 2)


def test_second_backward_after_a_step_is_refused_too():
    nn.manual_seed(0)
    layer = nn.Linear(2, 1)
    loss = (layer(ag.randn(3, 2)) ** 2).sum()
    loss.backward(retain_graph=True)
    nn.optim.SGD(layer.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()
