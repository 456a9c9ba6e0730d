"""Modules that hold other modules: `Sequential` (a chain) and `ModuleList` (a list)."""
import operator

from .module import Module


__all__ = ["Sequential", "ModuleList"]


class _IndexedModules(Module):
    """Children kept in order and reached by position, as in a list."""

    def _position(self, index):
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, got "
                            f"{type(index).__name__}") from None
        size = len(self._modules)
        if not -size <= index < size:
            raise IndexError(f"{type(self).__name__} index {index} is out of range for "
                             f"{size} module(s)")
        return index % size

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return type(self)(dict(items[index]))
        return items[self._position(index)][1]

    def __setitem__(self, index, module):
        name = list(self._modules)[self._position(index)]
        self.add_module(name, module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Adds `module` at the end, named by its position."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self


class Sequential(_IndexedModules):
    """Calls its children in order, each on the previous one's output.

    `Sequential(m0, m1, ...)` names the children "0", "1", ... (so parameters are "0.weight",
    ...); `Sequential({"name": module, ...})` uses the dict's names.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(_IndexedModules):
    """A list of modules whose parameters are registered; it has no forward of its own
    (iterate over it in your module's forward)."""

    def __init__(self, modules=()):
        super().__init__()
        if isinstance(modules, dict):
            for name, module in modules.items():
                self.add_module(name, module)
        else:
            self.extend(modules)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward: call its modules from your own "
                                  "module's forward")
