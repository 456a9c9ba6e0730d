"""Karpathy's micrograd demo (demo.ipynb), ported to tracegrad: a 2-16-16-1 ReLU MLP learns
the two moons with the max-margin (SVM) loss, L2 regularisation and plain SGD with a
decaying learning rate, 100 steps on the whole data set.

The port keeps the original's structure line for line, so the two read side by side; what
changed is that the network works on whole batches (a Tensor of all points instead of one
Value per number), and the model is built from nn layers initialised as micrograd's
(weights uniform in [-1, 1], biases 0).

Run: python -m examples.micrograd_demo   (writes out/examples/micrograd_moons.png)
"""
import random
from pathlib import Path

import numpy as np

import autograd as ag
import nn

np.random.seed(1337)
random.seed(1337)


def make_data():
    from sklearn.datasets import make_moons
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1  # make y be -1 or 1
    return X, y


def MLP(nin, nouts):
    """micrograd's MLP: Linear layers with ReLU between them, weights U(-1, 1), biases 0."""
    sizes = [nin] + nouts
    layers = []
    for i in range(len(nouts)):
        linear = nn.Linear(sizes[i], sizes[i + 1])
        nn.init.uniform_(linear.weight, -1, 1)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i != len(nouts) - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def loss(model, X, y, batch_size=None):
    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = ag.tensor(Xb)
    # forward the model to get scores
    scores = model(inputs).reshape(-1)
    # svm "max-margin" loss
    losses = (1 + -ag.tensor(yb) * scores).relu()
    data_loss = losses.mean()
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total_loss = data_loss + reg_loss
    # also get accuracy
    accuracy = (yb > 0) == (scores.cpu().numpy() > 0)
    return total_loss, accuracy.mean()


def train(steps=100, verbose=True):
    X, y = make_data()
    nn.manual_seed(1337)
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    for k in range(steps):
        # forward
        total_loss, acc = loss(model, X, y)
        # backward
        model.zero_grad()
        total_loss.backward()
        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        with ag.no_grad():
            for p in model.parameters():
                p -= learning_rate * p.grad
        if verbose and k % 1 == 0:
            print(f"step {k} loss {total_loss.item()}, accuracy {acc*100}%")
    return model, X, y, total_loss.item(), acc


def plot(model, X, y, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    h = 0.25
    x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
    y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    Xmesh = np.c_[xx.ravel(), yy.ravel()]
    with ag.no_grad():
        scores = model(ag.tensor(Xmesh)).cpu().numpy()
    Z = (scores > 0).reshape(xx.shape)
    fig = plt.figure()
    plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
    plt.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=plt.cm.Spectral)
    plt.xlim(xx.min(), xx.max())
    plt.ylim(yy.min(), yy.max())
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def main():
    model, X, y, final_loss, acc = train()
    print("figure:", plot(model, X, y, Path("out/examples/micrograd_moons.png")))


if __name__ == "__main__":
    main()
