"""Loss functions as modules: `loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits,
labels)`. Each calls its namesake in nn.functional."""
from . import functional as F
from .functional.losses import check_reduction
from .module import Module


__all__ = ["MSELoss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    """A loss with `reduction` "mean" (the default), "sum", or "none" (one loss per sample)."""
    function = None  # the nn.functional loss it applies

    def __init__(self, reduction="mean"):
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def forward(self, input, target):
        return self.function(input, target, reduction=self.reduction)

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    function = staticmethod(F.mse_loss)


class CrossEntropyLoss(_Loss):
    function = staticmethod(F.cross_entropy)


class NLLLoss(_Loss):
    function = staticmethod(F.nll_loss)


class BCEWithLogitsLoss(_Loss):
    function = staticmethod(F.binary_cross_entropy_with_logits)
