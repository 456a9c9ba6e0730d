"""The networks the pictures must handle, each right after its backward pass."""
import numpy as np

import autograd as ag
import nn


def sigmoid_mlp(layers, width=50, batch=64, seed=0):
    """`layers` Linear + Sigmoid layers with N(0, 1/width) weights: the vanishing case."""
    nn.manual_seed(seed)
    modules = []
    for _ in range(layers):
        linear = nn.Linear(width, width)
        nn.init.normal_(linear.weight, 0.0, 1 / np.sqrt(width))
        modules += [linear, nn.Sigmoid()]
    model = nn.Sequential(*modules)
    loss = nn.functional.mse_loss(model(ag.randn(batch, width)), ag.randn(batch, width))
    loss.backward()
    return model, loss


def unrolled_rnn(steps, hidden=32, inputs=8, batch=16, seed=0):
    """h = sigmoid(h @ W + x_t @ U) written out by hand, W and U shared by every step."""
    ag.manual_seed(seed)
    w = ag.randn(hidden, hidden, requires_grad=True, name="W")
    u = ag.randn(inputs, hidden, requires_grad=True, name="U")
    with ag.no_grad():
        w.mul_(0.3)
        u.mul_(0.3)
    xs = ag.randn(steps, batch, inputs)
    h = ag.zeros(batch, hidden)
    for t in range(steps):
        h = (h @ w + xs[t] @ u).sigmoid()
    loss = (h ** 2).mean()
    loss.backward()
    return {"W": w, "U": u}, loss


class ResidualConvBlock(nn.Module):
    """x + relu(bn(conv(x))): the skip path carries the gradient past the block."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm = nn.BatchNorm2d(channels)

    def forward(self, x):
        return x + self.norm(self.conv(x)).relu()


def residual_cnn(blocks=12, channels=4, batch=4, seed=0):
    nn.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
                          *[ResidualConvBlock(channels) for _ in range(blocks)],
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10))
    loss = nn.functional.cross_entropy(model(ag.randn(batch, 1, 8, 8)),
                                       np.arange(batch) % 10)
    loss.backward()
    return model, loss


def lstm_over(steps=50, seed=0):
    nn.manual_seed(seed)
    lstm = nn.LSTM(8, 16, batch_first=True)
    head = nn.Linear(16, 3)
    output, _ = lstm(ag.randn(4, steps, 8))
    loss = nn.functional.cross_entropy(head(output[:, -1]), np.array([0, 1, 2, 0]))
    loss.backward()
    return nn.ModuleDict({"lstm": lstm, "head": head}), loss
