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
    except RecursionError:  # nested deeper than Python's decoder goes; Go's goes to 10,000
        value = _decode_deep_json(text)
    if not isinstance(value, list):
        return None
    return [_go_string(item) if isinstance(item, str) else item for item in value]


def _go_string(item: str) -> str:
    """A decoded JSON string as Go has it: lone surrogates (from ``\\ud800`` escapes) are U+FFFD."""
    return item if item.isascii() else re.sub(_SURROGATE, "\ufffd", item)


#: encoding/json's maxNestingDepth: Go reports deeper input as a syntax error.
GO_JSON_MAX_DEPTH = 10_000

#: One JSON token after optional blanks (compiled on first use, by ``re``'s cache: only
#: input nested past Python's recursion limit needs it).
_JSON_TOKEN = r"""[ \t\n\r]*(?:
        (?P<open>[\[{]) | (?P<close>[\]}]) | (?P<comma>,) | (?P<colon>:)
      | (?P<string>"(?:[^"\\\x00-\x1f]|\\.)*")
      | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
      | (?P<literal>true|false|null)
    )"""
_LITERALS = {"true": True, "false": False, "null": None}
_NOT_JSON = object()


def _decode_deep_json(text: str) -> object:
    """Decode JSON nested too deeply for ``json.loads`` with an explicit stack, as Go would:
    None (not JSON) when it is invalid or nested deeper than Go's limit.

    Only reached for pathological input (a thousand nested brackets), so it favours being
    obviously right over being fast: scalars are still decoded by ``json.loads``.
    """
    import json

    token_at = re.compile(_JSON_TOKEN, re.VERBOSE).match
    stack: list[list | dict] = []  # the open containers, innermost last
    keys: list[object] = []  # per open object: the key waiting for its value (or _NOT_JSON)
    expect = "value"  # what may come next: value(-or-close), key(-or-close), colon, comma-or-close
    result: object = _NOT_JSON
    pos = 0
    while True:
        match = token_at(text, pos)
        if match is None:
            break
        pos = match.end()
        kind = match.lastgroup
        token = match.group(kind)
        if kind == "open" and expect in ("value", "value-or-close"):
            if len(stack) == GO_JSON_MAX_DEPTH:
                return None
            container: list | dict = [] if token == "[" else {}
            stack.append(container)
            keys.append(_NOT_JSON)
            expect = "value-or-close" if token == "[" else "key-or-close"
            continue
        if (
            kind == "close"
            and stack
            and expect in ("value-or-close", "key-or-close", "comma-or-close")
        ):
            container = stack[-1]
            if (token == "]") != isinstance(container, list):
                return None
            stack.pop()
            keys.pop()
            value: object = container
        elif kind == "comma" and expect == "comma-or-close":
            expect = "value" if isinstance(stack[-1], list) else "key"
            continue
        elif kind == "colon" and expect == "colon":
            expect = "value"
            continue
        elif kind == "string" and expect in ("key", "key-or-close"):
            try:
                keys[-1] = _go_string(json.loads(token))
            except ValueError:
                return None
            expect = "colon"
            continue
        elif kind in ("string", "number", "literal") and expect in ("value", "value-or-close"):
            if kind == "literal":
                value = _LITERALS[token]
            else:
                try:
                    value = json.loads(token)
                except ValueError:
                    return None
                if kind == "string":
                    value = _go_string(value)
        else:
            return None
        # A complete value: store it in the container it belongs to, or it is the document.
        if not stack:
            result = value
            break
        parent = stack[-1]
        if isinstance(parent, list):
            parent.append(value)
        else:
            parent[keys[-1]] = value
        expect = "comma-or-close"
    if result is _NOT_JSON or text[pos:].strip(" \t\n\r"):
        return None
    return result
