"""Optimisers with PyTorch's update rules and defaults, and learning-rate schedulers
(`nn.optim.lr_scheduler`, also importable from here)."""
from . import lr_scheduler
from .optimizer import Optimizer
from .sgd import SGD
from .adagrad import Adagrad
from .rmsprop import RMSprop
from .adadelta import Adadelta
from .adam import Adam, AdamW
from .nadam import NAdam
from .lr_scheduler import LRScheduler, StepLR, CosineAnnealingLR

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam",
           "lr_scheduler", "LRScheduler", "StepLR", "CosineAnnealingLR"]
