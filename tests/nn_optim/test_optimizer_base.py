"""What every optimiser shares: groups, zero_grad, in-place updates, dtypes, validation,
state_dict."""
import numpy as np
import pytest

import autograd as ag
import nn.optim as optim
from tests.helpers import host
from tests.nn_optim.trajectories import GRADIENTS, START

# each optimiser with settings that give it all its kinds of state
STATEFUL = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    (optim.Adadelta, dict(weight_decay=0.1)),
    (optim.Adam, dict(lr=0.1, amsgrad=True, weight_decay=0.1)),
    (optim.AdamW, dict(lr=0.1, amsgrad=True)),
    (optim.NAdam, dict(lr=0.1, weight_decay=0.1)),
]
IDS = [cls.__name__ for cls, _ in STATEFUL]


def leaf(values=START, dtype=np.float64):
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def set_grad(param, values):
    param.grad = ag.tensor(np.asarray(values, dtype=param.dtype))


@pytest.mark.parametrize("cls, hyper", STATEFUL, ids=IDS)
def test_step_updates_the_parameter_array_in_place_and_leaves_the_gradient(cls, hyper):
    param = leaf()
    optimizer = cls([param], maximize=True, **hyper)
    data = param.data
    set_grad(param, GRADIENTS[0])
    grad_tensor, grad_before = param.grad, host(param.grad).copy()
    optimizer.step()
    assert param.data is data  # references to the parameter see the update
    assert not np.allclose(host(param), START)
    assert param.grad is grad_tensor
    np.testing.assert_array_equal(host(param.grad), grad_before)


@pytest.mark.parametrize("cls, hyper", STATEFUL, ids=IDS)
def test_float32_parameters_and_state_stay_float32_on_their_device(cls, hyper):
    param = leaf(dtype=np.float32)
    optimizer = cls([param], **hyper)
    for grad in GRADIENTS:
        set_grad(param, grad)
        optimizer.step()
    assert param.dtype == np.float32
    for value in optimizer.state[param].values():
        if isinstance(value, ag.Tensor):
            assert value.dtype == np.float32 and value.device == param.device
    reference = leaf()
    reference_optimizer = cls([reference], **hyper)
    for grad in GRADIENTS:
        set_grad(reference, grad)
        reference_optimizer.step()
    np.testing.assert_allclose(host(param), host(reference), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls, hyper", STATEFUL, ids=IDS)
def test_parameters_without_gradient_are_skipped(cls, hyper):
    moving, frozen = leaf(), leaf()
    optimizer = cls([moving, frozen], **hyper)
    set_grad(moving, GRADIENTS[0])
    optimizer.step()
    np.testing.assert_array_equal(host(frozen), START)
    assert frozen not in optimizer.state and moving in optimizer.state


def test_maximize_climbs_where_the_default_descends():
    up, down = leaf(), leaf()
    up_optimizer = optim.Adam([up], lr=0.1, maximize=True)
    down_optimizer = optim.Adam([down], lr=0.1)
    for grad in GRADIENTS:
        set_grad(up, grad)
        set_grad(down, -grad)
        up_optimizer.step()
        down_optimizer.step()
    np.testing.assert_allclose(host(up), host(down), rtol=1e-12)


def test_zero_grad_sets_none_or_fresh_zeros():
    a, b = leaf(), leaf()
    optimizer = optim.SGD([a, b], lr=0.1)
    set_grad(a, GRADIENTS[0])
    set_grad(b, GRADIENTS[1])
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None
    set_grad(a, GRADIENTS[0])
    old = a.grad
    optimizer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(host(a.grad), np.zeros(3))
    np.testing.assert_array_equal(host(old), GRADIENTS[0])  # the old array is not zeroed
    assert b.grad is None


def test_each_parameter_group_uses_its_own_hyperparameters():
    slow, fast = leaf(), leaf()
    optimizer = optim.SGD([{"params": [slow]}, {"params": fast, "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.5]
    assert optimizer.param_groups[1]["momentum"] == 0  # defaults fill the rest
    set_grad(slow, GRADIENTS[0])
    set_grad(fast, GRADIENTS[0])
    optimizer.step()
    np.testing.assert_allclose(host(slow), START - 0.1 * GRADIENTS[0], rtol=1e-12)
    np.testing.assert_allclose(host(fast), START - 0.5 * GRADIENTS[0], rtol=1e-12)


def test_closure_is_evaluated_with_grad_enabled_and_its_loss_returned():
    param = leaf([3.0])
    optimizer = optim.SGD([param], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (param * param).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(host(param), [3.0 - 0.25 * 6.0])


@pytest.mark.parametrize("make, fragment", [
    (lambda p: optim.SGD([p], lr=-0.1), "SGD: Invalid learning rate: -0.1"),
    (lambda p: optim.SGD([p], momentum=-1), "momentum"),
    (lambda p: optim.SGD([p], lr=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.Adagrad([p], lr_decay=-1), "Adagrad: Invalid lr_decay value: -1"),
    (lambda p: optim.Adagrad([p], initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: optim.RMSprop([p], alpha=-0.5), "RMSprop: Invalid alpha value"),
    (lambda p: optim.Adadelta([p], rho=1.5), "Adadelta: Invalid rho value: 1.5"),
    (lambda p: optim.Adam([p], eps=-1e-8), "Adam: Invalid epsilon value"),
    (lambda p: optim.Adam([p], betas=(1.0, 0.999)), "Adam: Invalid beta parameter at index 0"),
    (lambda p: optim.AdamW([p], betas=(0.9, -0.1)), "AdamW: Invalid beta parameter at index 1"),
    (lambda p: optim.Adam([p], betas=0.9), "pair"),
    (lambda p: optim.Adam([p], weight_decay=float("nan")), "weight_decay"),
    (lambda p: optim.NAdam([p], momentum_decay=-1), "NAdam: Invalid momentum_decay"),
    (lambda p: optim.Adam([{"params": [p], "lr": -1}]), "Adam: Invalid learning rate: -1"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1), "more than one"),
    (lambda p: optim.SGD([p, p], lr=0.1), "twice"),
    (lambda p: optim.SGD([p * 2], lr=0.1), "non-leaf"),
    (lambda p: optim.SGD([{"lr": 0.1}]), "'params'"),
])
def test_bad_arguments_raise_value_error_naming_the_problem(make, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        make(leaf())


@pytest.mark.parametrize("make", [lambda p: optim.SGD(p, lr=0.1),
                                  lambda p: optim.SGD({p}, lr=0.1),
                                  lambda p: optim.SGD([host(p)], lr=0.1)])
def test_params_that_are_not_a_list_of_tensors_raise_type_error(make):
    with pytest.raises(TypeError):
        make(leaf())


def test_gradient_of_the_wrong_shape_is_refused():
    param = leaf()
    with pytest.raises(RuntimeError, match=r"shape \(4,\), the tensor has shape \(3,\)"):
        param.grad = ag.tensor(np.ones(4))


@pytest.mark.parametrize("cls, hyper", STATEFUL, ids=IDS)
def test_state_dict_round_trip_continues_the_same_steps(cls, hyper):
    params = [leaf(), leaf(START[:2])]
    optimizer = cls([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], **hyper)
    grads = [np.resize(g, 5) for g in GRADIENTS] + [np.linspace(-1, 1, 5)] * 2

    def step(opt, ps, grad):
        set_grad(ps[0], grad[:3])
        set_grad(ps[1], grad[3:])
        opt.step()

    for grad in grads[:2]:
        step(optimizer, params, grad)
    saved = optimizer.state_dict()
    saved_arrays = {(index, key): host(value).copy()
                    for index, entries in saved["state"].items()
                    for key, value in entries.items() if isinstance(value, ag.Tensor)}
    assert saved_arrays
    restored_params = [leaf(host(p)) for p in params]
    restored = cls([{"params": restored_params[:1]}, {"params": restored_params[1:]}], **hyper)
    restored.load_state_dict(saved)
    assert restored.param_groups[1]["lr"] == 0.05
    for grad in grads[2:]:
        step(optimizer, params, grad)
        step(restored, restored_params, grad)
    for original, copy in zip(params, restored_params):
        np.testing.assert_array_equal(host(copy), host(original))
    # the saved dict is a snapshot: the steps after it did not change it
    for (index, key), array in saved_arrays.items():
        np.testing.assert_array_equal(host(saved["state"][index][key]), array)


def test_state_dict_layout_is_torchs():
    a, b, c = leaf(), leaf(), leaf()
    optimizer = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1,
                          momentum=0.9)
    set_grad(a, GRADIENTS[0])
    set_grad(c, GRADIENTS[1])
    optimizer.step()
    saved = optimizer.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in saved["param_groups"]] == [0.1, 0.5]
    assert sorted(saved["state"]) == [0, 2]  # b had no gradient, so no state
    np.testing.assert_array_equal(host(saved["state"][2]["momentum_buffer"]), GRADIENTS[1])
    set_grad(c, GRADIENTS[2])
    optimizer.step()
    np.testing.assert_array_equal(host(saved["state"][2]["momentum_buffer"]), GRADIENTS[1])


def test_loading_into_float32_parameters_casts_the_state():
    source = leaf()
    optimizer = optim.Adam([source], lr=0.1)
    set_grad(source, GRADIENTS[0])
    optimizer.step()
    target = leaf(dtype=np.float32)
    restored = optim.Adam([target], lr=0.1)
    restored.load_state_dict(optimizer.state_dict())
    assert restored.state[target]["exp_avg"].dtype == np.float32
    assert restored.state[target]["step"] == 1


def test_load_state_dict_refuses_groups_that_do_not_match():
    optimizer = optim.SGD([leaf()], lr=0.1)
    two_groups = optim.SGD([{"params": [leaf()]}, {"params": [leaf()]}], lr=0.1)
    with pytest.raises(ValueError, match="number of parameter groups"):
        optimizer.load_state_dict(two_groups.state_dict())
    two_params = optim.SGD([leaf(), leaf()], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optimizer.load_state_dict(two_params.state_dict())
