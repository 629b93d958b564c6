"""Which words of a RUN/COPY/ADD line open heredocs, as BuildKit decides it.

BuildKit splits the logical line into words with its shell lexer in "raw" mode (quotes and
escapes kept, unset variables kept as written), and a word of the form ``[n]<<[-]NAME`` opens a
heredoc. The name is the word with quotes removed; a quoted name means the body is not
expanded. ``<<`` followed by spaces still joins the next word (BuildKit head behaviour).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewriter.parser.gotext import GO_SPACES

_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)[\t\n\v\f\r ]*([^<]*)$", re.DOTALL)
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]")


@dataclass(frozen=True)
class HeredocOpener:
    name: str
    chomp: bool  # ``<<-``: leading tabs are stripped from body lines and the terminator
    expand: bool  # False when the name was quoted
    fd: int


class _LexError(Exception):
    pass


class _RawWords:
    """A minimal re-implementation of BuildKit's ``ProcessWords`` for heredoc detection.

    ``raw`` keeps quotes and escapes in the words (BuildKit's RawQuotes/RawEscapes); with
    ``raw=False`` quotes are removed, as needed to get a heredoc's name.
    """

    def __init__(self, text: str, raw: bool):
        self.text = text
        self.pos = 0
        self.raw = raw

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        ch = self.peek()
        self.pos += 1
        return ch

    def words(self) -> list[str]:
        words: list[str] = []
        buf: list[str] = []
        in_word = False

        def add_char(ch: str) -> None:
            nonlocal buf, in_word
            if ch in GO_SPACES:
                if in_word and buf:
                    words.append("".join(buf))
                    buf = []
                    in_word = False
            else:
                buf.append(ch)
                in_word = True

        while self.pos < len(self.text):
            ch = self.peek()
            if ch == "$":
                for c in self._dollar():
                    add_char(c)
            elif ch in "'\"<":
                piece = self._single() if ch == "'" else self._double() if ch == '"' else self._lt()
                buf.append(piece)
                in_word = True
            else:
                self.next()
                if ch == "\\":
                    if self.raw:
                        buf.append(ch)
                        in_word = True
                    ch = self.next()
                    if not ch:
                        break
                    buf.append(ch)
                    in_word = True
                else:
                    add_char(ch)
        if buf:
            words.append("".join(buf))
        return words

    def _lt(self) -> str:
        self.next()
        if self.peek() != "<":
            return "<"
        self.next()
        space = []
        while self.peek() and self.peek() in " \t\n\v\f\r":
            space.append(self.next())
        return "<<" + "".join(space)

    def _single(self) -> str:
        out = [self.next()] if self.raw else (self.next() and [])
        while True:
            ch = self.next()
            if not ch:
                raise _LexError("unterminated single quote")
            if ch == "'":
                if self.raw:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def _double(self) -> str:
        out = [self.next()] if self.raw else (self.next() and [])
        while True:
            ch = self.peek()
            if not ch:
                raise _LexError("unterminated double quote")
            if ch == '"':
                self.next()
                if self.raw:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.next()
            if ch == "\\":
                if self.raw:
                    out.append(ch)
                nxt = self.peek()
                if not nxt:
                    continue
                if nxt in '"$\\':
                    ch = self.next()
            out.append(ch)

    def _dollar(self) -> str:
        # With an empty environment and unset variables kept, ``$NAME``/``${...}`` come back
        # as written; we only need to consume them the way the lexer would.
        start = self.pos
        self.next()
        if self.peek() != "{":
            self._name()
            return self.text[start : self.pos]
        self.next()
        if not self.peek():
            raise _LexError("missing '}'")
        if self.peek() in "{}:":
            raise _LexError("bad substitution")
        self._name()
        ch = self.next()
        if ch == "}":
            return self.text[start : self.pos]
        if ch == ":":
            ch = self.next()
        if ch in "+-?#%":
            self._until("}")
        elif ch == "/":
            if self.peek() == "/":
                self.next()
            self._until("/")
            self._until("}")
        else:
            raise _LexError("unsupported modifier")
        return self.text[start : self.pos]

    def _name(self) -> None:
        ch = self.peek()
        if ch.isdigit():
            while self.peek().isdigit():
                self.next()
            return
        if ch and ch in "@*#?-$!0":
            self.next()
            return
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.next()

    def _until(self, stop: str) -> None:
        while True:
            ch = self.peek()
            if not ch:
                raise _LexError(f"missing {stop!r}")
            if ch == stop:
                self.next()
                return
            if ch == "$":
                self._dollar()
            elif ch == "'":
                self._single()
            elif ch == '"':
                self._double()
            else:
                self.next()
                if ch == "\\" and self.peek():
                    self.next()


def heredoc_openers(line: str) -> list[HeredocOpener]:
    """The heredocs opened on a logical line, in order; ``[]`` when there are none."""
    if "<<" not in line:
        return []
    try:
        words = _RawWords(line, raw=True).words()
    except _LexError:
        return []
    openers: list[HeredocOpener] = []
    for word in words:
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        try:
            plain = _RawWords(rest, raw=False).words()
            raw = _RawWords(rest, raw=True).words()
        except _LexError:
            continue
        if len(plain) != 1 or len(raw) != 1:
            continue
        name = plain[0]
        quotes_plain = name.count("'") + name.count('"')
        quotes_raw = raw[0].count("'") + raw[0].count('"')
        openers.append(
            HeredocOpener(
                name=name,
                chomp=match.group(2) == "-",
                expand=quotes_plain == quotes_raw,
                fd=int(match.group(1)) if match.group(1) else 0,
            )
        )
    return openers
