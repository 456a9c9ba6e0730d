"""Normalisation: batch norm (and the running statistics it keeps), layer norm."""
import numbers

from autograd.ops import as_tensor, check_devices

__all__ = ["batch_norm", "layer_norm"]


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalises each channel (axis 1) over the batch and any further axes, then scales by
    `weight` and shifts by `bias`.

    Training: uses the batch's mean and biased variance, and (when given) updates the running
    statistics in place, PyTorch's way: running = (1 - momentum) * running + momentum * batch,
    with the unbiased variance. Otherwise: uses the running statistics.
    """
    x = as_tensor(x)
    check_devices("batch_norm", [t for t in (x, running_mean, running_var, weight, bias)
                                 if t is not None])
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...), got shape {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    channel_shape = (-1,) + (1,) * (x.ndim - 2)  # broadcasts a (C,) vector along axis 1
    if training:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {x.shape}; use a bigger batch "
                             "or call eval() first")
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            _blend(running_mean, mean.data, momentum)
        if running_var is not None:
            _blend(running_var, var.data * (count / (count - 1)), momentum)
        normalised = centred / (var + eps).sqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation mode needs running_mean and running_var")
        normalised = ((x - running_mean.reshape(channel_shape))
                      / (running_var.reshape(channel_shape) + eps).sqrt())
    if weight is not None:
        normalised = normalised * weight.reshape(channel_shape)
    if bias is not None:
        normalised = normalised + bias.reshape(channel_shape)
    return normalised


def _blend(buffer, batch_value, momentum):
    """buffer <- (1 - momentum) * buffer + momentum * batch_value, in place (a write that
    counts in the buffer's version), in the buffer's dtype."""
    batch_value = batch_value.reshape(buffer.shape).astype(buffer.dtype, copy=False)
    buffer.copy_((1 - momentum) * buffer.data + momentum * batch_value)


def normalized_shape_argument(normalized_shape):
    """LayerNorm's normalized_shape as a tuple: an int n means (n,)."""
    shape = ((normalized_shape,) if isinstance(normalized_shape, numbers.Integral)
             else tuple(normalized_shape))
    if not shape or any(isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1
                        for n in shape):
        raise ValueError(f"layer_norm: normalized_shape must be a positive integer or a "
                         f"non-empty tuple of them, got {normalized_shape!r}")
    return tuple(int(n) for n in shape)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalises each sample over its last axes, those of `normalized_shape`, with their
    mean and biased variance (as PyTorch), then scales by `weight` and shifts by `bias`
    (both of shape normalized_shape). Unlike batch norm the statistics are per sample, so
    training and evaluation compute the same thing, at any batch size."""
    shape = normalized_shape_argument(normalized_shape)
    x = as_tensor(x)
    check_devices("layer_norm", [t for t in (x, weight, bias) if t is not None])
    if x.shape[x.ndim - len(shape):] != shape or x.ndim < len(shape):
        raise ValueError(f"layer_norm: LayerNorm({shape}) normalises the last axes of its "
                         f"input, which must be {shape}, got an input of shape {x.shape}; "
                         "give the trailing sizes as normalized_shape")
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and param.shape != shape:
            raise ValueError(f"layer_norm: {name} must have shape normalized_shape {shape}, "
                             f"got {param.shape}")
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    centred = x - x.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    normalised = centred / (var + eps).sqrt()
    if weight is not None:
        normalised = normalised * weight
    if bias is not None:
        normalised = normalised + bias
    return normalised
