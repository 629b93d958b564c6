"""Deferred findings (``RuleContext.deferred_finding``) read exactly like eager ones.

DF107 words its message and builds its fix only when one of them is first read. These tests
lint every corpus and BuildKit conformance file with deferral on (``fast_paths``) and off
(settled at once, the general path) and require the same findings, messages and fixes byte for
byte, whichever field is read first; and a deferred finding pickles (``--jobs``), compares and
hashes as its settled values.
"""

from __future__ import annotations

import pickle

import pytest

from rewriter.parser import ParseError
from rewriter.rules.base import Applicability, Finding, Fix
from rewriter.rules.context import RuleContext
from rewriter.rules.engine import lint_source
from rewriter.textedit import Edit
from tests.rules.test_rule_shortcuts import _dockerfiles


def _lint(text: str, path, context_dir) -> list[Finding]:
    return lint_source(text, path=str(path), context_dir=context_dir).findings


def _fields(finding: Finding, fix_first: bool) -> tuple:
    fix = finding.fix if fix_first else None
    message = finding.message
    fix = finding.fix
    return (repr(finding), message, repr(fix), finding.secrets)


@pytest.mark.parametrize("fix_first", [False, True])
def test_deferred_findings_equal_eager_ones(monkeypatch: pytest.MonkeyPatch, fix_first) -> None:
    files = [(p, t) for p, t in _dockerfiles() if "RUN" in t.upper()]
    deferred_seen = 0
    for path, text in files:
        for context_dir in (path.parent, None):
            try:
                lazy = _lint(text, path, context_dir)
            except ParseError:  # tree-level: both paths raise it alike
                continue
            deferred_seen += sum(f._settle is not None for f in lazy)
            lazy_fields = [_fields(f, fix_first) for f in lazy]
            with monkeypatch.context() as m:
                m.setattr(RuleContext, "fast_paths", False)
                eager = _lint(text, path, context_dir)
            assert all(f._settle is None for f in eager)
            assert lazy_fields == [_fields(f, False) for f in eager]
            assert lazy == eager
    assert deferred_seen > 100


def _deferred(calls: list[int]) -> Finding:
    fix = Fix("Add a cache mount (/root/.npm)", (Edit(3, 3, "x"),), Applicability.SAFE, ("n",))

    def settle():
        calls.append(1)
        return "npm downloads", fix

    finding = Finding("DF107", "package-cache-without-mount", 2, "", 1, 1, 1, 4, 0, 3)
    finding.settle_later(settle)
    return finding


def test_a_deferred_finding_settles_once_and_reads_like_an_eager_one() -> None:
    calls: list[int] = []
    lazy = _deferred(calls)
    eager = Finding(
        "DF107", "package-cache-without-mount", 2, "npm downloads", 1, 1, 1, 4, 0, 3,
        fix=Fix("Add a cache mount (/root/.npm)", (Edit(3, 3, "x"),), Applicability.SAFE, ("n",)),
    )  # fmt: skip
    assert calls == []
    assert lazy == eager and hash(lazy) == hash(eager) and repr(lazy) == repr(eager)
    assert lazy.fix == eager.fix and lazy.message == "npm downloads"
    assert calls == [1]
    assert _deferred([]).replace(file="f") == eager.replace(file="f")
    assert _deferred([]).with_severity(3) == eager.with_severity(3)


def test_a_deferred_finding_pickles_as_its_values() -> None:
    calls: list[int] = []
    copy = pickle.loads(pickle.dumps(_deferred(calls)))
    assert calls == [1]
    assert copy._settle is None and copy.message == "npm downloads"
    assert copy.fix is not None and copy.fix.notes == ("n",)


def test_a_failing_settle_fails_again_on_the_next_read() -> None:
    finding = Finding("DF107", "x", 2, "", 1, 1, 1, 1)

    def settle():
        raise RuntimeError("boom")

    finding.settle_later(settle)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            _ = finding.message
