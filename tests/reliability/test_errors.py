"""Every bad call of the catalogue raises the project's own error: the expected type, with a
message naming the operation."""
import pathlib
import warnings

import pytest

import autograd as ag

from .bad_inputs import cases

LABELS = [case[0] for case in cases(pathlib.Path("unused"))]


@pytest.mark.parametrize("index", range(len(LABELS)), ids=LABELS)
def test_bad_call_gets_a_clear_error(index, tmp_path):
    if LABELS[index] == "cuda without cupy" and ag.cuda.is_available():
        pytest.skip("a GPU module is available on this run")
    label, call, types, text = cases(tmp_path)[index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(types) as info:
            call()
    assert text.lower() in str(info.value).lower(), str(info.value)
