"""Data types: the default floating dtype (what python floats and lists become), and which
dtypes a tensor may have at all."""
import numpy as np

_default = {"dtype": np.dtype(np.float32)}

# dtypes under the names PyTorch users type (ag.float32, and torch's aliases ag.float,
# ag.double, ag.long): numpy dtypes, usable wherever a dtype is taken
NAMED = {name: np.dtype(name) for name in ("float16", "float32", "float64", "int32", "int64")}
NAMED.update(bool_=np.dtype(np.bool_), float=NAMED["float32"], double=NAMED["float64"],
             long=NAMED["int64"])

_KINDS = "biuf"   # booleans, integers and floats; no strings, objects or complex numbers


def set_default_dtype(dtype):
    dtype = resolve_dtype(dtype, "set_default_dtype")
    if dtype.kind != "f":
        raise TypeError(f"the default dtype must be a floating dtype, got {dtype}")
    _default["dtype"] = dtype


def get_default_dtype():
    return _default["dtype"]


def resolve_dtype(dtype, name):
    """`dtype` as a numpy dtype that tensors may have, or a TypeError naming `name`."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or (resolved.kind == "O" and not _names_object(dtype)):
        # numpy reads any Python class (ag.Tensor, say) as the object dtype
        raise TypeError(f"{name}: {dtype!r} is not a dtype; use e.g. np.float32, np.float64 "
                        "or np.int64")
    check_kind(resolved, name)
    return resolved


def _names_object(dtype):
    return dtype is object or dtype is np.object_ or isinstance(dtype, (str, np.dtype))


def check_kind(dtype, name):
    if dtype.kind not in _KINDS:
        raise TypeError(f"{name}: tensors hold booleans, integers or real floats, not dtype "
                        f"{dtype}; convert the data to numbers first")
