"""Atomic file writing: a file is either the old one or the complete new one, never half.

The data goes to a temporary file in the target's folder (the same file system, so the final
``os.replace`` is an atomic rename), is flushed and fsynced, and only then renamed over the
target; the folder is fsynced too, so the rename survives a power cut. A crash or a
``SIGKILL`` at any moment leaves the previous file intact (and at worst a stray
``.<name>.*.tmp`` file beside it).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from typing import IO

from keraslite.backend import distribute


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """Open a binary file to write; it replaces ``path`` only if the block completes.

    Example:
        >>> with atomic_write("model.keras") as f:
        ...     f.write(data)

    """
    path = os.fspath(path)
    if not distribute.is_chief():  # data-parallel hook: only the first worker writes files
        yield io.BytesIO()
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"Cannot save to {path!r}: the folder {folder!r} does not exist. Create it first "
            f"(os.makedirs({folder!r}, exist_ok=True)). Received: filepath={path!r}"
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _mode_for(path: str) -> int:
    """Keep an existing file's permissions; new files get the usual 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: str) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: folders cannot be opened for fsync
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
