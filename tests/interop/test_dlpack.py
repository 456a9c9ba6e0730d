"""DLPack: zero-copy exchange with numpy, PyTorch, JAX and CuPy, both ways. Each test writes
on one side and reads the change on the other."""
import numpy as np
import pytest

import autograd as ag
from autograd import backend


def _cpu(values, dtype=np.float32):
    return ag.tensor(np.asarray(values, dtype=dtype), device="cpu")


def test_numpy_both_ways():
    t = _cpu([1.0, 2.0, 3.0])
    shared = np.from_dlpack(t)
    shared[0] = 10.0
    assert t.data[0] == 10.0
    array = np.arange(4.0)
    back = ag.from_dlpack(array)
    array[1] = -1.0
    assert back.data[1] == -1.0 and back.is_leaf and not back.requires_grad


def test_pytorch_both_ways():
    torch = pytest.importorskip("torch")
    t = _cpu([[1.0, 2.0], [3.0, 4.0]])
    theirs = torch.from_dlpack(t)
    theirs[1, 1] = 40.0
    assert t.data[1, 1] == 40.0 and theirs.dtype == torch.float32
    mine = ag.from_dlpack(theirs)
    t.data[0, 0] = -7.0                    # through the first exchange, back to mine
    assert mine.data[0, 0] == -7.0
    source = torch.arange(5, dtype=torch.float64)
    ours = ag.from_dlpack(source)
    source.mul_(2)
    np.testing.assert_array_equal(ours.data, [0, 2, 4, 6, 8])
    assert ours.dtype == np.float64
    weight = torch.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match="detach"):   # PyTorch's own rule
        ag.from_dlpack(weight)
    assert ag.from_dlpack(weight.detach()).shape == (2,)


def _aligned(count, alignment=64):
    """A float32 numpy array whose memory starts on an `alignment`-byte boundary."""
    raw = np.zeros(count + alignment // 4, np.float32)
    start = (-raw.ctypes.data % alignment) // 4
    return raw[start:start + count]


def test_jax_both_ways():
    """JAX shares memory it imports when it is 64-byte aligned (XLA's requirement) and copies
    it otherwise; what it exports is always shared."""
    jnp = pytest.importorskip("jax.numpy")
    t = ag.from_numpy(_aligned(3))
    theirs = jnp.from_dlpack(t)
    t.data[2] = 30.0                       # JAX arrays are immutable: write on our side
    assert float(theirs[2]) == 30.0
    source = jnp.arange(3.0, dtype=jnp.float32)
    ours = ag.from_dlpack(source)
    assert ours.data.ctypes.data == source.unsafe_buffer_pointer()
    np.testing.assert_array_equal(ours.data, [0.0, 1.0, 2.0])


def test_cupy_both_ways():
    cupy = pytest.importorskip("cupy")
    if backend.gpu_module() is not cupy:
        pytest.skip("needs a GPU with cupy")
    t = ag.tensor(np.ones(3, np.float32), device="cuda")
    theirs = cupy.from_dlpack(t)
    theirs[0] = 5.0
    assert float(t.data[0]) == 5.0
    ours = ag.from_dlpack(theirs)
    t.data[1] = 6.0
    assert float(ours.data[1]) == 6.0 and ours.device.startswith("cuda")


def test_objects_without_dlpack_are_refused():
    with pytest.raises(TypeError, match="from_dlpack: a list does not offer __dlpack__"):
        ag.from_dlpack([1.0, 2.0])
