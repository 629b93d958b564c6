"""``dfopt check`` / ``--fix`` / ``--diff``: find the files, lint or fix each, report, exit.

Each file is handled on its own (``process_file`` is a pure function of the path and the
options), so many files can run in parallel worker processes with ``--jobs``. Exit status:
0 nothing at or above the failure threshold (or nothing left to change), 1 findings or changes,
2 a usage, config, read, parse or write error.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from pathlib import Path

from rewriter.config import Config, ConfigError, find_config
from rewriter.emit.report import FileReport
from rewriter.parser import ParseError, decode, read_bytes
from rewriter.records import Record
from rewriter.rules.base import Finding, Severity

DOCKERFILE_PATTERNS = (
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "*.dockerfile",
    "Containerfile",
)
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


class Options(Record):
    """What the command line asked for; the same for every file of a run (and picklable, so
    ``--jobs`` workers receive it)."""

    __slots__ = (
        "check_only",
        "config_file",
        "context",
        "diff",
        "failure_threshold",
        "fix",
        "ignore",
        "select",
        "show_fixes",
        "unsafe_fixes",
    )

    def __init__(
        self,
        fix: bool = False,
        unsafe_fixes: bool = False,
        diff: bool = False,
        check_only: bool = False,  # --check: exit 1 if anything would change, print a summary
        show_fixes: bool = False,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        failure_threshold: Severity | None = None,
        context: Path | None = None,
        config_file: Path | None = None,
    ) -> None:
        self.fix = fix
        self.unsafe_fixes = unsafe_fixes
        self.diff = diff
        self.check_only = check_only
        self.show_fixes = show_fixes
        self.select = select
        self.ignore = ignore
        self.failure_threshold = failure_threshold
        self.context = context
        self.config_file = config_file

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff or self.check_only


class Outcome(Record, eq="mutable"):
    """One file's result: its report, and for --fix/--diff the original bytes and fixed text."""

    __slots__ = ("applied", "original", "output", "report", "threshold")

    def __init__(
        self,
        report: FileReport,
        original: bytes = b"",
        output: str | None = None,  # the fixed text when it differs from the source
        applied: list[Finding] | None = None,
        threshold: Severity = Severity.STYLE,
    ) -> None:
        self.report = report
        self.original = original
        self.output = output
        self.applied = [] if applied is None else applied
        self.threshold = threshold


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in DOCKERFILE_PATTERNS) and not name.endswith(
        ".dockerignore"
    )


def discover(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files to check (in order, no duplicates) and error messages for paths that do not exist."""
    found: list[str] = []
    errors: list[str] = []
    for raw in paths:
        if raw == "-":
            found.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found.extend(str(Path(root) / f) for f in sorted(files) if is_dockerfile_name(f))
        elif path.exists() or path.is_symlink():
            found.append(raw)
        else:
            errors.append(f"{raw}: no such file or directory")
    seen: set[str] = set()
    unique = [p for p in found if not (p in seen or seen.add(p))]
    return unique, errors


def _config_for(path: str, options: Options) -> Config:
    from rewriter.config import load_config_file

    base = (
        load_config_file(options.config_file)
        if options.config_file
        else (find_config(Path.cwd() if path == "-" else Path(path)))
    )
    return base.merged(
        select=options.select,
        ignore=tuple(base.ignore) + tuple(options.ignore),
        failure_threshold=options.failure_threshold,
    )


def process_file(path: str, options: Options) -> Outcome:
    """Lint (and maybe fix) one file. Never raises for problems with the file itself."""
    from rewriter.fixes.engine import FixError, fix_source
    from rewriter.rules.engine import lint_source

    name = "<stdin>" if path == "-" else path
    report = FileReport(name)
    try:
        config = _config_for(path, options)
    except ConfigError as exc:
        report.error = exc
        return Outcome(report)
    outcome = Outcome(report, threshold=config.failure_threshold)
    try:
        data = sys.stdin.buffer.read() if path == "-" else read_bytes(path)
        source = decode(data)
    except ParseError as exc:
        report.error = exc.with_file(name)
        return outcome
    outcome.original = data
    report.source = source
    context = options.context or (Path.cwd() if path == "-" else Path(path).resolve().parent)
    if options.fixing:
        try:
            result = fix_source(
                source, path=name, context_dir=context, config=config, unsafe=options.unsafe_fixes
            )
        except FixError as exc:
            report.error = RuntimeError(f"not fixed: {exc}")
            return outcome
        if result.error is not None:
            report.error = result.error.with_file(name)
            return outcome
        report.findings = result.remaining
        report.source = result.output  # remaining findings point into the fixed text
        outcome.applied = result.applied
        if result.changed:
            outcome.output = result.output
            report.fixed = True
        return outcome
    lint = lint_source(source, path=name, context_dir=context, config=config)
    if lint.error is not None:
        report.error = lint.error
    report.findings = lint.findings
    return outcome


def run_all(
    paths: list[str], options: Options, jobs: int = 1, progress: bool = False
) -> list[Outcome]:
    if jobs <= 1 or len(paths) < 2:
        return [process_file(p, options) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(process_file, p, options) for p in paths]
        if progress:
            from rich.progress import track

            return [f.result() for f in track(futures, description="dfopt", transient=True)]
        return [f.result() for f in futures]
