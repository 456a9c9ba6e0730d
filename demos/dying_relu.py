"""Dying ReLU: units that output 0 for every input get no gradient, so they never come back.

A 64-100-100-10 network (He-initialised weights) is trained on digits with Adam in two bad
settings, once per activation: ReLU, LeakyReLU (slope 0.01), PReLU (learned slope, from 0.25)
and ELU.
- "bias -2": every hidden bias starts at -2, so most pre-activations start negative;
- "lr 0.03": biases start at 0 but the learning rate is 30 times Adam's default, so the first
  steps throw many units far into the negative.
After every epoch, over the whole training set, two shares of the hidden units are measured:
  dead     - the activation's derivative is exactly 0 for every sample, so no gradient
             reaches the unit's incoming weights (for ReLU: pre-activation <= 0 everywhere);
  inactive - the pre-activation is <= 0 for every sample (the unit is switched off).
What the reader should see:
- ReLU's dead share is high from the start with "bias -2", and jumps within the first epoch
  with "lr 0.03". A dead unit's incoming weight gradient is exactly 0 (the demo checks it on
  the trained network), so its weights stop moving: in the first hidden layer, whose inputs
  are the fixed data, a dead unit stays dead for good; in the second, one can come back only
  when the layer below changes what it feeds it. With bias -2 the network is stuck at
  chance; with lr 0.03 it loses about half its units and trains on with the rest;
- LeakyReLU, PReLU and ELU have a derivative that is not 0 for x < 0, so none of their units
  is dead: their inactive units still get a gradient, are pulled back, and the network
  trains. (Adam helps LeakyReLU here: it turns the small gradients that pass its 0.01 slope
  into full-size steps; with plain SGD its recovery from bias -2 takes far longer.)

Run: python -m demos.dying_relu [--out FOLDER] [--quick]
"""
import numpy as np

import autograd as ag
import nn
from demos import common

SIZES = (64, 100, 100, 10)
ACTIVATIONS = {"ReLU": nn.ReLU, "LeakyReLU": nn.LeakyReLU, "PReLU": nn.PReLU, "ELU": nn.ELU}
SETTINGS = {  # name: (initial hidden bias, Adam learning rate)
    "bias -2": (-2.0, 1e-3),
    "lr 0.03": (0.0, 0.03),
}
EPOCHS, QUICK_EPOCHS = 10, 2
BATCH_SIZE = 32


def network(activation, hidden_bias, seed=0):
    nn.manual_seed(seed)
    model = common.mlp(SIZES, activation,
                       init=lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))
    for linear in hidden_linears(model):
        nn.init.constant_(linear.bias, hidden_bias)
    return model


def hidden_linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)][:-1]


def activation_layers(model):
    return [m for m in model.modules() if isinstance(m, tuple(ACTIVATIONS.values()))]


def activation_derivative(layer, pre_activation):
    """d layer(z) / dz at every element of `pre_activation` (a host array), from the
    engine's own backward. ag.grad returns it without touching any .grad (PReLU's slope)."""
    z = ag.tensor(pre_activation, requires_grad=True)
    (derivative,) = ag.grad(layer(z).sum(), [z])
    return common.to_numpy(derivative)


def unit_states(model, x):
    """Per hidden layer, over the samples `x`: (dead, inactive), one boolean per unit."""
    layers = activation_layers(model)
    states = []
    for layer, (pre_activation, _) in zip(layers,
                                         common.layer_inputs_outputs(model, layers, x)):
        dead = np.all(activation_derivative(layer, pre_activation) == 0, axis=0)
        inactive = np.all(pre_activation <= 0, axis=0)
        states.append((dead, inactive))
    return states


class TrainingRun:
    """One training run: the model, its History, and the unit states after every epoch
    (`states[epoch][layer] = (dead, inactive)`, epoch 0 before training)."""

    def __init__(self, model, history, states):
        self.model, self.history, self.states = model, history, states

    def share(self, kind, layer=None):
        """Per epoch, the share of hidden units (of one layer, or of all) that are `kind`
        ("dead" or "inactive")."""
        column = ("dead", "inactive").index(kind)
        layers = slice(None) if layer is None else slice(layer, layer + 1)
        return np.array([np.concatenate([masks[column] for masks in epoch[layers]]).mean()
                         for epoch in self.states])

    def revived(self, layer):
        """How many times a dead unit of `layer` was no longer dead one epoch later."""
        dead = [epoch[layer][0] for epoch in self.states]
        return int(sum((before & ~after).sum() for before, after in zip(dead, dead[1:])))


def train(activation, setting, digits, epochs):
    hidden_bias, lr = SETTINGS[setting]
    model = network(activation, hidden_bias)
    x_train = digits[0]
    states = [unit_states(model, x_train)]  # epoch 0: before training
    history = common.fit_digits(model, nn.optim.Adam(model.parameters(), lr=lr), digits,
                                epochs, batch_size=BATCH_SIZE,
                                on_epoch_end=lambda epoch, values:
                                states.append(unit_states(model, x_train)))
    return TrainingRun(model, history, states)


def dead_unit_gradients(model, digits):
    """One backward pass of the loss over the whole training set: the largest |gradient| of
    the incoming weights (and bias) of dead hidden units, and of live ones."""
    x_train, y_train = digits[0], digits[1]
    states = unit_states(model, x_train)
    model.zero_grad()
    nn.functional.cross_entropy(model(ag.tensor(x_train)), y_train).backward()
    dead_max = live_max = 0.0
    dead_count = 0
    for linear, (dead, _) in zip(hidden_linears(model), states):
        incoming = np.abs(np.concatenate([common.to_numpy(linear.weight.grad),
                                          common.to_numpy(linear.bias.grad)[:, None]], axis=1))
        dead_count += int(dead.sum())
        if dead.any():
            dead_max = max(dead_max, float(incoming[dead].max()))
        if (~dead).any():
            live_max = max(live_max, float(incoming[~dead].max()))
    return dead_count, dead_max, live_max


def plot(runs, out_dir):
    fig, axes = common.plt.subplots(len(SETTINGS), 3, figsize=(15, 4 * len(SETTINGS)),
                                    squeeze=False)
    colors = dict(zip(ACTIVATIONS, ("#c44e52", "#4c72b0", "#55a868", "#8172b2")))
    styles = dict(zip(ACTIVATIONS, ("-", "--", "-.", ":")))
    for row, setting in zip(axes, SETTINGS):
        for name in ACTIVATIONS:
            training = runs[setting, name]
            epochs = np.arange(len(training.states))
            options = dict(color=colors[name], linestyle=styles[name], marker="o",
                           markersize=3, linewidth=2)
            if name == "ReLU":  # the layers differ: layer 1's dead units can never revive
                for layer, alpha in ((0, 1.0), (1, 0.45)):
                    row[0].plot(epochs, training.share("dead", layer), alpha=alpha,
                                label=f"ReLU, hidden layer {layer + 1}",
                                **{**options, "linestyle": ("-", "--")[layer]})
            else:
                row[0].plot(epochs, training.share("dead"), label=f"{name} (both layers)",
                            **options)
            row[1].plot(epochs, training.share("inactive"), label=name, **options)
            row[2].plot(epochs[1:], training.history["loss"], label=name, **options)
        row[0].set_title(f"{setting}: dead units (derivative 0 for every input)", fontsize=10)
        row[1].set_title(f"{setting}: inactive units (pre-activation <= 0 for every input)",
                         fontsize=10)
        row[2].set_title(f"{setting}: training loss", fontsize=10)
        row[0].set_ylabel("share of the layer's 100 units")
        row[1].set_ylabel("share of the 200 hidden units")
        for ax in row[:2]:
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("epoch (0 = before training)")
        row[2].set_yscale("log")
        row[2].set_ylabel("cross-entropy (log scale)")
        row[2].set_xlabel("epoch")
        for ax in row:
            ax.grid(True, which="both", alpha=0.3)
        row[0].legend(fontsize=8)
        row[1].legend(fontsize=8)
    fig.suptitle("Dying ReLU on digits (Adam). Top, hidden biases start at -2: ReLU's units "
                 "are dead and it cannot train; the leaky variants revive theirs and train.\n"
                 "Bottom, learning rate 30x the default: half of ReLU's units die for good, "
                 "yet the survivors still fit the data (dead units cost capacity, they need "
                 "not stop training)", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "dying_relu")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    digits = common.digits_split()
    epochs = QUICK_EPOCHS if quick else EPOCHS
    runs = {(setting, name): train(activation, setting, digits, epochs)
            for setting in SETTINGS for name, activation in ACTIVATIONS.items()}
    figures = [plot(runs, out_dir)]

    results = {"epochs": epochs}
    for (setting, name), training in runs.items():
        dead, inactive = training.share("dead"), training.share("inactive")
        results[f"{setting}, {name}: dead share before training, after"] = [
            float(dead[0]), float(dead[-1])]
        results[f"{setting}, {name}: inactive share before training, after"] = [
            float(inactive[0]), float(inactive[-1])]
        results[f"{setting}, {name}: final training loss, accuracy"] = [
            training.history.last("loss"), training.history.last("accuracy")]
    for setting in SETTINGS:
        relu = runs[setting, "ReLU"]
        results[f"{setting}, ReLU: dead units revived, hidden layer 1, layer 2"] = [
            relu.revived(0), relu.revived(1)]
    relu_model = runs["lr 0.03", "ReLU"].model
    results["lr 0.03, ReLU: dead share per layer, by nn.gradflow.dead_unit_fraction"] = [
        float(share) for share in
        nn.gradflow.dead_unit_fraction(relu_model, ag.tensor(digits[0])).values()]
    dead_count, dead_max, live_max = dead_unit_gradients(relu_model, digits)
    results["lr 0.03, ReLU: dead hidden units after training"] = dead_count
    results["lr 0.03, ReLU: largest |gradient| into a dead unit (weights and bias)"] = dead_max
    results["lr 0.03, ReLU: largest |gradient| into a live unit"] = live_max
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("dying_relu", run, __doc__, argv)


if __name__ == "__main__":
    main()
