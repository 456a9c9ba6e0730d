"""Karpathy's makemore part 3 ("Activations & Gradients, BatchNorm"), its diagnostics done
with nn.gradflow: a character-level MLP over three characters of context, six Linear layers
of 100 with BatchNorm and tanh, trained with plain SGD, and the four pictures of the
lecture — the tanh activations (saturation: |t| > 0.97), the gradients at the tanh outputs,
the weights' gradients (grad:data ratio) and the update:data ratio over training, with its
1e-3 guide.

What changed from the original: names come from nn.datasets.names() (a made-up stand-in
for names.txt, which is not shipped), the layers are nn's (the lecture writes its own),
the update:data ratios and weight statistics are a GradientMonitor's, and the run is shorter.

Run: python -m examples.makemore_part3 [--steps 3000]   (figures in out/examples/)
"""
import argparse
import random
from pathlib import Path

import numpy as np

import autograd as ag
import nn
import nn.functional as F
from nn.gradflow import ActivationRecorder, GradientMonitor

OUT = Path("out/examples")


def build_dataset(words, stoi, block_size):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append
    return np.array(X), np.array(Y)


def make_model(vocab_size, n_embd=10, n_hidden=100, block_size=3):
    nn.manual_seed(2147483647)
    C = ag.randn(vocab_size, n_embd, requires_grad=True, name="C")
    sizes = [n_embd * block_size] + [n_hidden] * 5
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out, bias=False), nn.BatchNorm1d(fan_out), nn.Tanh()]
    layers += [nn.Linear(n_hidden, vocab_size, bias=False), nn.BatchNorm1d(vocab_size)]
    model = nn.Sequential(*layers)
    with ag.no_grad():
        model[-1].weight.mul_(0.1)    # last layer: make it less confident
        for layer in model:           # the lecture's init: kaiming with tanh's gain 5/3
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="tanh")
    return C, model


def forward(C, model, Xb):
    emb = C[Xb]                                   # embed the characters into vectors
    x = emb.reshape(emb.shape[0], -1)             # concatenate the vectors
    return model(x)


def train(max_steps=3000, batch_size=32, seed=42):
    words = nn.datasets.names()
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    random.seed(seed)
    random.shuffle(words)
    n1 = int(0.8 * len(words))
    Xtr, Ytr = build_dataset(words[:n1], stoi, 3)
    C, model = make_model(len(stoi))
    parameters = [C] + list(model.parameters())
    print(sum(p.size for p in parameters), "parameters")
    monitor = GradientMonitor(model, every=10, kinds=(nn.Linear,))   # the weight matrices
    rng = np.random.default_rng(seed)
    lossi = []
    for i in range(max_steps):
        ix = rng.integers(0, Xtr.shape[0], batch_size)
        Xb, Yb = Xtr[ix], Ytr[ix]                  # batch X, Y
        with monitor.step():
            loss = F.cross_entropy(forward(C, model, Xb), Yb)
            for p in parameters:
                p.grad = None
            loss.backward()
            lr = 0.1 if i < max_steps * 3 // 4 else 0.01   # step learning rate decay
            with ag.no_grad():
                for p in parameters:
                    p -= lr * p.grad
        if i % 1000 == 0:
            print(f"{i:7d}/{max_steps:7d}: {loss.item():.4f}")
        lossi.append(np.log10(loss.item()))
    return C, model, monitor, (Xtr, Ytr), lossi


def tanh_outputs_and_gradients(C, model, Xb, Yb):
    """One more forward pass, keeping every tanh output's gradient (the lecture's
    `layer.out.retain_grad()`)."""
    outputs = {}

    def keep(name):
        def hook(module, inputs, output):
            output.retain_grad()
            outputs[name] = output
        return hook
    tanhs = {name: m for name, m in model.named_modules() if isinstance(m, nn.Tanh)}
    handles = [m.register_forward_hook(keep(name)) for name, m in tanhs.items()]
    F.cross_entropy(forward(C, model, Xb), Yb).backward()
    for h in handles:
        h.remove()
    return outputs


def plots(C, model, monitor, data):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    Xb, Yb = data[0][:256], data[1][:256]
    with ActivationRecorder(model, kinds=(nn.Tanh,), saturation=0.97) as recorder:
        outputs = tanh_outputs_and_gradients(C, model, Xb, Yb)
    fig, axes = plt.subplots(2, 2, figsize=(14, 8))
    for name, out in outputs.items():                 # activation distribution
        stats = recorder.stats[name]
        counts, edges = stats.histogram
        axes[0, 0].plot((edges[:-1] + edges[1:]) / 2, counts / counts.sum(),
                        label=f"layer {name}: saturated {stats.saturated:.1%}")
        grads = out.grad.cpu().numpy().ravel()        # gradient distribution
        counts, edges = np.histogram(grads, bins=60, density=True)
        axes[0, 1].plot((edges[:-1] + edges[1:]) / 2, counts, label=f"layer {name}")
    axes[0, 0].set_title("activation distribution (tanh outputs)")
    axes[0, 1].set_title("gradient distribution (at the tanh outputs)")
    for name, histograms in monitor.history["histogram"].items():   # weights' gradients
        counts, edges = histograms[-1]
        ratio = monitor.history["grad_data"][name][-1]
        axes[1, 0].plot((edges[:-1] + edges[1:]) / 2, counts / counts.sum(),
                        label=f"{name} grad:data 1e{ratio:.1f}")
    axes[1, 0].set_title("weights gradient distribution")
    monitor.plot_update_ratios(axes[1, 1])
    for ax in axes.ravel()[:3]:
        ax.legend(fontsize=7)
    fig.tight_layout()
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "makemore_part3.png", dpi=90)
    plt.close(fig)
    print(recorder.table())                           # mean, std, saturated per tanh layer
    return OUT / "makemore_part3.png"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    args = parser.parse_args(argv)
    C, model, monitor, data, lossi = train(args.steps)
    print("figure:", plots(C, model, monitor, data))


if __name__ == "__main__":
    main()
