"""tracegrad's neural-network library, built only on the autograd engine."""
import autograd

from . import functional, init, optim, data, datasets, gradflow
from . import (parameter, module, containers, flatten, linear, conv, pooling, batchnorm, dropout,
               maxout, activations, losses, serialization, clip, training, embedding, layernorm,
               recurrent, cells)

# Each module lists what it exports in its `__all__`; nn offers all of them at its top level.
_PUBLIC_MODULES = (parameter, module, containers, flatten, linear, conv, pooling, batchnorm,
                   dropout, maxout, activations, losses, serialization, clip, training, data,
                   embedding, layernorm, recurrent, cells)
for _module in _PUBLIC_MODULES:
    globals().update({_name: getattr(_module, _name) for _name in _module.__all__})


def manual_seed(seed):
    """Makes initialisation, dropout and data shuffling reproducible: they all draw from
    autograd's one generator."""
    autograd.manual_seed(seed)


__all__ = ["functional", "init", "optim", "data", "datasets", "gradflow", "manual_seed"] + [
    _name for _module in _PUBLIC_MODULES for _name in _module.__all__]
