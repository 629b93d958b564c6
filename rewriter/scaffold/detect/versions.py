"""Choose a base-image version from a version *range* (``engines.node``, ``requires-python``).

Images are tagged by major (node) or minor (python) release, so the question is never "is 18.17.1
allowed" but "does some release of node 18 satisfy this range". Each range is turned into
intervals of version tuples, and a candidate release line ``[X, X+1)`` is allowed when it overlaps
one of them. This covers npm's semver ranges (``^ ~ >= < x-ranges || hyphen``), PEP 440 specifiers
(``>= < == ~= != .*``) and Poetry's ``^``/``~``; anything unparseable returns ``None`` so that the
caller can warn and fall back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, int, int]
_INF: Version = (1 << 30, 0, 0)
_ZERO: Version = (0, 0, 0)


@dataclass(frozen=True)
class Interval:
    lo: Version
    lo_inc: bool
    hi: Version
    hi_inc: bool

    def intersect(self, other: Interval) -> Interval:
        lo, lo_inc = max((self.lo, not self.lo_inc), (other.lo, not other.lo_inc))
        hi, hi_inc = min((self.hi, self.hi_inc), (other.hi, other.hi_inc))
        return Interval(lo, not lo_inc, hi, hi_inc)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_inc and self.hi_inc))


EVERYTHING = Interval(_ZERO, True, _INF, False)
_PARTIAL = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+][0-9A-Za-z.-]*)?$")


def _parts(text: str) -> list[int] | None:
    """The numeric prefix of a (partial) version: ``18.x`` -> [18], ``*`` -> [], junk -> None."""
    match = _PARTIAL.match(text.strip())
    if not match:
        return None
    parts: list[int] = []
    for group in match.groups():
        if group is None or not group.isdigit():
            break
        parts.append(int(group))
    return parts


def _pad(parts: list[int]) -> Version:
    padded = [*parts, 0, 0, 0][:3]
    return (padded[0], padded[1], padded[2])


def _bump(parts: list[int]) -> Version:
    """The first version after the line ``parts``: [18] -> 19.0.0, [3, 11] -> 3.12.0."""
    if not parts:
        return _INF
    bumped = [*parts[:-1], parts[-1] + 1]
    return _pad(bumped)


def _xrange(parts: list[int]) -> Interval:
    if not parts:
        return EVERYTHING
    if len(parts) == 3:
        return Interval(_pad(parts), True, _pad(parts), True)
    return Interval(_pad(parts), True, _bump(parts), False)


def _comparator(op: str, parts: list[int]) -> Interval:
    """One comparator, npm or PEP 440 flavoured, as an interval."""
    full = len(parts) == 3
    if op in ("", "=", "==", "==="):
        return _xrange(parts)
    if op == ">=":
        return Interval(_pad(parts), True, _INF, False)
    if op == ">":
        # ">18" means "after every 18.x" in npm; "> 3.10" in PEP 440 still allows 3.10.1.
        return (
            Interval(_pad(parts), False, _INF, False)
            if full
            else Interval(_bump(parts), True, _INF, False)
        )
    if op == "<":
        return Interval(_ZERO, True, _pad(parts), False)
    if op == "<=":
        return (
            Interval(_ZERO, True, _pad(parts), True)
            if full
            else Interval(_ZERO, True, _bump(parts), False)
        )
    if op == "^":
        # Caret: same left-most non-zero part.
        nonzero = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        return Interval(_pad(parts), True, _bump(parts[: nonzero + 1]), False)
    if op in ("~", "~>"):
        return Interval(_pad(parts), True, _bump(parts[:2] if len(parts) > 1 else parts), False)
    if op == "~=":
        # PEP 440 compatible release: ~=3.11 -> >=3.11, ==3.*; ~=3.11.2 -> >=3.11.2, ==3.11.*
        return Interval(_pad(parts), True, _bump(parts[:-1] or parts), False)
    raise ValueError(op)


_COMPARATOR = re.compile(r"^(===|==|>=|<=|~=|~>|!=|[<>=^~])?\s*(.+)$")


def _conjunction(text: str, separators: str) -> list[Interval] | None:
    """An AND of comparators as a union of disjoint intervals, or None when unparseable.

    ``!=`` only excludes a release line when written with a wildcard (``!=3.9.*``): the interval
    is then split in two around the hole.
    """
    if " - " in text:
        low, _, high = text.partition(" - ")
        lo, hi = _parts(low), _parts(high)
        if lo is None or hi is None:
            return None
        upper = (
            Interval(_ZERO, True, _pad(hi), True)
            if len(hi) == 3
            else Interval(_ZERO, True, _bump(hi), False)
        )
        return [Interval(_pad(lo), True, _INF, False).intersect(upper)]
    pieces = [p for p in re.split(separators, text.strip()) if p]
    # Glue "op" and version written apart ("> = 3" is not valid, but ">= 3" is common).
    merged: list[str] = []
    for piece in pieces:
        if merged and re.fullmatch(r"(===|==|>=|<=|~=|~>|!=|[<>=^~])", merged[-1]):
            merged[-1] += piece
        else:
            merged.append(piece)
    current = [EVERYTHING]
    for piece in merged:
        match = _COMPARATOR.match(piece)
        if not match:
            return None
        op, version = match.group(1) or "", match.group(2)
        wildcard = version.endswith(".*")
        parts = _parts(version[:-2] if wildcard else version)
        if parts is None:
            return None
        if op == "!=":
            if not wildcard:
                continue  # excluding one patch release never rules out a whole image line
            hole = _xrange(parts)
            current = [
                piece
                for iv in current
                for piece in (
                    iv.intersect(Interval(_ZERO, True, hole.lo, False)),
                    iv.intersect(Interval(hole.hi, True, _INF, False)),
                )
                if not piece.empty
            ]
            continue
        if wildcard and op in ("", "=", "=="):
            op = ""
        bound = _comparator(op, parts)
        current = [iv.intersect(bound) for iv in current]
        current = [iv for iv in current if not iv.empty]
    return current


def parse_npm_range(text: str) -> list[Interval] | None:
    """npm semver range -> union of intervals, or None when it is not a range (a URL, a tag)."""
    result: list[Interval] = []
    for alternative in text.split("||"):
        intervals = _conjunction(alternative, r"\s+")
        if intervals is None:
            return None
        result.extend(intervals)
    return result


def parse_python_spec(text: str) -> list[Interval] | None:
    """PEP 440 specifier set or Poetry constraint -> union of intervals, or None."""
    result: list[Interval] = []
    for alternative in re.split(r"\|\|?", text):
        intervals = _conjunction(alternative, r"\s*,\s*|\s+")
        if intervals is None:
            return None
        result.extend(intervals)
    return result


def line_allowed(intervals: list[Interval], line: list[int]) -> bool:
    """Does some release of the line ``line`` ([22] or [3, 12]) fall inside ``intervals``?"""
    window = _xrange(line)
    return any(not iv.intersect(window).empty for iv in intervals)


def choose_line(
    intervals: list[Interval], candidates: list[list[int]], preferred: list[int]
) -> list[int] | None:
    """``preferred`` when allowed, else the newest allowed candidate, else None."""
    if line_allowed(intervals, preferred):
        return preferred
    for candidate in sorted(candidates, reverse=True):
        if line_allowed(intervals, candidate):
            return candidate
    return None
