"""Creation, attributes, dtypes and devices of tensors."""
import numpy as np
import pytest

import autograd as ag
from autograd import backend
from tests.conftest import DEVICE_RUN
from tests.helpers import host


def test_python_floats_and_lists_become_float32():
    assert ag.tensor(1.5).dtype == np.float32
    assert ag.tensor([[1.0, 2.0]]).dtype == np.float32
    assert ag.tensor([1, 2]).dtype.kind == "i"
    assert ag.tensor([True]).dtype == np.bool_


def test_default_dtype_can_be_changed():
    ag.set_default_dtype(np.float64)
    assert ag.get_default_dtype() == np.float64
    assert ag.tensor([1.0]).dtype == np.float64
    assert ag.zeros(2).dtype == np.float64
    with pytest.raises(TypeError):
        ag.set_default_dtype(np.int32)


def test_numpy_arrays_keep_their_dtype_and_are_copied():
    a = np.arange(3.0)
    t = ag.tensor(a)
    assert t.dtype == np.float64
    a[0] = 100.0
    assert host(t)[0] == 0.0


def test_from_numpy_shares_memory():
    a = np.arange(3.0)
    t = ag.from_numpy(a)
    a[0] = 7.0
    assert t.numpy()[0] == 7.0 and t.device == "cpu"


def test_only_floating_tensors_may_require_grad():
    with pytest.raises(TypeError, match="floating"):
        ag.tensor([1, 2, 3], requires_grad=True)


def test_attributes():
    t = ag.tensor(np.zeros((2, 3)), requires_grad=True, name="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.is_leaf and t.grad is None and t.grad_fn is None and t.name == "w"
    y = t * 2.0
    assert not y.is_leaf and y.requires_grad and y.grad_fn.name == "Mul"


def test_item_tolist_and_conversions():
    t = ag.tensor([[1.0, 2.0]])
    assert t.tolist() == [[1.0, 2.0]]
    assert ag.tensor(3.5).item() == 3.5
    with pytest.raises(ValueError, match="one element"):
        t.item()


@pytest.mark.skipif(DEVICE_RUN != "cpu", reason="numpy() is for CPU tensors")
def test_numpy_on_cpu():
    t = ag.tensor([1.0, 2.0])
    assert isinstance(t.numpy(), np.ndarray)
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])


def test_creation_functions():
    assert ag.zeros(2, 3).shape == (2, 3)
    assert ag.ones((2, 3)).shape == (2, 3)
    assert host(ag.ones(2)).tolist() == [1.0, 1.0]
    assert ag.arange(5).dtype.kind == "i" and host(ag.arange(5)).tolist() == [0, 1, 2, 3, 4]
    assert ag.arange(0.0, 1.0, 0.25).dtype == np.float32
    x = ag.randn(3, 4, dtype=np.float64)
    assert x.shape == (3, 4) and x.dtype == np.float64
    assert ag.zeros_like(x).dtype == np.float64 and ag.ones_like(x).shape == (3, 4)
    r = host(ag.rand(1000))
    assert r.min() >= 0 and r.max() < 1


def test_manual_seed_makes_random_tensors_reproducible():
    ag.manual_seed(123)
    a = host(ag.randn(5))
    ag.manual_seed(123)
    b = host(ag.randn(5))
    np.testing.assert_array_equal(a, b)


def test_python_scalars_never_change_dtype():
    x = ag.tensor([1.0, 2.0])
    for y in (x * 2.5, 2.5 * x, x + 1, 1 - x, x / 3, 2 ** x, x ** 2, -x):
        assert y.dtype == np.float32


def test_comparisons_are_boolean_and_outside_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    assert host(m).tolist() == [False, True]
    assert host(x == x).all()


def test_repr_names_grad_fn():
    x = ag.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<Mul>" in repr(x * 2.0)


def test_cuda_missing_says_how_to_install(monkeypatch):
    if DEVICE_RUN != "cpu":
        pytest.skip("a device module is registered on device runs")
    monkeypatch.setitem(backend._gpu, "module", None)
    monkeypatch.setitem(backend._gpu, "tried", True)
    assert not ag.cuda.is_available()
    with pytest.raises(RuntimeError, match=r'pip install "tracegrad\[gpu\]"'):
        ag.tensor([1.0], device="cuda")
    with pytest.raises(RuntimeError, match=r"tracegrad\[gpu\]"):
        ag.tensor([1.0]).to("cuda")


def test_unknown_device_is_a_value_error():
    with pytest.raises(ValueError, match="unknown device"):
        ag.tensor([1.0], device="tpu")


@pytest.fixture
def standin_gpu():
    from tests import standin_cupy
    previous = backend._gpu.copy()
    backend.use_gpu_module(standin_cupy)
    yield standin_cupy
    backend._gpu.update(previous)


def test_moving_between_devices_is_differentiable(standin_gpu):
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True, device="cpu")
    y = x.to("cuda")
    assert y.device.startswith("cuda") and isinstance(y.data, standin_gpu.ndarray)
    z = (y * y).sum().cpu()
    z.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert ag.cuda.is_available()


def test_mixing_devices_names_both(standin_gpu):
    a = ag.tensor([1.0, 2.0], device="cpu")
    b = ag.tensor([1.0, 2.0], device="cuda")
    for op in (lambda: a + b, lambda: a * b, lambda: a @ b, lambda: ag.maximum(a, b),
               lambda: ag.concatenate([a, b]), lambda: ag.where(a > 0, a, b)):
        with pytest.raises(RuntimeError, match=r"cpu.*cuda|cuda.*cpu"):
            op()


def test_cuda_tensor_refuses_numpy(standin_gpu):
    t = ag.tensor([1.0], device="cuda")
    with pytest.raises(TypeError, match=r"\.cpu\(\)"):
        t.numpy()
    assert host(t).tolist() == [1.0]
