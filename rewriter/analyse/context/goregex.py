"""Translate the small Go-regexp dialect that `.dockerignore` patterns compile to into Python's.

Why this exists: BuildKit turns each `.dockerignore` pattern into a Go regular expression
(``moby/patternmatcher``), copying a backslash escape and the inside of ``[...]`` through
verbatim. Go's RE2 syntax and Python's ``re`` agree on most of that text but not all of it:
``\\d``/``\\s``/``\\w`` are ASCII-only in Go, Go has POSIX classes (``[[:alpha:]]``) and ``\\z``,
Go treats ``[`` inside a class as a plain character, and ``$`` in Python also matches before a
final newline. Translating token by token keeps such patterns matching what BuildKit matches,
and makes the ones Go refuses to compile fail here too.
"""

from __future__ import annotations

import re

__all__ = ["GoRegexError", "translate"]


class GoRegexError(ValueError):
    """The Go regexp compiler would reject this expression (BuildKit fails the build)."""


# Go's ASCII-only classes, as inclusive code point ranges.
_PERL_CLASSES: dict[str, tuple[tuple[int, int], ...]] = {
    "d": ((0x30, 0x39),),
    "s": ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)),
    "w": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
}

_POSIX_CLASSES: dict[str, tuple[tuple[int, int], ...]] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": ((0x30, 0x39),),
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}


def _ranges(ranges: tuple[tuple[int, int], ...], negated: bool) -> str:
    """Class-body text for code point ranges, or for their complement (for use inside [...])."""
    if negated:
        complement: list[tuple[int, int]] = []
        start = 0
        for low, high in ranges:
            if low > start:
                complement.append((start, low - 1))
            start = high + 1
        complement.append((start, 0x10FFFF))
        ranges = tuple(complement)
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


_CONTROL_ESCAPES = {"a": "\\a", "f": "\\f", "n": "\\n", "r": "\\r", "t": "\\t", "v": "\\v"}


def _escape_char(code: int) -> str:
    return re.escape(chr(code))


def _read_escape(src: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape whose backslash is at ``src[i]``; return (python text, next index)."""
    if i + 1 >= len(src):
        raise GoRegexError("trailing backslash at end of expression")
    char = src[i + 1]
    i += 2
    if not char.isascii():
        raise GoRegexError(f"invalid escape sequence \\{char}")
    if not char.isalnum():
        return re.escape(char), i
    if char in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[char], i
    if char.lower() in _PERL_CLASSES:
        body = _ranges(_PERL_CLASSES[char.lower()], negated=char.isupper())
        return (body if in_class else f"[{body}]"), i
    if char in "bBA" and not in_class:
        return "\\" + char, i
    if char == "z" and not in_class:
        return "\\Z", i
    if char == "x":
        if i < len(src) and src[i] == "{":
            end = src.find("}", i)
            digits = src[i + 1 : end] if end != -1 else ""
            if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise GoRegexError("invalid escape sequence \\x{")
            return _escape_char(int(digits, 16)), end + 1
        digits = src[i : i + 2]
        if len(digits) != 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise GoRegexError("invalid escape sequence \\x")
        return _escape_char(int(digits, 16)), i + 2
    if char in "01234567":
        # Go reads up to three octal digits; a lone \1..\7 would be a back-reference, which RE2
        # does not have.
        j = i
        while j < len(src) and j - i < 2 and src[j] in "01234567":
            j += 1
        if char != "0" and j == i:
            raise GoRegexError(f"invalid escape sequence \\{char}")
        return _escape_char(int(char + src[i:j], 8)), j
    raise GoRegexError(f"invalid or unsupported escape sequence \\{char}")


def _read_class(src: str, i: int) -> tuple[str, int]:
    """Translate a class whose ``[`` is at ``src[i]``; return (python text, next index)."""
    out = ["["]
    i += 1
    if i < len(src) and src[i] == "^":
        out.append("^")
        i += 1
    first = True
    while True:
        if i >= len(src):
            raise GoRegexError("missing closing ]")
        char = src[i]
        if char == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        first = False
        if char == "[" and src.startswith("[:", i):
            end = src.find(":]", i + 2)
            name = src[i + 2 : end] if end != -1 else None
            negated = bool(name) and name.startswith("^")
            key = name[1:] if negated and name else name
            if key in _POSIX_CLASSES:
                out.append(_ranges(_POSIX_CLASSES[key], negated))
                i = end + 2
                continue
            if name is not None:
                raise GoRegexError(f"invalid character class range [:{name}:]")
        if char == "\\":
            text, i = _read_escape(src, i, in_class=True)
            out.append(text)
            continue
        # '[' and Python's set-operation characters are plain members of a Go class.
        out.append(re.escape(char) if char in "[&~|" else char)
        i += 1


def translate(src: str) -> str:
    """Return a Python regular expression matching what the Go expression ``src`` matches.

    ``$`` becomes ``\\Z``: without the multi-line flag Go's ``$`` is the end of the text only.
    """
    out: list[str] = []
    i = 0
    while i < len(src):
        char = src[i]
        if char == "\\":
            text, i = _read_escape(src, i, in_class=False)
            out.append(text)
        elif char == "[":
            text, i = _read_class(src, i)
            out.append(text)
        elif char == "$":
            out.append("\\Z")
            i += 1
        else:
            out.append(char)
            i += 1
    result = "".join(out)
    try:
        re.compile(result)
    except re.error as error:  # e.g. an inverted range [z-a], which Go rejects as well
        raise GoRegexError(str(error)) from None
    return result
