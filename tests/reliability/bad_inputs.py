"""A catalogue of bad calls, as a hostile or hurried user makes them. Each must raise an error
of the project's own: the right type, and a message that names the operation (and says
what to do). `test_errors.py` checks every case; run this module to count how a checkout
fares (clear error / raw error from numpy or Python / silently accepted):

    python -m tests.reliability.bad_inputs
"""
import numpy as np

import autograd as ag
import nn
import nn.functional as F


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def _bad_backward_shape():
    class WrongShape(ag.Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return ag.ones(5, dtype=gy.dtype)
    x = ag.tensor(np.ones((4, 3)), requires_grad=True)
    WrongShape()(x).sum().backward()


def _forward_returns_list():
    class ListForward(ag.Function):
        def forward(self, x):
            return [x]

        def backward(self, gy):
            return gy
    ListForward()(ag.tensor([1.0], requires_grad=True))


def _backward_returns_array():
    class ArrayBackward(ag.Function):
        def forward(self, x):
            return x * 2

        def backward(self, gy):
            return gy.data * 2
    ArrayBackward()(ag.tensor([1.0], requires_grad=True)).sum().backward()


def _load(tmp, content, name):
    def load():
        path = tmp / name
        path.write_bytes(content)
        return nn.load(path)
    return load


def _fit(**kwargs):
    x, y = np.ones((8, 3), np.float32), np.zeros(8, np.int64)
    return lambda: nn.fit(_model(), x, y, **kwargs)


def _opt_step_between():
    model = nn.Linear(2, 1)
    loss = (model(ag.ones(3, 2)) ** 2).sum()
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    for p in model.parameters():
        p.grad = ag.ones_like(p)
    opt.step()
    loss.backward()


def _second_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _grad_assignment(value):
    def assign():
        x = ag.tensor(np.ones((2, 3), np.float32), requires_grad=True)
        x.grad = value() if callable(value) else value
    return assign


def cases(tmp):
    """(label, call, exception types, text the message must contain) for every bad call;
    `tmp` is a folder for the file cases."""
    x = ag.randn(2, 3)
    w = ag.randn(2, 3, requires_grad=True)
    m = _model()
    return [
        # --- making tensors
        ("tensor of strings", lambda: ag.tensor(["a", "b"]), TypeError, "tensor"),
        ("tensor of complex numbers", lambda: ag.tensor([1 + 2j]), TypeError, "tensor"),
        ("ragged nested lists", lambda: ag.tensor([[1.0, 2.0], [3.0]]), ValueError, "tensor"),
        ("unknown dtype name", lambda: ag.tensor([1.0], dtype="floaty"), TypeError, "tensor"),
        ("tensor of a dict", lambda: ag.tensor({"a": 1}), (TypeError, ValueError), "tensor"),
        ("int tensor requiring grad", lambda: ag.tensor([1, 2], requires_grad=True), TypeError,
         "floating point"),
        ("bad device name", lambda: ag.tensor([1.0], device="gpu"), ValueError, "device"),
        ("zeros of a negative size", lambda: ag.zeros(-1), ValueError, "zeros"),
        ("ones of a float size", lambda: ag.ones(2.5), TypeError, "ones"),
        ("randn of a float size", lambda: ag.randn(2.5), TypeError, "randn"),
        ("rand of a string size", lambda: ag.rand("3"), TypeError, "rand"),
        ("full of a negative size", lambda: ag.full((2, -3), 1.0), ValueError, "full"),
        ("arange with step 0", lambda: ag.arange(0, 10, 0), ValueError, "arange"),
        ("arange of a string", lambda: ag.arange("10"), TypeError, "arange"),
        ("seed as a string", lambda: ag.manual_seed("abc"), TypeError, "manual_seed"),
        ("negative seed", lambda: ag.manual_seed(-1), TypeError, "manual_seed"),
        ("default dtype int", lambda: ag.set_default_dtype(np.int32), TypeError, "dtype"),
        ("from_numpy of a list", lambda: ag.from_numpy([1.0]), TypeError, "from_numpy"),
        # --- arithmetic and broadcasting
        ("add shapes that do not broadcast", lambda: x + ag.randn(4), ValueError, "add"),
        ("add a ragged list", lambda: x + [[1.0], [2.0, 3.0]], ValueError, "add"),
        ("add a string", lambda: x + "ab", TypeError, "add"),
        ("mul by a dict", lambda: x * {"a": 1}, (TypeError, ValueError), "mul"),
        ("matmul of mismatched shapes", lambda: x @ ag.randn(2, 3), ValueError, "matmul"),
        ("matmul with a scalar", lambda: x @ ag.tensor(2.0), ValueError, "matmul"),
        ("compare with a ragged list", lambda: x < [[1.0], [2.0, 3.0]], ValueError, "lt"),
        ("where with a float condition", lambda: ag.where(x, x, x), TypeError, "where"),
        ("where with mismatched shapes", lambda: ag.where(x > 0, x, ag.randn(4)), ValueError,
         "where"),
        ("maximum of mismatched shapes", lambda: ag.maximum(x, ag.randn(5)), ValueError,
         "maximum"),
        ("clip without bounds", lambda: x.clip(), ValueError, "clip"),
        # --- reductions and axes
        ("sum over a string axis", lambda: x.sum(axis="0"), TypeError, "sum"),
        ("sum over an axis out of range", lambda: x.sum(axis=2), IndexError, "sum"),
        ("mean over a repeated axis", lambda: x.mean(axis=(0, 0)), ValueError, "mean"),
        ("logsumexp over a float axis", lambda: ag.logsumexp(x, axis=2.5), TypeError,
         "logsumexp"),
        ("max of an empty tensor", lambda: ag.zeros(0).max(), ValueError, "max"),
        ("min over a bool axis", lambda: x.min(axis=True), TypeError, "min"),
        ("var over a list of strings", lambda: x.var(axis=["a"]), TypeError, "var"),
        ("softmax over an axis out of range", lambda: x.softmax(axis=5), IndexError,
         "softmax"),
        # --- shapes and indexing
        ("reshape to a wrong size", lambda: x.reshape(4, 2), ValueError, "reshape"),
        ("reshape with two -1", lambda: x.reshape(-1, -1), ValueError, "reshape"),
        ("transpose with a wrong permutation", lambda: x.transpose(0, 0), ValueError,
         "transpose"),
        ("transpose with an axis out of range", lambda: x.transpose(0, 5), IndexError,
         "transpose"),
        ("squeeze an axis of size 3", lambda: x.squeeze(1), ValueError, "squeeze"),
        ("expand_dims out of range", lambda: x.expand_dims(7), IndexError, "expand_dims"),
        ("broadcast_to a smaller shape", lambda: ag.broadcast_to(x, (3,)), ValueError,
         "broadcast_to"),
        ("index out of range", lambda: x[5], IndexError, "getitem"),
        ("concatenate nothing", lambda: ag.concatenate([]), ValueError, "concatenate"),
        ("concatenate mismatched shapes", lambda: ag.concatenate([x, ag.randn(2, 4)], axis=0),
         ValueError, "concatenate"),
        ("stack mismatched shapes", lambda: ag.stack([x, ag.randn(3)]), ValueError, "stack"),
        ("stack a ragged list", lambda: ag.stack([x, [[1.0], [2.0, 3.0]]]), ValueError,
         "stack"),
        # --- backward and gradients
        ("backward of a non-scalar", lambda: (w * 2).backward(), RuntimeError, "scalar"),
        ("backward of a tensor without grad", lambda: x.sum().backward(), RuntimeError,
         "does not require grad"),
        ("backward with a gradient of the wrong shape",
         lambda: (w * 2).backward(ag.ones(3)), RuntimeError, "shape"),
        ("second backward through a freed graph", _second_backward, RuntimeError,
         "second time"),
        ("grad of an input not in the graph",
         lambda: ag.grad((w * 2).sum(), ag.randn(2, requires_grad=True)), RuntimeError,
         "not used"),
        ("grad of an input without grad", lambda: ag.grad((w * 2).sum(), x), RuntimeError,
         "does not require grad"),
        ("a custom backward of the wrong shape", _bad_backward_shape, RuntimeError,
         "WrongShape.backward"),
        ("a custom forward returning a list", _forward_returns_list, TypeError,
         "ListForward.forward"),
        ("a custom backward returning an array", _backward_returns_array, TypeError,
         "ArrayBackward.backward"),
        ("hook returning an array",
         lambda: (w.register_hook(lambda g: g.data), (w * 1).sum().backward()), TypeError,
         "hook"),
        ("hook on a tensor without grad", lambda: x.register_hook(lambda g: g), RuntimeError,
         "hook"),
        ("retain_grad on a tensor without grad", lambda: x.retain_grad(), RuntimeError,
         "retain_grad"),
        ("grad assigned a number", _grad_assignment(0), TypeError, "grad"),
        ("grad assigned the wrong shape", _grad_assignment(lambda: ag.ones(5)), RuntimeError,
         "shape"),
        ("grad assigned float64 for float32",
         _grad_assignment(lambda: ag.tensor(np.ones((2, 3)))), RuntimeError, "dtype"),
        ("grad assigned a numpy array", _grad_assignment(np.ones((2, 3), np.float32)),
         TypeError, "grad"),
        ("optimiser step between forward and backward", _opt_step_between, RuntimeError,
         "modified in place"),
        ("item of a vector", lambda: x.item(), ValueError, "item"),
        ("truth value of a vector", lambda: bool(x), RuntimeError, "ambiguous"),
        ("to an unknown device", lambda: x.to("tpu"), ValueError, "device"),
        ("to an integer dtype on a module", lambda: m.to(np.int32), TypeError, "to"),
        # --- gradient checking
        ("gradcheck with no input that requires grad",
         lambda: ag.gradcheck(lambda t: t * 2, (x,)), ValueError, "gradcheck"),
        ("gradcheck of a function returning no tensor",
         lambda: ag.gradcheck(lambda t: 3.0, (w,)), ValueError, "gradcheck"),
        ("gradgradcheck with no input that requires grad",
         lambda: ag.gradgradcheck(lambda t: t * 2, (x,)), ValueError, "gradgradcheck"),
        # --- visualisation
        ("to_dot of a number", lambda: ag.viz.to_dot(3.0), TypeError, "autograd.viz"),
        ("to_dot with an unknown collapse", lambda: ag.viz.to_dot(w * 2, collapse="layer"),
         ValueError, "collapse"),
        # --- layers
        ("Linear with a float size", lambda: nn.Linear(2.5, 3), ValueError, "Linear"),
        ("Linear with a negative size", lambda: nn.Linear(-1, 3), ValueError, "Linear"),
        ("Linear on the wrong input size", lambda: nn.Linear(4, 2)(x), ValueError, "linear"),
        ("Linear on a 0-d input", lambda: nn.Linear(4, 2)(ag.tensor(1.0)), ValueError,
         "linear"),
        ("Dropout with a string p", lambda: nn.Dropout("0.5"), TypeError, "Dropout"),
        ("Dropout with p > 1", lambda: nn.Dropout(1.5), ValueError, "Dropout"),
        ("dropout with a negative p", lambda: F.dropout(x, -0.1), ValueError, "dropout"),
        ("BatchNorm1d with a negative eps", lambda: nn.BatchNorm1d(1, eps=-1e-5), ValueError,
         "BatchNorm1d"),
        ("BatchNorm1d with momentum 2", lambda: nn.BatchNorm1d(3, momentum=2.0), ValueError,
         "BatchNorm1d"),
        ("BatchNorm1d with 0 features", lambda: nn.BatchNorm1d(0), ValueError, "BatchNorm1d"),
        ("BatchNorm1d on the wrong channels", lambda: nn.BatchNorm1d(5)(x), ValueError,
         "BatchNorm1d"),
        ("BatchNorm2d on a 2-d input", lambda: nn.BatchNorm2d(3)(x), ValueError,
         "BatchNorm2d"),
        ("BatchNorm1d training on batch 1", lambda: nn.BatchNorm1d(3)(ag.randn(1, 3)),
         ValueError, "batch_norm"),
        ("ReLU with a string inplace", lambda: nn.ReLU("yes"), TypeError, "ReLU"),
        ("PReLU with 0 parameters", lambda: nn.PReLU(0), ValueError, "PReLU"),
        ("prelu slopes that do not fit", lambda: F.prelu(x, ag.ones(5)), ValueError, "prelu"),
        ("GELU with an unknown approximation", lambda: nn.GELU("fast"), ValueError, "GELU"),
        ("Maxout with 0 pieces", lambda: nn.Maxout(3, 2, 0), ValueError, "Maxout"),
        ("a class instead of an instance",
         lambda: nn.Sequential(nn.ReLU), TypeError, "did you mean ReLU()"),
        ("a parameter assigned before __init__",
         lambda: type("Early", (nn.Module,), {"__init__": lambda self: setattr(
             self, "w", nn.Parameter(ag.zeros(1)))})(), AttributeError, "super().__init__()"),
        ("a tensor assigned as a parameter", lambda: m.register_parameter("p", ag.zeros(2)),
         TypeError, "nn.Parameter"),
        ("a buffer that is no tensor", lambda: m.register_buffer("b", [1, 2]), TypeError,
         "buffer"),
        ("train with a string mode", lambda: m.train("yes"), ValueError, "train"),
        # --- losses
        ("mse_loss against a string", lambda: F.mse_loss(x, "abc"), (TypeError, ValueError),
         "mse_loss"),
        ("mse_loss of mismatched shapes", lambda: F.mse_loss(x, ag.randn(3)), ValueError,
         "mse_loss"),
        ("mse_loss with an unknown reduction", lambda: F.mse_loss(x, x, reduction="avg"),
         ValueError, "mse_loss"),
        ("cross_entropy with float labels", lambda: F.cross_entropy(x, np.array([0.0, 1.0])),
         ValueError, "cross_entropy"),
        ("cross_entropy with a label out of range",
         lambda: F.cross_entropy(x, np.array([0, 3])), ValueError, "cross_entropy"),
        ("cross_entropy with a negative label",
         lambda: F.cross_entropy(x, np.array([0, -1])), ValueError, "cross_entropy"),
        ("cross_entropy with labels of the wrong shape",
         lambda: F.cross_entropy(x, np.array([0, 1, 2])), ValueError, "cross_entropy"),
        ("cross_entropy of a 0-d input", lambda: F.cross_entropy(ag.tensor(1.0), [0]),
         ValueError, "cross_entropy"),
        ("nll_loss with float labels", lambda: F.nll_loss(x, np.array([0.5, 1.0])),
         ValueError, "nll_loss"),
        ("bce of mismatched shapes",
         lambda: F.binary_cross_entropy_with_logits(x, ag.ones(3)), ValueError,
         "binary_cross_entropy_with_logits"),
        # --- initialisation
        ("init of a numpy array", lambda: nn.init.zeros_(np.zeros(3)), TypeError, "nn.init"),
        ("uniform_ of an integer tensor",
         lambda: nn.init.uniform_(ag.zeros(3, dtype=np.int64)), TypeError, "uniform_"),
        ("normal_ of an integer tensor",
         lambda: nn.init.normal_(ag.zeros(3, dtype=np.int64)), TypeError, "normal_"),
        ("xavier of a vector", lambda: nn.init.xavier_uniform_(ag.zeros(3)), ValueError,
         "fan in"),
        ("kaiming with an unknown mode",
         lambda: nn.init.kaiming_normal_(ag.zeros(3, 3), mode="fan"), ValueError, "mode"),
        ("gain of an unknown nonlinearity", lambda: nn.init.calculate_gain("swish"),
         ValueError, "calculate_gain"),
        # --- optimisers
        ("optimiser given the module", lambda: nn.optim.SGD(m, lr=0.1), TypeError,
         "model.parameters()"),
        ("optimiser given one tensor", lambda: nn.optim.SGD(w, lr=0.1), TypeError, "SGD"),
        ("optimiser given nothing", lambda: nn.optim.Adam([]), ValueError, "Adam"),
        ("negative learning rate", lambda: nn.optim.SGD(m.parameters(), lr=-1), ValueError,
         "SGD"),
        ("string learning rate", lambda: nn.optim.Adam(m.parameters(), lr="0.1"), ValueError,
         "Adam"),
        ("betas out of range", lambda: nn.optim.Adam(m.parameters(), betas=(0.9, 1.5)),
         ValueError, "Adam"),
        ("parameters in a set", lambda: nn.optim.SGD(set(m.parameters()), lr=0.1), TypeError,
         "set"),
        ("nesterov without momentum",
         lambda: nn.optim.SGD(m.parameters(), lr=0.1, nesterov=True), ValueError, "Nesterov"),
        ("load_state_dict of a list",
         lambda: nn.optim.SGD(m.parameters(), lr=0.1).load_state_dict([]), ValueError, "SGD"),
        # --- data and training
        ("DataLoader of batch size 0", lambda: nn.DataLoader(np.ones(3), batch_size=0),
         ValueError, "DataLoader"),
        ("DataLoader of a number", lambda: nn.DataLoader(3), TypeError, "DataLoader"),
        ("TensorDataset of different lengths",
         lambda: nn.TensorDataset(np.ones(3), np.ones(4)), ValueError, "TensorDataset"),
        ("fit for 2.5 epochs", _fit(epochs=2.5), ValueError, "epochs"),
        ("fit for '3' epochs", _fit(epochs="3"), ValueError, "epochs"),
        ("fit with batch size 0", _fit(batch_size=0), ValueError, "batch_size"),
        ("fit with an unknown loss", _fit(loss="hinge"), ValueError, "loss"),
        ("fit with an unknown metric", _fit(metrics=("f1",)), ValueError, "metric"),
        # --- saving and loading
        ("load_state_dict of a list", lambda: m.load_state_dict([1, 2]), TypeError,
         "load_state_dict"),
        ("load_state_dict with a wrong shape",
         lambda: m.load_state_dict({**m.state_dict(), "0.weight": ag.zeros(2, 2)}),
         RuntimeError, "0.weight"),
        ("load_state_dict with strings",
         lambda: m.load_state_dict({**m.state_dict(), "0.bias": np.full(4, "x")}),
         RuntimeError, "0.bias"),
        ("load_state_dict with a missing key",
         lambda: m.load_state_dict({"0.weight": ag.zeros(4, 3)}), RuntimeError, "missing"),
        ("save an object", lambda: nn.save({"a": object()}, tmp / "a.npz"), TypeError,
         "nn.save"),
        ("save a tuple key", lambda: nn.save({(1, 2): ag.ones(1)}, tmp / "b.npz"), TypeError,
         "nn.save"),
        ("save into a missing folder", lambda: nn.save(m, tmp / "no" / "m.npz"),
         FileNotFoundError, "nn.save"),
        ("load a missing file", lambda: nn.load(tmp / "missing.npz"), FileNotFoundError,
         "nn.load"),
        ("load a plain .npy", _load(tmp, b"\x93NUMPY\x01\x00" + b" " * 64, "a.npy"),
         ValueError, "nn.load"),
        ("load a text file", _load(tmp, b"hello, world", "t.npz"), ValueError, "nn.load"),
        ("load an empty file", _load(tmp, b"", "e.safetensors"), ValueError, "nn.load"),
        ("load a truncated zip", _load(tmp, b"PK\x03\x04" + b"\0" * 40, "z.npz"), ValueError,
         "nn.load"),
        ("load a safetensors header of 10^12 bytes",
         _load(tmp, (10 ** 12).to_bytes(8, "little") + b"{}", "h.safetensors"), ValueError,
         "nn.load"),
        # --- devices
        ("cuda without cupy", lambda: ag.zeros(2, device="cuda"), RuntimeError, "cupy"),
    ]


def classify(call, types, text):
    """'clear', 'raw' (an error, but not ours: wrong type or no name), or 'silent'."""
    try:
        call()
    except Exception as error:       # classification of whatever the call raised
        ok = isinstance(error, types) and text.lower() in str(error).lower()
        return "clear" if ok else "raw"
    return "silent"


def main():
    import tempfile
    from pathlib import Path
    counts = {"clear": 0, "raw": 0, "silent": 0}
    with tempfile.TemporaryDirectory() as folder:
        all_cases = cases(Path(folder))
        for label, call, types, text in all_cases:
            ag.manual_seed(0)
            outcome = classify(call, types, text)
            counts[outcome] += 1
            if outcome != "clear":
                print(f"{outcome:>6}: {label}")
    print(f"{len(all_cases)} bad calls: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
