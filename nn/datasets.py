"""Small datasets for examples and tests, returned as numpy arrays `(features, labels)`:
float32 features and int64 class labels. Nothing is ever downloaded: `digits` comes bundled
with scikit-learn and `mnist` reads files the user already has."""
import gzip
import math
import os

import numpy as np

import autograd as ag


def xor():
    """The four corners of the unit square, labelled by XOR of their coordinates: the
    classic problem a single linear unit cannot solve."""
    features = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    return features, labels


def spiral(n_per_class=100, classes=3, noise=0.2, seed=0):
    """The CS231n spiral: `classes` interleaved arms of `n_per_class` points each in 2-D.

    Arm j has radii evenly spaced in [0, 1] and angles evenly spaced in [4j, 4(j+1)] radians
    plus Gaussian noise of standard deviation `noise`; points are (r sin t, r cos t).
    Returns features of shape (n_per_class * classes, 2) and labels 0..classes-1, in order.
    """
    if n_per_class < 1 or classes < 1:
        raise ValueError(f"spiral: n_per_class and classes must be positive, got "
                         f"{n_per_class} and {classes}")
    rng = np.random.default_rng(seed)
    radius = np.linspace(0.0, 1.0, n_per_class)
    arms = []
    for arm in range(classes):
        angle = np.linspace(4.0 * arm, 4.0 * (arm + 1), n_per_class)
        angle = angle + noise * rng.standard_normal(n_per_class)
        arms.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
    features = np.concatenate(arms).astype(np.float32)
    labels = np.repeat(np.arange(classes, dtype=np.int64), n_per_class)
    return features, labels


_ONSETS = ("b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m",
           "n", "p", "r", "s", "sh", "st", "t", "th", "tr", "v", "w", "z", "")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "ia", "ea", "ai", "ou", "y")
_CODAS = ("", "", "", "n", "l", "r", "s", "m", "th", "nd", "x")
_ENDINGS = ("", "", "a", "ie", "en", "on", "ra", "lyn", "el", "us", "o", "ette", "ian")


def names(count=8000, seed=0):
    """`count` made-up names in lowercase a-z (a stand-in for makemore's names.txt, which is
    not shipped): two or three syllables of onset, vowel and coda, and a typical ending, so
    that a character model has real structure to learn. Deterministic for a given seed."""
    rng = np.random.default_rng(seed)

    def pick(options):
        return options[int(rng.integers(len(options)))]
    found = []
    for _ in range(count):
        syllables = "".join(pick(_ONSETS) + pick(_VOWELS) + pick(_CODAS)
                            for _ in range(int(rng.integers(1, 3))))
        found.append((syllables + pick(_ENDINGS))[:12])
    return found


def digits():
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, classes 0-9): features
    of shape (1797, 64) scaled from the 0..16 pixel counts to [0, 1]."""
    sklearn_datasets = ag.extras.require("sklearn.datasets", "nn.datasets.digits() (the "
                                         "digits bundled with scikit-learn)")
    bunch = sklearn_datasets.load_digits()
    features = (np.asarray(bunch.data, dtype=np.float32) / 16.0).astype(np.float32)
    return features, np.asarray(bunch.target, dtype=np.int64)


_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def mnist(directory, split="train", flatten=True):
    """MNIST read from the standard IDX files in `directory` (plain or gzipped, as
    distributed: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and the t10k-
    pair for split="test"; the "train-images.idx3-ubyte" spelling is accepted too).

    Returns images as float32 in [0, 1], of shape (N, 784) (or (N, 28, 28) with
    flatten=False), and int64 labels. Nothing is downloaded: a missing file raises
    FileNotFoundError naming every file looked for.
    """
    if split not in _MNIST_FILES:
        raise ValueError(f"mnist: split must be 'train' or 'test', got {split!r}")
    image_name, label_name = _MNIST_FILES[split]
    image_path = _find_idx_file(directory, image_name, split)
    label_path = _find_idx_file(directory, label_name, split)
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or labels.ndim != 1:
        raise ValueError(f"mnist: expected 3-d images and 1-d labels, got shapes "
                         f"{images.shape} ({image_path}) and {labels.shape} ({label_path})")
    if len(images) != len(labels):
        raise ValueError(f"mnist: {image_path} holds {len(images)} images but {label_path} "
                         f"holds {len(labels)} labels")
    images = images.astype(np.float32) / np.float32(255)
    if flatten:
        images = images.reshape(len(images), -1)
    return images, labels.astype(np.int64)


def _candidates(name):
    dotted = name.replace("-idx", ".idx", 1)  # train-images.idx3-ubyte, as some mirrors name it
    return [name, name + ".gz", dotted, dotted + ".gz"]


def _find_idx_file(directory, name, split):
    for candidate in _candidates(name):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    wanted = [candidate for pair in _MNIST_FILES[split] for candidate in _candidates(pair)]
    raise FileNotFoundError(
        f"mnist: no {name} file in {os.fspath(directory)!r}. split={split!r} needs an images "
        f"file and a labels file; the names looked for are: {', '.join(wanted)} (.gz files "
        "are read as they are). tracegrad never downloads data: put the MNIST IDX files in "
        "that directory.")


# IDX type codes (third byte of the magic number) and their big-endian numpy dtypes
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """The array stored in an IDX file (gzipped when the name ends in .gz)."""
    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "rb") as stream:
        content = stream.read()
    if len(content) < 4 or content[0] != 0 or content[1] != 0 \
            or content[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: its magic number is {content[:4]!r}")
    dtype = np.dtype(_IDX_DTYPES[content[2]])
    ndim = content[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(content) != expected:
        raise ValueError(f"{path}: the header announces shape {shape} ({expected} bytes) but "
                         f"the file has {len(content)} bytes; is it truncated?")
    values = np.frombuffer(content, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def train_test_split(*arrays, test_size=0.2, seed=0, shuffle=True):
    """Splits arrays that share their first axis into train and test parts, like
    scikit-learn's: returns (a_train, a_test, b_train, b_test, ...). The test part holds
    ceil(test_size * N) samples, as in scikit-learn (test_size a fraction in (0, 1)), drawn
    by a generator
    seeded with `seed`, so a given seed always gives the same split."""
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    count = len(arrays[0])
    if any(len(a) != count for a in arrays):
        raise ValueError(f"train_test_split: arrays must have the same length, got "
                         f"{[len(a) for a in arrays]}")
    if not 0 < test_size < 1:
        raise ValueError(f"train_test_split: test_size must be a fraction in (0, 1), got "
                         f"{test_size!r}")
    n_test = math.ceil(round(test_size * count, 9))  # rounded first: 0.7 * 10 is 7.000...1
    if n_test == 0 or n_test == count:
        raise ValueError(f"train_test_split: test_size={test_size} of {count} samples leaves "
                         "an empty part")
    order = np.random.default_rng(seed).permutation(count) if shuffle else np.arange(count)
    test, train = order[:n_test], order[n_test:]
    return [part for a in arrays for part in (a[train], a[test])]
