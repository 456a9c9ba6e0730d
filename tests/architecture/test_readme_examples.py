"""The README's code examples run as printed."""
import pathlib
import re

import numpy as np

import autograd as ag

README = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()


def _block_after(heading):
    section = README[README.index(heading):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_extending_example_defines_a_correct_operation():
    namespace = {}
    exec(_block_after("## Extending"), namespace)
    x = ag.tensor(np.array([0.5, -1.5, 2.0, 0.0]), requires_grad=True)
    assert ag.gradcheck(namespace["softsign"], (x,))
    assert ag.gradgradcheck(namespace["softsign"], (x,))
