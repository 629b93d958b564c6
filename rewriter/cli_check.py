"""What ``dfopt check`` prints and writes once every file has been processed.

Kept apart from ``cli.py`` (argument parsing) and ``runner.py`` (per-file work) so each stays
small: this module decides output streams, writes fixed files atomically, and computes the exit
status. Results go to stdout (reports, diffs, fixed stdin); status lines go to stderr.
"""

from __future__ import annotations

import os
import sys

from rewriter.config import forget_configs
from rewriter.emit.report import (
    FileReport,
    render_github,
    render_json,
    render_sarif,
    render_statistics,
    render_text,
)
from rewriter.runner import Options, Outcome, discover, run_all


def _use_color(choice: str, stream) -> bool:
    if choice != "auto":  # an explicit flag beats NO_COLOR (no-color.org)
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _write_fixes(outcomes: list[Outcome], options: Options) -> list[str]:
    from rewriter.emit.writer import WriteError, write_atomic

    errors = []
    for o in outcomes:
        if o.output is None or o.report.path == "<stdin>":
            continue
        try:
            write_atomic(o.report.path, o.output, expected=o.original)
        except WriteError as exc:
            o.report.error = exc
            errors.append(str(exc))
    return errors


def run_check(paths, options: Options, *, fmt, exit_zero, statistics, color, jobs) -> int:
    forget_configs()  # config files are read once per folder per run, never across runs
    files, missing = discover(paths)
    for message in missing:
        print(f"dfopt: {message}", file=sys.stderr)
    if not files and not missing:
        print("dfopt: no Dockerfiles found", file=sys.stderr)
        return 2
    progress = _use_color(color, sys.stderr) and len(files) > 50
    outcomes = run_all(files, options, jobs=max(1, jobs), progress=progress)
    reports: list[FileReport] = [o.report for o in outcomes]
    out = sys.stdout
    colored = _use_color(color, out)

    stdin_fix = (
        options.fix and not options.diff and any(o.report.path == "<stdin>" for o in outcomes)
    )
    if options.diff:
        from rewriter.emit.diff import print_diff, unified_diff

        for o in outcomes:
            if o.output is not None:
                secrets = [s for f in (*o.applied, *o.report.findings) for s in f.secrets]
                original = o.original.decode("utf-8")  # report.source is the fixed text
                print_diff(
                    unified_diff(original, o.output, o.report.path, secrets),
                    color=colored,
                    file=out,
                )
    elif options.fix:
        _write_fixes(outcomes, options)
        for o in outcomes:
            if o.report.path == "<stdin>" and o.report.error is None:
                out.write(o.output if o.output is not None else o.report.source)

    # What was (or would be) fixed, and what the user must now do differently (e.g. the new
    # `docker build --secret ...` command): part of the summary for --fix, --diff and --check.
    verb = "fixed" if options.fix and not (options.diff or options.check_only) else "would fix"
    for o in outcomes:
        for f in o.applied if options.show_fixes else ():
            print(f"{o.report.path}:{f.line}: {verb} {f.code} {f.fix.title}", file=sys.stderr)
        for note in sorted({n for f in o.applied for n in f.fix.notes}):
            print(f"{o.report.path}: note: {note}", file=sys.stderr)

    report_stream = sys.stderr if stdin_fix else out
    quiet_text = options.diff or options.check_only  # the diff / the summary is the output
    if fmt == "json":
        report_stream.write(render_json(reports))
    elif fmt == "sarif":
        report_stream.write(render_sarif(reports))
    elif fmt == "github":
        report_stream.write(render_github(reports))
    elif not quiet_text:
        render_text(reports, color=_use_color(color, report_stream), file=report_stream)
    else:
        # The diff (or the summary) replaces the findings, not the errors: a file that could not
        # be read, parsed or fixed must say why, with its file:line:col, or exit 2 is a mystery.
        failed = [r for r in reports if r.error is not None]
        render_text(failed, color=_use_color(color, sys.stderr), file=sys.stderr)
    if statistics:  # machine-readable formats keep stdout parseable: counts go to stderr
        (report_stream if fmt == "text" else sys.stderr).write(render_statistics(reports))

    changed = sum(1 for o in outcomes if o.output is not None)
    remaining = sum(1 for o in outcomes for f in o.report.findings if f.severity >= o.threshold)
    errors = sum(1 for r in reports if r.error is not None) + len(missing)
    if options.fixing:
        verb = (
            "fixed"
            if options.fix and not (options.diff or options.check_only)
            else "would be fixed"
        )
        print(
            f"{changed} file{'s' if changed != 1 else ''} {verb}, "
            f"{remaining} finding{'s' if remaining != 1 else ''} left",
            file=sys.stderr,
        )
    if errors:
        return 2
    if options.diff or options.check_only:
        return 1 if changed and not exit_zero else 0
    if exit_zero:
        return 0
    return 1 if remaining else 0
