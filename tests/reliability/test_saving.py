"""Checkpoints: atomic writes, both formats, optimiser state, all-or-nothing loading, and
files that are incomplete, damaged or hostile."""
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import host

FORMATS = [".npz", ".safetensors"]


def _model():
    nn.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def _same_state(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(host(a[key]), host(b[key]))
        assert host(a[key]).dtype == host(b[key]).dtype and a[key].shape == b[key].shape


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_module_round_trips_with_its_buffers(tmp_path, suffix):
    model = _model()
    model(ag.randn(5, 3))                        # moves the running statistics
    nn.save(model, tmp_path / f"m{suffix}")
    loaded = nn.load(tmp_path / f"m{suffix}")
    _same_state(loaded, model.state_dict())
    assert loaded["1.num_batches_tracked"].shape == ()
    fresh = _model()
    fresh.load_state_dict(loaded)
    _same_state(fresh.state_dict(), model.state_dict())


@pytest.mark.parametrize("suffix", FORMATS)
def test_keys_that_would_collide_with_a_writer_argument_are_kept(tmp_path, suffix):
    state = {"file": ag.ones(2), "allow_pickle": ag.zeros(3), "__tracegrad__": ag.ones(1),
             7: ag.tensor([1.0, 2.0])}
    nn.save(state, tmp_path / f"s{suffix}")
    loaded = nn.load(tmp_path / f"s{suffix}")
    assert set(loaded) == {"file", "allow_pickle", "__tracegrad__", 7}
    np.testing.assert_array_equal(host(loaded[7]), [1.0, 2.0])


def _adam_steps(model, optimizer, steps, seed):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = ag.tensor(rng.standard_normal((8, 3)).astype(np.float32))
        loss = (model(x) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


@pytest.mark.parametrize("suffix", FORMATS)
def test_model_and_optimiser_state_resume_the_same_training(tmp_path, suffix):
    model = _model()
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99), amsgrad=True)
    _adam_steps(model, optimizer, 3, seed=1)
    nn.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3},
            tmp_path / f"run{suffix}")
    _adam_steps(model, optimizer, 2, seed=2)          # the uninterrupted run
    checkpoint = nn.load(tmp_path / f"run{suffix}")
    assert checkpoint["epoch"] == 3
    groups = checkpoint["optimizer"]["param_groups"]
    assert groups[0]["betas"] == (0.8, 0.99) and groups[0]["amsgrad"] is True
    assert checkpoint["optimizer"]["state"][0]["step"] == 3
    resumed = _model()
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer = nn.optim.Adam(resumed.parameters())
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    _adam_steps(resumed, resumed_optimizer, 2, seed=2)
    _same_state(resumed.state_dict(), model.state_dict())


def test_an_optimiser_state_dict_saves_on_its_own(tmp_path):
    model = _model()
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    _adam_steps(model, optimizer, 1, seed=0)
    nn.save(optimizer.state_dict(), tmp_path / "opt.npz")
    loaded = nn.load(tmp_path / "opt.npz")
    assert loaded["param_groups"][0]["momentum"] == 0.9
    assert set(loaded["state"]) == set(optimizer.state_dict()["state"])


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_failing_save_leaves_the_previous_file_intact(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    nn.save({"w": ag.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="cannot save a object"):
        nn.save({"w": ag.zeros(3), "bad": object()}, path)
    with pytest.raises(TypeError, match="keys must be strings or integers"):
        nn.save({("a", 1): ag.zeros(3)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("suffix", FORMATS)
def test_an_interrupted_write_leaves_the_previous_file_and_no_litter(tmp_path, suffix,
                                                                      monkeypatch):
    path = tmp_path / f"m{suffix}"
    nn.save({"w": ag.ones(3)}, path)
    before = path.read_bytes()

    def interrupted(_):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": ag.zeros(3)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_truncated_file_is_refused(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    nn.save(_model(), path)
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) - 5):
        path.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="nn.load: .*(incomplete|damaged|not a complete)"):
            nn.load(path)


def test_a_plain_npy_file_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match="single numpy array .* np.load"):
        nn.load(path)


def test_a_header_claiming_more_data_than_the_file_holds_is_refused(tmp_path):
    buffer = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12,)}
    np.lib.format.write_array_header_1_0(buffer, header)
    buffer.write(b"\0" * 64)
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("w.npy", buffer.getvalue())
    with pytest.raises(ValueError, match=r"claims shape \(1000000000000,\)"):
        nn.load(path)
    safe = tmp_path / "huge.safetensors"
    head = json.dumps({"w": {"dtype": "F64", "shape": [10 ** 12],
                             "data_offsets": [0, 8 * 10 ** 12]}}).encode()
    safe.write_bytes(len(head).to_bytes(8, "little") + head + b"\0" * 64)
    with pytest.raises(ValueError, match="not a complete safetensors file"):
        nn.load(safe)


def test_object_arrays_are_never_unpickled(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, w=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        nn.load(path)


def test_files_of_other_programs_load_as_flat_state_dicts(tmp_path):
    import safetensors.numpy
    arrays = {"0.weight": np.ones((4, 3), np.float32), "0.bias": np.zeros(4, np.float32)}
    safetensors.numpy.save_file(arrays, tmp_path / "other.safetensors")
    np.savez(tmp_path / "other.npz", **arrays)
    for name in ("other.safetensors", "other.npz"):
        loaded = nn.load(tmp_path / name)
        assert sorted(loaded) == sorted(arrays)
        assert isinstance(loaded["0.weight"], ag.Tensor)
    nn.save(_model(), tmp_path / "ours.safetensors")
    theirs = safetensors.numpy.load_file(tmp_path / "ours.safetensors")
    assert sorted(theirs) == sorted(_model().state_dict())


def test_load_state_dict_checks_everything_before_copying_anything():
    model = _model()
    before = {k: host(v).copy() for k, v in model.state_dict().items()}
    state = {k: host(v) for k, v in model.state_dict().items()}
    state["0.weight"] = state["0.weight"] + 1          # a good value, first in order
    state["3.weight"] = np.full((2, 4), "x")             # strings of the right shape
    state["3.bias"] = np.ones(5, np.float32)             # the wrong shape
    state["1.num_batches_tracked"] = np.array(2.5)       # a float into an integer buffer
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    for key in ("3.weight", "3.bias", "1.num_batches_tracked"):
        assert key in message
    assert "nothing was copied" in message
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(host(value), before[key])


# --- killing a process that saves ---------------------------------------------------------
SAVER = textwrap.dedent('''
    import sys
    import numpy as np
    import autograd as ag
    import nn
    path = sys.argv[1]
    print("ready", flush=True)
    for version in range(1, 10 ** 6):
        nn.save({"weight": ag.tensor(np.full((256, 256), float(version))),
                 "step": version}, path)
''')


@pytest.mark.parametrize("suffix", FORMATS)
def test_killing_a_saving_process_always_leaves_a_complete_checkpoint(tmp_path, suffix):
    """A process saving in a loop is killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) at
    random moments; the file on disk always loads, complete and consistent."""
    path = tmp_path / f"ckpt{suffix}"
    nn.save({"weight": ag.tensor(np.zeros((256, 256))), "step": 0}, path)
    rng = np.random.default_rng(0)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    steps = set()
    for trial in range(8):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL if trial % 2 == 0 else signal.SIGINT)
        child.wait(timeout=30)
        checkpoint = nn.load(path)
        weights = host(checkpoint["weight"])
        assert weights.shape == (256, 256)
        assert (weights == checkpoint["step"]).all()
        steps.add(checkpoint["step"])
    assert len(steps) > 1        # the saves did happen between the kills
