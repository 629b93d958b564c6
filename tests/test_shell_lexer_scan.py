"""The lexer's top-level scan (one master regex per token) must give the old scan's tokens.

``Lexer.tokens`` finds blanks, plain words and operators with one compiled pattern. The scan it
replaced (char by char, kept here as ``_ReferenceLexer.tokens``) is the reference: every RUN
body of the corpus, every string literal of the test suite and generated scripts are tokenised
both ways and compared token by token (type, span, text, Word, substitutions, here-document).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.shell.lexer import (
    _ARGUMENT_TYPES,
    _LEADERS,
    _META,
    _OP_TYPES,
    _OPERATORS,
    _REDIRECTS,
    LIT,
    Lexer,
    Tok,
    Word,
    WordPart,
)
from tests.test_shell_fast_path import _corpus_bodies, _test_strings

_SKIPPABLE = frozenset(" \t\r\\")
_PLAIN_WORD = __import__("re").compile(r"[^ \t\r\n;&|<>()\\'\"$`]++(?=[ \t\r\n;&|<>()]|\Z)")


class _ReferenceLexer(Lexer):
    """The lexer with its former top-level scan (words and nested scans are shared)."""

    def tokens(self, stop_at_paren: bool = False) -> list[Tok]:
        text, end = self.text, self.end
        out: list[Tok] = []
        depth = case_depth = 0
        heredoc_next = dbracket = False
        while True:
            pos = self.pos
            if pos < end and text[pos] in _SKIPPABLE:
                while pos < end:
                    c = text[pos]
                    if c in " \t\r":
                        pos += 1
                    elif c == "\\" and pos + 1 < end and text[pos + 1] == "\n":
                        pos += 2
                    else:
                        break
                self.pos = pos
            if pos >= end:
                break
            c = text[pos]
            if c in _META:
                if c == "\n":
                    out.append(Tok("NEWLINE", pos, pos + 1, "\n"))
                    self.pos = pos + 1
                    if self._pending:
                        self._read_heredocs()
                    continue
                op = next(o for o in _OPERATORS if text.startswith(o, pos))
                self.pos = pos + len(op)
                if dbracket and c != ";":
                    tok = Tok("WORD", pos, pos + len(op), op)
                    tok.word = Word(op, op, pos, pos + len(op), (WordPart(LIT, op),))
                    out.append(tok)
                    continue
                if op == ")" and stop_at_paren and depth == 0 and case_depth == 0:
                    self.pos = pos
                    break
                if op == "(":
                    depth += 1
                elif op == ")" and depth > 0:
                    depth -= 1
                if op in _REDIRECTS:
                    tok = Tok("REDIR_OP", pos, pos + len(op), op)
                    heredoc_next = op in ("<<", "<<-")
                else:
                    tok = Tok(_OP_TYPES[op], pos, pos + len(op), op)
                out.append(tok)
                continue
            if c == "#":
                nl = text.find("\n", pos, end)
                self.pos = end if nl < 0 else nl
                continue
            match = _PLAIN_WORD.match(text, pos, end) if c != "~" else None
            if match is not None:
                stop = self.pos = match.end()
                raw = match.group()
                if raw.isdigit() and raw.isascii() and stop < end and text[stop] in "<>":
                    tok = Tok("IO_NUMBER", pos, stop, raw)
                else:
                    tok = Tok("WORD", pos, stop, raw)
                    glob = "*" in raw or "?" in raw or "[" in raw
                    tok.word = Word(raw, raw, pos, stop, (WordPart(LIT, raw, False),), glob)
            else:
                tok = self._word(pos)
                if tok.type == "ERROR":
                    self.ok = False
                    out.append(tok)
                    break
            raw = tok.text
            if raw == "[[" and (
                not out or out[-1].type not in _ARGUMENT_TYPES or out[-1].text in _LEADERS
            ):
                dbracket = True
            elif raw == "]]":
                dbracket = False
            if heredoc_next:
                if tok.type == "WORD":
                    self._queue_heredoc(out[-1], tok)
                heredoc_next = False
            if stop_at_paren and tok.type == "WORD":
                if raw == "case":
                    case_depth += 1
                elif raw == "esac" and case_depth:
                    case_depth -= 1
            out.append(tok)
        return out


def _fields(lexer: Lexer, stop_at_paren: bool) -> tuple[object, ...]:
    toks = lexer.tokens(stop_at_paren)
    return (
        [(t.type, t.start, t.end, t.text, t.word, list(t.subs), t.heredoc) for t in toks],
        lexer.pos,
        lexer.ok,
    )


def _same_tokens(text: str) -> None:
    for stop_at_paren in (False, True):
        for start in (0, 1) if text else (0,):
            new = _fields(Lexer(text, start), stop_at_paren)
            old = _fields(_ReferenceLexer(text, start), stop_at_paren)
            assert new == old, (text, start, stop_at_paren)


def test_corpus_bodies_tokenise_the_same() -> None:
    for text in _corpus_bodies():
        _same_tokens(text)


def test_test_suite_strings_tokenise_the_same() -> None:
    for text in _test_strings():
        _same_tokens(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \\\n \t",
        "a\\\n b",
        "a\\b c",
        "\\\\\n",
        "~ ~/x a~b #c\nd#e",
        "&>>a <<-EOF <<<x\n\tEOF\n",
        "cat <<E 2>x\nbody\nE\necho ]] [[ a && b ]]",
        "x=$(case a in a) b;; esac) )",
        "12>x 12 >y a12<z",
        "a;;b|&c>|d<>e",
        "a\r\nb\r",
        "echo 'unterminated",
    ],
)
def test_tricky_scripts_tokenise_the_same(text: str) -> None:
    _same_tokens(text)


_ATOMS = st.sampled_from(
    [
        *(" ", "\t", "\r", "\n", "\\\n", "\\", "a", "b1", "12", "~", "~/x", "#", "#c\n", "*"),
        *("?[x]", "'q'", '"d $x"', "$y", "${z}", "$(p)", "`b`", "$((1))", "'", '"', "(", ")"),
        *("{", "}", "[[", "]]", "case", "esac", "in", "if", "<<EOF\n", "EOF", "\nEOF\n", "\tT\n"),
        *("<<-'T'", *_OPERATORS),
    ]
)


@settings(max_examples=400)
@given(st.lists(_ATOMS, max_size=30).map("".join))
def test_generated_scripts_tokenise_the_same(text: str) -> None:
    _same_tokens(text)
