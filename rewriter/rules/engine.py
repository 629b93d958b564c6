"""Run the selected rules over one Dockerfile and return its findings.

The engine parses, builds a :class:`RuleContext`, runs each rule, applies config and inline
suppressions and severity overrides, and sorts the findings by position. A rule that crashes
is reported as a finding of its own (DF000) rather than hiding every other result.
"""

from __future__ import annotations

from pathlib import Path

from rewriter.config import Config
from rewriter.parser import Dockerfile, ParseError, parse
from rewriter.records import Record
from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext, Settings
from rewriter.rules.registry import select_rules
from rewriter.rules.suppressions import Suppressions, read_suppressions


class LintResult(Record, eq="mutable"):
    """What linting one file gave: its findings, or the parse error that stopped it."""

    __slots__ = ("error", "findings", "path", "source", "tree")

    def __init__(
        self,
        path: str | None,
        source: str,
        tree: Dockerfile | None,
        findings: list[Finding] | None = None,  # None: []
        error: ParseError | None = None,
    ):
        self.path = path
        self.source = source
        self.tree = tree
        self.findings = [] if findings is None else findings
        self.error = error


def lint_source(
    source: str,
    *,
    path: str | None = None,
    context_dir: Path | None = None,
    config: Config | None = None,
    tree: Dockerfile | None = None,
) -> LintResult:
    """Lint Dockerfile text. ``context_dir`` is the build context (None: no context checks).

    ``tree`` is ``parse(source)`` when the caller already has it (the fixer parses each pass's
    output to check it before linting it again), so the text is not parsed twice.
    """
    config = config or Config()
    if tree is None:
        try:
            tree = parse(source)
        except ParseError as exc:
            return LintResult(path, source, None, error=exc.with_file(path) if path else exc)
    suppressions = read_suppressions(tree)
    settings = Settings(legacy_builder=config.legacy_builder or suppressions.legacy_builder)
    ctx = RuleContext(source, tree, path=path, context_dir=context_dir, settings=settings)
    per_file = config.ignores_for(Path(path)) if path and config.per_file_ignores else ()
    rules = select_rules(list(config.select), [*config.ignore, *per_file])
    findings: list[Finding] = []
    for rule_cls in rules:
        findings.extend(_run_rule(rule_cls, ctx, path))
    if findings and (suppressions.any() or config.severity):
        findings = _filtered(findings, rules, suppressions, config)
    findings.sort(key=_position)
    return LintResult(path, source, tree, findings)


def _position(finding: Finding) -> tuple[int, int, str]:
    """The order findings are reported in."""
    return finding.line, finding.column, finding.code


def _filtered(
    findings: list[Finding], rules: list[type[Rule]], suppressions: Suppressions, config: Config
) -> list[Finding]:
    """The findings inline suppressions allow, with the configured severities (only called
    when the file has suppressions or the config overrides severities: else it keeps all)."""
    by_code = {r.code: r for r in rules}
    kept = []
    for f in findings:
        if not suppressions.allows(f, by_code.get(f.code)):
            continue
        if f.code in config.severity:
            f = f.with_severity(config.severity[f.code])
        kept.append(f)
    return kept


def _run_rule(rule_cls: type[Rule], ctx: RuleContext, path: str | None) -> list[Finding]:
    try:
        return list(rule_cls().check(ctx))
    except Exception as exc:
        line = ctx.tree.instructions[0].start_line if ctx.tree.instructions else 1
        return [
            Finding(
                code="DF000",
                name="internal-error",
                severity=Severity.ERROR,
                message=f"rule {rule_cls.code} failed: {type(exc).__name__}: {exc} (please report)",
                line=line,
                column=1,
                end_line=line,
                end_column=1,
                file=path,
            )
        ]
