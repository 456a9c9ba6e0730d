"""Dropout: a network that memorises its training set, and the same network with dropout.

The setting overfits on purpose: only 300 training digits, a fifth of them with a wrong
label (each mislabelled sample gets another class at random, the kind of noise real labels
carry), and a wide 64-256-256-10 ReLU network trained by Adam for many epochs. It is trained
twice from the same initial weights: as it is, and with dropout (p = 0.2 on the input,
0.5 after each hidden layer). Validation uses the 360 clean test digits.
What the reader should see:
- without dropout the network learns the training labels by heart, wrong ones included:
  training accuracy climbs towards 100% while validation accuracy falls from its early peak
  and validation loss climbs; the gap between the two keeps growing;
- with dropout it cannot rely on any single unit, so it fits the consistent pattern rather
  than the noise: training accuracy stays near the 80% of labels that are right, validation
  accuracy stays high, and the train-validation gap is much smaller (even below 0: on the
  mislabelled samples the network predicts the true class, which counts as a miss);
- dropout is inverted: in training a kept unit is scaled by 1/(1-p), so the expected
  activation is unchanged; in eval mode the layer is the identity and two evaluations give
  identical outputs, so nothing needs rescaling at inference.

Run: python -m demos.dropout [--out FOLDER] [--quick]
"""
import numpy as np
from matplotlib import ticker

import autograd as ag
import nn
from demos import common

TRAIN_SIZE, QUICK_TRAIN_SIZE = 300, 120
WRONG_LABEL_SHARE = 0.2
HIDDEN = (256, 256)
INPUT_DROPOUT, HIDDEN_DROPOUT = 0.2, 0.5
EPOCHS, QUICK_EPOCHS = 80, 50
LEARNING_RATE, BATCH_SIZE = 1e-3, 32


def mislabel(labels, share, seed=0):
    """A copy of `labels` in which `share` of them, chosen at random, name another class;
    returns it and the mask of the changed ones."""
    rng = np.random.default_rng(seed)
    wrong = rng.random(len(labels)) < share
    noisy = labels.copy()
    noisy[wrong] = (labels[wrong] + rng.integers(1, 10, wrong.sum())) % 10
    return noisy, wrong


def network(dropout, seed=0):
    """64-256-256-10 ReLU; with dropout, Dropout layers on the input and after each hidden
    ReLU. The Linear layers are created in the same order either way, so both networks start
    from the same weights."""
    nn.manual_seed(seed)
    layers = [nn.Dropout(INPUT_DROPOUT)] if dropout else []
    fan_in = 64
    for width in HIDDEN:
        layers += [nn.Linear(fan_in, width), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(HIDDEN_DROPOUT))
        fan_in = width
    layers.append(nn.Linear(fan_in, 10))
    return nn.Sequential(*layers)


def train(dropout, digits, epochs):
    """Trains; returns the model, its History and the training accuracy after every epoch
    measured in eval mode (as the validation accuracy is; History's "accuracy" is taken
    with dropout active)."""
    model = network(dropout)
    x_train, y_train = digits[0], digits[1]
    train_accuracy = []
    history = common.fit_digits(
        model, nn.optim.Adam(model.parameters(), lr=LEARNING_RATE), digits, epochs,
        batch_size=BATCH_SIZE,
        on_epoch_end=lambda epoch, values: train_accuracy.append(
            nn.evaluate(model, x_train, y_train)["accuracy"]))
    return model, history, np.array(train_accuracy)


def predicted_classes(model, x):
    return common.to_numpy(nn.predict(model, x)).argmax(axis=1)


def inverted_dropout_check(p=HIDDEN_DROPOUT, shape=(1000, 100)):
    """nn.Dropout(p) on a tensor of ones, in training and in eval mode."""
    nn.manual_seed(0)
    layer = nn.Dropout(p)
    ones = ag.ones(*shape)
    trained = common.to_numpy(layer(ones))
    kept = trained != 0
    layer.eval()
    evaluated = common.to_numpy(layer(ones))
    return {
        f"Dropout({p}) training mode: share of units kept": float(kept.mean()),
        f"Dropout({p}) training mode: value of every kept unit (input 1; 1/(1-p) = "
        f"{1 / (1 - p):g})": sorted({float(v) for v in np.unique(trained[kept])}),
        f"Dropout({p}) training mode: mean output (input 1)": float(trained.mean()),
        f"Dropout({p}) eval mode: largest |output - input|":
            float(np.abs(evaluated - 1).max()),
    }


def plot(runs, train_size, epochs, out_dir):
    fig, (ax_acc, ax_loss) = common.plt.subplots(1, 2, figsize=(14, 5))
    colors = {False: "#4c72b0", True: "#c44e52"}
    names = {False: "without dropout", True: "with dropout"}
    x = np.arange(1, epochs + 1)
    for dropout, (_, history, train_accuracy) in runs.items():
        color, name = colors[dropout], names[dropout]
        ax_acc.plot(x, train_accuracy, "--", color=color, linewidth=1.8,
                    label=f"{name}: training (noisy labels)")
        ax_acc.plot(x, history["val_accuracy"], "-", color=color, linewidth=2,
                    label=f"{name}: validation")
        ax_loss.plot(x, history["loss"], "--", color=color, linewidth=1.8,
                     label=f"{name}: training" + (" (dropout active)" if dropout else ""))
        ax_loss.plot(x, history["val_loss"], "-", color=color, linewidth=2,
                     label=f"{name}: validation")
    ax_acc.axhline(1 - WRONG_LABEL_SHARE, color="gray", linestyle=":", linewidth=1.2,
                   label="share of correct training labels")
    ax_acc.set_ylim(0.5, 1.01)
    ax_acc.set_ylabel("accuracy (eval mode; the axis starts at 0.5)")
    ax_acc.set_title("accuracy: without dropout the training labels, wrong ones included, "
                     "are memorised", fontsize=10)
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
    ax_loss.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    ax_loss.yaxis.set_minor_formatter(ticker.NullFormatter())
    ax_loss.set_ylabel("cross-entropy (log scale)")
    ax_loss.set_title("loss: without dropout the validation loss climbs", fontsize=10)
    for ax in (ax_acc, ax_loss):
        ax.set_xlabel("epoch")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"64-256-256-10 ReLU net, Adam, {train_size} training digits of which "
                 f"{WRONG_LABEL_SHARE:.0%} wrongly labelled: dropout (red) overfits far less "
                 "than the plain net (blue)", fontsize=11)
    fig.tight_layout()
    return common.save_figure(fig, out_dir, "dropout")


def run(out_dir, quick=False):
    out_dir = common.output_dir(out_dir)
    train_size = QUICK_TRAIN_SIZE if quick else TRAIN_SIZE
    epochs = QUICK_EPOCHS if quick else EPOCHS
    x_train, y_train, x_test, y_test = common.digits_split(train_size)
    noisy_labels, wrong = mislabel(y_train, WRONG_LABEL_SHARE)
    digits = (x_train, noisy_labels, x_test, y_test)
    runs = {dropout: train(dropout, digits, epochs) for dropout in (False, True)}
    figures = [plot(runs, train_size, epochs, out_dir)]

    results = {"training samples": train_size, "of them with a wrong label": int(wrong.sum()),
               "epochs": epochs}
    for dropout, (model, history, train_accuracy) in runs.items():
        name = "with dropout" if dropout else "without dropout"
        gap = train_accuracy[-1] - history.last("val_accuracy")
        results[f"{name}: final training accuracy (eval mode, noisy labels)"] = float(
            train_accuracy[-1])
        results[f"{name}: final validation accuracy"] = history.last("val_accuracy")
        results[f"{name}: best validation accuracy"] = float(max(history["val_accuracy"]))
        results[f"{name}: final train-validation accuracy gap"] = float(gap)
        results[f"{name}: final validation loss"] = history.last("val_loss")
        predicted = predicted_classes(model, x_train[wrong])
        results[f"{name}: mislabelled training samples predicted as their wrong label"] = \
            float(np.mean(predicted == noisy_labels[wrong]))
    dropout_model = runs[True][0]
    dropout_model.eval()
    first, second = (common.to_numpy(dropout_model(ag.tensor(x_test))) for _ in range(2))
    results["dropout net, eval mode: largest difference between two evaluations"] = float(
        np.abs(first - second).max())
    results.update(inverted_dropout_check())
    results["figures"] = [str(path) for path in figures]
    return results


def main(argv=None):
    common.run_demo("dropout", run, __doc__, argv)


if __name__ == "__main__":
    main()
