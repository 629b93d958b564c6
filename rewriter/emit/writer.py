"""Write a file atomically, or not at all.

The new text goes to a temporary file in the same folder, is flushed to disk, gets the original
file's permission bits, and replaces the original with one ``rename``. A symlink is written
through to its target (the link stays a link). If the file changed on disk since dfopt read it,
nothing is written: the user's newer edit wins.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class WriteError(OSError):
    """The file could not be written; it is unchanged."""


def write_atomic(path: str | os.PathLike[str], text: str, *, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8). ``expected``: the bytes it must still hold."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise WriteError(f"{path}: is a directory")
    try:
        current = target.read_bytes()
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        raise WriteError(f"{path}: no such file") from None
    except OSError as exc:
        raise WriteError(f"{path}: {exc.strerror}") from None
    if expected is not None and current != expected:
        raise WriteError(f"{path}: changed on disk since it was read; not written")
    if not os.access(target, os.W_OK):
        raise WriteError(f"{path}: file is read-only; not written")
    data = text.encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".dfopt", dir=target.parent)
    except OSError as exc:
        raise WriteError(
            f"{path}: cannot create a temporary file beside it: {exc.strerror}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"{path}: {exc.strerror or exc}") from None
