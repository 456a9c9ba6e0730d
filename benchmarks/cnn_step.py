"""One training step (forward, backward, SGD update) of a small CNN with cross-entropy, float32:
tracegrad against the same step written by hand in numpy (and PyTorch when installed).

Workload: a batch of 64 images 1x28x28 -> Conv2d 1->16 3x3 padding 1 -> ReLU -> MaxPool2d 2
-> Conv2d 16->32 3x3 padding 1 -> ReLU -> MaxPool2d 2 -> Flatten -> Linear 1568->10 ->
cross-entropy -> SGD. Targets: <= 1.5x numpy and <= 2x PyTorch. The numpy step uses im2col
for the forward (one strided copy per kernel offset, one matrix product), col2im by kernel
offsets for the backward, and max pooling by reshaping into 2x2 blocks. Ratios compare
timings taken in the same run, the implementations taking turns, on one thread each by
default. Before timing, the numpy and tracegrad steps are checked to give the same losses and
the same updated weights. malloc is first asked to keep freed memory for reuse (see
`reuse_freed_memory`).

Run: python -m benchmarks.cnn_step [--repeats N] [--threads N] [--system-malloc]
"""
import argparse
import ctypes
import time

import numpy as np

import nn
from benchmarks.engine_overhead import best_times
from benchmarks.training_step import TracegradTraining, TorchTraining, torch_if_installed

LR = 0.01
BATCH = 64
SHAPES = {"conv1": (16, 1, 3, 3), "conv2": (32, 16, 3, 3), "fc": (10, 1568)}


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32),
            rng.integers(0, 10, BATCH))


def make_weights(seed=0):
    """PyTorch-layout weights and biases, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), shared by every
    implementation."""
    rng = np.random.default_rng(seed)
    params = {}
    for name, shape in SHAPES.items():
        bound = 1 / np.sqrt(np.prod(shape[1:]))
        params[name] = (rng.uniform(-bound, bound, shape).astype(np.float32),
                        rng.uniform(-bound, bound, shape[0]).astype(np.float32))
    return params


# --- the step by hand ----------------------------------------------------------------------
def im2col(x, k=3, pad=1):
    """Columns (C*k*k, N*H*W) of a stride-1 'same' convolution's windows."""
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * pad, w + 2 * pad), x.dtype)
    padded[:, :, pad:pad + h, pad:pad + w] = x
    cols = np.empty((c, k, k, n, h, w), x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, i, j] = padded[:, :, i:i + h, j:j + w].transpose(1, 0, 2, 3)
    return cols.reshape(c * k * k, n * h * w)


def col2im(cols, shape, k=3, pad=1):
    """The adjoint of im2col: columns added back onto the image, one kernel offset at a time."""
    n, c, h, w = shape
    cols = cols.reshape(c, k, k, n, h, w)
    out = np.zeros((c, n, h + 2 * pad, w + 2 * pad), cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i:i + h, j:j + w] += cols[:, i, j]
    return out[:, :, pad:pad + h, pad:pad + w].transpose(1, 0, 2, 3)


def conv_forward(x, w, b):
    cols = im2col(x)
    y = (w.reshape(w.shape[0], -1) @ cols + b[:, None]).reshape(w.shape[0], x.shape[0],
                                                                 *x.shape[2:])
    return y.transpose(1, 0, 2, 3), cols


def conv_backward(gy, w, cols, x_shape, input_grad=True):
    g = gy.transpose(1, 0, 2, 3).reshape(w.shape[0], -1)
    gw = (g @ cols.T).reshape(w.shape)
    gx = col2im(w.reshape(w.shape[0], -1).T @ g, x_shape) if input_grad else None
    return gx, gw, g.sum(axis=1)


CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))


def pool_forward(a):
    """2x2 max pooling: the image as blocks (N, C, H/2, 2, W/2, 2), the maximum of each."""
    n, c, h, w = a.shape
    blocks = a.reshape(n, c, h // 2, 2, w // 2, 2)
    corners = [blocks[:, :, :, i, :, j] for i, j in CORNERS]
    return np.maximum(np.maximum(corners[0], corners[1]),
                      np.maximum(corners[2], corners[3])), blocks


def pool_backward(gy, y, blocks):
    """The gradient to the elements equal to their block's maximum (ties, which only occur
    between ReLU's zeros here, are then sent nowhere by ReLU's backward)."""
    gx = np.zeros(blocks.shape, gy.dtype)
    for i, j in CORNERS:
        gx[:, :, :, i, :, j] = (blocks[:, :, :, i, :, j] == y) * gy
    n, c, h, _, w, _ = blocks.shape
    return gx.reshape(n, c, 2 * h, 2 * w)


class NumpyCNN:
    def __init__(self, weights):
        self.params = {name: (w.copy(), b.copy()) for name, (w, b) in weights.items()}

    def step(self, x, labels):
        (w1, b1), (w2, b2), (w3, b3) = self.params.values()
        z1, cols1 = conv_forward(x, w1, b1)
        a1 = np.maximum(z1, 0)
        p1, blocks1 = pool_forward(a1)
        z2, cols2 = conv_forward(p1, w2, b2)
        a2 = np.maximum(z2, 0)
        p2, blocks2 = pool_forward(a2)
        flat = p2.reshape(BATCH, -1)
        logits = flat @ w3.T + b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(BATCH)
        loss = -log_probs[rows, labels].mean()
        g = np.exp(log_probs)
        g[rows, labels] -= 1
        g /= BATCH
        grads = {"fc": (g.T @ flat, g.sum(axis=0))}
        g = pool_backward((g @ w3).reshape(p2.shape), p2, blocks2) * (z2 > 0)
        g, *grads["conv2"] = conv_backward(g, w2, cols2, p1.shape)
        g = pool_backward(g, p1, blocks1) * (z1 > 0)
        _, *grads["conv1"] = conv_backward(g, w1, cols1, x.shape, input_grad=False)
        for name, (w, b) in self.params.items():
            gw, gb = grads[name]
            w -= LR * gw
            b -= LR * gb
        return float(loss)

    def weights(self):
        return [a for pair in self.params.values() for a in pair]


# --- the frameworks ------------------------------------------------------------------------
def layers(nn_module):
    """The same network in tracegrad's nn or PyTorch's torch.nn (they spell it alike)."""
    return nn_module.Sequential(
        nn_module.Conv2d(1, 16, 3, padding=1), nn_module.ReLU(), nn_module.MaxPool2d(2),
        nn_module.Conv2d(16, 32, 3, padding=1), nn_module.ReLU(), nn_module.MaxPool2d(2),
        nn_module.Flatten(), nn_module.Linear(1568, 10))


def state_dict(weights, as_tensor=None):
    """The shared weights under the Sequential's parameter names."""
    layer_of = {"conv1": "0", "conv2": "3", "fc": "7"}
    return {f"{layer_of[name]}.{kind}": array if as_tensor is None else as_tensor(array)
            for name, pair in weights.items() for kind, array in zip(("weight", "bias"), pair)}


class TracegradCNN(TracegradTraining):
    def __init__(self, weights):
        super().__init__(layers(nn))
        self.model.load_state_dict(state_dict(weights))

    def weights(self):
        return [p.numpy() for p in self.model.parameters()]


class TorchCNN(TorchTraining):
    def __init__(self, torch, weights):
        super().__init__(torch, layers(torch.nn))
        self.model.load_state_dict(state_dict(weights, torch.from_numpy))


def reuse_freed_memory():
    """Asks glibc's malloc to keep freed memory for reuse instead of returning it to the
    system. With the defaults, a step's large temporaries (a few MiB each) may be unmapped
    when freed and page-faulted in again when next allocated; a fault per 4 KiB page costs
    here about as much as the arithmetic, and how many there are depends on the allocator's
    history more than on the code being timed (on the machine this was tuned on: ~5800 faults
    a step for the numpy step, ~200 for tracegrad's). PyTorch keeps its own memory anyway.
    Returns whether the setting took (glibc only)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    mmap_threshold, trim_threshold = -3, -1      # mallopt's M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    return bool(libc.mallopt(mmap_threshold, 1 << 30) and libc.mallopt(trim_threshold, 1 << 30))


def limit_threads(torch, threads):
    """numpy's BLAS (through threadpoolctl, when installed) and PyTorch on `threads` threads;
    a description of what runs on how many."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        blas = "numpy's BLAS on its default threads (threadpoolctl is not installed)"
    else:
        threadpool_limits(threads, user_api="blas")
        blas = f"numpy's BLAS on {threads}"
    if torch is not None:
        torch.set_num_threads(threads)
    return blas + ("" if torch is None else f", PyTorch on {torch.get_num_threads()}")


def compare(repeats):
    x, labels = make_data()
    weights = make_weights()
    ours, theirs = TracegradCNN(weights), NumpyCNN(weights)
    for _ in range(3):  # the same losses, step for step, and the same weights after them
        a, b = ours.step(x, labels), theirs.step(x, labels)
        assert abs(a - b) <= 1e-4 * max(1.0, abs(b)), (a, b)
    for mine, reference in zip(ours.weights(), theirs.weights(), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-4, atol=1e-6)
    fns = [lambda: theirs.step(x, labels), lambda: ours.step(x, labels)]
    torch = torch_if_installed()
    if torch is not None:
        reference = TorchCNN(torch, weights)
        fns.append(lambda: reference.step(x, labels))
    times = best_times(fns, repeats)
    print(f"CNN step: batch {BATCH}x1x28x28, conv 1->16 3x3, relu, maxpool 2, conv 16->32 3x3, "
          "relu, maxpool 2, linear 1568->10, cross-entropy, SGD; float32")
    print(f"  numpy by hand  {times[0] * 1e3:8.2f} ms/step")
    print(f"  tracegrad      {times[1] * 1e3:8.2f} ms/step   {times[1] / times[0]:.3f}x numpy  "
          "(target <= 1.5x)")
    if torch is not None:
        print(f"  pytorch        {times[2] * 1e3:8.2f} ms/step   {times[2] / times[0]:.3f}x numpy"
              f"   tracegrad = {times[1] / times[2]:.3f}x pytorch (target <= 2x)")
    return [t / times[0] for t in times[1:]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--system-malloc", action="store_true",
                        help="keep malloc's defaults (see reuse_freed_memory)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for numpy's BLAS and PyTorch (default 1: taking turns, "
                             "two thread pools that spin while waiting slow each other down); "
                             "0 leaves each library its default")
    args = parser.parse_args()
    start = time.perf_counter()
    reused = not args.system_malloc and reuse_freed_memory()
    print(f"malloc: {'freed memory kept for reuse' if reused else 'system defaults'}")
    torch = torch_if_installed()
    if args.threads:
        print(f"threads: {limit_threads(torch, args.threads)}")
    else:
        print("threads: numpy's BLAS and PyTorch on their defaults"
              + ("" if torch is None else f" (PyTorch: {torch.get_num_threads()})"))
    compare(args.repeats)
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
