"""Apply fixes until the file is stable, and prove the result before anyone writes it.

The loop (ruff's): lint, take the fixes allowed by the applicability threshold, apply those that
do not overlap (the others wait for the next pass), re-parse, re-lint, repeat. It stops when no
fix applies. Failing to converge within ``MAX_PASSES``, or producing text that does not parse,
is a bug in a rule: the engine raises :class:`FixError` and the caller leaves the file alone.
Before returning, it checks that the output re-parses to the same text and that one more run
changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from rewriter.config import Config
from rewriter.parser import ParseError, parse
from rewriter.records import Record
from rewriter.rules.base import Applicability, Edit, Finding
from rewriter.rules.engine import LintResult, lint_source
from rewriter.textedit import OverlapError
from rewriter.textedit import apply_edits as _apply

MAX_PASSES = 50


class FixError(RuntimeError):
    """The fixes could not be applied safely; nothing must be written."""


class FixResult(Record, eq="mutable"):
    __slots__ = ("applied", "error", "output", "passes", "remaining", "source")

    def __init__(
        self,
        source: str,
        output: str,
        applied: list[Finding] | None = None,  # findings whose fix was applied; None: []
        remaining: list[Finding] | None = None,  # findings in the fixed output; None: []
        passes: int = 0,
        error: ParseError | None = None,  # the input did not parse: nothing was done
    ):
        self.source = source
        self.output = output
        self.applied = [] if applied is None else applied
        self.remaining = [] if remaining is None else remaining
        self.passes = passes
        self.error = error

    @property
    def changed(self) -> bool:
        return self.output != self.source


def apply_edits(source: str, edits: list[Edit]) -> str:
    """Apply one pass of edits; overlapping edits are a rule bug and stop the fix."""
    try:
        return _apply(source, edits)
    except OverlapError as exc:
        raise FixError(str(exc)) from None


def _choose(findings: list[Finding], threshold: Applicability) -> list[Finding]:
    """Fixable findings whose edit ranges neither overlap nor touch, in source order.

    Ranges that merely touch (an insertion at the offset where another fix starts or ends) are
    also kept apart: the order of the two texts would otherwise be arbitrary. The fix that waits
    is re-derived by its rule on the next pass, against the updated text.
    """
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    candidates = [f for f in findings if f.fix and f.fix.applicability >= threshold and f.fix.edits]
    for f in sorted(candidates, key=lambda f: (f.fix.span, f.code)):  # type: ignore[union-attr]
        start, end = f.fix.span  # type: ignore[union-attr]
        if any(start <= t_end and t_start <= end for t_start, t_end in taken):
            continue
        chosen.append(f)
        taken.append((start, end))
    return chosen


def _lint(text: str, path, context_dir, config, tree=None) -> LintResult:
    return lint_source(text, path=path, context_dir=context_dir, config=config, tree=tree)


def fix_source(
    source: str,
    *,
    path: str | None = None,
    context_dir: Path | None = None,
    config: Config | None = None,
    unsafe: bool = False,
) -> FixResult:
    """Fix ``source``; raises FixError when the result cannot be trusted."""
    threshold = Applicability.UNSAFE if unsafe else Applicability.SAFE
    result = _lint(source, path, context_dir, config)
    if result.error is not None:
        return FixResult(source, source, error=result.error)
    text = source
    applied: list[Finding] = []
    passes = 0
    while True:
        passes += 1
        chosen = _choose(result.findings, threshold)
        if not chosen:
            break
        if passes > MAX_PASSES:  # checked after `chosen`: a file settled by the last pass is done
            still = ", ".join(sorted({f.code for f in chosen}))
            raise FixError(
                f"fixes did not converge after {MAX_PASSES} passes; still firing: {still} "
                "(please report this file)"
            )
        edits = [e for f in chosen for e in f.fix.edits]  # type: ignore[union-attr]
        new_text = apply_edits(text, edits)
        try:
            new_tree = parse(new_text)
        except ParseError as exc:
            codes = ", ".join(sorted({f.code for f in chosen}))
            raise FixError(
                f"fixes for {codes} produced a file that does not parse: {exc}"
            ) from None
        applied.extend(chosen)
        if new_text == text:
            break
        text = new_text
        result = _lint(text, path, context_dir, config, new_tree)  # the tree just checked
        if result.error is not None:
            raise FixError(f"fixed output does not lint: {result.error}")
    # ``result`` is the lint of ``text``, and its tree the parse of ``text`` (rules only read
    # trees): the round trip needs no third parse.
    assert result.tree is not None
    if result.tree.to_source() != text:
        raise FixError("fixed output does not round-trip through the parser (please report)")
    if _choose(result.findings, threshold):
        raise FixError("a second fix pass would change the file again (please report)")
    return FixResult(source, text, applied, result.findings, passes)
