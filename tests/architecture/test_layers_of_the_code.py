"""The structure the architecture page promises: every graph node lives in autograd/ops,
nn composes only through autograd's public modules, and nothing refers to documents outside
the repository."""
import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NN = sorted((ROOT / "nn").rglob("*.py"))
# what nn may import from autograd: its top level, the op kit and the backends
ALLOWED = {"autograd", "autograd.ops", "autograd.backend"}
NODE_BASES = {"Op", "Function", "Elementwise"}


def _tree(path):
    return ast.parse(path.read_text(), filename=str(path))


@pytest.mark.parametrize("path", NN, ids=lambda p: str(p.relative_to(ROOT)))
def test_nn_defines_no_graph_nodes(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ClassDef):
            bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", None)
                     for b in node.bases}
            assert not bases & NODE_BASES, f"{path}: class {node.name} is a graph node"


@pytest.mark.parametrize("path", NN, ids=lambda p: str(p.relative_to(ROOT)))
def test_nn_imports_only_public_autograd_modules(path):
    for node in ast.walk(_tree(path)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] == "autograd":
                assert name in ALLOWED, f"{path} imports {name}"


def test_every_node_class_lives_in_autograd_ops():
    homes = set()
    for path in ROOT.glob("autograd/**/*.py"):
        if path.name == "function.py":   # the base classes themselves
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef) and {
                    getattr(b, "id", None) for b in node.bases} & {"Op", "Elementwise"}:
                homes.add(path.parent.relative_to(ROOT).as_posix())
    assert homes == {"autograd/ops"}


def test_no_references_to_documents_outside_the_repository():
    # the shapes such references take: a path up out of the repository, a claim marker or a
    # numbered source text of notes kept elsewhere, a scripts/ folder the repository lacks
    pattern = re.compile(r"\.\./[a-z]|[A-Z]+-CLAIM|\bseed [0-9]{3}\b|scripts/")
    for path in list(ROOT.glob("autograd/**/*.py")) + NN + list(ROOT.glob("demos/*.py")) \
            + list(ROOT.glob("tests/**/*.py")) + [ROOT / "README.md"]:
        if path == pathlib.Path(__file__):
            continue
        assert not pattern.search(path.read_text()), path
