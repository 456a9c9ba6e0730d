"""Gradient clipping by total norm (PyTorch's `clip_grad_norm_`)."""
import math

from autograd import Tensor, backend, tensor

__all__ = ["clip_grad_norm_"]


_NORM_FLOOR = 1e-6  # PyTorch's guard against dividing by a zero norm


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Rescales the gradients of `parameters` so that their total norm is at most `max_norm`.

    The total norm is the `norm_type`-norm of all gradients taken together, as if they were
    one vector (`inf` gives the largest absolute entry). When it exceeds `max_norm`, every
    gradient is multiplied by max_norm / (total_norm + 1e-6). Each clipped parameter gets a
    new `.grad` Tensor (gradient arrays may be shared, so they are never written into).
    Parameters without a gradient are ignored. Returns the total norm before clipping, as a
    0-d Tensor (0.0 when no parameter has a gradient).
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if math.isnan(norm_type) or norm_type < 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be >= 0 or inf, got {norm_type}")
    with_grads = [p for p in params if p.grad is not None]
    if not with_grads:
        return tensor(0.0)
    device = with_grads[0].grad.device
    norms = [backend.to_device(_vector_norm(p.grad.data, norm_type), device)
             for p in with_grads]
    xp = backend.array_module(norms[0])
    total = _vector_norm(xp.stack(norms), norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           "gradients is non-finite, so it cannot be clipped; pass "
                           "error_if_nonfinite=False to clip anyway")
    # computed as an array in the gradients' dtype, as PyTorch does, so float32 gradients
    # are scaled by exactly the float32 coefficient PyTorch would use
    coefficient = xp.asarray(max_norm / (total + _NORM_FLOOR))
    if bool(coefficient < 1):
        for p in with_grads:
            grad = p.grad.data
            scale = backend.to_device(coefficient, p.grad.device).astype(grad.dtype)
            p.grad = Tensor(grad * scale, device=p.grad.device)
    return Tensor(total, device=device)


def _vector_norm(array, order):
    """The `order`-norm of all entries of `array`, as a 0-d array on its device."""
    xp = backend.array_module(array)
    return xp.asarray(_reduce_norm(xp, array, order))  # numpy reduces to scalars; keep arrays


def _reduce_norm(xp, array, order):
    magnitudes = xp.abs(array)
    if order == math.inf:
        return magnitudes.max() if magnitudes.size else xp.zeros((), magnitudes.dtype)
    if order == 0:
        return (magnitudes != 0).sum().astype(magnitudes.dtype)
    if order == 1:
        return magnitudes.sum()
    if order == 2:
        return xp.sqrt((magnitudes * magnitudes).sum())
    return (magnitudes ** order).sum() ** (1 / order)
