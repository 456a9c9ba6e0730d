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


def test_the_seeing_the_gradient_example_runs_and_writes_the_page(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    exec(_block_after("## Seeing the gradient"), {})
    page = (tmp_path / "graph.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "data-node" in page
    assert "grad norm" in capsys.readouterr().out


def test_the_recurrent_example_reads_the_gradient_at_every_step(capsys):
    namespace = {}
    exec(_block_after("## Convolutional and recurrent networks"), namespace)
    hidden = namespace["through_time"].hidden
    assert hidden.shape == (1, 50) and np.all(np.isfinite(hidden)) and hidden[0, -1] > 0
    assert capsys.readouterr().out.strip().startswith("[")


def test_every_picture_and_page_the_readme_links_exists():
    root = pathlib.Path(__file__).resolve().parents[2]
    linked = set(re.findall(r"\]\((docs/[^)\s]+)\)", README))
    assert linked, "the README links no figures"
    missing = sorted(path for path in linked if not (root / path).exists())
    assert not missing, f"the README links missing files: {missing}"
