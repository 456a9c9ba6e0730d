"""The `.npz` format: a zip of `.npy` arrays, as numpy's savez writes it, plus the structure
as JSON in a member of its own (`__tracegrad__.json`). Arrays are written and read with
numpy's own `.npy` functions and never with pickle."""
import io
import json
import math
import zipfile

import numpy as np

STRUCTURE = "__tracegrad__.json"
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"


def encode(arrays, structure):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, array in arrays.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
        zf.writestr(STRUCTURE, json.dumps(structure))
    return buffer.getvalue()


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


def decode(path):
    with open(path, "rb") as file:
        start = file.read(8)
        file.seek(0, 2)
        size = file.tell()
    if start.startswith(_NPY_MAGIC):
        raise ValueError(f"nn.load: {str(path)!r} is a single numpy array (.npy), not a "
                         "checkpoint; read it with np.load, or save a dict with nn.save")
    if not start.startswith(_ZIP_MAGIC):
        raise ValueError(f"nn.load: {str(path)!r} is not an .npz file (no zip header)")
    try:
        with zipfile.ZipFile(path) as zf:
            return _read_members(zf, path, size)
    except zipfile.BadZipFile as error:
        raise ValueError(f"nn.load: {str(path)!r} is incomplete or damaged ({error}); it "
                         "cannot be read") from None


def _read_members(zf, path, size):
    arrays, structure = {}, None
    for info in zf.infolist():
        if info.compress_type == zipfile.ZIP_STORED and info.file_size > size:
            raise ValueError(f"nn.load: {str(path)!r} claims a member {info.filename!r} of "
                             f"{info.file_size} bytes, more than the whole file ({size}): it "
                             "is damaged")
        if info.filename == STRUCTURE:
            structure = json.loads(zf.read(info))
        elif info.filename.endswith(".npy"):
            arrays[info.filename[:-4]] = _read_array(zf, info, path)
    return arrays, structure


def _read_array(zf, info, path):
    with zf.open(info) as member:
        version = np.lib.format.read_magic(member)
        read_header = _HEADER_READERS.get(version)
        if read_header is None:
            raise ValueError(f"nn.load: {info.filename!r} in {str(path)!r} is a .npy of "
                             f"version {version}, which is not read here")
        shape, _, dtype = read_header(member)
    if dtype.hasobject:
        raise ValueError(f"nn.load: {info.filename!r} in {str(path)!r} holds Python objects, "
                         "which would need pickle to read; checkpoints hold numbers only")
    claimed = math.prod(shape) * dtype.itemsize
    if claimed > info.file_size:
        raise ValueError(f"nn.load: {info.filename!r} in {str(path)!r} claims shape {shape} "
                         f"({claimed} bytes) but holds {info.file_size} bytes: the file is "
                         "damaged")
    data = zf.read(info)   # reads to the end, so the member's checksum is verified
    return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
