"""Writing a file so that readers only ever see the old version or the complete new one."""
import os
import tempfile
from pathlib import Path


def write(path, data):
    """Writes bytes `data` to `path`: into a temporary file in the same folder, flushed and
    synced to disk, then renamed over `path` (a rename within one file system is atomic).
    On any failure, KeyboardInterrupt included, the temporary file is removed and `path` is
    untouched."""
    path = Path(path)
    folder = path.parent.resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"nn.save: the folder {str(folder)!r} does not exist")
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.",
                                         suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_folder(folder)


def _default_mode():
    """What a new file gets from open(): 0o666 less the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder):
    """Makes the rename itself durable where the platform allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
