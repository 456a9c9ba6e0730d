"""Losses, with reductions "mean", "sum" and "none". Arrays of targets and labels are moved to
the input's device."""
from autograd import Tensor, backend, ops
from autograd.ops import as_tensor, check_devices

__all__ = ["mse_loss", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss"]


_REDUCTIONS = ("mean", "sum", "none")


def check_reduction(name, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got "
                         f"{reduction!r}")


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _target_like(name, target, input):
    """The target as a Tensor of the input's shape, dtype and device."""
    if isinstance(target, Tensor):
        check_devices(name, (input, target))
        if target.dtype != input.dtype:  # the loss is in the input's dtype, never promoted
            target = target.to(input.dtype)
    else:
        try:
            target = Tensor(backend.as_array(target), dtype=input.dtype, device=input.device)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{name}: the target: {str(error).removeprefix('tensor: ')}") \
                from None
    if target.shape != input.shape:
        raise ValueError(f"{name}: target of shape {target.shape} does not match input of "
                         f"shape {input.shape}; they must have the same shape")
    return target


def mse_loss(input, target, reduction="mean"):
    """(input - target)^2, averaged (or summed, or per element)."""
    check_reduction("mse_loss", reduction)
    input = as_tensor(input)
    target = _target_like("mse_loss", target, input)
    difference = input - target
    return _reduce(difference * difference, reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] from logits x, computed as
    max(x, 0) - x y + log(1 + exp(-|x|)): finite for logits of +-1000, gradient
    sigmoid(x) - y."""
    name = "binary_cross_entropy_with_logits"
    check_reduction(name, reduction)
    input = as_tensor(input)
    target = _target_like(name, target, input)
    return _reduce(ops.losses.binary_cross_entropy_with_logits(input, target), reduction)


def _class_rows(name, input):
    """Logits or log-probabilities with the classes on axis 1 ((C,), (N, C) or
    (N, C, d1, ...)) as rows (M, C), and the shape the per-sample losses (and the labels)
    have."""
    if input.dtype.kind != "f":
        raise ValueError(f"{name}: input must be floating (scores per class), got dtype "
                         f"{input.dtype}")
    if input.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis: (C,), (N, C) or "
                         f"(N, C, d1, ...), got a 0-d tensor")
    if input.ndim == 1:
        return input.reshape(1, -1), ()
    if input.ndim == 2:
        return input, (input.shape[0],)
    classes_last = (0,) + tuple(range(2, input.ndim)) + (1,)
    rows = input.transpose(classes_last).reshape(-1, input.shape[1])
    return rows, (input.shape[0],) + input.shape[2:]


def _class_labels(name, target, input, shape, classes):
    """Validated integer labels of `shape`, flattened, as an array on input's device."""
    if isinstance(target, Tensor):
        check_devices(name, (input, target))
        labels = target.data
    else:
        labels = backend.to_device(backend.as_array(target), input.device)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{name}: labels must be integer class indices, got dtype "
                         f"{labels.dtype} (labels of shape {tuple(labels.shape)}, input of "
                         f"shape {input.shape}); convert them (e.g. labels.astype(np.int64)), "
                         "or take labels.argmax(axis=1) of one-hot labels")
    if tuple(labels.shape) != shape:
        raise ValueError(f"{name}: input of shape {input.shape} needs labels of shape "
                         f"{shape} (one class index per sample), got shape "
                         f"{tuple(labels.shape)}")
    if labels.size:
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= classes:
            raise ValueError(f"{name}: label {low if low < 0 else high} is out of range for "
                             f"an input of shape {input.shape} with {classes} classes: labels "
                             f"must be class indices in [0, {classes})")
    return labels.reshape(-1)


def cross_entropy(input, target, reduction="mean"):
    """-log softmax(input)[label] from logits (classes on axis 1) and integer labels; stable
    for logits of +-1000. One fused node: its gradient is (softmax - onehot) / N."""
    check_reduction("cross_entropy", reduction)
    input = as_tensor(input)
    rows, shape = _class_rows("cross_entropy", input)
    labels = _class_labels("cross_entropy", target, input, shape, rows.shape[1])
    loss = ops.losses.softmax_cross_entropy(rows, labels, reduction)
    return loss.reshape(shape) if reduction == "none" else loss


def nll_loss(input, target, reduction="mean"):
    """-input[label]: the negative log-likelihood from log-probabilities (e.g. the output of
    log_softmax), so that nll_loss(log_softmax(x), y) == cross_entropy(x, y)."""
    check_reduction("nll_loss", reduction)
    input = as_tensor(input)
    rows, shape = _class_rows("nll_loss", input)
    labels = _class_labels("nll_loss", target, input, shape, rows.shape[1])
    positions = backend.array_module(labels).arange(rows.shape[0])
    losses = -rows[positions, labels]
    if reduction == "none":
        return losses.reshape(shape)
    return _reduce(losses, reduction)
