"""Test configuration: which device the whole suite runs on.

TRACEGRAD_TEST_DEVICE=cpu (default) runs on numpy; =standin runs every test a second time on
tests/standin_cupy.py, registered as device "cuda"; =cuda runs on real cupy (tests/run_on_gpu.sh).
On a device run, tensors made without an explicit device land on it (ag.set_default_device).
"""
import os

import numpy as np
import pytest

import autograd as ag
from autograd import backend

DEVICE_RUN = os.environ.get("TRACEGRAD_TEST_DEVICE", "cpu")

if DEVICE_RUN == "standin":
    from tests import standin_cupy
    backend.use_gpu_module(standin_cupy)
    ag.set_default_device("cuda")
elif DEVICE_RUN == "cuda":
    ag.set_default_device("cuda")
elif DEVICE_RUN != "cpu":
    raise pytest.UsageError(f"TRACEGRAD_TEST_DEVICE={DEVICE_RUN!r}: use cpu, standin or cuda")


def pytest_report_header(config):
    lines = [f"tracegrad test device: {DEVICE_RUN} (default device {ag.get_default_device()})"]
    if not ag.extras.available("torch"):
        lines.append("PyTorch is not installed: the ~200 tests that compare with it are "
                     "skipped (install a CPU build of torch to run them; see the README)")
    return lines


@pytest.fixture(autouse=True)
def _fresh_defaults():
    """Every test starts from the same default dtype and a fixed seed."""
    ag.set_default_dtype(np.float32)
    ag.manual_seed(0)
    yield
    ag.set_default_dtype(np.float32)
