"""The bundled datasets: shapes, dtypes, ranges; the MNIST reader on tiny IDX files."""
import gzip
import sys

import numpy as np
import pytest

from nn import datasets


def test_xor_labels_are_the_xor_of_the_coordinates():
    x, y = datasets.xor()
    assert x.shape == (4, 2) and x.dtype == np.float32 and y.dtype == np.int64
    assert sorted(map(tuple, x.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    np.testing.assert_array_equal(y, (x[:, 0] != x[:, 1]).astype(np.int64))


def test_spiral_arms_have_radii_from_0_to_1_and_balanced_labels():
    x, y = datasets.spiral(n_per_class=50, classes=4, noise=0.3, seed=1)
    assert x.shape == (200, 2) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [50] * 4)
    for arm in range(4):
        # the noise only turns points: each point's distance from the origin is its radius
        radii = np.linalg.norm(x[y == arm], axis=1)
        np.testing.assert_allclose(radii, np.linspace(0, 1, 50), atol=1e-6)


def test_spiral_without_noise_has_evenly_spaced_angles_and_seeds_reproduce():
    x, y = datasets.spiral(n_per_class=20, classes=3, noise=0.0)
    angles = np.arctan2(x[y == 1, 0], x[y == 1, 1])[1:]  # (r sin t, r cos t); skip r = 0
    expected = np.linspace(4.0, 8.0, 20)[1:]
    np.testing.assert_allclose(np.cos(angles), np.cos(expected), atol=1e-6)
    np.testing.assert_allclose(np.sin(angles), np.sin(expected), atol=1e-6)
    same, _ = datasets.spiral(seed=3)
    again, _ = datasets.spiral(seed=3)
    other, _ = datasets.spiral(seed=4)
    np.testing.assert_array_equal(same, again)
    assert not np.array_equal(same, other)


def test_digits_are_1797_images_of_64_pixels_in_10_classes():
    pytest.importorskip("sklearn")
    x, y = datasets.digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))


def test_digits_without_sklearn_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install scikit-learn|tracegrad\[data\]"):
        datasets.digits()


def test_train_test_split_is_a_seeded_80_20_partition():
    x = np.arange(50).reshape(25, 2)
    y = np.arange(25)
    x_train, x_test, y_train, y_test = datasets.train_test_split(x, y, test_size=0.2, seed=3)
    assert len(y_test) == 5 and len(y_train) == 20
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(25))
    np.testing.assert_array_equal(x_test[:, 0], 2 * y_test)  # rows stay with their labels
    again = datasets.train_test_split(x, y, test_size=0.2, seed=3)
    np.testing.assert_array_equal(again[3], y_test)
    assert datasets.train_test_split(x, y, seed=4)[3].tolist() != y_test.tolist()
    with pytest.raises(ValueError, match="same length"):
        datasets.train_test_split(x, y[:-1])


def write_idx(path, array, type_code=0x08, compress=False):
    header = bytes([0, 0, type_code, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    dtype = {0x08: ">u1", 0x0C: ">i4"}[type_code]
    content = header + array.astype(dtype).tobytes()
    (gzip.open if compress else open)(path, "wb").write(content)


def write_mnist(directory, prefix, images, labels, compress):
    suffix = ".gz" if compress else ""
    write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images, compress=compress)
    write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress=compress)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("split, prefix", [("train", "train"), ("test", "t10k")])
def test_mnist_reads_idx_files(tmp_path, compress, split, prefix):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    write_mnist(tmp_path, prefix, images, labels, compress)
    x, y = datasets.mnist(tmp_path, split=split)
    assert x.shape == (3, 784) and x.dtype == np.float32
    np.testing.assert_allclose(x, images.reshape(3, -1) / 255.0, rtol=1e-6)
    assert y.dtype == np.int64 and y.tolist() == [7, 0, 9]
    unflattened, _ = datasets.mnist(str(tmp_path), split=split, flatten=False)
    assert unflattened.shape == (3, 28, 28)


def test_mnist_missing_files_error_names_every_file_looked_for(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        datasets.mnist(tmp_path / "nowhere", split="test")
    message = str(error.value)
    for name in ["t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz"]:
        assert name in message
    assert "download" in message


def test_mnist_refuses_broken_files(tmp_path):
    write_mnist(tmp_path, "train", np.zeros((3, 28, 28)), np.zeros(2), compress=False)
    with pytest.raises(ValueError, match="3 images but .* 2 labels"):
        datasets.mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"\x08\x03\x00\x00")
    with pytest.raises(ValueError, match="not an IDX file"):
        datasets.mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(3))
    truncated = (tmp_path / "train-images-idx3-ubyte").read_bytes()[:-5]
    (tmp_path / "train-images-idx3-ubyte").write_bytes(truncated)
    with pytest.raises(ValueError, match="truncated"):
        datasets.mnist(tmp_path)
    with pytest.raises(ValueError, match="split"):
        datasets.mnist(tmp_path, split="validation")


def test_read_idx_handles_big_endian_integers(tmp_path):
    values = np.array([[1, -2, 70000], [3, 4, -5]])
    write_idx(tmp_path / "ints.idx", values, type_code=0x0C)
    read = datasets.read_idx(tmp_path / "ints.idx")
    np.testing.assert_array_equal(read, values)
    assert read.dtype == np.int32 and read.dtype.isnative
