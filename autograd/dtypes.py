"""The default floating dtype: what python floats and lists become."""
import numpy as np

_default = {"dtype": np.dtype(np.float32)}


def set_default_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"the default dtype must be a floating dtype, got {dtype}")
    _default["dtype"] = dtype


def get_default_dtype():
    return _default["dtype"]
