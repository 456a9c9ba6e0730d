"""The interactive explorer: a self-contained page whose SVG nodes carry data-node and
data-folded, small enough, and working in a real (headless) Chromium: drawn, not blank, no
JavaScript errors, and a click on a folded block opens it."""
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

import autograd as ag

from .networks import sigmoid_mlp, unrolled_rnn

pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="Graphviz's dot is not installed")


def test_the_page_is_self_contained_and_marks_its_nodes():
    model, loss = sigmoid_mlp(20)
    page = ag.viz.to_html(loss, params=model, title="20 layers")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)      # nothing from the network
    assert "<script src" not in page and "<link" not in page
    nodes = set(re.findall(r'data-node="([^"]+)"', page))
    assert {"fold_0", "op0"} <= nodes
    assert re.search(r'data-node="fold_0" data-folded="20" data-view="1"', page)
    data = json.loads(re.search(r'id="tracegrad-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["views"]) >= 2 and data["views"][1]["parent"] == 0
    fold = data["nodes"]["fold_0"]
    assert len(fold["repeats"]) == 20 and fold["local"]["max"] <= 0.25


def test_save_html_writes_the_page(tmp_path):
    params, loss = unrolled_rnn(10)
    path = ag.viz.save_html(loss, tmp_path / "rnn.html", params=params)
    assert "data-folded=\"10\"" in path.read_text()


def test_a_200_layer_page_stays_under_5_mb():
    model, loss = sigmoid_mlp(200)
    assert len(ag.viz.to_html(loss, params=model).encode()) < 5 * 2 ** 20


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


BROWSER = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--window-size=1200,800", "--virtual-time-budget=4000"]


@pytest.mark.skipif(_chromium() is None, reason="no Chromium: install Debian's chromium")
def test_the_explorer_works_in_a_browser(tmp_path):
    model, loss = sigmoid_mlp(50)
    page = ag.viz.save_html(loss, tmp_path / "graph.html", params=model)
    dom = subprocess.run(BROWSER + ["--dump-dom", f"file://{page}#selftest"],
                         capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="selftest-result">([^<]*)</pre>', dom)
    assert found, "the self-test did not run"
    result = json.loads(found.group(1).replace("&gt;", ">").replace("&lt;", "<")
                        .replace("&amp;", "&"))
    assert result["errors"] == []
    assert result["svg"] > 50 and result["nodes"] >= 4          # the graph is drawn
    assert result["folded"] == 50
    assert result["after_click"] == 1 and result["nodes_after_click"] > result["nodes"]
    assert result["after_back"] == 0
    assert "grad rms" in result["tooltip"] and result["dimmed"] >= 4
    shot = tmp_path / "shot.png"
    subprocess.run(BROWSER + [f"--screenshot={shot}", f"file://{page}"],
                   capture_output=True, timeout=120)
    import matplotlib.image
    pixels = matplotlib.image.imread(shot)
    assert pixels.std() > 0.05                                    # not a blank page
    assert (np.abs(pixels[..., :3] - pixels[0, 0, :3]).sum(axis=-1) > 0.3).mean() > 0.02
