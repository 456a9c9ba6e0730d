"""Backward passes in several threads: the garbage collector ends up as it was, and
gradients accumulated into one shared leaf are all counted."""
import gc
import sys
import threading

import numpy as np

import autograd as ag
from tests.helpers import host


def _in_threads(count, work):
    errors = []

    def run():
        try:
            work()
        except BaseException as error:  # re-raised in the main thread below
            errors.append(error)
    threads = [threading.Thread(target=run) for _ in range(count)]
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads as often as possible
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(previous)
    if errors:
        raise errors[0]


def test_overlapping_backward_passes_leave_the_collector_enabled():
    assert gc.isenabled()

    def work():
        for _ in range(50):
            x = ag.tensor(np.ones(8), requires_grad=True)
            ((x * 2.0).sigmoid() * 3.0).sum().backward()
    for _ in range(30):     # each interleaving could leave it off: try many
        _in_threads(4, work)
        assert gc.isenabled()


def test_accumulating_into_one_leaf_from_several_threads_loses_nothing():
    shared = ag.tensor(np.zeros(4), requires_grad=True)
    passes = 2000

    def work():
        for _ in range(passes):
            (shared * 1.0).sum().backward()
    _in_threads(4, work)
    np.testing.assert_array_equal(host(shared.grad), np.full(4, 4.0 * passes))
