"""Crash-safe replacement of a file in the lists folder (versions.lock, a list version's YAML).

The new text goes to a temporary file created with tempfile.mkstemp in the same folder (a fresh,
unpredictable name opened with O_EXCL: no fixed name that a symlink could redirect), is flushed and
fsynced, gets the mode of the file it replaces (0644 for a new one), and then takes the file's
place with os.replace (atomic on POSIX: a reader sees the old or the new file, never a torn one);
the folder is fsynced so the rename survives a crash. The temporary name starts with a dot and
ends in `.tmp`, so the loader (which reads .yaml/.yml only) never picks a leftover up.
"""

import os
import stat
import tempfile
from pathlib import Path

DEFAULT_MODE = 0o644


def _mode_of(path: Path) -> int:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return DEFAULT_MODE
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else DEFAULT_MODE


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Replace `path` by `text` atomically (see the module's docstring)."""
    path = Path(path)
    directory = path.parent
    mode = _mode_of(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(directory)
