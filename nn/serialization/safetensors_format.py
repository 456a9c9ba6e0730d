"""The `.safetensors` format (through the `safetensors` package's numpy functions): an 8-byte
header length, a JSON header giving every tensor's dtype, shape and byte range, then the raw
bytes. The structure goes into the header's text metadata, which other readers ignore, so a
flat state dict is exactly what PyTorch's safetensors loader expects."""
import json
import struct

import numpy as np
import safetensors.numpy

from .npz import STRUCTURE

_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
             "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}


def looks_like(start):
    """Whether a file's first bytes are a safetensors header: a little-endian length, then
    the opening brace of the JSON header."""
    return len(start) == 9 and start[8:9] == b"{"


def encode(arrays, structure):
    # (np.ascontiguousarray would turn 0-d arrays into 1-d ones)
    contiguous = {key: np.require(array, requirements="C") for key, array in arrays.items()}
    return safetensors.numpy.save(contiguous, metadata={STRUCTURE: json.dumps(structure)})


def decode(path):
    with open(path, "rb") as file:
        data = file.read()
    header = _checked_header(data, path)
    metadata = header.pop("__metadata__", None) or {}
    try:
        arrays = safetensors.numpy.load(data)
    except Exception as error:   # the package's own errors for malformed files
        raise ValueError(f"nn.load: {str(path)!r} is not a readable safetensors file "
                         f"({error})") from None
    structure = metadata.get(STRUCTURE)
    return arrays, None if structure is None else json.loads(structure)


def _checked_header(data, path):
    """The header, after checking that the file holds exactly the bytes it announces (a
    truncated or padded file is refused before any array is allocated)."""
    def damaged(why):
        return ValueError(f"nn.load: {str(path)!r} is not a complete safetensors file: {why}")
    if len(data) < 8:
        raise damaged(f"it has only {len(data)} bytes")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise damaged(f"its header claims {length} bytes, the file has {len(data)}")
    try:
        header = json.loads(data[8:8 + length])
    except ValueError:
        raise damaged("its header is not valid JSON") from None
    if not isinstance(header, dict):
        raise damaged("its header is not a JSON object")
    end = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        try:
            begin, stop = entry["data_offsets"]
            claimed = int(np.prod(entry["shape"], dtype=np.int64)) * _ITEMSIZE[entry["dtype"]]
        except (KeyError, TypeError, ValueError):
            raise damaged(f"the entry for {key!r} is malformed") from None
        if stop - begin != claimed:
            raise damaged(f"{key!r} claims shape {entry['shape']} but spans {stop - begin} "
                          "bytes")
        end = max(end, stop)
    if 8 + length + end != len(data):
        raise damaged(f"its header announces {8 + length + end} bytes, the file has "
                      f"{len(data)}")
    return header
