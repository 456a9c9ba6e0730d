"""PyTorch habits that work as they read: PyTorch's names (dim=, keepdim=, view, unsqueeze,
size(), argmax, std, norm), in-place updates, inplace= flags, and Module dtype moves."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import host

REDUCTIONS = ["sum", "mean", "var", "std", "max", "min", "logsumexp", "norm", "argmax",
              "argmin"]


def _values(seed=0, shape=(3, 4)):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_every_reduction_takes_dim_and_keepdim(name):
    x = ag.tensor(_values())
    numpy_spelling = getattr(x, name)(axis=1, keepdims=True)
    pytorch_spelling = getattr(x, name)(dim=1, keepdim=True)
    np.testing.assert_array_equal(host(numpy_spelling), host(pytorch_spelling))
    assert pytorch_spelling.shape == (3, 1)
    assert getattr(ag, name)(x, dim=0).shape == (4,)
    with pytest.raises(TypeError, match=f"{name}: got both axis= and dim="):
        getattr(x, name)(axis=0, dim=0)
    with pytest.raises(TypeError, match=f"{name}: got both keepdims= and keepdim="):
        getattr(x, name)(keepdims=False, keepdim=True)


def test_softmax_takes_dim():
    x = ag.tensor(_values())
    np.testing.assert_allclose(host(x.softmax(dim=0)), host(x.softmax(axis=0)))
    np.testing.assert_allclose(host(nn.functional.log_softmax(x, dim=1)),
                               host(x.log_softmax()))
    with pytest.raises(TypeError, match="got both"):
        x.softmax(axis=0, dim=1)


def test_argmax_and_argmin_are_integer_tensors_outside_the_graph():
    values = _values()
    x = ag.tensor(values, requires_grad=True)
    assert host(x.argmax()) == values.argmax() and x.argmax().dtype == np.int64
    np.testing.assert_array_equal(host(x.argmin(dim=1)), values.argmin(axis=1))
    np.testing.assert_array_equal(host(x.argmax(axis=0, keepdims=True)),
                                  values.argmax(axis=0, keepdims=True))
    assert not x.argmax().requires_grad
    with pytest.raises(TypeError, match="argmax: axis must be one int"):
        x.argmax(axis=(0, 1))


def test_std_and_norm_and_their_gradients():
    x = ag.tensor(_values(), requires_grad=True)
    np.testing.assert_allclose(host(x.std(dim=1)), _values().std(axis=1))
    np.testing.assert_allclose(host(x.std(ddof=1)), _values().std(ddof=1))
    np.testing.assert_allclose(host(x.norm()), np.linalg.norm(_values()))
    np.testing.assert_allclose(host(x.norm(dim=0)), np.linalg.norm(_values(), axis=0))
    assert ag.gradcheck(lambda t: t.std(axis=1, ddof=1), (x,))
    assert ag.gradgradcheck(lambda t: t.norm(dim=1), (x,))
    zero = ag.zeros(3, dtype=np.float64, requires_grad=True)
    zero.norm().backward()
    np.testing.assert_array_equal(host(zero.grad), np.zeros(3))   # PyTorch's 0, not nan


@pytest.mark.parametrize("p", [1, 2, 3, 0.5, np.inf, "fro"])
def test_norm_takes_p_by_name(p):
    x = ag.tensor(_values(), requires_grad=True)
    order = 2 if p == "fro" else p
    expected = (np.abs(_values()) ** order).sum(axis=1) ** (1 / order) if order != np.inf \
        else np.abs(_values()).max(axis=1)
    np.testing.assert_allclose(host(x.norm(p=p, dim=1)), expected)
    assert ag.gradgradcheck(lambda t: t.norm(p=p, dim=1), (x,))


def test_norm_says_its_first_argument_is_the_axis():
    x = ag.tensor(_values())
    with pytest.raises(TypeError, match=r"first argument is the axis.*norm\(p=2, dim=1\)"):
        x.norm(2, dim=1)
    for bad in (0, -1, "nuc", True):
        with pytest.raises(ValueError, match="norm: p must be"):
            x.norm(p=bad)


def test_comparison_methods_view_as_nelement_and_format():
    a, b = ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 5.0, 0.0])
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        np.testing.assert_array_equal(host(getattr(a, name)(b)),
                                      getattr(np, {"eq": "equal", "ne": "not_equal",
                                                   "lt": "less", "le": "less_equal",
                                                   "gt": "greater",
                                                   "ge": "greater_equal"}[name])(host(a),
                                                                                  host(b)))
    pred = ag.tensor([[1], [2], [3]])
    target = ag.tensor([1, 0, 3])
    assert pred.eq(target.view_as(pred)).sum().item() == 2      # PyTorch's MNIST example
    assert target.view_as(pred).shape == (3, 1) and pred.nelement() == 3
    assert f"{ag.tensor(0.123456):.3f}" == "0.123" and f"{ag.tensor([2.5]):.1f}" == "2.5"
    assert f"{a}" == repr(a)


def test_type_refuses_what_is_not_a_dtype():
    x = ag.tensor([1.0, 2.0])
    assert x.type(np.float64).dtype == np.float64 and x.type(ag.long).dtype == np.int64
    for bad in (ag.Tensor, lambda t: t, 3):
        with pytest.raises(TypeError, match="is not a dtype"):
            x.type(bad)


def test_pytorch_loader_and_loading_options_are_accepted():
    data = nn.TensorDataset(np.arange(10.0), np.arange(10))
    loader = nn.DataLoader(data, batch_size=4, shuffle=True, num_workers=1, pin_memory=True,
                           persistent_workers=False)
    assert sorted(int(v) for xb, _ in loader for v in host(xb)) == list(range(10))
    with pytest.raises(ValueError, match="num_workers"):
        nn.DataLoader(data, num_workers=-1)
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ag.grad((w * w).sum(), w, only_inputs=True)
    np.testing.assert_allclose(host(g), [2.0, 4.0])


def test_load_is_weights_only(tmp_path):
    path = tmp_path / "w.safetensors"
    nn.save({"w": ag.tensor([1.0, 2.0])}, path)
    np.testing.assert_array_equal(host(nn.load(path, weights_only=True)["w"]), [1.0, 2.0])
    with pytest.raises(ValueError, match="weights_only"):
        nn.load(path, weights_only=False)


def test_shape_habits():
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert x.view(6, 4).shape == (6, 4) and x.view(-1).shape == (24,)
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12) and x.flatten(0, 1).shape == (6, 4)
    assert x.flatten(start_dim=-2).shape == (2, 12)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4) and x.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert ag.unsqueeze(x, 1).shape == (2, 1, 3, 4)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert x.size == 24 and isinstance(x.size, int) and x.size * 2 == 48  # numpy's meaning
    assert x.dim() == 3 and x.numel() == 24
    assert x.long().dtype == np.int64 and not x.long().requires_grad
    with pytest.raises(ValueError, match="flatten: start_dim=2 comes after end_dim=1"):
        x.flatten(2, 1)
    x.flatten(1).sum().backward()
    np.testing.assert_array_equal(host(x.grad), np.ones((2, 3, 4)))


def test_the_same_as_pytorch():
    torch = pytest.importorskip("torch")
    values = _values(1, (2, 3, 5))
    ours, theirs = ag.tensor(values), torch.tensor(values)
    np.testing.assert_allclose(host(ours.std(dim=2, ddof=1)), theirs.std(dim=2).numpy())
    np.testing.assert_allclose(host(ours.norm(dim=1)), theirs.norm(dim=1).numpy())
    np.testing.assert_array_equal(host(ours.argmax(dim=2)), theirs.argmax(dim=2).numpy())
    assert ours.flatten(1, 2).shape == tuple(theirs.flatten(1, 2).shape)
    assert ours.size() == tuple(theirs.size()) and ours.size(1) == theirs.size(1)


def test_gradients_of_one_op_given_to_two_leaves_own_their_memory():
    a = ag.tensor(np.ones(3), requires_grad=True)
    b = ag.tensor(np.ones(3), requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()                                   # a PyTorch habit: must not touch b
    np.testing.assert_array_equal(host(b.grad), np.ones(3))
    h = b * 1.0
    h.retain_grad()
    (h + 0.0).sum().backward()
    h.grad.zero_()
    np.testing.assert_array_equal(host(b.grad), 2 * np.ones(3))


def test_manual_sgd_with_in_place_updates_as_in_pytorch():
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((16, 3)))
    w_true = np.array([1.0, -2.0, 0.5])
    y = ag.tensor(host(x) @ w_true)
    w = ag.zeros(3, dtype=np.float64, requires_grad=True)
    for _ in range(200):
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        with ag.no_grad():
            w.sub_(0.1 * w.grad)
            w.grad.zero_()
    np.testing.assert_allclose(host(w), w_true, atol=1e-6)


def test_inplace_flags_are_accepted():
    x = ag.tensor([-1.0, 2.0])
    for layer in (nn.ReLU(inplace=True), nn.ReLU(True), nn.LeakyReLU(0.1, inplace=True),
                  nn.ELU(inplace=True), nn.SiLU(inplace=True)):
        assert host(layer(x)).shape == (2,)
        assert host(x).tolist() == [-1.0, 2.0]      # computed out of place


def test_module_dtype_moves():
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    assert model.double() is model
    assert all(p.dtype == np.float64 for p in model.parameters())
    assert model[1].running_mean.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64        # integers stay
    model.float()
    assert all(p.dtype == np.float32 for p in model.parameters())
    model.to(np.float64)
    assert model(ag.tensor(np.ones((2, 3)))).dtype == np.float64


def test_augmented_assignment_updates_in_place_under_no_grad():
    w = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    params = [w]
    (w * w).sum().backward()
    with ag.no_grad():
        for p in params:
            p -= 0.5 * p.grad              # the loop variable is the parameter itself
    np.testing.assert_array_equal(host(w), [0.0, 0.0])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w += 1.0
    constant = ag.ones(2)
    constant *= 3.0
    np.testing.assert_array_equal(host(constant), [3.0, 3.0])


def test_augmented_assignment_inside_a_model_keeps_the_gradient_right():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    out = x * 2.0
    out += x                                # a residual block's `out += identity`
    out.sum().backward()
    np.testing.assert_array_equal(host(x.grad), [3.0, 3.0])
