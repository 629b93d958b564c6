"""Tolerant readers for project files.

Detection must never crash on a user's half-edited manifest: every reader returns ``None`` (or an
empty value) for a missing or malformed file and records why in ``Notes`` when it matters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rewriter.scaffold.model import Notes

# Large files are not manifests; reading at most this much keeps detection fast on odd folders.
_MAX_BYTES = 2_000_000


def read_text(path: Path) -> str | None:
    """The file's text, or ``None`` when it is absent, a folder, too big or not UTF-8."""
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read_json(path: Path, notes: Notes) -> dict[str, Any] | None:
    """A JSON object, or ``None`` (with a warning when the file exists but does not parse)."""
    text = read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as err:
        notes.warn(f"{path.name} is not valid JSON ({err}); ignoring it")
        return None
    except RecursionError:
        notes.warn(f"{path.name} is nested too deeply to read; ignoring it")
        return None
    return data if isinstance(data, dict) else None


def read_toml(path: Path, notes: Notes) -> dict[str, Any] | None:
    """A TOML document, or ``None`` (with a warning when the file exists but does not parse)."""
    text = read_text(path)
    if text is None:
        return None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        notes.warn(f"{path.name} is not valid TOML ({err}); ignoring it")
        return None
    except RecursionError:
        notes.warn(f"{path.name} is nested too deeply to read; ignoring it")
        return None


def read_properties(path: Path) -> dict[str, str]:
    """``key=value`` / ``key: value`` pairs of a .properties or .env file (no escapes)."""
    text = read_text(path)
    result: dict[str, str] = {}
    if text is None:
        return result
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        line = re.sub(r"^export\s+", "", line)
        match = re.match(r"([^=:\s]+)\s*[=:]\s*(.*)$", line)
        if match:
            value = match.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            result[match.group(1)] = value
    return result


def existing(root: Path, *names: str) -> list[str]:
    """The names (relative POSIX paths) among ``names`` that exist under ``root``, in order."""
    return [name for name in names if (root / name).exists()]


def parse_port(value: object) -> int | None:
    """A TCP port from a string or int, or ``None`` when it is not a number in 1..65535."""
    text = str(value).strip()
    if not text.isdigit():
        return None
    port = int(text)
    return port if 0 < port < 65536 else None
