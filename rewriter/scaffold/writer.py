"""Put generated files on disk safely: no clobbering, no partial files, nothing outside the folder.

Each file is written to a temporary file in the same folder and renamed over the target, so a
crash or a full disk never leaves a half-written Dockerfile. Existing files are refused unless
``force`` is set, and the refusal is decided for all files before any is written.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

from rewriter.scaffold.model import ScaffoldError


class RefusedOverwrite(ScaffoldError):
    """Target files exist and --force was not given."""


def target_path(folder: Path, name: str) -> Path:
    """``folder/name``, checked to stay inside ``folder``.

    ``name`` is one of ours (``Dockerfile``, ``.github/workflows/docker.yml``), but a symbolic
    link on the way, or at the target, would send the write somewhere else: refused, like a
    folder or a special file where a file should go.
    """
    parts = name.split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ScaffoldError(f"refusing to write {name!r}: not a relative path inside the folder")
    path = folder
    for part in parts[:-1]:
        path = path / part
        if path.is_symlink():
            raise ScaffoldError(f"refusing to write into {path}: it is a symbolic link")
        if path.exists() and not path.is_dir():
            raise ScaffoldError(f"refusing to write into {path}: it is not a folder")
    path = folder / name
    if path.is_symlink():
        raise ScaffoldError(f"refusing to replace {path}: it is a symbolic link")
    if path.exists() and not path.is_file():
        raise ScaffoldError(f"refusing to replace {path}: it is not a regular file")
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename
    (creating the folder, for ``.github/workflows/``)."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_files(folder: Path, files: dict[str, str], force: bool) -> list[Path]:
    """Write each ``name -> text`` into ``folder``; refuse all if one exists, unless ``force``."""
    targets = {name: target_path(folder, name) for name in files}
    existing = [name for name, path in targets.items() if path.exists()]
    if existing and not force:
        names = ", ".join(existing)
        raise RefusedOverwrite(
            f"{names} already exist{'s' if len(existing) == 1 else ''} in {folder}: "
            "pass --force to replace, or --diff to compare"
        )
    for name, text in files.items():
        write_atomic(targets[name], text)
    return list(targets.values())


def unified_diffs(folder: Path, files: dict[str, str]) -> str:
    """A unified diff of each file against what is on disk (an absent file diffs as empty)."""
    chunks = []
    for name, text in files.items():
        path = folder / name
        try:
            old = path.read_text(encoding="utf-8") if path.is_file() else ""
        except (OSError, UnicodeDecodeError) as err:
            raise ScaffoldError(f"cannot read {path}: {err}") from None
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"a/{name}" if path.is_file() else "/dev/null",
                tofile=f"b/{name}",
            )
        )
    return "".join(chunks)
