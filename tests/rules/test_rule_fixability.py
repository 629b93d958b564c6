"""Each rule's declared fixability (``Rule.fixes``, shown by ``dfopt rules``) is what it does.

The declaration is data that ``dfopt rules`` prints without running anything, so it could drift
from the code. Over every Dockerfile we have (with and without its build context), the fixes a
rule really offers must be of the kinds it declares, and every declared kind must really occur:
a rule that says "safe fix" and never offers one, or offers an unsafe one, fails here.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

import pytest

from rewriter.rules.base import Applicability
from rewriter.rules.engine import lint_source
from rewriter.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "buildkit-parser" / "testfiles"


@functools.cache
def offered_fixes() -> dict[str, set[Applicability]]:
    """Code -> the applicabilities of the fixes it offered over the corpus (with edits only)."""
    found: dict[str, set[Applicability]] = defaultdict(set)
    paths = sorted(p for p in (ROOT / "corpus").rglob("*Dockerfile") if p.is_file())
    paths += sorted(CONFORMANCE.glob("*/Dockerfile")) if CONFORMANCE.is_dir() else []
    for path in paths:
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        context = path.parent / "context"
        for context_dir in (None, context if context.is_dir() else path.parent):
            for finding in lint_source(source, context_dir=context_dir).findings:
                if finding.fix is not None and finding.fix.edits:
                    found[finding.code].add(finding.fix.applicability)
    return found


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_declared_fix_kinds_are_exactly_those_the_rule_offers(rule) -> None:
    offered = offered_fixes().get(rule.code, set())
    assert offered <= set(rule.fixes), f"{rule.code} offers {offered} but declares {rule.fixes}"
    assert set(rule.fixes) <= offered, (
        f"{rule.code} declares {rule.fixes}, never offered: {set(rule.fixes) - offered}"
        " (add a corpus case or fix the declaration)"
    )


def test_fix_summary_names_the_kinds_safest_first() -> None:
    kinds = {rule.code: rule.fix_summary() for rule in all_rules()}
    assert kinds["DF101"] == "safe or unsafe fix"
    assert kinds["DF108"] == "unsafe fix"
    assert kinds["DF408"] == "safe fix"
    assert kinds["DF205"] == ""
