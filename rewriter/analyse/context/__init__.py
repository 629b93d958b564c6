"""The build context: `.dockerignore`, a bounded scan of the context folder, COPY sources.

dfopt reads the folder that ``docker build`` would send, so that a fix copies
``package-lock.json`` only when it exists, picks npm, yarn or pnpm from the lockfile, and knows
what ``COPY . .`` really copies. The names below are imported lazily: the command line pays for
these modules only when a rule asks about the context.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "DockerIgnore": "dockerignore",
    "IgnoreDecision": "dockerignore",
    "IgnorePattern": "dockerignore",
    "find_dockerignore": "dockerignore",
    "BuildContext": "scan",
    "scan_context": "scan",
    "Manifest": "manifests",
    "InstallHook": "manifests",
    "PackageManagerChoice": "manifests",
    "RequirementsFile": "requirements",
    "CopyResolution": "copy_sources",
    "SourceResolution": "copy_sources",
    "copies_path": "copy_sources",
    "resolve_copy_sources": "copy_sources",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups (one per COPY in a lint run) skip this hook
    return value
