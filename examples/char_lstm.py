"""A character-level language model in makemore's habit, with an LSTM: each character is
embedded (nn.Embedding), an nn.LSTM reads the sequence, and a Linear layer gives the logits
of the next character. It trains with Adam on random windows of a text, prints the training
and validation loss as it goes, samples new text one character at a time (the LSTM's state
(h, c) carried from one character to the next), and prints the gradient-flow table of one
more backward pass: the gradient norm of each weight, from the embedding through the LSTM
to the head.

The text is written by a small story grammar in this file (nothing is downloaded): about
20 KB of sentences such as "the keeper climbed the hundred steps at dawn.", and 2 KB more
from another seed to validate on. In a few hundred steps the model spells the words and
follows the grammar; the validation loss then levels off, while the training loss keeps
falling slowly as the model starts to memorise its text.

Run: python -m examples.char_lstm [--steps 3000] [--length 300]
"""
import argparse
import math

import numpy as np

import autograd as ag
import nn
import nn.functional as F

TRAIN_SENTENCES = 400

# The words of the story-telling grammar that writes the training text.
SUBJECTS = ("the keeper", "the old keeper", "the grey cat", "a sailor", "the young sailor",
            "the captain", "the baker", "the children", "a small boat", "the woman from the "
            "village", "nobody")
VERBS = ("climbed", "watched", "saw", "found", "carried", "lit", "wiped", "mended",
         "followed", "left", "reached", "remembered", "looked for", "walked along")
OBJECTS = ("the lamp", "the hundred steps", "the long stone road", "a letter", "the light",
           "the glass", "the torn sail", "the old book", "the shore", "the rocks",
           "the bread", "the slow clock", "the small dark line of the coast")
PLACES = ("at dawn", "in the fog", "before the storm", "by the fire", "at the end of the road",
          "every evening", "in the rain", "after the storm", "at the top of the tower",
          "when the wind turned")
SAYINGS = ("the light turned and turned through the dark.", "the sea was smooth and bright.",
           "wind from the north, clear sky.", "the waves rose over the rocks.",
           "someone out there is always looking for the shore.")


def make_text(sentences, seed=0):
    """A story of `sentences` sentences from a small grammar (subject, verb, object, and a
    place or a second verb now and then; paragraphs of four to seven sentences):
    deterministic for a given seed, so that a model has real but learnable structure, and
    another seed gives fresh text to validate on."""
    rng = np.random.default_rng(seed)

    def pick(options):
        return options[int(rng.integers(len(options)))]

    def sentence():
        if rng.random() < 0.1:
            return pick(SAYINGS)
        words = [pick(SUBJECTS), pick(VERBS), pick(OBJECTS)]
        if rng.random() < 0.5:
            words.append(pick(PLACES))
        if rng.random() < 0.3:
            words.append(f"and {pick(VERBS)} {pick(OBJECTS)}")
        return " ".join(words) + "."

    paragraphs, left = [], sentences
    while left > 0:
        size = min(left, int(rng.integers(4, 8)))
        paragraphs.append(" ".join(sentence() for _ in range(size)))
        left -= size
    return "\n\n".join(paragraphs) + "\n"


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> Linear: the logits of the next character at every position."""

    def __init__(self, vocab_size, n_embd=16, n_hidden=128):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, n_embd)
        self.lstm = nn.LSTM(n_embd, n_hidden, batch_first=True)
        self.head = nn.Linear(n_hidden, vocab_size)

    def forward(self, idx, state=None):
        """idx (B, L) of character indices -> (logits (B, L, vocab_size), the LSTM's last
        state (h, c), to carry on from)."""
        output, state = self.lstm(self.embedding(idx), state)
        return self.head(output), state


def texts():
    """The training text (seed 0) and the validation text (seed 1, a tenth as long)."""
    return make_text(TRAIN_SENTENCES, seed=0), make_text(TRAIN_SENTENCES // 10, seed=1)


def encode(text, chars):
    stoi = {ch: i for i, ch in enumerate(chars)}
    return np.array([stoi[ch] for ch in text])


def get_batch(data, block_size, batch_size, rng):
    """`batch_size` random windows of the text: inputs (B, block_size) and the next
    characters, the same windows shifted by one."""
    starts = rng.integers(0, len(data) - block_size - 1, size=batch_size)
    x = np.stack([data[s:s + block_size] for s in starts])
    y = np.stack([data[s + 1:s + block_size + 1] for s in starts])
    return x, y


def loss_on(model, x, y):
    logits, _ = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def validation_loss(model, data, block_size):
    """The mean loss over the whole text `data`, cut into windows of `block_size`."""
    windows = (len(data) - 1) // block_size
    x = data[:windows * block_size].reshape(windows, block_size)
    y = data[1:windows * block_size + 1].reshape(windows, block_size)
    with ag.no_grad():
        return loss_on(model, x, y).item()


def train(steps=3000, block_size=32, batch_size=32, lr=1e-2, seed=42, verbose=True):
    """Trains a CharLSTM on the grammar's text and returns (model, chars, history): the
    vocabulary (index -> character), and the training loss of every step ("loss") and the
    validation loss at every tenth of the run ("val_loss": (step, loss) pairs). The
    learning rate drops tenfold for the last quarter of the steps."""
    text, val_text = texts()
    chars = sorted(set(text + val_text))
    data, val_data = encode(text, chars), encode(val_text, chars)
    nn.manual_seed(seed)
    model = CharLSTM(len(chars))
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    if verbose:
        print(f"{len(text)} characters to train on, {len(val_text)} to validate on; a "
              f"vocabulary of {len(chars)}, {sum(p.size for p in model.parameters())} "
              f"parameters; a uniform guess has loss log({len(chars)}) = "
              f"{math.log(len(chars)):.3f}")
    rng = np.random.default_rng(seed)
    history = {"loss": [], "val_loss": []}
    progress = nn.progress_range(steps, None if verbose else False, unit="step")
    for i in progress:
        if i == steps * 3 // 4:
            for group in optimizer.param_groups:
                group["lr"] = lr / 10
        loss = loss_on(model, *get_batch(data, block_size, batch_size, rng))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.item())
        if i % max(steps // 10, 1) == 0 or i == steps - 1:
            val_loss = validation_loss(model, val_data, block_size)
            history["val_loss"].append((i, val_loss))
            if verbose:
                line = (f"step {i:5d}/{steps}: loss {np.mean(history['loss'][-50:]):.4f} "
                        f"(mean of the last 50 steps), validation {val_loss:.4f}")
                (progress.write if hasattr(progress, "write") else print)(line)
    return model, chars, history


def sample(model, chars, length=300, prompt="the ", temperature=1.0, seed=0):
    """`length` new characters after `prompt` (characters of the vocabulary), drawn one at a
    time from the model's softmax at `temperature`, the LSTM's state carried along."""
    rng = np.random.default_rng(seed)
    out = []
    with ag.no_grad():
        logits, state = model(encode(prompt, chars)[None])
        for _ in range(length):
            last = logits[0, -1].cpu().numpy().astype(np.float64) / temperature
            probs = np.exp(last - last.max())
            ix = int(rng.choice(len(chars), p=probs / probs.sum()))
            out.append(chars[ix])
            logits, state = model(np.array([[ix]]), state)
    return "".join(out)


def gradient_rows(model, chars, block_size=32, batch_size=32, seed=0):
    """The gradient norm of every parameter after one backward pass on a batch of the
    training text: nn.gradflow's rows, the input side first."""
    data = encode(texts()[0], chars)
    x, y = get_batch(data, block_size, batch_size, np.random.default_rng(seed))
    model.zero_grad()
    loss_on(model, x, y).backward()
    return nn.gradflow.gradient_norms(model)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--length", type=int, default=300, help="characters to sample")
    args = parser.parse_args(argv)
    model, chars, history = train(args.steps)
    print(f"\nfinal loss {np.mean(history['loss'][-50:]):.4f} (mean of the last 50 steps), "
          f"validation {history['val_loss'][-1][1]:.4f}, against log({len(chars)}) = "
          f"{math.log(len(chars)):.4f} for a uniform guess")
    print("\nsample:\nthe " + sample(model, chars, args.length))
    print("\ngradient flow, one backward pass after training ('vs last' compares each weight "
          "with the head's):")
    print(nn.gradflow.gradient_table(gradient_rows(model, chars)))   # the weights


if __name__ == "__main__":
    main()
