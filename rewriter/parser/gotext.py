"""Go's notion of whitespace and of JSON, where it differs from Python's.

BuildKit is written in Go. To split and trim exactly as ``docker build`` does we need Go's
``unicode.IsSpace`` (Python's ``str.isspace`` also treats ``\\x1c``-``\\x1f`` as space) and Go's
``encoding/json`` behaviour (no ``NaN``/``Infinity``; lone surrogates become U+FFFD).
"""

from __future__ import annotations

import re

#: Go's unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property.
GO_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: The same characters as one string, for ``str.strip`` (which removes any run of them).
GO_SPACE_CHARS = "".join(sorted(GO_SPACES))

#: BuildKit's reWhitespace: ``[\\t\\v\\f\\r ]+`` (ASCII only, no newline).
WHITESPACE_RUN = re.compile(r"[\t\v\f\r ]+")


def trim_left(s: str) -> str:
    """Go's ``strings.TrimLeftFunc(s, unicode.IsSpace)``."""
    return s.lstrip(GO_SPACE_CHARS)


def trim_space(s: str) -> str:
    """Go's ``strings.TrimSpace``."""
    return s.strip(GO_SPACE_CHARS)


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid JSON literal {name}")


_SURROGATE = (
    "[\ud800-\udfff]"  # compiled on first use (by ``re``'s cache): JSON is rarely non-ASCII
)


def go_json_array(text: str) -> list[object] | None:
    """Decode ``text`` the way Go's ``json.Unmarshal`` into ``[]any`` would, or None if invalid."""
    import json  # here, not at the top: only JSON-form instructions need it (start-up counts)

    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return [_go_string(item) if isinstance(item, str) else item for item in value]


def _go_string(item: str) -> str:
    """A decoded JSON string as Go has it: lone surrogates (from ``\\ud800`` escapes) are U+FFFD."""
    return item if item.isascii() else re.sub(_SURROGATE, "\ufffd", item)
