"""Inline controls: ``# dfopt: ignore=...``, ``# hadolint ignore=...`` and ``# check=skip=...``.

- ``# dfopt: ignore=DF101,DF203`` on the comment line(s) right above an instruction silences
  those codes for that instruction (``# dfopt: ignore`` alone silences every code there);
- ``# dfopt: ignore-file`` (or ``ignore-file=DF101,...``) anywhere silences the whole file;
- ``# hadolint ignore=DL3008`` works like ``dfopt: ignore`` for the rules mapped to those codes,
  so files already annotated for hadolint keep working;
- the BuildKit ``# check=skip=StageNameCasing,...`` (or ``skip=all``) directive silences the
  rules mapped to those BuildKit checks;
- ``# dfopt: legacy-builder`` says the file must also build without BuildKit (no mount fixes).
"""

from __future__ import annotations

import re

from rewriter.parser import Comment, Dockerfile, Instruction
from rewriter.records import Record
from rewriter.rules.base import Finding, Rule

_DFOPT = re.compile(r"^#\s*dfopt:\s*(?P<body>.*)$", re.IGNORECASE)
_HADOLINT = re.compile(r"^#\s*hadolint\s+ignore=(?P<codes>[\w,\s-]+)$", re.IGNORECASE)
ALL = "*"


def _codes(text: str) -> set[str]:
    return {c.strip().upper() for c in text.split(",") if c.strip()}


class Suppressions(Record, eq="mutable"):
    """The inline ``# dfopt:``/``# hadolint`` comments and ``# check=skip`` of one file."""

    __slots__ = ("buildkit_skips", "by_line", "file_codes", "hadolint_by_line", "legacy_builder")

    def __init__(
        self,
        file_codes: set[str] | None = None,  # ALL for the whole file; None: empty
        by_line: dict[int, set[str]] | None = None,  # instruction lines -> codes; None: empty
        hadolint_by_line: dict[int, set[str]] | None = None,  # None: empty
        buildkit_skips: set[str] | None = None,  # None: empty
        legacy_builder: bool = False,
    ):
        self.file_codes = set() if file_codes is None else file_codes
        self.by_line = {} if by_line is None else by_line
        self.hadolint_by_line = {} if hadolint_by_line is None else hadolint_by_line
        self.buildkit_skips = set() if buildkit_skips is None else buildkit_skips
        self.legacy_builder = legacy_builder

    def any(self) -> bool:
        """Whether the file has any suppression at all (when not, every finding is allowed)."""
        return bool(self.file_codes or self.by_line or self.hadolint_by_line or self.buildkit_skips)

    def allows(self, finding: Finding, rule: type[Rule] | None) -> bool:
        if ALL in self.file_codes or finding.code in self.file_codes:
            return False
        codes = self.by_line.get(finding.line, set())
        if ALL in codes or finding.code in codes:
            return False
        if rule is not None:
            hadolint = self.hadolint_by_line.get(finding.line, set())
            if hadolint & {c.upper() for c in rule.hadolint}:
                return False
            skips = self.buildkit_skips
            if "ALL" in skips or skips & {c.upper() for c in rule.buildkit}:
                return False
        return True


def read_suppressions(tree: Dockerfile) -> Suppressions:
    result = Suppressions()
    check = tree.directive("check")
    if check:
        for part in check.value.split(";"):
            key, _, value = part.partition("=")
            if key.strip().lower() == "skip":
                result.buildkit_skips |= _codes(value)
    pending: set[str] = set()
    pending_hadolint: set[str] = set()
    for node in tree.nodes:
        if isinstance(node, Comment):
            text = node.text.strip()
            m = _DFOPT.match(text)
            if m:
                body = m.group("body").strip()
                key, _, value = body.partition("=")
                key = key.strip().lower()
                if key == "ignore-file":
                    result.file_codes |= _codes(value) if value.strip() else {ALL}
                elif key == "ignore":
                    pending |= _codes(value) if value.strip() else {ALL}
                elif key == "legacy-builder":
                    result.legacy_builder = True
                continue
            h = _HADOLINT.match(text)
            if h:
                pending_hadolint |= _codes(h.group("codes"))
            continue
        if not pending and not pending_hadolint:
            continue  # nothing to attach or to reset (most nodes)
        if isinstance(node, Instruction):
            lines = range(node.start_line, node.end_line + 1)
            for line in lines:
                if pending:
                    result.by_line.setdefault(line, set()).update(pending)
                if pending_hadolint:
                    result.hadolint_by_line.setdefault(line, set()).update(pending_hadolint)
        pending, pending_hadolint = set(), set()
    return result
