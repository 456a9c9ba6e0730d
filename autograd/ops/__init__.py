"""Every operation of the graph lives here, by family, each class with its forward and
backward side by side and the function users call right below it. This package is also the
kit for writing new ones.

Writing an operation
--------------------
An operation is a subclass of `Op`:

    from autograd import ops

    class Softsign(ops.Op):
        # x / (1 + |x|)
        saves_inputs = True                       # backward gets the inputs ...
        # saves_output = True                     # ... and/or the output

        def forward(self, x):                     # backend arrays in (numpy or cupy),
            return x / (1 + ops.array_module(x).abs(x))   # an array out

        def backward(self, gy, x):                # gy, then the saved values
            return gy / (1 + abs(x)) ** 2         # reads the same on arrays and Tensors

    def softsign(x):
        return ops.unary(Softsign(), x)           # checks and converts the operand

- `forward` runs on arrays. Take the array module from the operands (`array_module(x)`), so
  one code path serves the CPU and the GPU; never call numpy on a device array.
- `backward(gy, *saved)` is written once and runs twice: on arrays for a plain backward, and
  on Tensors under `create_graph=True`, where the same formula records a graph of its own, so
  second derivatives come for free. Operators and `.sum(axis=...)`, `.reshape(...)` read the
  same on both; for the rest use `either` (`either.exp`, `either.where`, `either.constant`
  for a mask or other constant, `either.data(v)` for the array behind a value).
- It returns one gradient per input, None where `self.needs_grad(i)` is false, in the
  broadcast shape of the output: the engine sums each back to its input's shape and dtype.
- Save only what backward needs (`saves_inputs`, `saves_output`); keep small constants (axes,
  shapes) in `__slots__` fields set by `__init__` or `forward`.
- An op applied element by element can subclass `Elementwise` and define `local(*saved)`,
  its derivative at each element: backward is `gy * local(...)`, and pictures of the graph
  can show it exactly. Declare `derivative = Derivative("σ'", most=0.25)` where that
  derivative teaches something (the activations do).
- When a backward cannot be written with differentiable operations (a scatter, say), give it
  a node of its own (`IndexAdd` is `GetItem`'s) whose backward is again differentiable, so
  higher-order gradients keep working; `either.call(node, *operands)` runs it on arrays and
  records it on Tensors (conv2d's gradients and the poolings' scatters are built so).
- Apply it with `unary(op, x)`, `binary(op, a, b)` (numpy broadcasting, python scalars kept
  as constants), or `apply_checked(op, operands)`; check arguments first and raise errors that
  name the operation, the shapes, dtypes or devices involved, and what to do.

`autograd.Function` is the simpler documented path for users: its backward gets Tensors only.

Testing an operation: `ag.gradcheck` and `ag.gradgradcheck` in float64 on shapes with
broadcasting, size-1 axes, 0-d tensors, odd sizes and batch 1; then run the tests on the
stand-in GPU (`TRACEGRAD_TEST_DEVICE=standin`), which refuses any implicit conversion to numpy.
"""
from ..backend import array_module
from ..function import Op, Elementwise, Derivative, Function, apply
from . import either
from .operands import (as_tensor, as_operand, check_devices, axis_error, unary, binary,
                       apply_checked)
from .reduce import normalize_axes, sum_to_array
from . import (arithmetic, elementwise, reduce, shape, softmax, special, compare, device,
               linear, losses, recurrent, windows, conv, pooling)

# The families whose functions autograd exports at its top level (each lists them in its
# `__all__`); the others (linear, losses, recurrent, conv, pooling, ...) are reached as
# `autograd.ops.<family>.<fn>`; `windows` is the sliding-window geometry conv and pooling share.
PUBLIC_FAMILIES = (arithmetic, elementwise, reduce, shape, softmax, special)

__all__ = ["Op", "Elementwise", "Derivative", "Function", "apply", "apply_checked", "unary",
           "binary", "as_tensor", "as_operand", "check_devices", "axis_error",
           "normalize_axes", "sum_to_array", "array_module", "either", "PUBLIC_FAMILIES"]
