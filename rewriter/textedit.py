"""Byte-range text edits, shared by the shell helpers, the rules and the fix engine.

An edit replaces ``text[start:end]`` with ``text``; several non-overlapping edits apply together.
One definition serves every layer (a shell-script edit and a Dockerfile edit are the same thing
at different offsets), so the fixer and the shell helpers cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable

from rewriter.records import FieldOrder, Record


class OverlapError(ValueError):
    """Two edits cover the same text: applying both has no single meaning."""


class Edit(FieldOrder, Record):
    """Replace ``source[start:end]`` with ``text`` (``""`` deletes, ``start == end`` inserts).

    Ordered by ``(start, end, text)``, as the ``order=True`` dataclass it was.
    """

    __slots__ = ("end", "start", "text")

    def __init__(self, start: int, end: int, text: str = ""):
        self.start = start
        self.end = end
        self.text = text

    @classmethod
    def insert(cls, at: int, text: str) -> Edit:
        return cls(at, at, text)

    @classmethod
    def delete(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text`` (in any order); raise OverlapError otherwise."""
    out: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise OverlapError(f"overlapping edits at offset {edit.start}")
        out.append(text[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)
