"""The Keras-style training loop, and what it must be able to learn."""
import numpy as np
import pytest

import nn
from tests.helpers import host


def _xor_model(hidden):
    if hidden:
        return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    return nn.Sequential(nn.Linear(2, 2))


def test_xor_needs_a_hidden_layer():
    x, y = nn.datasets.xor()
    nn.manual_seed(0)
    deep = _xor_model(hidden=True)
    nn.fit(deep, x, y, optimizer=nn.optim.Adam(deep.parameters(), lr=0.05), batch_size=4,
           epochs=300, progress=False)
    assert nn.evaluate(deep, x, y)["accuracy"] == 1.0
    nn.manual_seed(0)
    flat = _xor_model(hidden=False)
    nn.fit(flat, x, y, optimizer=nn.optim.Adam(flat.parameters(), lr=0.05), batch_size=4,
           epochs=300, progress=False)
    assert nn.evaluate(flat, x, y)["accuracy"] <= 0.75   # a line cannot split XOR


def test_digits_relu_he_batchnorm_adam_reaches_97_percent():
    x, y = nn.datasets.digits()
    x_train, x_test, y_train, y_test = nn.datasets.train_test_split(x, y, test_size=0.2,
                                                                    seed=0)
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128, init=nn.init.he_normal_), nn.BatchNorm1d(128),
                          nn.ReLU(), nn.Linear(128, 10))
    history = nn.fit(model, x_train, y_train, optimizer=nn.optim.Adam(model.parameters()),
                     batch_size=32, epochs=30, validation_data=(x_test, y_test),
                     progress=False, seed=0)
    assert history["val_accuracy"][-1] >= 0.97
    assert nn.evaluate(model, x_test, y_test)["accuracy"] == history["val_accuracy"][-1]
    assert len(history["loss"]) == 30 and history["loss"][-1] < history["loss"][0]


def test_history_has_per_epoch_values_and_validation_keys():
    x, y = nn.datasets.spiral(n_per_class=20, classes=3)
    nn.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    seen = []
    history = nn.fit(model, x, y, batch_size=16, epochs=3, validation_data=(x, y),
                     progress=False, on_epoch_end=lambda e, v: seen.append(e))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values())
    assert seen == [0, 1, 2]
    assert "3 epochs" in repr(history)


def test_fit_is_reproducible_with_a_seed():
    x, y = nn.datasets.spiral(n_per_class=20, classes=3)

    def train():
        nn.manual_seed(3)
        model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3), nn.Dropout(0.1))
        return nn.fit(model, x, y, batch_size=8, epochs=2, progress=False)["loss"]

    assert train() == train()


def test_fit_with_mse_and_a_custom_metric():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32))

    def max_error(output, target):
        return float(np.abs(host(output) - host(target)).max())

    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    history = nn.fit(model, x, y, loss="mse", metrics=(max_error,), batch_size=16,
                     epochs=60, optimizer=nn.optim.SGD(model.parameters(), lr=0.1),
                     progress=False)
    assert history["loss"][-1] < 1e-3
    assert history["max_error"][-1] < 0.1


def test_predict_and_evaluate_restore_training_mode():
    x, y = nn.datasets.xor()
    model = nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    assert model.training
    out = nn.predict(model, x)
    assert out.shape == (4, 2) and not out.requires_grad
    nn.evaluate(model, x, y)
    assert model.training


def test_fit_rejects_bad_arguments():
    x, y = nn.datasets.xor()
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="unknown loss"):
        nn.fit(model, x, y, loss="hinge", progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        nn.fit(model, x, y, batch_size=0, progress=False)


def test_progress_bar_is_silent_when_asked(capsys):
    x, y = nn.datasets.xor()
    nn.fit(nn.Sequential(nn.Linear(2, 2)), x, y, epochs=2, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_bar_shows_epochs_when_asked(capsys):
    x, y = nn.datasets.xor()
    nn.fit(nn.Sequential(nn.Linear(2, 2)), x, y, epochs=2, progress=True)
    assert "epoch" in capsys.readouterr().err
