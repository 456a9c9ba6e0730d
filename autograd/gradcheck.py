"""Checking analytic gradients against central differences, for users' own tests.

`gradcheck(fn, inputs)` builds, for every input that requires grad, the Jacobian of every
output twice: numerically, by perturbing each input element by +-eps, and analytically, with
one backward pass per output element. `gradgradcheck` does the same for the function that
returns the gradients, which checks second derivatives.

Both compute in float64: an input of another floating dtype is checked through a float64
copy (with a warning), since central differences in float32 are too coarse to judge by.
"""
import warnings

import numpy as np

from . import backend
from .engine import grad, as_tuple
from .modes import no_grad, enable_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when the Jacobians disagree."""


def _host(a):
    """A float64 copy on the host: never a view, since an output may alias the input that
    numerical_jacobians perturbs in place."""
    return np.array(backend.to_host(a), dtype=np.float64)


def _differentiable_outputs(fn, inputs):
    return tuple(y for y in as_tuple(fn(*inputs))
                 if isinstance(y, Tensor) and y.dtype.kind == "f")


def _in_float64(caller, inputs):
    """The inputs, with every one that requires grad in float64 (a copy when it was not)."""
    converted = []
    for k, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            warnings.warn(f"{caller}: input {k} has dtype {x.dtype}; it is checked through a "
                          "float64 copy, since central differences need float64 to be "
                          "accurate", stacklevel=3)
            x = Tensor(x.data, dtype=np.float64, device=x.device, requires_grad=True)
        converted.append(x)
    return tuple(converted)


def _check_something_to_check(caller, fn, inputs):
    """A check with no input that requires grad, or no floating output, would pass
    whatever the gradients: refuse it, as PyTorch does."""
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError(f"{caller}: none of the inputs requires grad, so there is nothing to "
                         "check; create them with requires_grad=True")
    with no_grad():
        if not _differentiable_outputs(fn, inputs):
            raise ValueError(f"{caller}: the function returned no floating Tensor, so there "
                             "is no gradient to check")


def numerical_jacobians(fn, inputs, eps):
    """For each input that requires grad, one array per output of shape
    (output.size, input.size): d output / d input by central differences."""
    with no_grad():
        outputs = _differentiable_outputs(fn, inputs)
    result = {}
    for k, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        columns = [np.zeros((y.size, x.size)) for y in outputs]
        for j in range(x.size):
            # x.data itself is perturbed (reshape(-1) would copy a non-C-contiguous array)
            at = np.unravel_index(j, x.shape)
            original = x.data[at].item()
            x.data[at] = original + eps
            with no_grad():
                plus = [_host(y.data).ravel() for y in _differentiable_outputs(fn, inputs)]
            x.data[at] = original - eps
            with no_grad():
                minus = [_host(y.data).ravel() for y in _differentiable_outputs(fn, inputs)]
            x.data[at] = original
            for m in range(len(outputs)):
                columns[m][:, j] = (plus[m] - minus[m]) / (2 * eps)
        result[k] = columns
    return result


def analytical_jacobians(fn, inputs):
    """The same Jacobians from backward passes, one per output element."""
    wanted = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outputs = _differentiable_outputs(fn, inputs)
    result = {k: [np.zeros((y.size, inputs[k].size)) for y in outputs] for k in wanted}
    for m, y in enumerate(outputs):
        if not y.requires_grad:
            continue
        xp = backend.array_module(y.data)
        for i in range(y.size):
            seed = xp.zeros(y.size, dtype=y.dtype)
            seed[i] = 1
            grads = grad(y, [inputs[k] for k in wanted], grad_outputs=seed.reshape(y.shape),
                         retain_graph=True, allow_unused=True)
            for k, g in zip(wanted, grads):
                if g is not None:
                    result[k][m][i, :] = _host(g.data).ravel()
    return result


def _element(flat, shape):
    return tuple(int(w) for w in np.unravel_index(flat, shape)) if shape else ()


def _compare(numerical, analytical, inputs, output_shapes, atol, rtol):
    """None when all agree, else a message naming the worst mismatch."""
    for k in numerical:
        for m, (num, ana) in enumerate(zip(numerical[k], analytical[k], strict=True)):
            excess = np.abs(ana - num) - (atol + rtol * np.abs(num))
            if excess.size and excess.max() > 0:
                i, j = np.unravel_index(int(np.argmax(excess)), excess.shape)
                shape = inputs[k].shape
                return (f"Jacobian mismatch for output {m} with respect to input {k} "
                        f"(shape {shape}): worst at input element {_element(j, shape)}, "
                        f"output element {_element(i, output_shapes[m])}: numerical "
                        f"{num[i, j]:.10g}, analytical {ana[i, j]:.10g} (|difference| "
                        f"{abs(ana[i, j] - num[i, j]):.3g} > atol {atol} + rtol {rtol} * "
                        f"|numerical|)")
    return None


def _check(fn, inputs, eps, atol, rtol, raise_exception, hint=None):
    numerical = numerical_jacobians(fn, inputs, eps)
    analytical = analytical_jacobians(fn, inputs)
    with no_grad():
        output_shapes = [y.shape for y in _differentiable_outputs(fn, inputs)]
    failure = _compare(numerical, analytical, inputs, output_shapes, atol, rtol)
    if failure is None:
        return True
    extra = hint(numerical, analytical) if hint else None
    if extra:
        failure += f"\n{extra}"
    if raise_exception:
        raise GradcheckError(failure)
    return False


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when the analytic gradients of `fn` at `inputs` match central differences.

    `inputs` is a Tensor or a tuple of them; those that require grad are checked, in float64.
    On a mismatch, raises GradcheckError naming the input, the worst element and both
    values, or returns False when `raise_exception=False`.
    """
    inputs = _in_float64("gradcheck", as_tuple(inputs))
    _check_something_to_check("gradcheck", fn, inputs)
    return _check(fn, inputs, eps, atol, rtol, raise_exception)


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, seed=0):
    """gradcheck of the function that maps (inputs, grad_outputs) to the gradients of `fn`:
    checks second derivatives. Random grad_outputs (seeded) are used when none are given."""
    inputs = _in_float64("gradgradcheck", as_tuple(inputs))
    _check_something_to_check("gradgradcheck", fn, inputs)
    outputs = _differentiable_outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = tuple(
            Tensor(rng.standard_normal(y.shape), dtype=y.dtype, device=y.device,
                   requires_grad=True) for y in outputs)
    grad_outputs = as_tuple(grad_outputs)
    wanted = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    n = len(inputs)

    def first_derivatives(*args):
        # differentiates even where gradcheck evaluates it under no_grad (the central
        # differences): without the graph there would be no gradients to compare
        with enable_grad():
            xs, gys = args[:n], args[n:]
            ys = _differentiable_outputs(fn, xs)
            pairs = [(y, g) for y, g in zip(ys, gys) if y.requires_grad]
            grads = grad([y for y, _ in pairs], [xs[k] for k in wanted],
                         grad_outputs=[g for _, g in pairs], create_graph=True,
                         allow_unused=True)
        return tuple(g for g in grads if g is not None)

    def hint(numerical, analytical):
        """A derivative of the gradient that is exactly 0 where the numerical one is not:
        the backward was computed outside the graph."""
        for k in range(n):
            if k in numerical and all(not a.any() and np.abs(m).max(initial=0) > atol
                                      for a, m in zip(analytical[k], numerical[k])):
                return (f"hint: the first derivative does not depend on input {k} in the "
                        "graph, so its own derivative reads as 0: build the backward from "
                        "differentiable operations on the Tensors it receives, not from "
                        ".data, .numpy() or detach()")
        return None

    return _check(first_derivatives, inputs + grad_outputs, eps, atol, rtol,
                  raise_exception, hint)
