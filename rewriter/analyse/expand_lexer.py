"""The scanner behind :mod:`rewriter.analyse.expand`: one left-to-right pass over one word.

It mirrors the structure of BuildKit's shell lexer (a recursive "expand until this stop
character" loop, with helpers for quotes and ``$``) because several observable quirks come
from that structure: a modifier's word is expanded before its variable is looked up, a ``}``
inside quotes does not close ``${``, and an error at the end of the input inside ``${...}`` is
reported as a missing ``}``. Plain runs of text are copied in bulk (found with a regex) so
that expansion stays cheap on real Dockerfiles, where most words contain no ``$`` at all.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections import namedtuple
from collections.abc import Callable, Iterator
from functools import lru_cache

from rewriter.analyse.expand_pattern import (
    PatternError,
    replace_all,
    replace_first,
    trim_prefix,
    trim_suffix,
)

#: Characters Go's ``unicode.IsSpace`` accepts; BuildKit splits words on exactly these.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
ESCAPE_CHARACTERS = ("\\", "`")
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_MODIFIERS = "+-?#%"
_HEREDOC_SPACE = " \t\r"
_ASCII_NAME = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(f"[{re.escape(GO_SPACE)}]+")

Lookup = Callable[[str], "str | None"]


class ExpansionError(ValueError):
    """BuildKit would reject the word; ``reason`` says why, ``word`` is the input.

    ``str(error)`` reads like BuildKit's own message: ``failed to process '<word>': <reason>``.
    """

    def __init__(self, reason: str, word: str = "") -> None:
        self.reason = reason
        self.word = word
        super().__init__(f"failed to process {word!r}: {reason}" if word else reason)


_OPTION_NAMES = (
    "keep_unset",
    "raw_quotes",
    "raw_escapes",
    "skip_quotes",
    "field_reset_bug",
    "lenient",
)


class LexerOptions(namedtuple("LexerOptions", _OPTION_NAMES, defaults=(False,) * 6)):
    """BuildKit's lexer switches, plus two of ours. All default to plain ``docker build`` use.

    * ``keep_unset`` (BuildKit ``SkipUnsetEnv``): leave references to unset variables in the
      text instead of substituting ``""`` (``$X``, ``${X}``, ``${X:-w}`` with ``w`` already
      expanded). One deliberate deviation: a kept ``${X//p/r}`` keeps both slashes, where
      BuildKit writes ``${X/p/r}`` and so changes its meaning.
    * ``raw_quotes`` (``RawQuotes``): keep the quote characters in the output.
    * ``raw_escapes`` (``RawEscapes``): keep the escape characters in the output.
    * ``skip_quotes`` (``SkipProcessQuotes``): quotes are ordinary characters.
    * ``field_reset_bug``: reproduce BuildKit's behaviour since dockerfile frontend 1.9 (a
      buffer shared between nested scans): a ``${V<op>...}`` form discards the text of the
      field it appears in up to that point, so ``ProcessWords("80${P:-80}")`` gives ``["80"]``.
      Off by default because it is a bug; switch it on to predict what BuildKit really does.
    * ``lenient`` (ours): semantic errors (``${V?}``, bad patterns) do not raise; used to list
      the names a word references without an environment.
    """

    __slots__ = ()


PLAIN = LexerOptions()


@lru_cache(maxsize=128)
def _specials(escape: str, stop: str, split: bool, skip_quotes: bool) -> re.Pattern[str]:
    """Regex for the next character ``Lexer.until`` must look at; all else is copied as is."""
    chars = {"$", escape}
    if not skip_quotes:
        chars.update("'\"")
    if stop:
        chars.add(stop)
    if split:  # whitespace ends fields; '<<' keeps the blanks after it (heredoc markers)
        chars.update(GO_SPACE)
        chars.add("<")
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")


@lru_cache(maxsize=8)
def _double_quote_specials(escape: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape('"$' + escape) + "]")


def _is_name_char(ch: str) -> bool:
    return ch.isalpha() or ch.isdecimal() or ch == "_"


class Fields:
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
        # BuildKit stays "in a field" after an empty quoted string but emits nothing for it.
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


#: Python frames one level of ``${...}`` nesting may take (until -> dollar -> operand -> until,
#: plus double_quoted for a ``"`` in between).
_FRAMES_PER_LEVEL = 5
#: Words nested less deeply than this fit in any interpreter's default recursion limit.
_SHALLOW = 100


@contextlib.contextmanager
def _stack_for(text: str) -> Iterator[None]:
    """Let the recursive descent go as deep as ``text`` can nest.

    BuildKit's lexer recurses the same way and Go grows its stack, so ``${A:-${A:-...}}``
    nested a few thousand levels deep is a valid word there. Python-to-Python calls take no
    C stack (CPython >= 3.11), so raising the frame limit for the length of one word is safe;
    every level needs a ``${``, which bounds the depth.
    """
    levels = text.count("${")
    if levels < _SHALLOW:
        yield
        return
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(old + _FRAMES_PER_LEVEL * levels)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


class Lexer:
    """One pass over one word. ``pos`` indexes ``text``; each method consumes from ``pos``."""

    __slots__ = ("escape", "fields", "lookup", "options", "pos", "refs", "text")

    def __init__(
        self, text: str, lookup: Lookup, escape: str = "\\", options: LexerOptions = PLAIN
    ) -> None:
        if escape not in ESCAPE_CHARACTERS:
            raise ValueError(f"escape must be '\\' or '`', not {escape!r}")
        self.text = text
        self.lookup = lookup
        self.escape = escape
        self.options = options
        self.pos = 0
        self.refs: dict[str, None] = {}  # insertion-ordered set of referenced names
        self.fields: Fields | None = None

    def names(self) -> list[str]:
        return list(self.refs)

    def fail(self, reason: str) -> ExpansionError:
        return ExpansionError(reason, self.text)

    def run(self, *, split: bool) -> tuple[str, tuple[str, ...]]:
        """Expand the whole word; returns the value and, when ``split``, the fields."""
        self.fields = Fields() if split else None
        if self.text.count("${") < _SHALLOW:  # (``_stack_for`` leaves such a word alone)
            value = self.until("", raw=self.options.raw_escapes, fields=self.fields)
        else:
            with _stack_for(self.text):
                value = self.until("", raw=self.options.raw_escapes, fields=self.fields)
        return value, (self.fields.finish() if self.fields is not None else ())

    def until(self, stop: str, *, raw: bool, fields: Fields | None) -> str:
        """Expand up to (and consuming) ``stop``, or to the end when ``stop`` is empty.

        ``raw`` keeps escape characters in the output: BuildKit does this for pattern words
        (``#``, ``%``, ``/``) so the pattern can still tell ``\\*`` from ``*``.
        """
        text, escape = self.text, self.escape
        end = len(text)
        find = _specials(escape, stop, fields is not None, self.options.skip_quotes).search
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
                continue
            if ch == "'" or ch == '"':
                value = self.single_quoted() if ch == "'" else self.double_quoted(raw)
            elif ch == "<":
                value = self.angle()
            elif ch == escape:
                self.pos += 1
                if raw:
                    out.append(escape)
                    if fields is not None:
                        fields.literal(escape)
                if self.pos >= end:
                    break  # a trailing escape is dropped
                value = text[self.pos]
                self.pos += 1
            else:  # unquoted whitespace; only a special character when splitting
                self.pos += 1
                out.append(ch)
                if fields is not None:
                    fields.space()
                continue
            out.append(value)
            if fields is not None:
                fields.literal(value)
        if stop:
            raise self.fail(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out)

    def single_quoted(self) -> str:
        close = self.text.find("'", self.pos + 1)
        if close < 0:
            self.pos = len(self.text)
            raise self.fail("unexpected end of statement while looking for matching single-quote")
        start = self.pos
        self.pos = close + 1
        if self.options.raw_quotes:
            return self.text[start : close + 1]
        return self.text[start + 1 : close]

    def double_quoted(self, raw: bool) -> str:
        """Inside ``"..."`` only ``$`` expands and only ``"``, ``$`` and the escape character
        can be escaped; an escape before anything else stays in the text."""
        text, escape = self.text, self.escape
        end = len(text)
        find = _double_quote_specials(escape).search
        out: list[str] = ['"'] if self.options.raw_quotes else []
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
                if self.options.raw_quotes:
                    out.append('"')
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            self.pos += 1  # the escape character
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

    def angle(self) -> str:
        """``<<`` and the blanks after it stay one piece, so ``<< EOF`` is a single field:
        BuildKit (since dockerfile 1.15) relies on this to find heredoc markers."""
        text = self.text
        self.pos += 1
        if self.pos >= len(text) or text[self.pos] != "<":
            return "<"
        start = self.pos - 1
        self.pos += 1
        while self.pos < len(text) and text[self.pos] in _HEREDOC_SPACE:
            self.pos += 1
        return text[start : self.pos]

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
            stop = _ASCII_NAME.match(text, pos).end()  # type: ignore[union-attr]
            while stop < end and not text[stop].isascii() and _is_name_char(text[stop]):
                stop = _ASCII_NAME.match(text, stop + 1).end()  # type: ignore[union-attr]
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
                return "$" + name if self.options.keep_unset else ""
            return value

        self.pos += 1  # the {
        if self.pos >= end:
            raise self.fail("missing '}'")
        if text[self.pos] in "{}:":
            raise self.fail("bad substitution")
        name = self.name()
        if name:
            self.refs.setdefault(name, None)  # before any syntax error, for referenced_names
        if self.pos >= end:
            raise self.fail("missing '}'")
        op = text[self.pos]
        self.pos += 1
        if op == "}":
            value = self.reference(name)
            if value is None:
                return "${" + name + "}" if self.options.keep_unset else ""
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
            if op in "#%":  # ${V:#p} and ${V:%p} are not a thing
                raise self.fail(f"unsupported modifier ({modifier}) in substitution")
        elif op not in _MODIFIERS:
            raise self.fail(f"unsupported modifier ({modifier}) in substitution")

        # After ':' BuildKit expands the word before judging the operator, so ${A:x...} only
        # fails once its word is known (and survives in keep_unset mode when A is unset).
        word = self.operand("}", raw=op in "#%", eof_reason="missing '}'")
        value = self.reference(name)
        if value is None and self.options.keep_unset:
            return "${" + name + modifier + word + "}"
        if op not in _MODIFIERS:
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
            if unset and not self.options.lenient:
                if value is None:
                    reason = word or "is not allowed to be unset"
                else:
                    reason = word or "is not allowed to be empty"
                raise self.fail(f"{name}: {reason}")
            return value or ""
        # '#' or '%'; BuildKit looks for the doubled operator after expanding the word
        longest = word.startswith(op)
        pattern = word[1:] if longest else word
        subject = value or ""
        try:
            if op == "#":
                return trim_prefix(subject, pattern, longest=longest)
            return trim_suffix(subject, pattern, longest=longest)
        except PatternError as error:
            if self.options.lenient:
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
        if value is None and self.options.keep_unset:
            # BuildKit writes a single slash here even for '//'; we keep the word's meaning
            slashes = "//" if replace_every else "/"
            return "${" + name + slashes + pattern + "/" + replacement + "}"
        subject = value or ""
        try:
            if replace_every:
                return replace_all(subject, pattern, replacement)
            return replace_first(subject, pattern, replacement)
        except PatternError as error:
            if self.options.lenient:
                return subject
            raise self.fail(f"invalid pattern ({pattern}) in substitution: {error}") from None

    def operand(self, stop: str, *, raw: bool, eof_reason: str) -> str:
        """Expand a modifier's word up to ``stop``; running off the end means an unclosed
        ``${``, whatever nested construct noticed it first."""
        if self.options.field_reset_bug and self.fields is not None:
            self.fields.current = []
        try:
            return self.until(stop, raw=raw, fields=None)
        except ExpansionError:
            if self.pos >= len(self.text):
                raise self.fail(eof_reason) from None
            raise
