"""The benchmarks run, and each hand-written numpy version does the same arithmetic as
tracegrad (every `compare` checks losses and updated weights before it times anything). Tiny
sizes and one repeat: the figures themselves are for `python -m benchmarks.targets`."""
import pytest

from benchmarks import (cnn_step, engine_overhead, instructions, lstm_step, targets,
                        training_step)
from tests.conftest import DEVICE_RUN

pytestmark = pytest.mark.skipif(DEVICE_RUN != "cpu", reason="the benchmarks run on the CPU")


def positive_ratios(ratios):
    return len(ratios) >= 1 and all(r > 0 for r in ratios)


def test_engine_overhead_prints_every_figure(capsys):
    figures = engine_overhead.run(repeats=1, depths=(10, 100))
    assert list(figures) == ["per-op forward + backward", "per-op forward only",
                             "deep chain, depth 10", "deep chain, depth 100",
                             "deep chain growth"]
    assert all(positive_ratios(r) for r in figures.values())
    assert "target <= 2.0x" in capsys.readouterr().out


def test_training_steps_agree_with_numpy_by_hand():
    assert positive_ratios(training_step.compare("small", (20, 16, 16, 4), 8, 1, 1.1))
    assert positive_ratios(cnn_step.compare(1))
    assert positive_ratios(lstm_step.compare(1))


def test_memory_check_runs():
    peak, growth = training_step.memory(steps=20)
    assert peak > 0 and isinstance(growth, int)


def test_summary_names_every_target(capsys):
    figures = {name: [1.0] for name in targets.TARGETS}
    targets.summary(figures, 0, 10)
    out = capsys.readouterr().out
    assert all(name in out for name in targets.TARGETS)
    assert "no growth" in out


def test_instruction_counts_come_from_chains_that_run_and_from_valgrind_s_summary():
    for name in instructions.CHAINS:
        instructions.run_chains(name, 1)
    assert instructions.instructions_in("==7== Events    : Ir\n==7== I   refs:      1,234,567\n"
                                        ) == 1_234_567
    with pytest.raises(RuntimeError, match="no instruction count"):
        instructions.instructions_in("valgrind: command not found")
