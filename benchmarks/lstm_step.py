"""One training step of an LSTM classifier, float32: tracegrad against the same step written
by hand in numpy (forward keeping the gates, backpropagation through time by hand), and
PyTorch when installed.

Workload: sequence 50, batch 32, 16 inputs, hidden 64; a Linear layer to 10 classes reads the
last hidden state; cross-entropy, SGD. Target: <= 1.5x numpy. Before timing, the numpy and
tracegrad steps are checked to compute the same loss and the same updated weights. Ratios
compare timings taken in one run, the implementations taking turns, with BLAS on one
thread (through threadpoolctl, when installed) as PyTorch is set to: at these sizes threads
buy little, and on a shared machine they make the timings erratic.

Run: python -m benchmarks.lstm_step [--repeats N]
"""
import argparse
import time

import numpy as np

import autograd as ag
import nn
from benchmarks.engine_overhead import best_times
from benchmarks.training_step import LR, torch_if_installed, one_blas_thread

STEPS, BATCH, INPUTS, HIDDEN, CLASSES = 50, 32, 16, 64, 10
TARGET = 1.5


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((STEPS, BATCH, INPUTS)).astype(np.float32)
    return x, rng.integers(0, CLASSES, BATCH)


def make_weights(seed=0):
    """PyTorch's names and layouts, U(-1/sqrt(hidden), 1/sqrt(hidden)) as its LSTM, and the
    Linear head U(-1/sqrt(hidden), ...) too: shared by every implementation."""
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(HIDDEN)
    shapes = {"lstm.weight_ih_l0": (4 * HIDDEN, INPUTS), "lstm.weight_hh_l0": (4 * HIDDEN, HIDDEN),
              "lstm.bias_ih_l0": (4 * HIDDEN,), "lstm.bias_hh_l0": (4 * HIDDEN,),
              "head.weight": (CLASSES, HIDDEN), "head.bias": (CLASSES,)}
    return {name: rng.uniform(-bound, bound, shape).astype(np.float32)
            for name, shape in shapes.items()}


def sigmoid(x):
    """The exact, overflow-free sigmoid tracegrad computes at these sizes: with
    e = exp(-|x|), 1/(1+e) for x >= 0 and e/(1+e) below."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


class NumpyLSTM:
    """The step by hand: the input projection for all steps in one matmul, the loop keeping
    each step's gates and cell, softmax cross-entropy, then backpropagation through time
    with the weights' gradients as one matmul over all steps, and SGD."""

    def __init__(self, weights):
        self.params = {name: w.copy() for name, w in weights.items()}

    def step(self, x, y):
        p = self.params
        w_ih, w_hh, w_fc = p["lstm.weight_ih_l0"], p["lstm.weight_hh_l0"], p["head.weight"]
        H = HIDDEN
        x_part = x @ w_ih.T + (p["lstm.bias_ih_l0"] + p["lstm.bias_hh_l0"])
        h = np.zeros((BATCH, H), np.float32)
        c = np.zeros((BATCH, H), np.float32)
        hs, cs, saved = [h], [c], []
        for t in range(STEPS):
            pre = x_part[t] + h @ w_hh.T
            i_f = sigmoid(pre[:, :2 * H])
            i, f = i_f[:, :H], i_f[:, H:]
            g, o = np.tanh(pre[:, 2 * H:3 * H]), sigmoid(pre[:, 3 * H:])
            c = f * c + i * g
            tanh_c = np.tanh(c)
            h = o * tanh_c
            saved.append((i, f, g, o, tanh_c))
            hs.append(h)
            cs.append(c)
        logits = h @ w_fc.T + p["head.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(BATCH)
        loss = -log_probs[rows, y].mean()
        d_logits = np.exp(log_probs)
        d_logits[rows, y] -= 1
        d_logits /= BATCH
        grads = {"head.weight": d_logits.T @ h, "head.bias": d_logits.sum(axis=0)}
        dh, dc = d_logits @ w_fc, np.zeros_like(c)
        d_pre = np.empty_like(x_part)
        for t in range(STEPS - 1, -1, -1):
            i, f, g, o, tanh_c = saved[t]
            dc = dc + dh * o * (1 - tanh_c * tanh_c)
            d = d_pre[t]
            d[:, :H] = dc * g * i * (1 - i)
            d[:, H:2 * H] = dc * cs[t] * f * (1 - f)
            d[:, 2 * H:3 * H] = dc * i * (1 - g * g)
            d[:, 3 * H:] = dh * tanh_c * o * (1 - o)
            dc = dc * f
            dh = d @ w_hh
        rows_pre = d_pre.reshape(-1, 4 * H)
        grads["lstm.weight_hh_l0"] = rows_pre.T @ np.stack(hs[:-1]).reshape(-1, H)
        grads["lstm.weight_ih_l0"] = rows_pre.T @ x.reshape(-1, INPUTS)
        grads["lstm.bias_ih_l0"] = grads["lstm.bias_hh_l0"] = rows_pre.sum(axis=0)
        for name, grad in grads.items():
            p[name] -= LR * grad
        return float(loss)


class TracegradLSTM:
    def __init__(self, weights):
        self.lstm = nn.LSTM(INPUTS, HIDDEN)
        self.head = nn.Linear(HIDDEN, CLASSES)
        self.model = _Classifier(self.lstm, self.head)
        self.model.load_state_dict(weights)
        self.optimizer = nn.optim.SGD(self.model.parameters(), lr=LR)

    def step(self, x, y):
        _, (h_n, _) = self.lstm(ag.from_numpy(x))
        loss = nn.functional.cross_entropy(self.head(h_n[0]), y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


class _Classifier(nn.Module):
    """The classifier's two layers under the names the weights use."""

    def __init__(self, lstm, head):
        super().__init__()
        self.lstm = lstm
        self.head = head


class TorchLSTM:
    def __init__(self, torch, weights):
        self.torch = torch
        self.lstm = torch.nn.LSTM(INPUTS, HIDDEN)
        self.head = torch.nn.Linear(HIDDEN, CLASSES)
        self.model = torch.nn.ModuleDict({"lstm": self.lstm, "head": self.head})
        self.model.load_state_dict({k: torch.from_numpy(w) for k, w in weights.items()})
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LR)

    def step(self, x, y):
        torch = self.torch
        _, (h_n, _) = self.lstm(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(self.head(h_n[0]), torch.from_numpy(y))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()


def check_same_step(ours, theirs, x, y):
    """Same losses and same updated weights, step for step: the same arithmetic."""
    for _ in range(3):
        a, b = ours.step(x, y), theirs.step(x, y)
        assert abs(a - b) <= 1e-5 * max(1.0, abs(b)), (a, b)
    for name, value in ours.model.state_dict().items():
        np.testing.assert_allclose(value.numpy(), theirs.params[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)


def compare(repeats):
    x, y = make_data()
    weights = make_weights()
    ours, theirs = TracegradLSTM(weights), NumpyLSTM(weights)
    check_same_step(ours, theirs, x, y)
    fns = [lambda: theirs.step(x, y), lambda: ours.step(x, y)]
    torch = torch_if_installed()
    if torch is not None:
        torch.set_num_threads(1)
        reference = TorchLSTM(torch, weights)
        fns.append(lambda: reference.step(x, y))
    with one_blas_thread() as limits:
        times = best_times(fns, repeats)
    threads = "BLAS on 1 thread" if limits is not None else "BLAS threads not limited"
    print(f"LSTM training step: sequence {STEPS}, batch {BATCH}, {INPUTS} inputs, hidden "
          f"{HIDDEN}, {CLASSES} classes, float32 ({threads})")
    print(f"  numpy by hand  {times[0] * 1e3:8.2f} ms/step")
    print(f"  tracegrad      {times[1] * 1e3:8.2f} ms/step   {times[1] / times[0]:.3f}x numpy  "
          f"(target <= {TARGET}x)")
    if torch is not None:
        print(f"  pytorch        {times[2] * 1e3:8.2f} ms/step   {times[2] / times[0]:.3f}x numpy")
    return [t / times[0] for t in times[1:]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    compare(args.repeats)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
