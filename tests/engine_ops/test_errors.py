"""Errors: the right exception type, with a message that names the operation and what was
wrong (both shapes, the axis, both devices, how to install cupy)."""
import re

import numpy as np
import pytest

import autograd as ag
from autograd import backend
from tests import conftest, standin_cupy

from .support import leaf


def _shapes_pattern(name, *shapes):
    """The op's name, then each shape, in order, anywhere in the message."""
    return re.escape(name) + "".join(".*" + re.escape(str(s)) for s in shapes)


BROADCASTING = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "maximum": ag.maximum,
    "minimum": ag.minimum,
    "where": lambda a, b: ag.where(a > 0, a, b),
    "lt": lambda a, b: a < b,
    "eq": lambda a, b: a == b,
}


@pytest.mark.parametrize("name", BROADCASTING)
@pytest.mark.parametrize("shape_a, shape_b", [((2, 3), (4,)), ((3,), (2, 2)),
                                              ((2, 1, 3), (4, 2))])
def test_broadcast_mismatch_names_the_operation_and_both_shapes(name, shape_a, shape_b):
    a, b = leaf(np.ones(shape_a)), leaf(np.ones(shape_b))
    with pytest.raises(ValueError, match=_shapes_pattern(name, shape_a, shape_b)):
        BROADCASTING[name](a, b)


def test_where_names_the_shape_of_a_mismatched_condition():
    cond = ag.tensor(np.array([True, False, True]))
    a = leaf(np.ones((2, 2)))
    with pytest.raises(ValueError, match=_shapes_pattern("where", (3,), (2, 2), (2, 2))):
        ag.where(cond, a, a)


def test_where_needs_a_boolean_condition():
    with pytest.raises(TypeError, match="where.*bool"):
        ag.where(leaf([1.0, 0.0]), leaf([1.0, 2.0]), 0.0)


@pytest.mark.parametrize("shape_a, shape_b", [
    ((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((4,), (3, 2)), ((5, 2, 3), (2, 3)),
])
def test_matmul_inner_dimension_mismatch(shape_a, shape_b):
    a, b = leaf(np.ones(shape_a)), leaf(np.ones(shape_b))
    with pytest.raises(ValueError, match=_shapes_pattern("matmul", shape_a, shape_b)):
        a @ b


def test_matmul_batch_mismatch():
    a, b = leaf(np.ones((2, 2, 3))), leaf(np.ones((3, 3, 4)))
    with pytest.raises(ValueError, match=_shapes_pattern("matmul", (2, 2, 3), (3, 3, 4))):
        a @ b


@pytest.mark.parametrize("shape_a, shape_b", [((), (2, 2)), ((2, 2), ())])
def test_matmul_of_a_0d_tensor(shape_a, shape_b):
    a, b = leaf(np.ones(shape_a)), leaf(np.ones(shape_b))
    with pytest.raises(ValueError, match=_shapes_pattern("matmul", shape_a, shape_b)):
        a @ b


@pytest.mark.parametrize("shapes, axis", [
    ([(2, 3), (3, 3)], 1), ([(2, 3), (2, 4)], 0), ([(2, 3), (3,)], 0), ([(1, 2), (1, 2, 1)], -1),
])
def test_concatenate_mismatch(shapes, axis):
    tensors = [leaf(np.ones(s)) for s in shapes]
    with pytest.raises(ValueError, match=_shapes_pattern("concatenate", *shapes)):
        ag.concatenate(tensors, axis=axis)


@pytest.mark.parametrize("shapes", [[(2,), (3,)], [(2, 3), (3, 2)], [(1,), ()]])
def test_stack_mismatch(shapes):
    tensors = [leaf(np.ones(s)) for s in shapes]
    with pytest.raises(ValueError, match=_shapes_pattern("stack", *shapes)):
        ag.stack(tensors)


@pytest.mark.parametrize("fn", [ag.concatenate, ag.stack])
def test_joining_nothing(fn):
    with pytest.raises(ValueError, match=fn.__name__):
        fn([])


def test_concatenating_0d_tensors():
    with pytest.raises(ValueError, match="concatenate"):
        ag.concatenate([leaf(1.0), leaf(2.0)])


BAD_AXES = {
    "sum": lambda x: x.sum(axis=2),
    "mean": lambda x: x.mean(axis=-3),
    "var": lambda x: x.var(axis=(0, 2)),
    "max": lambda x: x.max(axis=5),
    "min": lambda x: ag.min(x, axis=-3),
    "logsumexp": lambda x: x.logsumexp(axis=(2,)),
    "softmax": lambda x: x.softmax(axis=2),
    "log_softmax": lambda x: x.log_softmax(axis=-3),
    "expand_dims": lambda x: x.expand_dims(3),
    "squeeze": lambda x: x.squeeze(2),
    "transpose": lambda x: x.transpose(0, 2),
    "concatenate": lambda x: ag.concatenate([x, x], axis=2),
    "stack": lambda x: ag.stack([x, x], axis=-4),
}


@pytest.mark.parametrize("name", BAD_AXES)
def test_axis_out_of_range(name):
    """Like numpy's AxisError: a ValueError, and an IndexError as PyTorch raises."""
    x = leaf(np.ones((2, 3)))
    with pytest.raises(ValueError, match=f"{name}.*axis"):
        BAD_AXES[name](x)
    with pytest.raises(IndexError, match=f"{name}.*axis"):
        BAD_AXES[name](x)


def test_reductions_of_a_0d_tensor_have_no_axis_0():
    with pytest.raises(ValueError, match="sum.*axis 0"):
        leaf(1.0).sum(axis=0)


@pytest.mark.parametrize("call", [lambda x: x.sum(axis=(0, 0)), lambda x: x.max(axis=(1, -1)),
                                  lambda x: x.transpose(0, 0), lambda x: x.transpose(1),
                                  lambda x: x.squeeze(0)], ids=["sum", "max", "transpose",
                                                                "transpose-short", "squeeze"])
def test_other_bad_axes(call):
    with pytest.raises(ValueError):
        call(leaf(np.ones((2, 3))))


@pytest.mark.parametrize("shape", [(4,), (-1, -1), (-1, 4), (7, -1), (2, 2, 2), (-2, -3)])
def test_bad_reshape(shape):
    x = leaf(np.ones((2, 3)))
    with pytest.raises(ValueError, match=_shapes_pattern("reshape", (2, 3), shape)):
        x.reshape(shape)


@pytest.mark.parametrize("target", [(3, 3), (3,), (2,)])
def test_bad_broadcast_to(target):
    with pytest.raises(ValueError, match=_shapes_pattern("broadcast_to", (2, 3), target)):
        ag.broadcast_to(leaf(np.ones((2, 3))), target)


@pytest.mark.parametrize("index", [5, -3, (0, 7), [0, 9], (0, 0, 0), np.array([True] * 3),
                                   (slice(None), [3])], ids=str)
def test_index_out_of_range(index):
    x = leaf(np.ones((2, 3)))
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\)"):
        x[index]


def test_indexing_a_0d_tensor():
    with pytest.raises(IndexError, match="getitem"):
        leaf(1.0)[0]


# --- devices ---------------------------------------------------------------------------

@pytest.fixture
def two_devices():
    """A CPU tensor maker and a "cuda" one, the stand-in playing the GPU on a CPU run."""
    if conftest.DEVICE_RUN == "cpu":
        backend.use_gpu_module(standin_cupy)
        yield
        backend.use_gpu_module(None)
    else:
        yield


def _on(device, values, dtype=np.float64):
    return ag.tensor(np.asarray(values, dtype=dtype), device=device)


DEVICE_MIXES = {
    "add": lambda c, g: c + g,
    "mul": lambda c, g: g * c,
    "sub": lambda c, g: c - g,
    "div": lambda c, g: g / c,
    "pow": lambda c, g: c ** g,
    "matmul": lambda c, g: c @ g,
    "maximum": ag.maximum,
    "minimum": lambda c, g: ag.minimum(g, c),
    "where": lambda c, g: ag.where(c > 0, g, g),
    "concatenate": lambda c, g: ag.concatenate([g, c]),
    "stack": lambda c, g: ag.stack([c, g]),
    "getitem": lambda c, g: g[ag.tensor(np.array([0, 1]), device="cpu")],
    "lt": lambda c, g: c < g,
}


@pytest.mark.parametrize("name", DEVICE_MIXES)
def test_operands_on_different_devices(two_devices, name):
    cpu = _on("cpu", [1.0, 2.0])
    gpu = _on("cuda", [3.0, 4.0])
    assert cpu.device == "cpu" and gpu.device.startswith("cuda")
    with pytest.raises(RuntimeError, match=f"{name}.*(cpu.*cuda|cuda.*cpu)"):
        DEVICE_MIXES[name](cpu, gpu)


def test_operations_on_one_device_work_and_move_back(two_devices):
    gpu = _on("cuda", [1.0, 2.0]).requires_grad_()
    out = (gpu * gpu).sum()
    assert out.device.startswith("cuda")
    out.backward()
    assert gpu.grad.device.startswith("cuda")
    assert gpu.grad.cpu().numpy().tolist() == [2.0, 4.0]


@pytest.mark.skipif(conftest.DEVICE_RUN != "cpu", reason="needs a run without a GPU module")
def test_cuda_without_cupy_says_how_to_install(monkeypatch):
    backend.use_gpu_module(None)
    monkeypatch.setitem(backend._gpu, "module", None)
    monkeypatch.setitem(backend._gpu, "tried", True)  # as if looking for cupy had failed
    assert not ag.cuda.is_available()
    hint = re.escape('pip install "tracegrad[gpu]"')
    with pytest.raises(RuntimeError, match=hint):
        ag.tensor([1.0], device="cuda")
    with pytest.raises(RuntimeError, match=hint):
        ag.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match=hint):
        ag.tensor([1.0]).to("cuda")
    with pytest.raises(RuntimeError, match=hint):
        ag.tensor([1.0]).cuda()
    with pytest.raises(RuntimeError, match=hint):
        ag.set_default_device("cuda")
    assert ag.get_default_device() == "cpu"


def test_unknown_device():
    with pytest.raises(ValueError, match="gpu"):
        ag.tensor([1.0], device="gpu")
