"""Shared helpers for rule tests and the rule corpus (``corpus/rules/<CODE>-<slug>/``).

A corpus case folder holds ``Dockerfile``, optionally ``context/`` (the build context to lint
with), ``expected-findings.json`` (every finding of every rule: ``[{"code", "line"}]``), and
optionally ``expected-fixed.Dockerfile`` (safe fixes) and ``expected-fixed-unsafe.Dockerfile``.
``DFOPT_UPDATE_CORPUS=1`` rewrites the expected files from the current output (review the diff!).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rewriter.fixes.engine import FixResult, fix_source
from rewriter.rules.base import Finding
from rewriter.rules.engine import lint_source
from tests.conftest import CORPUS

RULES_CORPUS = CORPUS / "rules"
UPDATE = os.environ.get("DFOPT_UPDATE_CORPUS") == "1"


def lint(source: str, context_dir: Path | None = None, **kw) -> list[Finding]:
    result = lint_source(source, context_dir=context_dir, **kw)
    assert result.error is None, result.error
    return result.findings


def codes(source: str, context_dir: Path | None = None, **kw) -> list[str]:
    return [f.code for f in lint(source, context_dir, **kw)]


def fix(source: str, context_dir: Path | None = None, *, unsafe: bool = False) -> FixResult:
    """Fix, and assert the invariants every fix must keep (stable on a second pass)."""
    first = fix_source(source, context_dir=context_dir, unsafe=unsafe)
    second = fix_source(first.output, context_dir=context_dir, unsafe=unsafe)
    assert second.output == first.output, "a second --fix pass changed the file"
    return first


def corpus_cases() -> list[Path]:
    if not RULES_CORPUS.is_dir():
        return []
    return sorted(p for p in RULES_CORPUS.iterdir() if (p / "Dockerfile").is_file())


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def check_corpus_case(case: Path) -> None:
    source = _read(case / "Dockerfile")
    context = case / "context" if (case / "context").is_dir() else None
    findings = [{"code": f.code, "line": f.line} for f in lint(source, context)]
    expected_path = case / "expected-findings.json"
    if UPDATE:
        _write(expected_path, json.dumps(findings, indent=2) + "\n")
    assert expected_path.is_file(), f"{case.name}: expected-findings.json is missing"
    assert findings == json.loads(_read(expected_path)), f"{case.name}: findings differ"
    for unsafe, name in (
        (False, "expected-fixed.Dockerfile"),
        (True, "expected-fixed-unsafe.Dockerfile"),
    ):
        target = case / name
        if not target.is_file() and not UPDATE:
            continue
        output = fix(source, context, unsafe=unsafe).output
        if UPDATE and (target.is_file() or output != source):
            _write(target, output)
        if target.is_file():
            assert output == _read(target), f"{case.name}: {name} differs"
