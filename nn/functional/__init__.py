"""`nn.functional`: activations, the layers' computations, and losses, as functions of
tensors. The modules in nn are thin wrappers that hold the parameters and call these.

Most are compositions of engine operations, so their derivatives (of any order) come from
the engine; the few that are one node of their own live in `autograd.ops` with the others.
Inputs may be Tensors or arrays; arrays of targets and labels are moved to the input's
device.
"""
from . import activations, layers, conv, pooling, normalization, losses, sparse, recurrent

_FAMILIES = (activations, layers, conv, pooling, normalization, losses, sparse, recurrent)
for _family in _FAMILIES:
    globals().update({_name: getattr(_family, _name) for _name in _family.__all__})

__all__ = [_name for _family in _FAMILIES for _name in _family.__all__]
