"""The vanishing-gradient tour: where the gradient shrinks, layer by layer.

A 10-layer, 100-wide network gets a batch of 64 standard-normal inputs and an MSE loss. With
sigmoid activations and weights N(0, 1/100), every layer multiplies the backward signal by
sigma'(x) <= 1/4 (times the weight's gain), so the first layer's weight gradient ends up
orders of magnitude below the last one's. With ReLU and He initialisation it does not.

Run: python -m demos.vanishing_gradient
"""
import numpy as np

import autograd as ag

LAYERS, WIDTH, BATCH = 10, 100, 64


def layer_gradient_norms(activation, weight_std, seed=0):
    """Per-layer weight-gradient norms (first layer first) of one backward pass."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((BATCH, WIDTH)))
    target = ag.tensor(rng.standard_normal((BATCH, WIDTH)))
    weights = [ag.tensor(rng.normal(0.0, weight_std, (WIDTH, WIDTH)), requires_grad=True)
               for _ in range(LAYERS)]
    h = x
    for w in weights:
        h = activation(h @ w)
    loss = ((h - target) ** 2).mean()
    loss.backward()
    return [float(np.linalg.norm(w.grad.numpy())) for w in weights]


def main():
    runs = {
        "sigmoid, N(0, 1/100)": layer_gradient_norms(ag.sigmoid, 0.1),
        "ReLU, He N(0, 2/100)": layer_gradient_norms(ag.relu, np.sqrt(2 / WIDTH)),
    }
    print(f"weight-gradient norm per layer ({LAYERS} layers of {WIDTH}, batch {BATCH}, MSE)")
    print("layer  " + "  ".join(f"{name:>22}" for name in runs))
    for i in range(LAYERS):
        print(f"{i + 1:>5}  " + "  ".join(f"{norms[i]:>22.3e}" for norms in runs.values()))
    for name, norms in runs.items():
        print(f"{name}: last/first layer = {norms[-1] / norms[0]:.3g}")


if __name__ == "__main__":
    main()
