"""Shell-pattern operations behind ``${V#p}``, ``${V%p}`` and ``${V/p/r}`` in BuildKit expansion.

BuildKit does not implement POSIX pattern matching directly: it translates the pattern into a
regular expression (``*`` and ``?`` are the only wildcards, there are no bracket expressions)
and lets Go's leftmost-first regexp engine pick the match. Suffix removal is done by reversing
both the value and the pattern so that "shortest/longest suffix" becomes a leftmost prefix
search. We follow the same construction because the *choice of match* is observable in the
result, and Python's ``re`` has the same leftmost-first semantics as Go's ``regexp`` for the
tiny regex dialect produced here. Where Go and Python differ (empty matches in replace-all, the
``$`` template syntax of ``ReplaceAllString``) we emulate Go explicitly.

The pattern language always uses backslash as its escape, whatever the Dockerfile's
``# escape=`` directive says: the lexer hands the pattern over with its escapes kept raw.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "PatternError",
    "compile_pattern",
    "replace_all",
    "replace_first",
    "reverse_pattern",
    "trim_prefix",
    "trim_suffix",
]


class PatternError(ValueError):
    """The pattern of a ``${V#p}``-style modifier is invalid (e.g. a dangling backslash)."""


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """Translate a BuildKit shell pattern to a compiled regex.

    ``greedy`` selects whether ``*`` prefers the longest (``##``, ``%%``, ``/``) or the
    shortest (``#``, ``%``) text. A backslash before ``}`` or ``/`` only protected that
    character from ending the ``${...}`` and is dropped; before ``*``, ``?`` or ``\\`` it makes
    the character literal; before anything else it is an error, exactly as in BuildKit.
    """
    star = ".*" if greedy else ".*?"
    parts: list[str] = ["^"] if anchored else []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            parts.append(star)
        elif ch == "?":
            parts.append(".")
        elif ch == "\\":
            following = pattern[i] if i < n else ""
            if following in ("}", "/"):
                continue  # the escape only guarded the ${...} syntax; the char comes next
            if following not in ("*", "?", "\\"):
                shown = following or "EOF"
                raise PatternError(f"invalid escape '\\{shown}'")
            parts.append(re.escape(following))
            i += 1
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def reverse_pattern(pattern: str) -> str:
    """Reverse a pattern while keeping each ``\\x`` escape pair in its original order.

    ``a\\*c`` becomes ``c\\*a``: the escaped star stays escaped after reversal. A trailing lone
    backslash is just reversed as a character (it then escapes whatever precedes it, which is
    what BuildKit does too).
    """
    out: list[str] = []
    i, last = 0, len(pattern) - 1
    while i <= last:
        ch = pattern[i]
        if ch == "\\" and i != last:
            out.append(ch + pattern[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    out.reverse()
    return "".join(out)


def trim_prefix(value: str, pattern: str, *, longest: bool) -> str:
    """``${V#p}`` / ``${V##p}``: drop the shortest/longest prefix of ``value`` matching ``p``."""
    match = compile_pattern(pattern, greedy=longest, anchored=True).match(value)
    return value[match.end() :] if match else value


def trim_suffix(value: str, pattern: str, *, longest: bool) -> str:
    """``${V%p}`` / ``${V%%p}``: drop the shortest/longest suffix of ``value`` matching ``p``."""
    reversed_value = value[::-1]
    trimmed = trim_prefix(reversed_value, reverse_pattern(pattern), longest=longest)
    return trimmed[::-1]


def replace_first(value: str, pattern: str, replacement: str) -> str:
    """``${V/p/r}``: replace the leftmost (greedy) match once; ``r`` is inserted literally."""
    match = compile_pattern(pattern, greedy=True, anchored=False).search(value)
    if match is None:
        return value
    return value[: match.start()] + replacement + value[match.end() :]


def replace_all(value: str, pattern: str, replacement: str) -> str:
    """``${V//p/r}``: replace every match the way Go's ``Regexp.ReplaceAllString`` does.

    Two Go behaviours differ from ``re.sub`` and are reproduced here: an empty match right
    after a previous match is not replaced (so ``*`` on ``abc`` yields one replacement, not
    two), and ``$0``/``${0}`` in the replacement insert the match while other ``$name``
    references (there are no capture groups) insert nothing and ``$$`` is a literal ``$``.
    """
    regex = compile_pattern(pattern, greedy=True, anchored=False)
    out: list[str] = []
    last_end = 0
    search_pos = 0
    length = len(value)
    while search_pos <= length:
        match = regex.search(value, search_pos)
        if match is None:
            break
        start, end = match.span()
        out.append(value[last_end:start])
        if end > last_end or start == 0:
            out.append(_expand_go_template(replacement, match.group(0)))
        last_end = end
        search_pos = max(search_pos + 1, end)
    out.append(value[last_end:])
    return "".join(out)


def _is_template_name_char(ch: str) -> bool:
    return ch.isalpha() or ch.isdecimal() or ch == "_"


def _expand_go_template(template: str, whole: str) -> str:
    """Expand a Go regexp replacement template for a regex that has no capture groups."""
    if "$" not in template:
        return template
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        dollar = template.find("$", i)
        if dollar < 0:
            break
        out.append(template[i:dollar])
        i = dollar + 1
        if i < n and template[i] == "$":
            out.append("$")
            i += 1
            continue
        braced = i < n and template[i] == "{"
        j = i + 1 if braced else i
        k = j
        while k < n and _is_template_name_char(template[k]):
            k += 1
        name = template[j:k]
        if not name or (braced and (k >= n or template[k] != "}")):
            out.append("$")  # malformed reference: the dollar stays literal
            continue
        i = k + 1 if braced else k
        if name == "0":
            out.append(whole)
        # any other group number or name does not exist and expands to nothing
    out.append(template[i:])
    return "".join(out)
