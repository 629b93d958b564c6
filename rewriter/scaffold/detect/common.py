"""Signals shared by every language: the port the app listens on, workspace-style globs."""

from __future__ import annotations

import re
from pathlib import Path

from rewriter.scaffold.detect.files import parse_port, read_properties, read_text

# Folders never worth walking into while looking for manifests or entry points.
SKIP_DIRS = frozenset(
    {".git", "node_modules", ".venv", "venv", "__pycache__", "target", "build", "dist", ".gradle"}
)


def port_from_env_file(root: Path) -> int | None:
    """``PORT=`` in ``.env`` (the twelve-factor convention most frameworks read)."""
    return parse_port(read_properties(root / ".env").get("PORT", ""))


def port_from_existing_dockerfile(root: Path) -> int | None:
    """The first ``EXPOSE`` of a Dockerfile already in the folder: regenerating should keep it."""
    text = read_text(root / "Dockerfile")
    if text is None:
        return None
    match = re.search(r"^\s*EXPOSE\s+(\d+)", text, re.IGNORECASE | re.MULTILINE)
    return parse_port(match.group(1)) if match else None


def port_from_compose(root: Path) -> int | None:
    """The container side of the first ``ports:`` mapping in a compose file ("8080:80" -> 80)."""
    for name in ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"):
        text = read_text(root / name)
        if text is None:
            continue
        match = re.search(
            r"^\s*ports:\s*\n\s*-\s*[\"']?(?:[\d.]+:)?(?:\d+:)?(\d+)(?:/tcp)?[\"']?\s*$",
            text,
            re.MULTILINE,
        )
        if match:
            return parse_port(match.group(1))
    return None


def shared_port_signals(root: Path) -> list[tuple[str, int]]:
    """(source, port) pairs from language-neutral files, strongest first."""
    found: list[tuple[str, int]] = []
    for source, reader in (
        (".env PORT", port_from_env_file),
        ("Dockerfile EXPOSE", port_from_existing_dockerfile),
        ("compose ports", port_from_compose),
    ):
        port = reader(root)
        if port is not None:
            found.append((source, port))
    return found


def choose_port(signals: list[tuple[str, int]], default: int, notes) -> tuple[int, bool]:
    """The first signal's port (warning when signals disagree), or ``default`` with a warning.

    Returns ``(port, declared)``: ``declared`` is False when the port is only the default.
    """
    if not signals:
        notes.warn(
            f"no port declared (.env PORT, config, scripts); using {default}: pass --port", "port"
        )
        return default, False
    source, port = signals[0]
    others = [f"{src} {p}" for src, p in signals[1:] if p != port]
    if others:
        notes.warn(
            f"conflicting ports: using {port} from {source} over {', '.join(others)}", "port"
        )
    return port, True


def expand_globs(root: Path, patterns: list[str], filename: str) -> list[str]:
    """``filename`` inside each folder matched by workspace-style ``patterns`` (``packages/*``)."""
    found: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str) or pattern.startswith("!") or ".." in pattern:
            continue
        for folder in sorted(root.glob(pattern.rstrip("/"))):
            rel = folder.relative_to(root)
            if any(part in SKIP_DIRS for part in rel.parts):
                continue
            if (folder / filename).is_file():
                found.append((rel / filename).as_posix())
    return sorted(dict.fromkeys(found))


def is_gitignored(root: Path, folder: str) -> bool:
    """Whether the top-level ``.gitignore`` names ``folder`` (``dist``, ``/dist``, ``dist/``).

    Only plain names count: enough to tell a build output folder from a source folder.
    """
    for line in (read_text(root / ".gitignore") or "").splitlines():
        if line.strip().strip("/") == folder:
            return True
    return False
