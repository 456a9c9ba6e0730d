"""A checkpoint's structure: nested dicts, lists and tuples whose leaves are tensors (stored
as arrays) or plain values (numbers, strings, booleans, None).

`flatten` gives the arrays by key and a JSON-able description of the structure in which
each array appears as {"array": key}; `unflatten` rebuilds the object. An array's key is its
path, joined by "." (a module's state dict keeps its own keys, "0.weight"), so a flat state
dict saved as safetensors reads back under the same keys in any other program.
"""
import math
import numbers

import numpy as np

from autograd import Tensor, backend, tensor

FORMAT = "tracegrad-checkpoint-1"


def _is_array(value):
    return isinstance(value, (Tensor, np.ndarray)) or backend.device_of(value) != "cpu"


def flatten(obj):
    arrays = {}

    def visit(value, path):
        if isinstance(value, Tensor) or _is_array(value):
            key = ".".join(path) or "tensor"
            while key in arrays:          # two paths that join to the same text
                key += "_"
            arrays[key] = value.data if isinstance(value, Tensor) else value
            return {"array": key}
        if isinstance(value, dict):
            for k in value:
                if not isinstance(k, (str, int)) or isinstance(k, bool):
                    raise TypeError(f"nn.save: dict keys must be strings or integers, got "
                                    f"{k!r} ({type(k).__name__}) at {'.'.join(path) or 'top'}")
            return {"dict": [[k, visit(v, path + [str(k)])] for k, v in value.items()]}
        if isinstance(value, (list, tuple)):
            kind = "list" if isinstance(value, list) else "tuple"
            return {kind: [visit(v, path + [str(i)]) for i, v in enumerate(value)]}
        if value is None or isinstance(value, (bool, str)):
            return {"value": value}
        if isinstance(value, numbers.Integral):
            return {"value": int(value)}
        if isinstance(value, numbers.Real):
            value = float(value)
            return {"value": value} if math.isfinite(value) else {"float": repr(value)}
        raise TypeError(f"nn.save: cannot save a {type(value).__name__} (at "
                        f"{'.'.join(path) or 'top'}): a checkpoint holds tensors, arrays, "
                        "numbers, strings and dicts, lists or tuples of them")

    structure = visit(obj, [])
    return arrays, {"format": FORMAT, "root": structure}


def unflatten(arrays, structure, device):
    """The saved object, arrays as Tensors on `device`; a plain {key: array} file (no
    structure) as {key: Tensor}."""
    if structure is None:
        return {key: tensor(array, device=device) for key, array in arrays.items()}
    if structure.get("format") != FORMAT:
        raise ValueError(f"nn.load: the file's structure is in format "
                         f"{structure.get('format')!r}, which this version does not read")
    used = set()

    def build(node):
        (kind, content), = node.items()
        if kind == "array":
            if content not in arrays:
                raise ValueError(f"nn.load: the file lists an array {content!r} it does not "
                                 "contain: it is damaged")
            used.add(content)
            return tensor(arrays[content], device=device)
        if kind == "dict":
            return {k: build(v) for k, v in content}
        if kind == "list":
            return [build(v) for v in content]
        if kind == "tuple":
            return tuple(build(v) for v in content)
        if kind == "float":
            return float(content)
        return content

    result = build(structure["root"])
    if used != set(arrays):
        raise ValueError(f"nn.load: the file holds arrays its structure does not list "
                         f"({sorted(set(arrays) - used)[:5]}): it is damaged")
    return result
