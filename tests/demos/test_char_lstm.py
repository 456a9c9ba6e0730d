"""examples/char_lstm.py: a few seconds of training take the loss far below a uniform guess,
sampling gives text of the vocabulary, and the gradient table covers every layer."""
import math

import numpy as np
import pytest

import nn
from examples import char_lstm


@pytest.fixture(scope="module")
def trained():
    return char_lstm.train(steps=80, verbose=False)


def test_the_loss_falls_far_below_a_uniform_guess(trained):
    _, chars, history = trained
    uniform = math.log(len(chars))                      # log(26) = 3.26
    assert history["loss"][0] > uniform - 0.3           # it starts near the uniform guess
    assert np.mean(history["loss"][-10:]) < uniform - 1.5   # measured 0.82
    assert history["val_loss"][-1][1] < uniform - 1.5   # 0.81: the grammar, not the text


def test_sampling_gives_text_of_the_asked_length_from_the_vocabulary(trained):
    model, chars, _ = trained
    text = char_lstm.sample(model, chars, length=57, prompt="the keeper ")
    assert len(text) == 57 and set(text) <= set(chars)
    assert text == char_lstm.sample(model, chars, length=57, prompt="the keeper ")  # seeded


def test_the_gradient_table_has_a_row_for_the_embedding_the_lstm_and_the_head(trained):
    model, chars, _ = trained
    rows = char_lstm.gradient_rows(model, chars)
    assert all(np.isfinite(r.norm) and r.norm > 0 for r in rows)
    table = nn.gradflow.gradient_table(rows).splitlines()     # the weights, by default
    assert [line.split()[:2] for line in table[1:]] == [
        ["embedding", "weight"], ["lstm", "weight_ih_l0"], ["lstm", "weight_hh_l0"],
        ["head", "weight"]]
