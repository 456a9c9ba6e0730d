"""Weights cross between PyTorch and tracegrad both ways, through state_dict and through a
.safetensors file, and the twins compute the same outputs — in training mode (batch
statistics, which also move the running ones) and in eval mode (the running statistics)."""
import numpy as np
import pytest

import autograd as ag
import nn

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


def _mlp_pair():
    ours = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8),
                                 torch.nn.ReLU(), torch.nn.Linear(8, 3))
    return ours, theirs, (5, 6)


def _cnn_pair():
    ours = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 3))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.BatchNorm2d(4),
                                 torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                 torch.nn.Linear(4 * 3 * 3, 3))
    return ours, theirs, (3, 2, 6, 6)


class _TorchLSTMHead(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 5, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(5, 3)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1])


class _LSTMHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2, batch_first=True)
        self.head = nn.Linear(5, 3)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1])


def _lstm_pair():
    return _LSTMHead(), _TorchLSTMHead(), (2, 7, 4)


PAIRS = {"mlp+batchnorm1d": _mlp_pair, "cnn+batchnorm2d": _cnn_pair, "lstm": _lstm_pair}


def _outputs(ours, theirs, x, train):
    ours.train(train)
    theirs.train(train)
    with torch.no_grad():
        expected = theirs(torch.tensor(x)).numpy()
    with ag.no_grad():
        got = ours(ag.tensor(x)).cpu().numpy()
    return got, expected


def _assert_same_state(ours_state, theirs_state):
    assert list(ours_state) == list(theirs_state)
    for key, value in theirs_state.items():
        np.testing.assert_allclose(ours_state[key].cpu().numpy(), value.numpy(), rtol=1e-6,
                                   atol=1e-7, err_msg=key)


@pytest.mark.parametrize("name", PAIRS)
def test_pytorch_to_tracegrad_to_pytorch_through_state_dict(name):
    torch.manual_seed(0)
    ours, theirs, shape = PAIRS[name]()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    theirs.train()
    with torch.no_grad():
        theirs(torch.tensor(x))                         # running statistics move off 0 and 1
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for train in (False, True):                         # eval first: training moves them
        got, expected = _outputs(ours, theirs, x, train)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    _assert_same_state(ours.state_dict(), theirs.state_dict())   # both updated alike
    back = PAIRS[name]()[1]
    back.load_state_dict({k: torch.from_dlpack(v.cpu()) for k, v in ours.state_dict().items()})
    back.eval()
    theirs.eval()
    with torch.no_grad():   # the running statistics each side updated: equal to rounding
        np.testing.assert_allclose(back(torch.tensor(x)).numpy(),
                                   theirs(torch.tensor(x)).numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", PAIRS)
def test_both_ways_through_a_safetensors_file(name, tmp_path):
    torch.manual_seed(1)
    ours, theirs, shape = PAIRS[name]()
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    theirs.train()
    with torch.no_grad():
        theirs(torch.tensor(x))
    safetensors_torch.save_file(theirs.state_dict(), tmp_path / "theirs.safetensors")
    ours.load_state_dict(nn.load(tmp_path / "theirs.safetensors"))
    got, expected = _outputs(ours, theirs, x, train=False)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    nn.save(ours, tmp_path / "ours.safetensors")
    back = PAIRS[name]()[1]
    back.load_state_dict(safetensors_torch.load_file(tmp_path / "ours.safetensors"))
    back.eval()
    with torch.no_grad():
        np.testing.assert_array_equal(back(torch.tensor(x)).numpy(),
                                      theirs(torch.tensor(x)).numpy())
