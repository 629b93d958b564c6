"""Findings, fixes, edits and context objects keep the behaviour they had as dataclasses.

They are :class:`rewriter.records.Record` classes now (cheaper to create and to define at
import); these tests hold them to the frozen dataclasses they replaced: repr (secrets hidden),
equality, hashing, ordering, pickling for ``--jobs`` and ``.replace``.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field

import pytest

from rewriter.analyse.context.dockerignore import IgnorePattern
from rewriter.fixes.cache_mounts import CacheMount
from rewriter.rules.base import Applicability, Finding, Fix, Severity
from rewriter.rules.engine import lint_source
from rewriter.textedit import Edit


@dataclass(frozen=True)
class _DataclassFinding:  # the definition Finding had
    code: str
    name: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0
    fix: Fix | None = None
    file: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, order=True)
class _DataclassEdit:
    start: int
    end: int
    text: str = ""


def _finding(**changes: object) -> Finding:
    values: dict = dict(
        code="DF201", name="n", severity=Severity.ERROR, message="m", line=1, column=2,
        end_line=1, end_column=9, start=3, end=9,
        fix=Fix("t", (Edit(3, 9, "x"),), Applicability.UNSAFE, ("note",)), file="Dockerfile",
        secrets=("hunter22",),
    )  # fmt: skip
    values.update(changes)
    return Finding(**values)


def test_finding_repr_equality_and_hash_match_the_dataclass() -> None:
    finding = _finding()
    twin = _DataclassFinding(**{name: getattr(finding, name) for name in finding._fields})
    assert repr(finding) == repr(twin).replace("_DataclassFinding", "Finding")
    assert "hunter22" not in repr(finding)
    assert hash(finding) == hash(twin)
    assert finding == _finding() and finding != _finding(secrets=())
    assert finding != twin


def test_finding_copies_and_pickles() -> None:
    finding = _finding()
    assert finding.with_file("other").file == "other"
    assert finding.with_file("other").replace(file="Dockerfile") == finding
    assert finding.with_severity(Severity.INFO).severity is Severity.INFO
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert pickle.loads(pickle.dumps(finding)).secrets == ("hunter22",)


def test_real_findings_survive_pickle() -> None:
    source = "FROM python:3.12\nARG GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
    source += "RUN pip install -r requirements.txt\nRUN apt-get update && apt-get install -y curl\n"
    findings = lint_source(source, path="Dockerfile").findings
    assert findings and any(f.fix for f in findings)
    assert pickle.loads(pickle.dumps(findings)) == findings


@pytest.mark.parametrize(
    ("a", "b"),
    [((1, 2, "a"), (1, 2, "b")), ((1, 3), (1, 2)), ((0, 5), (1, 2)), ((2, 2, "x"), (2, 2, "x"))],
)
def test_edits_order_like_the_dataclass(a: tuple, b: tuple) -> None:
    ours, theirs = (Edit(*a), Edit(*b)), (_DataclassEdit(*a), _DataclassEdit(*b))
    for op in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__"):
        assert getattr(ours[0], op)(ours[1]) == getattr(theirs[0], op)(theirs[1]), op
    assert sorted([Edit(*b), Edit(*a)]) == sorted([Edit(*a), Edit(*b)])
    assert repr(Edit(*a)) == repr(_DataclassEdit(*a)).replace("_DataclassEdit", "Edit")
    assert hash(Edit(*a)) == hash(_DataclassEdit(*a))
    with pytest.raises(TypeError):
        _ = Edit(*a) < (1, 2, "")


def test_cache_mounts_order_by_fields() -> None:
    assert CacheMount("/a", "locked") < CacheMount("/b")
    assert sorted([CacheMount("/b"), CacheMount("/a", "locked")])[0].target == "/a"


def test_ignore_pattern_leaves_its_regex_out_of_equality_and_repr() -> None:
    with_regex = IgnorePattern("a*", False, 1, "a*", "regexp", _regex=re.compile("a.*"))
    without = IgnorePattern("a*", False, 1, "a*", "regexp")
    assert with_regex == without and hash(with_regex) == hash(without)
    assert repr(with_regex) == (
        "IgnorePattern(text='a*', exclusion=False, line=1, raw='a*', kind='regexp', "
        "error=None, regex_error=None)"
    )
    assert pickle.loads(pickle.dumps(with_regex))._regex == with_regex._regex
