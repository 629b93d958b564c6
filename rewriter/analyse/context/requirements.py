"""pip requirements files and the files they pull in with ``-r`` / ``-c``.

Why: a "copy the manifests first, install, then copy the rest" fix for pip must copy every file
that ``pip install -r requirements.txt`` reads, and ``-r base.txt`` / ``--constraint c.txt`` lines
chain them (relative to the including file, as pip resolves them). A line such as ``-e .`` or
``./libs/x`` makes pip build local sources, which the manifests-first layout would not have yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rewriter.analyse.context import gopath
from rewriter.records import Record

__all__ = ["RequirementsFile", "parse_requirement_lines", "resolve_requirements"]

_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE_OPTIONS = {
    "-r": "requirement",
    "--requirement": "requirement",
    "-c": "constraint",
    "--constraint": "constraint",
}
_EDITABLE_OPTIONS = ("-e", "--editable")
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_LOCAL_REQUIREMENT = re.compile(r"^(\.{1,2}(/|$)|/|file:)")
_DIRECT_FILE_REFERENCE = re.compile(r"@\s*file:")


class RequirementLine(Record):
    """One logical line of a requirements file that matters for what pip reads."""

    __slots__ = ("kind", "line", "value")

    def __init__(self, line: int, kind: str, value: str):
        self.line = line
        # "requirement" | "constraint" (an include) | "local" (a local source to build)
        self.kind = kind
        self.value = value


class RequirementsFile(Record):
    """A requirements file and everything ``pip install -r`` on it reads from the context.

    Paths are context-relative. ``closure`` starts with the file itself and lists every file
    reached through ``-r``/``-c`` (each once, in first-seen order). ``cycles`` holds the
    (including, included) pairs that close a loop; pip itself follows such a loop until it
    fails, so a cycle is worth a finding.
    """

    __slots__ = (
        "closure",
        "constraints",
        "cycles",
        "includes",
        "local_sources",
        "missing",
        "outside_context",
        "path",
        "remote",
        "unresolved",
    )

    def __init__(
        self,
        path: str,
        includes: tuple[str, ...],
        constraints: tuple[str, ...],
        closure: tuple[str, ...],
        missing: tuple[str, ...],
        outside_context: tuple[str, ...],
        remote: tuple[str, ...],
        unresolved: tuple[str, ...],
        cycles: tuple[tuple[str, str], ...],
        local_sources: tuple[tuple[str, str], ...],
    ):
        self.path = path
        self.includes = includes
        self.constraints = constraints
        self.closure = closure
        self.missing = missing
        self.outside_context = outside_context
        self.remote = remote
        self.unresolved = unresolved
        self.cycles = cycles
        self.local_sources = local_sources


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash continuations and drop comments, as pip does, keeping line numbers.

    A line ending in ``\\`` continues on the next one unless it is itself a comment line.
    """
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0

    def emit(number: int, joined: str) -> None:
        line = _COMMENT.sub("", joined).strip()
        if line:
            result.append((number, line))

    for number, raw in enumerate(text.splitlines(), start=1):
        is_comment = _COMMENT.match(raw) is not None
        if raw.endswith("\\") and not is_comment:
            if not pending:
                start = number
            pending.append(raw.strip("\\"))
            continue
        if is_comment:
            raw = " " + raw
        if pending:
            pending.append(raw)
            emit(start, "".join(pending))
            pending = []
        else:
            emit(number, raw)
    if pending:
        emit(start, "".join(pending))
    return result


def _option_value(line: str, options: tuple[str, ...] | dict[str, str]) -> tuple[str, str] | None:
    """Return (option, value) when ``line`` starts with one of ``options``, else None."""
    for option in options:
        if line == option:
            return option, ""
        if option.startswith("--"):
            if line.startswith(option + "=") or line.startswith(option + " "):
                return option, line[len(option) + 1 :].strip()
        elif line.startswith(option):
            return option, line[len(option) :].strip()
    return None


def parse_requirement_lines(text: str) -> list[RequirementLine]:
    """The includes and local-source requirements of one requirements file's text."""
    found: list[RequirementLine] = []
    for number, line in _logical_lines(text):
        include = _option_value(line, _INCLUDE_OPTIONS)
        if include is not None:
            option, value = include
            if value:
                found.append(RequirementLine(number, _INCLUDE_OPTIONS[option], value.split()[0]))
            continue
        editable = _option_value(line, _EDITABLE_OPTIONS)
        target = editable[1] if editable is not None else line
        if not target or target.startswith("-"):
            continue
        first = target.split()[0].split(";")[0]
        if _LOCAL_REQUIREMENT.match(first) or _DIRECT_FILE_REFERENCE.search(target):
            found.append(RequirementLine(number, "local", target))
    return found


def resolve_requirements(
    rel_path: str,
    read: Callable[[str], str | None],
    exists: Callable[[str], bool],
) -> RequirementsFile:
    """Follow ``-r``/``-c`` includes from ``rel_path`` (context-relative), recursively.

    ``read`` returns a file's text or None when it cannot be read; ``exists`` says whether a
    context-relative file exists. Includes resolve relative to the including file's folder.
    """
    includes: list[str] = []
    constraints: list[str] = []
    closure: list[str] = []
    missing: list[str] = []
    outside: list[str] = []
    remote: list[str] = []
    unresolved: list[str] = []
    cycles: list[tuple[str, str]] = []
    local: list[tuple[str, str]] = []
    on_path: list[str] = []
    seen: set[str] = set()
    root = gopath.clean(rel_path)

    def visit(path: str) -> None:
        seen.add(path)
        closure.append(path)
        on_path.append(path)
        text = read(path)
        folder = path.rpartition("/")[0]
        for entry in parse_requirement_lines(text or ""):
            if entry.kind == "local":
                local.append((path, entry.value))
                continue
            value = entry.value
            if _REMOTE.match(value):
                remote.append(value)
                continue
            if "${" in value:
                unresolved.append(value)
                continue
            joined = value if value.startswith("/") or not folder else f"{folder}/{value}"
            target = gopath.clean(joined)
            if target.startswith("/") or target == ".." or target.startswith("../"):
                outside.append(value)
                continue
            if path == root:
                (includes if entry.kind == "requirement" else constraints).append(target)
            if target in on_path:
                cycles.append((path, target))
                continue
            if target in seen:
                continue
            if not exists(target):
                missing.append(target)
                seen.add(target)
                continue
            visit(target)
        on_path.pop()

    visit(root)
    return RequirementsFile(
        path=root,
        includes=tuple(includes),
        constraints=tuple(constraints),
        closure=tuple(closure),
        missing=tuple(missing),
        outside_context=tuple(outside),
        remote=tuple(remote),
        unresolved=tuple(unresolved),
        cycles=tuple(cycles),
        local_sources=tuple(local),
    )
