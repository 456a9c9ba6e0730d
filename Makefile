# make tour   set up a virtual environment and run the vanishing-gradient tour (the main job)
# make test   set up and run the whole test suite twice: on numpy, then on the stand-in GPU
# make test-gpu   the same suite on real cupy (needs an NVIDIA GPU)
# make bench  the benchmarks
# make docs   regenerate the README's figures in docs/

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup tour test test-cpu test-standin test-gpu bench docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@missing=""; command -v dot >/dev/null || missing="graphviz"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		  $$missing >/dev/null; } || echo "could not install$$missing: without Graphviz's \
	dot graphs are written as DOT text, without Chromium the explorer's browser test is \
	skipped"; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

tour: setup
	$(BIN)/python -m demos.tour

test: test-cpu test-standin

test-cpu: setup
	$(BIN)/python -m pytest

test-standin: setup
	TRACEGRAD_TEST_DEVICE=standin $(BIN)/python -m pytest

test-gpu:
	bash tests/run_on_gpu.sh

bench: setup
	$(BIN)/python -m benchmarks.targets
	$(BIN)/python -m benchmarks.viz_render
	$(BIN)/python -m benchmarks.memory

docs: setup
	$(BIN)/python -m demos.render_docs

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
