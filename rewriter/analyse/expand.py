"""BuildKit word expansion: the ARG/ENV substitution ``docker build`` applies to FROM, COPY/ADD,
ENV, WORKDIR, USER, EXPOSE, LABEL, ... (not to RUN, whose text the container's shell expands).

This is our own re-implementation of the rules of BuildKit's shell lexer, written so that the
analyser can predict what BuildKit will see: which image a ``FROM ${BASE}`` resolves to, which
ARGs a stage really depends on, which variables are used but never defined.

Rules reproduced (they differ from a POSIX shell in places, and the differences are the point):

* quotes are removed; ``'...'`` is literal; inside ``"..."`` only ``$``, ``"`` and the escape
  character can be escaped, any other escape stays literal;
* outside quotes the escape character (``\\`` or, with ``# escape=`````, a backtick) makes the
  next character literal; a trailing lone escape is dropped;
* ``$name``, ``${name}``, ``${name:-w}``, ``${name-w}``, ``${name:+w}``, ``${name+w}``,
  ``${name:?w}``, ``${name?w}``, ``${name#p}``, ``${name##p}``, ``${name%p}``, ``${name%%p}``,
  ``${name/p/r}`` and ``${name//p/r}``; names are letters/digits/underscore, a run of digits
  (positional parameter) or one special parameter (``@*#?-$!0``), which are never set;
* the word of a modifier is always expanded first, even when it is not used (so
  ``${SET:-${UNSET?}}`` fails, as it does in BuildKit);
* a ``$`` not followed by a name is literal; ``${}``, ``${:x}``, ``${{x}`` are errors, and so is
  any modifier not in the list (``${A:=x}``).

A key missing from ``env`` means *unset*; a key mapped to ``""`` means *set but empty*. With
``windows=True`` names match keys case-insensitively, as BuildKit does for Windows images.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

from rewriter.analyse.expand_pattern import (
    PatternError,
    replace_all,
    replace_first,
    trim_prefix,
    trim_suffix,
)

__all__ = [
    "Expansion",
    "ExpansionError",
    "expand",
    "expand_word",
    "expand_words",
    "referenced_names",
    "unmatched_names",
]

#: Characters Go's ``unicode.IsSpace`` accepts; BuildKit splits words on exactly these.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_ESCAPES = ("\\", "`")
_ASCII_NAME = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(f"[{re.escape(GO_SPACE)}]+")

Lookup = Callable[[str], "str | None"]


class ExpansionError(ValueError):
    """BuildKit would reject the word; ``reason`` says why, ``word`` is the input.

    ``str(error)`` reads like BuildKit's own message: ``failed to process "<word>": <reason>``.
    """

    def __init__(self, reason: str, word: str = "") -> None:
        self.reason = reason
        self.word = word
        super().__init__(f"failed to process {word!r}: {reason}" if word else reason)


@dataclass(frozen=True, slots=True)
class Expansion:
    """Everything one expansion reveals.

    ``value`` is ProcessWord's result, ``words`` ProcessWords' fields; ``matched`` and
    ``unmatched`` are the referenced names that were / were not defined in ``env``, each in
    order of first appearance.
    """

    value: str
    words: tuple[str, ...]
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]


def expand_word(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> str:
    """Expand ``word`` as BuildKit's ``ProcessWord`` does (quotes removed, variables substituted).

    Raises :class:`ExpansionError` where BuildKit fails the build.
    """
    lexer = _Lexer(word, _make_lookup(env, windows), escape)
    return lexer.run(split=False)[0]


def expand_words(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> list[str]:
    """Expand and split ``word`` into fields as BuildKit's ``ProcessWords`` does.

    Fields break on unquoted, unescaped whitespace, including whitespace that a ``$VAR``
    expands to; quoted text never splits, and an empty quoted string yields no field.
    """
    lexer = _Lexer(word, _make_lookup(env, windows), escape)
    return list(lexer.run(split=True)[1])


def expand(
    word: str,
    env: Mapping[str, str],
    escape: str = "\\",
    *,
    windows: bool = False,
    keep_unset: bool = False,
) -> Expansion:
    """Expand ``word`` once and report the value, the fields and which names were defined.

    ``keep_unset=True`` is BuildKit's ``SkipUnsetEnv`` mode: a reference to an unset variable is
    left in the text (``$X``, ``${X}``, ``${X:-w}`` with ``w`` already expanded) instead of being
    replaced, which lets a rewriter substitute only what it knows. One deliberate deviation:
    a kept ``${X//p/r}`` keeps both slashes (BuildKit drops one, turning it into ``${X/p/r}``).
    """
    lookup = _make_lookup(env, windows)
    lexer = _Lexer(word, lookup, escape, keep_unset=keep_unset)
    value, words = lexer.run(split=True)
    names = lexer.names()
    matched = tuple(name for name in names if lookup(name) is not None)
    unmatched = tuple(name for name in names if lookup(name) is None)
    return Expansion(value, words, matched, unmatched)


def referenced_names(word: str, escape: str = "\\") -> list[str]:
    """Names of the variables ``word`` references, in order of first appearance, no repeats.

    Never raises on malformed input: a syntax error ends the scan and the names seen up to it
    (including the one being parsed) are returned. Positional and special parameters (``$1``,
    ``$@``) are included because BuildKit looks them up too; the empty name of ``${/a/b}`` is not.
    """
    lexer = _Lexer(word, _unset, escape, lenient=True)
    with suppress(ExpansionError):  # a syntax error only ends the scan
        lexer.run(split=False)
    return lexer.names()


def unmatched_names(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> list[str]:
    """The referenced names that ``env`` does not define (the "undefined variable" candidates).

    Like :func:`referenced_names` this never raises; a name set to ``""`` counts as defined.
    """
    lookup = _make_lookup(env, windows)
    return [name for name in referenced_names(word, escape) if lookup(name) is None]


def _unset(_name: str) -> str | None:
    return None


def _make_lookup(env: Mapping[str, str], windows: bool) -> Lookup:
    """Return ``name -> value or None``; on Windows, keys compare case-insensitively."""
    if not windows:
        return env.get
    folded: dict[str, str] | None = None

    def lookup(name: str) -> str | None:
        nonlocal folded
        value = env.get(name)
        if value is not None:
            return value
        if folded is None:
            folded = {}
            for key, val in env.items():
                folded.setdefault(key.upper(), val)
        return folded.get(name.upper())

    return lookup


@lru_cache(maxsize=64)
def _specials(escape: str, stop: str, split: bool, quoted: bool) -> re.Pattern[str]:
    """Regex finding the next character the lexer must look at; everything else is copied."""
    chars = {"$", escape}
    if quoted:
        chars.add('"')
    else:
        chars.update("'\"")
        if stop:
            chars.add(stop)
        if split:
            chars.update(GO_SPACE)
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or ch.isdecimal() or ch == "_"


class _Fields:
    """Accumulates ProcessWords fields: literal text joins the current field, whitespace from
    unquoted text or from a ``$VAR`` value ends it, and quoted text is always literal."""

    __slots__ = ("current", "fields", "in_field")

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.current: list[str] = []
        self.in_field = False

    def literal(self, text: str) -> None:
        if text:
            self.current.append(text)
        self.in_field = True

    def space(self) -> None:
        # BuildKit keeps "in a field" after an empty quoted string but emits nothing for it.
        if self.in_field and self.current:
            self.fields.append("".join(self.current))
            self.current = []
            self.in_field = False

    def splittable(self, text: str) -> None:
        for index, piece in enumerate(_SPACE_RUN.split(text)):
            if index:
                self.space()
            if piece:
                self.literal(piece)

    def finish(self) -> tuple[str, ...]:
        if self.current:
            self.fields.append("".join(self.current))
            self.current = []
            self.in_field = False
        return tuple(self.fields)


class _Lexer:
    """One pass over one word. Positions index ``text``; methods consume from ``pos``."""

    __slots__ = ("escape", "keep_unset", "lenient", "lookup", "pos", "refs", "text")

    def __init__(
        self,
        text: str,
        lookup: Lookup,
        escape: str = "\\",
        *,
        keep_unset: bool = False,
        lenient: bool = False,
    ) -> None:
        if escape not in _ESCAPES:
            raise ValueError(f"escape must be '\\' or '`', not {escape!r}")
        self.text = text
        self.lookup = lookup
        self.escape = escape
        self.keep_unset = keep_unset
        self.lenient = lenient  # referenced_names: only syntax errors stop the scan
        self.pos = 0
        self.refs: dict[str, None] = {}

    def names(self) -> list[str]:
        return list(self.refs)

    def fail(self, reason: str) -> ExpansionError:
        return ExpansionError(reason, self.text)

    def run(self, *, split: bool) -> tuple[str, tuple[str, ...]]:
        fields = _Fields() if split else None
        value = self.until("", raw=False, fields=fields)
        return value, (fields.finish() if fields is not None else ())

    def until(self, stop: str, *, raw: bool, fields: _Fields | None) -> str:
        """Expand up to (and consuming) ``stop``, or to the end when ``stop`` is empty.

        ``raw`` keeps escape characters in the output: BuildKit does this for pattern words
        (``#``, ``%``, ``/``) so the pattern can still tell ``\\*`` from ``*``.
        """
        text, escape = self.text, self.escape
        end = len(text)
        find = _specials(escape, stop, fields is not None, False).search
        out: list[str] = []
        while True:
            match = find(text, self.pos)
            if match is None:
                chunk = text[self.pos :]
                self.pos = end
                out.append(chunk)
                if fields is not None and chunk:
                    fields.literal(chunk)
                break
            start = match.start()
            if start > self.pos:
                chunk = text[self.pos : start]
                out.append(chunk)
                if fields is not None:
                    fields.literal(chunk)
            self.pos = start
            ch = text[start]
            if ch == stop:
                self.pos += 1
                return "".join(out)
            if ch == "$":
                value = self.dollar()
                out.append(value)
                if fields is not None:
                    fields.splittable(value)
            elif ch == "'":
                value = self.single_quoted()
                out.append(value)
                if fields is not None:
                    fields.literal(value)
            elif ch == '"':
                value = self.double_quoted(raw)
                out.append(value)
                if fields is not None:
                    fields.literal(value)
            elif ch == escape:
                self.pos += 1
                if raw:
                    out.append(escape)
                    if fields is not None:
                        fields.literal(escape)
                if self.pos >= end:
                    break  # a trailing escape is dropped
                escaped = text[self.pos]
                self.pos += 1
                out.append(escaped)
                if fields is not None:
                    fields.literal(escaped)
            else:  # unquoted whitespace, only a special character when splitting
                self.pos += 1
                out.append(ch)
                if fields is not None:
                    fields.space()
        if stop:
            raise self.fail(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out)

    def single_quoted(self) -> str:
        close = self.text.find("'", self.pos + 1)
        if close < 0:
            self.pos = len(self.text)
            raise self.fail("unexpected end of statement while looking for matching single-quote")
        value = self.text[self.pos + 1 : close]
        self.pos = close + 1
        return value

    def double_quoted(self, raw: bool) -> str:
        text, escape = self.text, self.escape
        end = len(text)
        find = _specials(escape, "", False, True).search
        out: list[str] = []
        self.pos += 1
        while True:
            match = find(text, self.pos)
            if match is None:
                self.pos = end
                raise self.fail(
                    "unexpected end of statement while looking for matching double-quote"
                )
            start = match.start()
            out.append(text[self.pos : start])
            self.pos = start
            ch = text[start]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            # the escape character: it only escapes ", $ and itself inside double quotes
            self.pos += 1
            if raw:
                out.append(escape)
            if self.pos >= end:
                continue
            following = text[self.pos]
            if following in ('"', "$", escape):
                out.append(following)
                self.pos += 1
            else:
                out.append(escape)

    def name(self) -> str:
        """Read a parameter name: a digit run, one special character, or a word of letters,
        digits and underscores (Unicode letters included, as in Go's ``unicode.IsLetter``)."""
        text, pos = self.text, self.pos
        end = len(text)
        if pos >= end:
            return ""
        first = text[pos]
        if first.isdecimal():
            stop = pos + 1
            while stop < end and text[stop].isdecimal():
                stop += 1
        elif first in _SPECIAL_PARAMS:
            stop = pos + 1
        else:
            stop = _ASCII_NAME.match(text, pos).end()
            while stop < end and not text[stop].isascii() and _is_name_char(text[stop]):
                stop = _ASCII_NAME.match(text, stop + 1).end()
        self.pos = stop
        return text[pos:stop]

    def reference(self, name: str) -> str | None:
        if name:
            self.refs.setdefault(name, None)
        return self.lookup(name)

    def dollar(self) -> str:
        text = self.text
        end = len(text)
        self.pos += 1  # the $
        if self.pos >= end or text[self.pos] != "{":
            name = self.name()
            if not name:
                return "$"
            value = self.reference(name)
            if value is None:
                return "$" + name if self.keep_unset else ""
            return value

        self.pos += 1  # the {
        if self.pos >= end:
            raise self.fail("missing '}'")
        if text[self.pos] in "{}:":
            raise self.fail("bad substitution")
        name = self.name()
        if name:
            self.refs.setdefault(name, None)
        if self.pos >= end:
            raise self.fail("missing '}'")
        op = text[self.pos]
        self.pos += 1
        if op == "}":
            value = self.reference(name)
            if value is None:
                return "${" + name + "}" if self.keep_unset else ""
            return value
        if op == "/":
            return self.substitute(name)

        modifier = op
        null_is_unset = op == ":"
        if null_is_unset:
            if self.pos >= end:
                raise self.fail("missing '}'")
            op = text[self.pos]
            self.pos += 1
            modifier += op
        elif op not in "+-?#%":
            raise self.fail(f"unsupported modifier ({modifier}) in substitution")

        # After ':' BuildKit parses the word before looking at the operator, so ${A:x...} only
        # fails once its word is known (and survives in keep_unset mode when A is unset).
        word = self.operand("}", raw=op in "#%", eof_reason="missing '}'")
        value = self.reference(name)
        if value is None and self.keep_unset:
            return "${" + name + modifier + word + "}"
        if op not in "+-?#%":
            raise self.fail(f"unsupported modifier ({modifier}) in substitution")
        return self.apply(name, op, word, value, null_is_unset)

    def apply(self, name: str, op: str, word: str, value: str | None, null_is_unset: bool) -> str:
        """Evaluate ``${name<op>word}`` once ``word`` is expanded and ``name`` looked up."""
        unset = value is None or (null_is_unset and value == "")
        if op == "-":
            return word if unset or value is None else value
        if op == "+":
            return "" if unset else word
        if op == "?":
            if unset and not self.lenient:
                if value is None:
                    reason = word or "is not allowed to be unset"
                else:
                    reason = word or "is not allowed to be empty"
                raise self.fail(f"{name}: {reason}")
            return value or ""
        # '#' or '%': a doubled operator asks for the longest match
        longest = word.startswith(op)
        pattern = word[1:] if longest else word
        subject = value or ""
        try:
            if op == "#":
                return trim_prefix(subject, pattern, longest=longest)
            return trim_suffix(subject, pattern, longest=longest)
        except PatternError as error:
            if self.lenient:
                return subject
            raise self.fail(f"invalid pattern ({pattern}) in substitution: {error}") from None

    def substitute(self, name: str) -> str:
        """``${name/pattern/replacement}`` and ``${name//pattern/replacement}``."""
        replace_every = self.pos < len(self.text) and self.text[self.pos] == "/"
        if replace_every:
            self.pos += 1
        pattern = self.operand("/", raw=True, eof_reason="missing '/' in ${}")
        replacement = self.operand("}", raw=True, eof_reason="missing '}'")
        value = self.reference(name)
        if value is None and self.keep_unset:
            slashes = "//" if replace_every else "/"
            return "${" + name + slashes + pattern + "/" + replacement + "}"
        subject = value or ""
        try:
            if replace_every:
                return replace_all(subject, pattern, replacement)
            return replace_first(subject, pattern, replacement)
        except PatternError as error:
            if self.lenient:
                return subject
            raise self.fail(f"invalid pattern ({pattern}) in substitution: {error}") from None

    def operand(self, stop: str, *, raw: bool, eof_reason: str) -> str:
        """Expand a modifier's word up to ``stop``; running off the end means an unclosed
        ``${``, whatever nested construct noticed it first."""
        try:
            return self.until(stop, raw=raw, fields=None)
        except ExpansionError:
            if self.pos >= len(self.text):
                raise self.fail(eof_reason) from None
            raise
