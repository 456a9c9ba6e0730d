"""With only the required dependencies installed (numpy, and safetensors for checkpoints), the
core works (training with nn.fit, DOT text of a graph, saving and loading) and every optional
part says which extra to install. The environment is a fresh virtual environment holding
those two and tracegrad alone."""
import pathlib
import subprocess
import sys
import textwrap

import numpy
import pytest
import safetensors

ROOT = pathlib.Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent('''
    import importlib.util
    for name in ("tqdm", "graphviz", "matplotlib", "sklearn", "cupy", "hypothesis"):
        assert importlib.util.find_spec(name) is None, name + " is installed"

    import numpy as np
    import autograd as ag
    import nn

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    history = nn.fit(model, x, y, epochs=3, batch_size=16)          # no tqdm: no bar
    history = nn.fit(model, x, y, epochs=1, progress=False)
    history = nn.fit(model, x, y, epochs=1, progress=True)
    assert len(history["loss"]) == 1
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    assert ag.viz.to_dot(loss, params=model).startswith("digraph")
    for suffix in (".npz", ".safetensors"):
        nn.save(model, "model" + suffix)
        model.load_state_dict(nn.load("model" + suffix))

    def refused(call, extra):
        try:
            call()
        except (ImportError, RuntimeError) as error:
            assert extra in str(error), str(error)
            print("refused:", str(error).split(":")[0])
        else:
            raise AssertionError("expected an error naming " + extra)

    refused(lambda: ag.viz.backward_graph(loss), "tracegrad[viz]")
    refused(lambda: nn.gradflow.plot_gradient_norms(model), "tracegrad[viz]")
    refused(lambda: nn.datasets.digits(), "tracegrad[data]")
    refused(lambda: ag.zeros(2, device="cuda"), "tracegrad[gpu]")
    print("bare install OK")
''')


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A new venv (no pip) whose site-packages hold only numpy, safetensors and a path to
    tracegrad."""
    root = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = pathlib.Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    for package in (numpy, safetensors):
        name = package.__name__
        for entry in pathlib.Path(package.__file__).parent.parent.iterdir():
            if entry.name == name or entry.name.startswith((f"{name}.libs", f"{name}-")):
                (site / entry.name).symlink_to(entry)
    (site / "tracegrad.pth").write_text(str(ROOT) + "\n")
    return python


def test_core_works_and_optional_parts_name_their_extra(bare_python, tmp_path):
    result = subprocess.run([bare_python, "-c", SCRIPT], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bare install OK" in result.stdout
    assert result.stdout.count("refused:") == 4
