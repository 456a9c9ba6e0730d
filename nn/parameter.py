"""`Parameter`: the tensors a module learns."""
from autograd import Tensor


__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf Tensor that requires grad. Assigning one to an attribute of a `Module`
    registers it, so it shows up in `parameters()` and the `state_dict()`.

    `Parameter(values)` copies `values`: a Tensor keeps its dtype and device; a numpy array
    keeps its dtype and goes to the default device; python numbers and lists take the
    default dtype.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        device = data.device if isinstance(data, Tensor) else None
        super().__init__(data, device=device, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
