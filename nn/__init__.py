"""tracegrad's neural-network library, built only on the autograd engine."""
import autograd

from . import functional, init
from .parameter import Parameter
from .module import Module
from .containers import Sequential, ModuleList
from .flatten import Identity, Flatten
from .linear import Linear
from .batchnorm import BatchNorm1d, BatchNorm2d
from .dropout import Dropout
from .maxout import Maxout
from .activations import (Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, ELU, GELU, SiLU, Softplus,
                          Softmax, LogSoftmax, Step)
from .losses import MSELoss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss
from .serialization import save, load

from . import optim, data, datasets, gradflow
from .clip import clip_grad_norm_
from .data import DataLoader, TensorDataset
from .training import fit, evaluate, predict, History


def manual_seed(seed):
    """Makes initialisation, dropout and data shuffling reproducible: they all draw from
    autograd's one generator."""
    autograd.manual_seed(seed)

__all__ = [
    "functional",
    "init",
    "Parameter",
    "Module",
    "Sequential",
    "ModuleList",
    "Identity",
    "Flatten",
    "Linear",
    "BatchNorm1d",
    "BatchNorm2d",
    "Dropout",
    "Maxout",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Softplus",
    "Softmax",
    "LogSoftmax",
    "Step",
    "MSELoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCEWithLogitsLoss",
    "save",
    "load",
    "optim",
    "data",
    "datasets",
    "gradflow",
    "clip_grad_norm_",
    "DataLoader",
    "TensorDataset",
    "fit",
    "evaluate",
    "predict",
    "History",
    "manual_seed",
]
