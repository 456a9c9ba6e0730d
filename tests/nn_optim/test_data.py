"""DataLoader and TensorDataset: batch sizes, order, shuffling, dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
from nn.data import DataLoader, TensorDataset
from tests.helpers import host


def numbered(count):
    """Features whose first column is the row number, and labels equal to it: a batch's
    rows and labels can be checked against each other."""
    features = np.stack([np.arange(count), -np.arange(count)], axis=1).astype(np.float32)
    return features, np.arange(count, dtype=np.int64)


def collect(loader):
    batches = list(loader)
    features = np.concatenate([host(x) for x, _ in batches]) if batches else np.zeros((0, 2))
    labels = np.concatenate([host(y) for _, y in batches]) if batches else np.zeros(0)
    return batches, features, labels


def test_batches_in_order_with_a_short_last_batch():
    loader = DataLoader(numbered(10), batch_size=4)
    batches, features, labels = collect(loader)
    assert len(loader) == 3
    assert [len(y) for _, y in batches] == [4, 4, 2]
    np.testing.assert_array_equal(labels, np.arange(10))
    np.testing.assert_array_equal(features, numbered(10)[0])


def test_drop_last_skips_the_short_batch():
    loader = DataLoader(numbered(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(y) for _, y in loader] == [4, 4]
    assert len(DataLoader(numbered(3), batch_size=4, drop_last=True)) == 0
    assert list(DataLoader(numbered(3), batch_size=4, drop_last=True)) == []


def test_batches_are_tensors_on_the_default_device_with_the_arrays_dtypes():
    x, y = next(iter(DataLoader(numbered(5), batch_size=5)))
    assert isinstance(x, ag.Tensor) and isinstance(y, ag.Tensor)
    assert x.dtype == np.float32 and y.dtype == np.int64  # labels stay integer
    assert x.device == y.device == ag.zeros(1).device
    assert not x.requires_grad


def test_seeded_shuffle_is_a_reproducible_permutation_that_keeps_rows_with_labels():
    first = DataLoader(numbered(23), batch_size=5, shuffle=True, seed=42)
    second = DataLoader(numbered(23), batch_size=5, shuffle=True, seed=42)
    _, features, labels = collect(first)
    _, features_again, labels_again = collect(second)
    np.testing.assert_array_equal(labels, labels_again)
    assert sorted(labels.tolist()) == list(range(23))
    assert labels.tolist() != list(range(23))
    np.testing.assert_array_equal(features[:, 0], labels)  # rows moved with their labels
    _, _, next_epoch = collect(first)
    assert next_epoch.tolist() != labels.tolist()  # each pass has a new order


def test_unseeded_shuffle_follows_manual_seed():
    ag.manual_seed(5)
    _, _, labels = collect(DataLoader(numbered(20), batch_size=6, shuffle=True))
    ag.manual_seed(5)
    _, _, labels_again = collect(DataLoader(numbered(20), batch_size=6, shuffle=True))
    np.testing.assert_array_equal(labels, labels_again)
    assert sorted(labels.tolist()) == list(range(20))


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 30), batch_size=st.integers(1, 8), drop_last=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_every_pass_visits_each_item_at_most_once(count, batch_size, drop_last, seed):
    loader = DataLoader(numbered(count), batch_size=batch_size, shuffle=True,
                        drop_last=drop_last, seed=seed)
    batches, _, labels = collect(loader)
    assert len(batches) == len(loader)
    assert all(len(y) == batch_size for _, y in batches[:-1])
    expected_count = count - count % batch_size if drop_last else count
    assert len(labels) == expected_count == len(set(labels.tolist()))


def test_a_single_array_gives_tensor_batches():
    batches = list(DataLoader(np.arange(7.0), batch_size=3))
    assert all(isinstance(b, ag.Tensor) for b in batches)
    np.testing.assert_array_equal(np.concatenate([host(b) for b in batches]), np.arange(7.0))


def test_tensor_dataset_items_and_loader_over_tensors():
    features, labels = numbered(6)
    dataset = TensorDataset(ag.tensor(features), labels)
    assert len(dataset) == 6
    row, label = dataset[4]
    np.testing.assert_array_equal(host(row), features[4])
    assert int(label) == 4
    (x, y), = DataLoader(dataset, batch_size=6)
    np.testing.assert_array_equal(host(x), features)


class Squares:
    """A map-style dataset of (features, python int label) pairs."""

    def __len__(self):
        return 5

    def __getitem__(self, index):
        return np.full(3, index * index, dtype=np.float32), index


def test_any_dataset_with_len_and_getitem_is_stacked_into_batches():
    batches = list(DataLoader(Squares(), batch_size=2))
    assert [len(y) for _, y in batches] == [2, 2, 1]
    x, y = batches[1]
    np.testing.assert_array_equal(host(x), [[4, 4, 4], [9, 9, 9]])
    assert y.dtype.kind == "i"
    np.testing.assert_array_equal(host(y), [2, 3])


def test_bad_arguments():
    with pytest.raises(ValueError, match="same number of samples"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(numbered(4), batch_size=0)
    with pytest.raises(TypeError, match="dataset"):
        DataLoader(42)
