"""`Module`: the base class of layers and models.

A module owns parameters (learned tensors), buffers (state that is saved but not learned, such
as batch norm's running statistics) and child modules. All three register themselves by plain
attribute assignment (`self.fc = nn.Linear(...)`), and every method that walks the model
(`parameters()`, `state_dict()`, `train()`, `to()`, ...) follows these registries.

Each call runs inside an `autograd.graph.scope` of the module, so every graph node made
during the call (its submodules' too) knows which call of which module made it: pictures of
the graph group nodes by layer with it, however often a module is called.
"""
from collections import namedtuple

import numpy as np

import autograd as ag
from autograd import Tensor, backend

from .parameter import Parameter

__all__ = ["Module"]


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class: subclass it, create parameters and submodules in `__init__` (after
    `super().__init__()`), and compute the output in `forward`. Call the module, not
    `forward`, so that hooks run and the call is recorded.

    `training` is True until `eval()` (or `train(False)`); layers such as Dropout and
    BatchNorm behave differently in the two modes.
    """

    def __init__(self):
        state = self.__dict__
        state["training"] = True
        state["_parameters"] = {}
        state["_buffers"] = {}
        state["_modules"] = {}
        state["_forward_pre_hooks"] = []
        state["_forward_hooks"] = []

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, ...)")

    def __call__(self, *args, **kwargs):
        for hook in tuple(self._forward_pre_hooks):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        with ag.graph.scope(self):
            output = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def owns_node(self, node):
        """Whether graph node `node` (or the node that made tensor `node`) was created during
        a call of this module, its submodules' work included."""
        if isinstance(node, Tensor):
            node = node.grad_fn
        scope = getattr(node, "scope", None)
        return scope is not None and any(s.owner is self for s in scope.chain())

    def graph_label(self):
        """How pictures of the graph name this module's cluster of nodes: the class name, and
        the sizes that say what the layer is (layers override it, e.g. "Linear(100→10)")."""
        return type(self).__name__

    # --- hooks ------------------------------------------------------------------------
    def register_forward_hook(self, hook):
        """Calls `hook(module, inputs, output)` after every forward; a non-None result
        replaces the output. Returns a handle whose `remove()` unregisters it."""
        self._forward_hooks.append(hook)
        return ag.graph.RemovableHandle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook):
        """Calls `hook(module, inputs)` before every forward; a non-None result replaces the
        inputs (a tuple, or a single value). Returns a removable handle."""
        self._forward_pre_hooks.append(hook)
        return ag.graph.RemovableHandle(self._forward_pre_hooks, hook)

    # --- registration -----------------------------------------------------------------
    def __setattr__(self, name, value):
        state = self.__dict__
        params = state.get("_parameters")
        if isinstance(value, (Parameter, Module)):
            if params is None:
                raise AttributeError(
                    f"cannot assign {type(value).__name__} '{name}' before Module.__init__() "
                    f"ran: call super().__init__() first in {type(self).__name__}.__init__")
            self._place(params if isinstance(value, Parameter) else state["_modules"], name,
                        value)
        elif params is not None and name in params:
            self.register_parameter(name, value)
        elif params is not None and name in state["_modules"]:
            self.add_module(name, value)
        elif params is not None and name in state["_buffers"]:
            self.register_buffer(name, value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: registered things live in the registries.
        state = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            found = state.get(registry)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        if not self._unregister(name):
            object.__delattr__(self, name)

    def _unregister(self, name):
        """Removes `name` from the registry that holds it; True when there was one."""
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                return True
        return False

    def _forget(self, name):
        """Clears `name` (registered or a plain attribute) before it is registered anew."""
        self._unregister(name)
        self.__dict__.pop(name, None)

    def _place(self, registry, name, value):
        """Puts `value` under `name` in `registry`. A name already there keeps its place in
        the order, as a dict's key does (and PyTorch's): a layer replaced in a Sequential
        stays where it was. Any other use of the name is forgotten first."""
        if name not in registry:
            self._forget(name)
        registry[name] = value

    def _check_name(self, kind, name):
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{type(self).__name__}: {kind} name must be a non-empty string "
                           f"without '.', got {name!r}")

    def register_parameter(self, name, param):
        """Registers `param` (a Parameter, or None for an absent one such as `bias=False`)."""
        self._check_name("parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__} as parameter '{name}' of "
                            f"{type(self).__name__}: wrap it as nn.Parameter(...) (or assign "
                            "None)")
        self._place(self._parameters, name, param)

    def register_buffer(self, name, tensor):
        """Registers `tensor` as state that is saved in the state_dict and moved by `to()`
        but not learned (no gradient, not in `parameters()`)."""
        self._check_name("buffer", name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot register {type(tensor).__name__} as buffer '{name}' of "
                            f"{type(self).__name__}: a buffer must be a Tensor (or None)")
        self._place(self._buffers, name, tensor)

    def add_module(self, name, module):
        """Registers child `module` under `name` (the name used in dotted parameter names)."""
        self._check_name("module", name)
        if module is not None and not isinstance(module, Module):
            hint = (f"; did you mean {module.__name__}() (an instance)?"
                    if isinstance(module, type) and issubclass(module, Module) else "")
            raise TypeError(f"{type(self).__name__}: child '{name}' must be a Module, got "
                            f"{type(module).__name__}{hint}")
        self._place(self._modules, name, module)

    # --- walking the model ------------------------------------------------------------
    def named_modules(self, prefix=""):
        """(dotted name, module) for this module ("" or `prefix`) and every descendant, each
        module once even when it is shared."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child_name}" if name else child_name, child)
                        for child_name, child in module._modules.items() if child is not None]
            stack.extend(reversed(children))

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry, prefix, recurse):
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen = set()
        for module_name, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or id(member) in seen:
                    continue
                seen.add(id(member))
                yield (f"{module_name}.{name}" if module_name else name), member

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, parameter), e.g. ("0.weight", ...), each shared parameter once."""
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True):
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Calls `fn(module)` on every submodule, then on this one (e.g. a custom init)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- modes and gradients ----------------------------------------------------------
    def train(self, mode=True):
        """Sets training mode (`mode=True`) or evaluation mode on this module and all below."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode): mode must be True or False, got {mode!r}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        """Forgets the gradients of all parameters (sets `.grad` to None)."""
        for param in self.parameters():
            param.grad = None

    def requires_grad_(self, flag=True):
        """Freezes (False) or unfreezes all parameters."""
        for param in self.parameters():
            param.requires_grad_(flag)
        return self

    def to(self, target):
        """Moves parameters and buffers to a device ("cpu", "cuda", "cuda:N"), or converts
        the floating ones to a floating dtype, in place: the Parameter objects stay the same,
        so an optimizer made before still holds them. Returns self."""
        if isinstance(target, str):
            device = backend.normalize_device(target)

            def convert(array):
                return backend.to_device(array, device)
        else:
            dtype = np.dtype(target)
            if dtype.kind != "f":
                raise TypeError(f"{type(self).__name__}.to: expected a device name or a "
                                f"floating dtype, got {target!r}")

            def convert(array):
                return array.astype(dtype, copy=False) if array.dtype.kind == "f" else array
        members = list(self.parameters()) + list(self.buffers())
        for tensor in members:
            tensor.data = convert(tensor.data)
            if tensor.grad is not None:
                tensor.grad = Tensor._from_node(convert(tensor.grad.data), None)
        return self

    def double(self):
        """Floating parameters and buffers to float64, in place."""
        return self.to(np.float64)

    def float(self):
        """Floating parameters and buffers to float32, in place."""
        return self.to(np.float32)

    def cpu(self):
        return self.to("cpu")

    def cuda(self):
        return self.to("cuda")

    # --- saving and loading -----------------------------------------------------------
    def _state_items(self, prefix=""):
        """(key, tensor) for every parameter and buffer, this module's first, then each
        child's under its name, as PyTorch orders a state_dict."""
        for registry in (self._parameters, self._buffers):
            for name, tensor in registry.items():
                if tensor is not None:
                    yield prefix + name, tensor
        for name, child in self._modules.items():
            if child is not None:
                yield from child._state_items(f"{prefix}{name}.")

    def state_dict(self):
        """{dotted name: tensor} for all parameters and buffers. The tensors are detached
        but share memory with the model, so save or copy them to keep a snapshot."""
        return {key: tensor.detach() for key, tensor in self._state_items()}

    def load_state_dict(self, state_dict, strict=True):
        """Copies the values of `state_dict` (tensors or arrays) into the existing parameters
        and buffers, converting to each one's dtype and device.

        All or nothing: every key, shape and value is checked first, and nothing is copied
        unless all of them can be. With `strict=True` every key of the model must be present
        and no other key may be; with `strict=False` missing and unexpected keys are only
        reported. Returns (missing_keys, unexpected_keys).
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"{type(self).__name__}.load_state_dict: expected a dict of "
                            f"tensors (e.g. from state_dict() or nn.load), got "
                            f"{type(state_dict).__name__}")
        targets = dict(self._state_items())
        missing = [key for key in targets if key not in state_dict]
        unexpected = [key for key in state_dict if key not in targets]
        problems, values = [], {}
        for key, target in targets.items():
            if key in state_dict:
                value, problem = _converted(key, state_dict[key], target)
                if problem:
                    problems.append(problem)
                else:
                    values[key] = value
        only_keys = not problems
        if strict and missing:
            problems.append("missing key(s): " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            problems.append("unexpected key(s): " + ", ".join(map(repr, unexpected)))
        if problems:
            hint = ("; pass strict=False to load only the keys present in both"
                    if only_keys else "")
            raise RuntimeError(f"error(s) in loading state_dict for {type(self).__name__}:\n  "
                               + "\n  ".join(problems) + f"\n  (nothing was copied{hint})")
        with ag.no_grad():
            for key, value in values.items():
                targets[key].data[...] = value
                ag.graph.mark_modified(targets[key])
        return IncompatibleKeys(missing, unexpected)

    # --- printing ---------------------------------------------------------------------
    def extra_repr(self):
        """The text inside this module's parentheses in its repr; layers override it."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, child in self._modules.items():
            child_text = repr(child).replace("\n", "\n  ")  # indent the child's own lines
            lines.append(f"({name}): {child_text}")
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({extra})"
        if not lines:
            return f"{type(self).__name__}()"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"


def _converted(key, value, target):
    """(the value as an array in the target's dtype, on its device, None) or (None, a line
    saying what is wrong with it)."""
    try:
        source = value.data if isinstance(value, Tensor) else backend.as_array(value)
    except (TypeError, ValueError):
        source = None
    if source is None or not hasattr(source, "dtype") or source.dtype.kind not in "biuf":
        kind = getattr(getattr(source, "dtype", None), "name", type(value).__name__)
        return None, (f"{key}: the value is {kind}, not numbers (the model has "
                      f"{target.dtype} of shape {tuple(target.shape)})")
    if tuple(source.shape) != tuple(target.shape):
        return None, (f"size mismatch for {key}: the state_dict has shape "
                      f"{tuple(source.shape)}, the model has shape {tuple(target.shape)}")
    if source.dtype.kind == "f" and target.dtype.kind in "biu":
        return None, (f"{key}: the state_dict has floats ({source.dtype}), the model's buffer "
                      f"is {target.dtype}; they would be truncated")
    source = backend.to_device(source, target.device)
    return source.astype(target.dtype, copy=False), None
