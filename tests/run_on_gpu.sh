#!/usr/bin/env bash
# Runs the whole test suite on real cupy, on a machine with an NVIDIA GPU.
#   bash tests/run_on_gpu.sh            (installs tracegrad[dev,gpu] into .venv-gpu first)
# CUPY_PACKAGE picks the cupy wheel for your CUDA version (default cupy-cuda12x).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv-gpu}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q -e ".[dev]" "${CUPY_PACKAGE:-cupy-cuda12x}"
"$venv/bin/python" -c "import cupy; print('cupy', cupy.__version__, 'GPUs:', cupy.cuda.runtime.getDeviceCount())"
TRACEGRAD_TEST_DEVICE=cuda "$venv/bin/python" -m pytest "$@"
