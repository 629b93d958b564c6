"""A hand-written tokenizer for POSIX sh that feeds the LALR grammar in ``grammars/shell.lark``.

Why by hand: shell tokens are context-sensitive in ways regular terminals cannot express:
quotes nest inside ``$( )`` which nests inside double quotes, a here-document body starts at the
next newline after its ``<<WORD`` operator, and a backslash-newline disappears wherever it is
(outside single quotes). The tokenizer never fails: an unterminated quote or substitution becomes
an ``ERROR`` token that runs to the end of the text, which the parser turns into an unknown span.

Reserved words (``if``, ``{``, ``in``...) come out as ``WORD``; the parser decides whether a
word is a keyword from its LALR state (keywords only count in command position).
"""

from __future__ import annotations

import re

from .model import (
    ANSI,
    ARITH,
    CMDSUB,
    LIT,
    PARAM,
    TILDE,
    VAR,
    HereDoc,
    Word,
    WordPart,
)

# Longest first, so that the scan below can stop at the first match (maximal munch).
_OPERATORS = (
    "&>>",
    "<<-",
    "<<<",
    "&&",
    "||",
    ";;",
    "<<",
    ">>",
    "<&",
    ">&",
    "<>",
    ">|",
    "&>",
    "|&",
    "&",
    "|",
    ";",
    "<",
    ">",
    "(",
    ")",
)
_REDIRECTS = frozenset({"<", ">", ">>", "<<", "<<-", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"})
_OP_TYPES = {
    "&&": "AND_IF",
    "||": "OR_IF",
    ";;": "DSEMI",
    ";": "SEMI",
    "&": "AMP",
    "|": "PIPE",
    "|&": "PIPE",
    "(": "LPAREN",
    ")": "RPAREN",
}
_META = frozenset(" \t\r\n;&|<>()")  # \r: CRLF files end words like blanks
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_SPECIAL_PARAMS = frozenset("@*#?-$!0123456789")
_GLOB = frozenset("*?[")
_DQ_ESCAPABLE = frozenset('$`"\\\n')
# Inside double quotes: the characters up to the next one ``_scan_double`` looks at.
_DQ_RUN = re.compile(r'[^"\\$`]+')
_ARGUMENT_TYPES = frozenset({"WORD", "IO_NUMBER", "REDIR_OP"})  # `[[` after these is an argument
_LEADERS = frozenset({"if", "then", "elif", "else", "do", "while", "until", "!", "{"})
_NOTABLE_WORDS = frozenset({"[[", "]]", "case", "esac"})  # words that change the scan state
_WORD_SPECIAL = _META | frozenset("\\'\"$`")
# The master pattern of the top-level scan: the blanks (and backslash-newlines) before the next
# token, then one of
#   group 1: a whole word of characters that are ordinary anywhere in a word, not starting a
#            comment or a tilde prefix (it ends at a metacharacter or at the end of the region;
#            possessive, so a failed match does not backtrack);
#   group 2: an operator, longest first (maximal munch), in the order of ``_OPERATORS``.
# Anything else (a newline, a comment, a word with quotes, escapes, ``$``, backticks or a
# leading ``~``, the end) matches the blanks alone, and the scan loop looks at the next char.
_NEXT_TOKEN = re.compile(
    r"(?:[ \t\r]++|\\\n)*+"
    r"(?:([^ \t\r\n;&|<>()\\'\"$`#~][^ \t\r\n;&|<>()\\'\"$`]*+)(?=[ \t\r\n;&|<>()]|\Z)"
    r"|(" + "|".join(re.escape(op) for op in _OPERATORS) + r"))?"
)


class Tok:
    """A token: lark type name, span and, for words, the parsed Word and nested scripts."""

    __slots__ = ("end", "heredoc", "start", "subs", "text", "type", "word")

    def __init__(
        self, type_: str, start: int, end: int, text: str, word: Word | None = None
    ) -> None:
        self.type = type_
        self.start = start
        self.end = end
        self.text = text
        self.word = word
        # Spans (start, end) of command substitutions inside the word, to parse as scripts.
        self.subs: list[tuple[int, int]] | tuple[()] = ()
        self.heredoc: HereDoc | None = None

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Tok({self.type}, {self.text!r}, {self.start}, {self.end})"


class _Unterminated(Exception):
    """Internal: a quote or substitution runs past the end of the text."""


class Lexer:
    """Tokenize ``text[start:end]``; offsets in the tokens are offsets into ``text``."""

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        self.text = text
        self.pos = start
        self.end = len(text) if end is None else end
        self.ok = True
        self._pending: list[tuple[Tok, str, bool, bool]] = []  # heredocs waiting for a newline

    # -- top level -------------------------------------------------------------------------

    def tokens(self, stop_at_paren: bool = False) -> list[Tok]:
        """Return all tokens; with ``stop_at_paren`` stop before an unmatched ``)``.

        ``stop_at_paren`` is how ``$( ... )`` finds its end: parentheses are counted, and
        ``case`` patterns (``a)``) do not close the substitution.
        """
        text, end = self.text, self.end
        out: list[Tok] = []
        depth = 0
        case_depth = 0
        heredoc_next = False
        dbracket = False
        next_token = _NEXT_TOKEN.match
        pos = self.pos
        while True:
            match = next_token(text, pos, end)
            raw, op = match.groups()
            if raw is not None:
                # A word of ordinary characters only: the token ``_word`` builds, without
                # scanning it char by char.
                stop = match.end()
                start = stop - len(raw)
                pos = stop
                if raw.isdigit() and raw.isascii() and stop < end and text[stop] in "<>":
                    out.append(Tok("IO_NUMBER", start, stop, raw))
                    heredoc_next = False
                    continue
                glob = "*" in raw or "?" in raw or "[" in raw
                word = Word(raw, raw, start, stop, (WordPart(LIT, raw, False),), glob)
                tok = Tok("WORD", start, stop, raw, word)
                if raw in _NOTABLE_WORDS or heredoc_next:
                    dbracket, heredoc_next, case_depth = self._notable_word(
                        tok, out, dbracket, heredoc_next, case_depth, stop_at_paren
                    )
                out.append(tok)
            elif op is not None:
                stop = match.end()
                start = stop - len(op)
                pos = stop
                if dbracket and op[0] != ";":
                    # inside bash [[ ... ]], && || ( ) < > are operands of the test, not operators
                    out.append(
                        Tok(
                            "WORD", start, stop, op, Word(op, op, start, stop, (WordPart(LIT, op),))
                        )
                    )
                    continue
                if op == ")" and stop_at_paren and depth == 0 and case_depth == 0:
                    pos = start
                    break
                if op == "(":
                    depth += 1
                elif op == ")" and depth > 0:
                    depth -= 1
                if op in _REDIRECTS:
                    out.append(Tok("REDIR_OP", start, stop, op))
                    heredoc_next = op in ("<<", "<<-")
                else:
                    out.append(Tok(_OP_TYPES[op], start, stop, op))
            else:
                pos = match.end()
                if pos >= end:
                    break
                c = text[pos]
                if c == "\n":
                    out.append(Tok("NEWLINE", pos, pos + 1, "\n"))
                    pos += 1
                    if self._pending:
                        self.pos = pos
                        self._read_heredocs()
                        pos = self.pos
                    continue
                if c == "#":
                    nl = text.find("\n", pos, end)
                    pos = end if nl < 0 else nl
                    continue
                tok = self._word(pos)
                pos = self.pos
                if tok.type == "ERROR":
                    self.ok = False
                    out.append(tok)
                    break
                dbracket, heredoc_next, case_depth = self._notable_word(
                    tok, out, dbracket, heredoc_next, case_depth, stop_at_paren
                )
                out.append(tok)
        self.pos = pos
        return out

    def _notable_word(
        self,
        tok: Tok,
        out: list[Tok],
        dbracket: bool,
        heredoc_next: bool,
        case_depth: int,
        stop_at_paren: bool,
    ) -> tuple[bool, bool, int]:
        """Update the scan state for a word (or IO number) token about to be appended to
        ``out``: ``[[``/``]]`` switch bash test mode, a word after ``<<`` is a here-document
        delimiter, ``case``/``esac`` nest inside ``$( )``. Plain words skip this call unless
        they are in ``_NOTABLE_WORDS`` or follow ``<<``."""
        raw = tok.text
        if raw == "[[" and (
            not out or out[-1].type not in _ARGUMENT_TYPES or out[-1].text in _LEADERS
        ):
            dbracket = True
        elif raw == "]]":
            dbracket = False
        if heredoc_next:
            if tok.type == "WORD":
                self._queue_heredoc(out[-1], tok)  # out[-1] is the << operator
            heredoc_next = False
        if stop_at_paren and tok.type == "WORD":
            if raw == "case":
                case_depth += 1
            elif raw == "esac" and case_depth:
                case_depth -= 1
        return dbracket, heredoc_next, case_depth

    # -- here-documents --------------------------------------------------------------------

    def _queue_heredoc(self, op_tok: Tok, delim_tok: Tok) -> None:
        raw = delim_tok.text
        quoted = any(q in raw for q in "'\"\\")
        delimiter = _quote_removed(raw)
        self._pending.append((op_tok, delimiter, quoted, op_tok.text == "<<-"))

    def _read_heredocs(self) -> None:
        """Consume the bodies of the here-documents opened on the line that just ended."""
        text, end = self.text, self.end
        for op_tok, delimiter, quoted, strip_tabs in self._pending:
            body_start = pos = self.pos
            body_end = end
            while pos < end:
                nl = text.find("\n", pos, end)
                line_end = end if nl < 0 else nl
                line = text[pos:line_end]
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    body_end = pos
                    pos = line_end if nl < 0 else nl + 1
                    break
                pos = line_end if nl < 0 else nl + 1
            else:
                body_end = pos = end
            op_tok.heredoc = HereDoc(delimiter, quoted, strip_tabs, body_start, body_end)
            self.pos = pos
        self._pending.clear()

    # -- words -----------------------------------------------------------------------------

    def _word(self, start: int) -> Tok:
        builder = _WordBuilder()
        try:
            pos = self._scan_word(start, builder)
        except _Unterminated:
            tok = Tok("ERROR", start, self.end, self.text[start : self.end])
            self.pos = self.end
            return tok
        self.pos = pos
        raw = self.text[start:pos]
        if raw.isdigit() and raw.isascii() and pos < self.end and self.text[pos] in "<>":
            return Tok("IO_NUMBER", start, pos, raw)
        tok = Tok("WORD", start, pos, raw)
        tok.word = builder.build(raw, start, pos)
        tok.subs = builder.subs
        return tok

    def _scan_word(self, pos: int, b: _WordBuilder) -> int:
        text, end = self.text, self.end
        if pos < end and text[pos] == "~":
            stop = pos + 1
            while stop < end and (text[stop] in _NAME_CHARS or text[stop] in ".-"):
                stop += 1
            if stop >= end or text[stop] == "/" or text[stop] in _META:
                b.part(TILDE, text[pos:stop])
                pos = stop
        while pos < end:
            c = text[pos]
            if c in _META:
                break
            if c == "\\":
                if pos + 1 >= end:
                    b.lit("\\", quoted=False)
                    pos += 1
                elif text[pos + 1] == "\n":
                    pos += 2
                else:
                    b.lit(text[pos + 1], quoted=True)
                    pos += 2
            elif c == "'":
                close = text.find("'", pos + 1, end)
                if close < 0:
                    raise _Unterminated
                b.lit(text[pos + 1 : close], quoted=True, force=True)
                pos = close + 1
            elif c == '"':
                pos = self._scan_double(pos + 1, b)
            elif c == "$":
                pos = self._scan_dollar(pos, b, quoted=False)
            elif c == "`":
                pos = self._scan_backtick(pos, b, quoted=False)
            else:  # a run of ordinary characters in one go
                stop = pos + 1
                while stop < end and text[stop] not in _WORD_SPECIAL:
                    stop += 1
                run = text[pos:stop]
                if not b.glob and any(g in run for g in _GLOB):
                    b.glob = True
                b.lit(run, quoted=False)
                pos = stop
        return pos

    def _scan_double(self, pos: int, b: _WordBuilder) -> int:
        """Scan the inside of "..." from just after the opening quote; return past the close."""
        text, end = self.text, self.end
        b.lit("", quoted=True, force=True)  # "" is an empty (but present) argument
        while pos < end:
            c = text[pos]
            if c == '"':
                return pos + 1
            if c == "\\" and pos + 1 < end and text[pos + 1] in _DQ_ESCAPABLE:
                if text[pos + 1] != "\n":
                    b.lit(text[pos + 1], quoted=True)
                pos += 2
            elif c == "$":
                pos = self._scan_dollar(pos, b, quoted=True)
            elif c == "`":
                pos = self._scan_backtick(pos, b, quoted=True)
            else:  # a run of ordinary characters (or one lone backslash) in one go
                match = _DQ_RUN.match(text, pos, end)
                stop = match.end() if match is not None else pos + 1
                b.lit(text[pos:stop], quoted=True)
                pos = stop
        raise _Unterminated

    def _scan_dollar(self, pos: int, b: _WordBuilder, quoted: bool) -> int:
        text, end = self.text, self.end
        nxt = text[pos + 1] if pos + 1 < end else ""
        if nxt == "(":
            if pos + 2 < end and text[pos + 2] == "(":
                stop = self._match_parens(pos + 1)
                b.part(ARITH, text[pos:stop], quoted)
                return stop
            inner = Lexer(text, pos + 2, end)
            inner.tokens(stop_at_paren=True)
            if inner.pos >= end or text[inner.pos] != ")" or not inner.ok:
                raise _Unterminated
            b.part(CMDSUB, text[pos : inner.pos + 1], quoted)
            b.subs.append((pos + 2, inner.pos))
            return inner.pos + 1
        if nxt == "{":
            stop = self._match_brace(pos + 2)
            inside = text[pos + 2 : stop - 1]
            if inside and inside[0] in _NAME_START and all(ch in _NAME_CHARS for ch in inside):
                b.part(VAR, inside, quoted)
            else:
                b.part(PARAM, text[pos:stop], quoted)
            return stop
        if nxt and nxt in _NAME_START:
            stop = pos + 1
            while stop < end and text[stop] in _NAME_CHARS:
                stop += 1
            b.part(VAR, text[pos + 1 : stop], quoted)
            return stop
        if nxt and nxt in _SPECIAL_PARAMS:
            b.part(PARAM, text[pos : pos + 2], quoted)
            return pos + 2
        if nxt == "'" and not quoted:
            stop = pos + 2
            while stop < end and text[stop] != "'":
                stop += 2 if text[stop] == "\\" else 1
            if stop >= end:
                raise _Unterminated
            b.part(ANSI, text[pos : stop + 1], True)
            return stop + 1
        b.lit("$", quoted)
        return pos + 1

    def _scan_backtick(self, pos: int, b: _WordBuilder, quoted: bool) -> int:
        text, end = self.text, self.end
        stop = pos + 1
        while stop < end and text[stop] != "`":
            stop += 2 if text[stop] == "\\" else 1
        if stop >= end:
            raise _Unterminated
        b.part(CMDSUB, text[pos : stop + 1], quoted)
        if "\\" not in text[pos + 1 : stop]:  # escapes inside `...` change the offsets
            b.subs.append((pos + 1, stop))
        return stop + 1

    def _match_parens(self, pos: int) -> int:
        """From an opening ``(`` return the index after its matching ``)``."""
        text, end = self.text, self.end
        depth = 0
        while pos < end:
            c = text[pos]
            if c == "\\":
                pos += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        raise _Unterminated

    def _match_brace(self, pos: int) -> int:
        """From just inside ``${`` return the index after the matching ``}``."""
        text, end = self.text, self.end
        scratch = _WordBuilder()
        while pos < end:
            c = text[pos]
            if c == "}":
                return pos + 1
            if c == "\\":
                pos += 2
            elif c == "'":
                close = text.find("'", pos + 1, end)
                if close < 0:
                    raise _Unterminated
                pos = close + 1
            elif c == '"':
                pos = self._scan_double(pos + 1, scratch)
            elif c == "$":
                pos = self._scan_dollar(pos, scratch, quoted=True)
            elif c == "`":
                pos = self._scan_backtick(pos, scratch, quoted=True)
            else:
                pos += 1
        raise _Unterminated


class _WordBuilder:
    """Collects the parts of one word while it is scanned."""

    __slots__ = ("buf", "buf_quoted", "glob", "parts", "subs")

    def __init__(self) -> None:
        self.parts: list[WordPart] = []
        self.buf: list[str] = []
        self.buf_quoted = False
        self.glob = False
        self.subs: list[tuple[int, int]] = []

    def lit(self, s: str, quoted: bool, force: bool = False) -> None:
        if self.buf and quoted != self.buf_quoted:
            self._flush()
        if not self.buf:
            self.buf_quoted = quoted
        if s or force:
            self.buf.append(s)

    def part(self, kind: str, text: str, quoted: bool = False) -> None:
        self._flush()
        self.parts.append(WordPart(kind, text, quoted))

    def _flush(self) -> None:
        if self.buf:
            self.parts.append(WordPart(LIT, "".join(self.buf), self.buf_quoted))
            self.buf = []

    def build(self, raw: str, start: int, end: int) -> Word:
        self._flush()
        parts = tuple(self.parts)
        static = all(p.kind == LIT for p in parts)
        value = "".join(p.text for p in parts) if static else None
        return Word(raw, value, start, end, parts, self.glob)


def _quote_removed(raw: str) -> str:
    """Quote removal for a here-document delimiter (no expansions happen there)."""
    out: list[str] = []
    i, n = 0, len(raw)
    quote = ""
    while i < n:
        c = raw[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                out.append(c)
        elif c == "\\" and i + 1 < n:
            out.append(raw[i + 1])
            i += 1
        elif c in "'\"" and (not quote or quote == c):
            quote = "" if quote else c
        else:
            out.append(c)
        i += 1
    return "".join(out)
