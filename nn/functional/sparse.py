"""Looking rows up in a table: the embedding layer's computation."""
from autograd import Tensor, backend
from autograd.ops import as_tensor, check_devices

__all__ = ["embedding"]


def embedding(input, weight):
    """The rows of `weight` (num_embeddings, embedding_dim) at the integer indices `input`,
    of any shape: the result has shape input.shape + (embedding_dim,). Backward adds each
    row's gradient into the row it came from, so an index used several times accumulates.
    Indices must be integers in [0, num_embeddings); a negative one is refused rather than
    counted from the end, as in PyTorch. Indices given as an array or a list are moved to
    the weight's device."""
    weight = as_tensor(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding: the weight must be a table (num_embeddings, "
                         f"embedding_dim), got shape {weight.shape}")
    rows = weight.shape[0]
    table = f"Embedding({rows}, {weight.shape[1]})"
    indices = input if isinstance(input, Tensor) else Tensor(backend.as_array(input),
                                                              device=weight.device)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"embedding: {table} takes integer indices, got dtype "
                        f"{indices.dtype}; convert them to an integer dtype (np.int64)")
    check_devices("embedding", (indices, weight))
    if indices.size:
        low, high = indices.data.min().item(), indices.data.max().item()
        if low < 0 or high >= rows:
            bad = low if low < 0 else high
            raise IndexError(f"embedding: index {bad} is out of range for {table}: indices "
                             f"must be in 0..{rows - 1}")
    return weight[indices.data]
