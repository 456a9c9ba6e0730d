"""Modules that hold other modules: `Sequential` (a chain), `ModuleList` (a list) and
`ModuleDict` (a dict)."""
import operator

from .module import Module


__all__ = ["Sequential", "ModuleList", "ModuleDict"]


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


class ModuleDict(Module):
    """A dict of modules whose parameters are registered (as "key.weight", ...), in insertion
    order; it has no forward of its own. Built from a mapping or from (key, module) pairs,
    as PyTorch's; iterating gives the keys."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _missing(self, key):
        return KeyError(f"ModuleDict has no module {key!r}; its keys are {list(self._modules)}")

    def __getitem__(self, key):
        if key not in self._modules:
            raise self._missing(key)
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        if key not in self._modules:
            raise self._missing(key)
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def clear(self):
        self._modules.clear()

    def update(self, modules):
        """Adds (or replaces) modules from a mapping, or from an iterable of (key, module)
        pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for k, entry in enumerate(pairs):
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError(f"ModuleDict.update: entry {k} should be a (key, module) "
                                f"pair, got {type(entry).__name__}")
            self[entry[0]] = entry[1]

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward: call its modules from your own "
                                  "module's forward")
