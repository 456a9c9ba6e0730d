"""The base of every optimiser: parameter groups, per-parameter state, `zero_grad`, `step`,
and a `state_dict` in PyTorch's layout.

A subclass only says what its state starts as (`_initial_state`) and how one parameter moves
(`_update`). Both work on raw backend arrays (numpy or cupy): the update is arithmetic on
`param.data`, not something to differentiate, so it records no graph and costs no Tensor
overhead. Python-float hyperparameters keep the parameter's dtype (numpy 2 treats python
scalars as weak), and nothing here ever creates a numpy array, so cupy data stays on its
device.
"""
import copy
import numbers

from autograd import Tensor, backend, enable_grad, full, graph, zeros_like

# How PyTorch names each hyperparameter in its error messages, and the range it accepts.
_NON_NEGATIVE = ("it must be >= 0", lambda v: v >= 0)
_UNIT_INTERVAL = ("it must be in [0, 1]", lambda v: 0 <= v <= 1)
_HYPERPARAMETER_RULES = {
    "lr": ("learning rate", _NON_NEGATIVE),
    "eps": ("epsilon value", _NON_NEGATIVE),
    "weight_decay": ("weight_decay value", _NON_NEGATIVE),
    "momentum": ("momentum value", _NON_NEGATIVE),
    "lr_decay": ("lr_decay value", _NON_NEGATIVE),
    "initial_accumulator_value": ("initial_accumulator_value value", _NON_NEGATIVE),
    "alpha": ("alpha value", _NON_NEGATIVE),
    "momentum_decay": ("momentum_decay value", _NON_NEGATIVE),
    "rho": ("rho value", _UNIT_INTERVAL),
}


def check_hyperparameters(owner, group):
    """Raises ValueError, naming the optimiser and the value, for a hyperparameter PyTorch
    would refuse. The one place where ranges are checked, for every optimiser."""
    for name, value in group.items():
        if name == "betas":
            _check_betas(owner, value)
            continue
        if name not in _HYPERPARAMETER_RULES:
            continue
        label, (requirement, accepts) = _HYPERPARAMETER_RULES[name]
        if not _is_real(value) or not accepts(float(value)):
            raise ValueError(f"{owner}: Invalid {label}: {value!r} ({name}: {requirement})")


def _check_betas(owner, betas):
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
    for index, beta in enumerate(betas):
        if not _is_real(beta) or not 0 <= float(beta) < 1:
            raise ValueError(f"{owner}: Invalid beta parameter at index {index}: {beta!r} "
                             "(each beta must be in [0, 1))")


def _is_real(value):
    # a one-element Tensor counts (PyTorch accepts tensor learning rates); NaN fails every rule
    if isinstance(value, Tensor):
        return value.size == 1
    return isinstance(value, numbers.Real)


def state_tensor(param, fill=0.0):
    """A new state tensor shaped, typed and placed like `param` (a raw array), filled with
    `fill`."""
    return full(param.shape, fill, dtype=param.dtype, device=backend.device_of(param))


def state_copy(array):
    """A new state tensor holding a copy of `array`, on the same device."""
    return Tensor(array, device=backend.device_of(array))


def with_weight_decay(grad, param, weight_decay):
    """The L2-penalised gradient g + weight_decay * param, as a new array (never written
    into `grad`, whose array the engine may share between tensors)."""
    return grad + weight_decay * param if weight_decay != 0 else grad


def apply_weight_decay(grad, param, group):
    """Weight decay of the Adam family: decoupled (AdamW's rule, shrinking the parameter by
    lr * weight_decay in place) or, by default, added to the gradient as an L2 penalty.
    Returns the gradient to use."""
    weight_decay = float(group["weight_decay"])
    if group["decoupled_weight_decay"]:
        if weight_decay != 0:
            param *= 1 - float(group["lr"]) * weight_decay
        return grad
    return with_weight_decay(grad, param, weight_decay)


class Optimizer:
    """Updates parameters from their `.grad`.

    `params` is an iterable of tensors, or of dicts `{"params": [...], "lr": ...}` (parameter
    groups with their own hyperparameters; missing ones take the optimiser's defaults).
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}          # parameter -> its state dict (tensors keyed by identity)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(f"{self._name}: params must be an iterable of Tensors or dicts, "
                            "got a single Tensor; wrap it in a list: [param]")
        if hasattr(params, "parameters") and hasattr(params, "state_dict"):
            raise TypeError(f"{self._name}: params must be an iterable of Tensors or dicts, "
                            f"got the module itself ({type(params).__name__}); pass "
                            "model.parameters()")
        self._refuse_unordered(params)
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self):
        return type(self).__name__

    # --- parameter groups ---------------------------------------------------------------
    def add_param_group(self, param_group):
        """Adds a group of parameters, with hyperparameters that override the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a parameter group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        params = self._parameter_list(param_group["params"])
        group = {"params": params}
        group.update((k, v) for k, v in param_group.items() if k != "params")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_group(group)
        self.param_groups.append(group)

    def _parameter_list(self, params):
        self._refuse_unordered(params)
        params = [params] if isinstance(params, Tensor) else list(params)
        for index, param in enumerate(params):
            if not isinstance(param, Tensor):
                raise TypeError(f"{self._name}: can only optimise Tensors, but parameter "
                                f"{index} is a {type(param).__name__}")
            if not param.is_leaf:
                raise ValueError(f"{self._name}: can't optimise a non-leaf Tensor (parameter "
                                 f"{index}); use a leaf, e.g. x.detach().requires_grad_()")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{self._name}: a parameter group lists the same parameter twice")
        if any(id(p) in seen for p in params):
            raise ValueError(f"{self._name}: some parameters appear in more than one "
                             "parameter group")
        return params

    def _refuse_unordered(self, params):
        # parameters are matched to saved state by position, so their order must be stable
        if isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: parameters must be in an ordered collection (a "
                            "list), not a set: a set's order changes between runs")

    def _check_group(self, group):
        """Refuses bad hyperparameters; subclasses add checks that tie several together."""
        check_hyperparameters(self._name, group)

    # --- the update -----------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forgets the gradients: `.grad = None` (or a new zero tensor with
        `set_to_none=False`; never zeroed in place, since grad arrays may be shared)."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    param.grad = None if set_to_none else zeros_like(param.grad)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; parameters whose `.grad` is
        None are skipped. `closure`, if given, re-evaluates the loss (with grad enabled)
        and its value is returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                grad = self._gradient_array(param, group)
                state = self.state.get(param)
                if state is None:
                    state = self.state[param] = self._initial_state(param.data, group)
                self._update(param.data, grad, state, group)
                graph.mark_modified(param)   # a graph that saved the old values is stale
        return loss

    def _gradient_array(self, param, group):
        # `.grad` is checked when assigned: a Tensor of the parameter's shape, dtype, device
        return -param.grad.data if group.get("maximize", False) else param.grad.data

    def _initial_state(self, param, group):
        """The state of one parameter before its first update (param: its raw array)."""
        return {}

    def _update(self, param, grad, state, group):
        """Moves `param` (a raw array, updated in place) given its gradient array `grad`."""
        raise NotImplementedError

    # --- saving and restoring ---------------------------------------------------------
    def state_dict(self):
        """{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}, as in
        PyTorch: parameters are numbered in group order. Unlike PyTorch, the state's tensors
        are copies, so the dict is a snapshot that later steps do not change."""
        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index_of.setdefault(id(p), len(index_of))
                                           for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: {key: _copy_value(value) for key, value in self.state[p].items()}
                 for group in self.param_groups for p in group["params"]
                 if p in self.state}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restores hyperparameters and state saved by `state_dict()` (of an optimiser over
        parameters of the same shapes, in the same groups). State tensors are copied onto
        each parameter's device, floating ones in its dtype."""
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError(f"{self._name}: expected a dict with 'state' and 'param_groups', "
                             "as returned by state_dict()")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{self._name}: loaded state dict has a different number of "
                             f"parameter groups ({len(saved_groups)}, this optimiser has "
                             f"{len(self.param_groups)})")
        param_of = {}
        for number, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            saved_ids, params = saved["params"], group["params"]
            if len(saved_ids) != len(params):
                raise ValueError(f"{self._name}: loaded state dict contains a parameter group "
                                 f"({number}) that doesn't match the size of optimizer's "
                                 f"group ({len(saved_ids)} parameters saved, {len(params)} "
                                 "here)")
            param_of.update(zip(saved_ids, params))
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            restored = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            restored = {"params": group["params"], **restored}
            self._check_group(restored)
            new_groups.append(restored)
        # like PyTorch, state saved for an index that names no parameter here is ignored
        self.state = {param_of[index]: {key: _restore_value(value, param_of[index])
                                        for key, value in saved.items()}
                      for index, saved in state_dict["state"].items() if index in param_of}
        self.param_groups = new_groups

    def __repr__(self):
        lines = [f"{self._name} ("]
        for number, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {number}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group)
                         if key != "params")
        lines.append(")")
        return "\n".join(lines)


def _copy_value(value):
    if isinstance(value, Tensor):
        return Tensor(value.data, device=value.device)
    return copy.deepcopy(value)


def _restore_value(value, param):
    """A saved state entry as this parameter needs it: arrays and tensors become tensors on
    the parameter's device (floating ones in its dtype), plain values are copied."""
    data = value.data if isinstance(value, Tensor) else value
    if not (hasattr(data, "dtype") and hasattr(data, "shape")):
        return copy.deepcopy(value)
    dtype = param.dtype if data.dtype.kind == "f" and param.dtype.kind == "f" else data.dtype
    return Tensor(data, dtype=dtype, device=param.device)
