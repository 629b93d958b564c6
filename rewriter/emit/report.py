"""Finding reports: text (with a code frame), JSON, SARIF 2.1.0 and GitHub Actions annotations.

JSON schema (stable; ``version`` changes if it ever must)::

    {"version": 1,
     "findings": [{"file", "code", "name", "severity", "message", "line", "column",
                   "end_line", "end_column",
                   "fix": null | {"title", "applicability", "notes": [...]}}],
     "errors": [{"file", "line", "column", "message"}],
     "summary": {"files", "findings", "fixable", "errors", "by_code": {"DF101": 2}}}

Every message passes through the secret masker: a finding that knows a secret value never lets
it reach the output.
"""

from __future__ import annotations

import json
from collections import Counter

from rewriter.parser import ParseError
from rewriter.parser.scanner import split_lines
from rewriter.records import Record
from rewriter.rules.base import Applicability, Finding, Severity, mask_text


class FileReport(Record, eq="mutable"):
    """What is reported for one file: its findings, or the error that stopped it."""

    __slots__ = ("error", "findings", "fixed", "path", "source")

    def __init__(
        self,
        path: str,
        source: str = "",
        findings: list[Finding] | None = None,
        error: ParseError | Exception | None = None,
        fixed: bool = False,  # the file was (or would be) changed by --fix
    ) -> None:
        self.path = path
        self.source = source
        self.findings = [] if findings is None else findings
        self.error = error
        self.fixed = fixed


def _secrets(reports: list[FileReport]) -> list[str]:
    return [s for r in reports for f in r.findings for s in f.secrets]


def _error_dict(report: FileReport) -> dict:
    err = report.error
    if isinstance(err, ParseError):
        return {"file": report.path, "line": err.line, "column": err.column, "message": err.message}
    return {"file": report.path, "line": 1, "column": 1, "message": str(err)}


def _fix_dict(f: Finding) -> dict | None:
    if f.fix is None:
        return None
    return {
        "title": f.fix.title,
        "applicability": str(f.fix.applicability),
        "notes": list(f.fix.notes),
    }


def summary(reports: list[FileReport]) -> dict:
    findings = [f for r in reports for f in r.findings]
    return {
        "files": len(reports),
        "findings": len(findings),
        "fixable": sum(
            1 for f in findings if f.fix and f.fix.applicability >= Applicability.UNSAFE
        ),
        "errors": sum(1 for r in reports if r.error is not None),
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
    }


def render_json(reports: list[FileReport]) -> str:
    secrets = _secrets(reports)
    data = {
        "version": 1,
        "findings": [
            {
                "file": r.path,
                "code": f.code,
                "name": f.name,
                "severity": str(f.severity),
                "message": mask_text(f.message, secrets),
                "line": f.line,
                "column": f.column,
                "end_line": f.end_line,
                "end_column": f.end_column,
                "fix": _fix_dict(f),
            }
            for r in reports
            for f in r.findings
        ],
        "errors": [_error_dict(r) for r in reports if r.error is not None],
        "summary": summary(reports),
    }
    return mask_text(json.dumps(data, indent=2, ensure_ascii=False), secrets) + "\n"


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}


def render_sarif(reports: list[FileReport]) -> str:
    from rewriter import __version__
    from rewriter.rules.registry import all_rules

    secrets = _secrets(reports)
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for r in reports:
        for f in r.findings:
            result = {
                "ruleId": f.code,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": mask_text(f.message, secrets)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.path.replace("\\", "/")},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": max(f.end_column, 1),
                            },
                        }
                    }
                ],
            }
            if f.code in index:
                result["ruleIndex"] = index[f.code]
            results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": _error_dict(r)["message"]},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": r.path.replace("\\", "/")}}}
            ],
        }
        for r in reports
        if r.error is not None
    ]
    run = {
        "tool": {
            "driver": {
                "name": "dfopt",
                "version": __version__,
                "informationUri": "https://pypi.org/project/dfopt/",
                "rules": [
                    {
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": {"text": rule.summary()},
                        "fullDescription": {"text": (rule.__doc__ or rule.name).strip()},
                        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                    }
                    for rule in rules
                ],
            }
        },
        "results": results,
        "invocations": [
            {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
        ],
    }
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return mask_text(json.dumps(log, indent=2, ensure_ascii=False), secrets) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(reports: list[FileReport]) -> str:
    secrets = _secrets(reports)
    out = []
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    for r in reports:
        if r.error is not None:
            e = _error_dict(r)
            out.append(
                f"::error file={_gh_escape(r.path, prop=True)},line={e['line']},col={e['column']}"
                f"::{_gh_escape(e['message'])}"
            )
        for f in r.findings:
            out.append(
                f"::{level.get(f.severity, 'notice')} file={_gh_escape(r.path, prop=True)},"
                f"line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column},"
                f"title={_gh_escape(f.code + ' ' + f.name, prop=True)}"
                f"::{_gh_escape(mask_text(f.message, secrets))}"
            )
    return "".join(line + "\n" for line in out)


_SEVERITY_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
    Severity.STYLE: "magenta",
}


def _text_lines(reports: list[FileReport], show_source: bool):
    """The text report as lines of ``(text, style)`` segments, for plain or coloured output."""
    secrets = _secrets(reports)
    for r in reports:
        if r.error is not None:
            e = _error_dict(r)
            yield [
                (f"{r.path}:{e['line']}:{e['column']}: ", "bold"),
                ("error: ", "bold red"),
                (e["message"], ""),
            ]
            continue
        lines = split_lines(r.source) if show_source else []
        for f in r.findings:
            style = _SEVERITY_STYLE[f.severity]
            fixable = f.fix is not None and f.fix.applicability >= Applicability.UNSAFE
            yield [
                (f"{r.path}:{f.line}:{f.column}: ", "bold"),
                (f.code, style),
                (" [*]" if fixable else "", "green"),
                (f" {mask_text(f.message, secrets)}", ""),
            ]
            if show_source and 0 < f.line <= len(lines):
                src = mask_text(lines[f.line - 1].rstrip("\r\n").lstrip("\ufeff"), secrets)
                yield [(f"  {f.line:>4} | ", "dim"), (src, "")]
                same_line = f.end_line == f.line
                width = (f.end_column - f.column) if same_line else len(src) - f.column + 1
                yield [("       | ", "dim"), (" " * (f.column - 1) + "^" * max(1, width), style)]
            if fixable:
                kind = "" if f.fix.applicability == Applicability.SAFE else " (unsafe)"
                yield [(f"       = fix{kind}: {f.fix.title}", "green")]


def render_text(reports: list[FileReport], *, color: bool, file, show_source: bool = True) -> None:
    """ruff-style text: ``path:line:col: CODE message`` and the source line with a marker.

    Plain output (a pipe, ``NO_COLOR``) is written directly; rich is loaded only for colour.
    """
    if not color:
        for segments in _text_lines(reports, show_source):
            file.write("".join(text for text, _ in segments) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file, force_terminal=True, highlight=False, soft_wrap=True)
    for segments in _text_lines(reports, show_source):
        line = Text()
        for text, style in segments:
            line.append(text, style=style)
        console.print(line)


def render_statistics(reports: list[FileReport]) -> str:
    findings = [f for r in reports for f in r.findings]
    counts = Counter((f.code, f.name) for f in findings)
    fixable = Counter(
        f.code for f in findings if f.fix and f.fix.applicability >= Applicability.UNSAFE
    )
    rows = [
        f"{count:>5}  {code}  {name}{'  [*]' if fixable[code] else ''}"
        for (code, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return "".join(row + "\n" for row in rows)
