"""dfopt settings: ``[tool.dfopt]`` in ``pyproject.toml`` or a ``.dfopt.toml``, found by walking up.

The nearest file wins (``.dfopt.toml`` before ``pyproject.toml`` in the same folder); command-line
options override it. Keys (all optional)::

    select = ["DF1", "DF201"]        # codes, code prefixes or rule names; default: all
    ignore = ["DF402"]
    failure-threshold = "warning"    # style | info | warning | error
    legacy-builder = false           # the files must also build without BuildKit
    [severity]                       # per-rule severity overrides
    DF101 = "error"
    [per-file-ignores]               # glob (relative to the config file) -> codes
    "legacy/*.Dockerfile" = ["DF4"]
"""

from __future__ import annotations

import fnmatch
import functools
from pathlib import Path

from rewriter.records import Record
from rewriter.rules.base import Severity


class ConfigError(ValueError):
    """A config file dfopt cannot use; the message names the file and the key."""


class Config(Record):
    """Settings read from a config file (or the defaults), before command-line overrides."""

    __slots__ = (
        "failure_threshold",
        "ignore",
        "legacy_builder",
        "per_file_ignores",
        "root",
        "select",
        "severity",
        "source",
    )

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, Severity] | None = None,
        per_file_ignores: dict[str, tuple[str, ...]] | None = None,
        failure_threshold: Severity = Severity.INFO,
        legacy_builder: bool = False,
        root: Path | None = None,  # folder of the config file (per-file-ignores are relative)
        source: Path | None = None,
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.severity = {} if severity is None else severity
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores
        self.failure_threshold = failure_threshold
        self.legacy_builder = legacy_builder
        self.root = root
        self.source = source

    def ignores_for(self, file: Path | None) -> tuple[str, ...]:
        if file is None or not self.per_file_ignores:
            return ()
        try:
            rel = file.resolve().relative_to((self.root or Path.cwd()).resolve()).as_posix()
        except ValueError:
            rel = file.as_posix()
        codes: list[str] = []
        for pattern, pattern_codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(file.name, pattern):
                codes.extend(pattern_codes)
        return tuple(codes)

    def merged(self, **overrides: object) -> Config:
        return self.replace(**{k: v for k, v in overrides.items() if v not in (None, ())})


def _string_list(data: dict, key: str, where: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _from_table(data: dict, path: Path) -> Config:
    known = {
        "select",
        "ignore",
        "severity",
        "per-file-ignores",
        "failure-threshold",
        "legacy-builder",
    }
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) in dfopt settings: {', '.join(sorted(unknown))}")
    try:
        severity = {
            code.upper(): Severity.parse(level) for code, level in data.get("severity", {}).items()
        }
        threshold = Severity.parse(data.get("failure-threshold", "info"))
    except (ValueError, AttributeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    per_file = {
        pattern: _string_list({"codes": codes}, "codes", path)
        for pattern, codes in data.get("per-file-ignores", {}).items()
    }
    legacy = data.get("legacy-builder", False)
    if not isinstance(legacy, bool):
        raise ConfigError(f"{path}: legacy-builder must be true or false")
    return Config(
        select=_string_list(data, "select", path),
        ignore=_string_list(data, "ignore", path),
        severity=severity,
        per_file_ignores=per_file,
        failure_threshold=threshold,
        legacy_builder=legacy,
        root=path.parent,
        source=path,
    )


def _load_toml(path: Path) -> dict:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError(f"{path}: nested too deeply to read") from None


@functools.cache
def _config_for_dir(folder: Path) -> Config:
    """The nearest config at or above ``folder``: its own file's, else its parent's answer.

    Cached per folder, and asking the parent (not walking every ancestor from here) means each
    folder's files are stat'ed and parsed once per run, however many Dockerfiles share it.
    """
    own = _own_config(folder)
    if own is not None:
        return own
    parent = folder.parent
    return Config() if parent == folder else _config_for_dir(parent)


def _own_config(folder: Path) -> Config | None:
    """The config kept in ``folder`` itself: ``.dfopt.toml``, else a ``pyproject.toml`` that has
    a ``[tool.dfopt]`` table; None when neither is there."""
    dotfile = folder / ".dfopt.toml"
    if dotfile.is_file():
        data = _load_toml(dotfile)
        return _from_table(data.get("tool", {}).get("dfopt", data), dotfile)
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        table = _load_toml(pyproject).get("tool", {}).get("dfopt")
        if table is not None:
            return _from_table(table, pyproject)
    return None


def forget_configs() -> None:
    """Drop the configs read so far: a new run (``dfopt check`` called again in the same
    process, as tests and editor integrations do) must see config files edited since."""
    _config_for_dir.cache_clear()


def find_config(start: Path) -> Config:
    """The settings that apply to a file or folder (defaults when no config file is found)."""
    start = start.resolve()
    return _config_for_dir(start if start.is_dir() else start.parent)


def load_config_file(path: Path) -> Config:
    data = _load_toml(path)
    table = data.get("tool", {}).get("dfopt", data) if path.name == "pyproject.toml" else data
    return _from_table(table, path)
