"""Sample applications for BuildKit tests: one folder per ecosystem under ``apps/``.

Each folder holds what a real project of that kind has (manifest, lockfile, a source file that
imports a dependency) plus a plain ``Dockerfile`` of the common unoptimised shape ("copy everything,
then install"), which later tests can feed to dfopt and build before and after. The stand-in tools
in the base images read exactly these files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .harness import make_context

APPS_DIR = Path(__file__).resolve().parent / "apps"


def sample_apps() -> list[str]:
    """The names of the sample apps (folder names under apps/)."""
    return sorted(p.name for p in APPS_DIR.iterdir() if (p / "Dockerfile").is_file())


def _app_dir(name: str) -> Path:
    path = APPS_DIR / name
    if not (path / "Dockerfile").is_file():
        raise KeyError(f"no sample app {name!r}; have {sample_apps()}")
    return path


def sample_files(name: str) -> dict[str, str]:
    """The app's files (relative path -> text), without its Dockerfile."""
    root = _app_dir(name)
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "Dockerfile"
    }


def sample_dockerfile(name: str) -> str:
    """The app's plain Dockerfile."""
    return (_app_dir(name) / "Dockerfile").read_text()


def make_app(
    tmp_path: str | os.PathLike[str],
    name: str,
    *,
    changes: Mapping[str, str | bytes | None] | None = None,
) -> Path:
    """A build context holding the sample app ``name`` with ``changes`` applied (path -> new
    content, or None to delete the file), e.g. a source edit or a new dependency."""
    files: dict[str, str | bytes] = dict(sample_files(name))
    for rel, content in (changes or {}).items():
        if content is None:
            files.pop(rel, None)
        else:
            files[rel] = content
    return make_context(tmp_path, files, name=name)
