"""Go's notion of whitespace and of JSON, where it differs from Python's.

BuildKit is written in Go. To split and trim exactly as ``docker build`` does we need Go's
``unicode.IsSpace`` (Python's ``str.isspace`` also treats ``\\x1c``-``\\x1f`` as space) and Go's
``encoding/json`` behaviour (no ``NaN``/``Infinity``; lone surrogates become U+FFFD).
"""

from __future__ import annotations

import json
import re

#: Go's unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property.
GO_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_CLASS = "".join(sorted(GO_SPACES)).replace("\\", "\\\\").replace("]", "\\]")
_LEADING_SPACE = re.compile(f"^[{_SPACE_CLASS}]+")
_TRAILING_SPACE = re.compile(f"[{_SPACE_CLASS}]+$")

#: BuildKit's reWhitespace: ``[\\t\\v\\f\\r ]+`` (ASCII only, no newline).
WHITESPACE_RUN = re.compile(r"[\t\v\f\r ]+")


def is_space(ch: str) -> bool:
    return ch in GO_SPACES


def is_space_byte(b: int) -> bool:
    """``unicode.IsSpace(rune(line[pos]))`` on a single byte, as BuildKit's flag scanner does."""
    return b in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0)


def trim_left(s: str) -> str:
    return _LEADING_SPACE.sub("", s, count=1) if s and s[0] in GO_SPACES else s


def trim_space(s: str) -> str:
    if s and s[0] in GO_SPACES:
        s = _LEADING_SPACE.sub("", s, count=1)
    if s and s[-1] in GO_SPACES:
        s = _TRAILING_SPACE.sub("", s, count=1)
    return s


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid JSON literal {name}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def go_json_array(text: str) -> list[object] | None:
    """Decode ``text`` the way Go's ``json.Unmarshal`` into ``[]any`` would, or None if invalid."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return [_SURROGATE.sub("\ufffd", item) if isinstance(item, str) else item for item in value]
