"""Go's slash-path helpers, as BuildKit applies them to build-context paths.

Why our own copy of these semantics: `.dockerignore` patterns and COPY/ADD sources are cleaned
with Go's ``path.Clean`` and matched with Go's ``filepath.Match``, and both differ from Python's
``posixpath.normpath`` and ``fnmatch`` in ways that change results (``normpath`` keeps a leading
``//``; ``fnmatch`` lets ``*`` cross ``/``, spells negation ``[!...]`` and never reports a malformed
pattern). Only the Unix flavour is modelled: the build context is always sent with ``/``.
"""

from __future__ import annotations

import functools
import re

__all__ = ["BadPattern", "clean", "glob_regex", "has_wildcards", "match", "validate_glob"]


class BadPattern(ValueError):
    """A pattern that Go's ``filepath.Match`` rejects with ``ErrBadPattern``."""


def clean(path: str) -> str:
    """Return the shortest equivalent of a slash path, exactly as Go's ``path.Clean`` does.

    Repeated slashes collapse, ``.`` elements go, ``x/..`` pairs cancel, ``..`` at the root of
    a rooted path is dropped, and an empty result becomes ``.`` (or ``/``).
    """
    if path == "":
        return "."
    # Already clean (the usual COPY source): no empty, "." or ".." element and no trailing
    # "/". Such elements can only start the text or follow a "/", which these tests catch.
    if "//" not in path and "/." not in path and path[0] != "." and path[-1] != "/":
        return path
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    body = "/".join(parts)
    if rooted:
        return "/" + body
    return body or "."


def has_wildcards(path: str) -> bool:
    """Whether a COPY source contains ``*``, ``?`` or ``[`` not escaped by a backslash.

    BuildKit uses this test to decide between a literal path (which must exist) and a glob
    (which may match nothing).
    """
    if "*" not in path and "?" not in path and "[" not in path:
        return False
    i = 0
    while i < len(path):
        char = path[i]
        if char == "\\":
            i += 2
            continue
        if char in "*?[":
            return True
        i += 1
    return False


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    """Read one (possibly escaped) character of a ``[...]`` class, with Go's error rules."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise BadPattern(f"syntax error in pattern {pattern!r}")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern(f"syntax error in pattern {pattern!r}")
    char = pattern[i]
    i += 1
    if i >= len(pattern):  # a class must still be closed after this character
        raise BadPattern(f"syntax error in pattern {pattern!r}")
    return char, i


def _translate_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate the class starting after ``[`` at index ``i``; return (regex, next index)."""
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    while True:
        if i < len(pattern) and pattern[i] == "]" and ranges:
            i += 1
            break
        low, i = _class_char(pattern, i)
        high = low
        if pattern[i] == "-":
            high, i = _class_char(pattern, i + 1)
        ranges.append((low, high))
    # Go accepts an inverted range such as [z-a] and it simply matches nothing; Python's re
    # rejects it, so such ranges are dropped here.
    usable = [(lo, hi) for lo, hi in ranges if lo <= hi]
    if not usable:
        return ("[\\s\\S]" if negated else "(?!)"), i
    body = "".join(
        re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}" for lo, hi in usable
    )
    return f"[{'^' if negated else ''}{body}]", i


@functools.lru_cache(maxsize=4096)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a ``filepath.Match`` pattern to an anchored regular expression.

    ``*`` is any run of non-``/`` characters, ``?`` one non-``/`` character, ``[...]``/``[^...]``
    a class (which, as in Go, may match ``/``), ``\\x`` a literal ``x``. The whole pattern is
    validated the way Go validates it, so a malformed pattern raises :class:`BadPattern` even
    where Go's matcher would have stopped early.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "\\":
            if i + 1 >= len(pattern):
                raise BadPattern(f"syntax error in pattern {pattern!r}")
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif char == "[":
            regex, i = _translate_class(pattern, i + 1)
            out.append(regex)
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def validate_glob(pattern: str) -> None:
    """Raise :class:`BadPattern` when Go's ``filepath.Match`` would reject ``pattern``."""
    glob_regex(pattern)


def match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match(pattern, name)`` on Unix (raises :class:`BadPattern`)."""
    return glob_regex(pattern).match(name) is not None
