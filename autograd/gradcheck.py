"""Checking analytic gradients against central differences, for users' own tests.

`gradcheck(fn, inputs)` builds, for every input that requires grad, the Jacobian of every
output twice: numerically, by perturbing each input element by +-eps, and analytically, with
one backward pass per output element. `gradgradcheck` does the same for the function that
returns the gradients, which checks second derivatives.
"""
import warnings

import numpy as np

from . import backend
from .engine import grad
from .modes import no_grad, enable_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when the Jacobians disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _host(a):
    """A float64 copy on the host: never a view, since an output may alias the input that
    numerical_jacobians perturbs in place."""
    return np.array(backend.to_device(a, "cpu"), dtype=np.float64)


def _differentiable_outputs(fn, inputs):
    return tuple(y for y in _as_tuple(fn(*inputs))
                 if isinstance(y, Tensor) and y.dtype.kind in "fc")


def _warn_precision(inputs):
    for k, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            warnings.warn(f"gradcheck: input {k} requires grad but has dtype {x.dtype}; "
                          "central differences need float64 inputs to be accurate",
                          stacklevel=3)


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


def _compare(numerical, analytical, inputs, atol, rtol):
    """None when all agree, else a message naming the worst mismatch."""
    for k in numerical:
        for m, (num, ana) in enumerate(zip(numerical[k], analytical[k], strict=True)):
            excess = np.abs(ana - num) - (atol + rtol * np.abs(num))
            if excess.size and excess.max() > 0:
                i, j = np.unravel_index(int(np.argmax(excess)), excess.shape)
                shape = inputs[k].shape
                where = np.unravel_index(j, shape) if shape else ()
                return (f"Jacobian mismatch for output {m} with respect to input {k} "
                        f"(shape {shape}): worst at input element {tuple(int(w) for w in where)}"
                        f", output element {int(i)}: numerical {num[i, j]:.10g}, analytical "
                        f"{ana[i, j]:.10g} (|difference| {abs(ana[i, j] - num[i, j]):.3g} > "
                        f"atol {atol} + rtol {rtol} * |numerical|)")
    return None


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when the analytic gradients of `fn` at `inputs` match central differences.

    `inputs` is a Tensor or a tuple of them (only those that require grad are checked; use
    float64). On a mismatch, raises GradcheckError naming the input, the worst element and
    both values, or returns False when `raise_exception=False`.
    """
    inputs = _as_tuple(inputs)
    _warn_precision(inputs)
    numerical = numerical_jacobians(fn, inputs, eps)
    analytical = analytical_jacobians(fn, inputs)
    failure = _compare(numerical, analytical, inputs, atol, rtol)
    if failure is None:
        return True
    if raise_exception:
        raise GradcheckError(failure)
    return False


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, seed=0):
    """gradcheck of the function that maps (inputs, grad_outputs) to the gradients of `fn`:
    checks second derivatives. Random grad_outputs (seeded) are used when none are given."""
    inputs = _as_tuple(inputs)
    _warn_precision(inputs)
    outputs = _differentiable_outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = tuple(
            Tensor(rng.standard_normal(y.shape), dtype=y.dtype, device=y.device,
                   requires_grad=True) for y in outputs)
    grad_outputs = _as_tuple(grad_outputs)
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

    return gradcheck(first_derivatives, inputs + grad_outputs, eps, atol, rtol,
                     raise_exception)
