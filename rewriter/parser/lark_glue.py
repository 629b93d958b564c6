"""The lark side of the parser: the line lexer and the node-building transformer.

This module imports lark at import time, so it is itself imported lazily (see ``tree.py``).
Its classes live at module level so that lark can pickle the parser into its cache.
"""

from __future__ import annotations

import threading

from lark import Transformer
from lark.lexer import Lexer

from rewriter.grammar import load
from rewriter.parser.nodes import Blank, Comment, Instruction, SourceLine


class LineLexer(Lexer):
    """Feeds the scanner's line tokens to lark unchanged (the scanner already classified them)."""

    def __init__(self, lexer_conf):  # lark passes its lexer configuration; we need none of it
        pass

    def lex(self, tokens):
        # The parser only reads ``.type``; passing our line tokens through saves a lark Token
        # per line (a third of lark's time here).
        return iter(tokens)


_current = threading.local()


class NodeBuilder(Transformer):
    """Turns grammar rules into nodes while lark parses (an inline LALR transformer).

    Instructions take the semantics the scanner computed, in order, from a per-thread queue
    set by :func:`parse_tokens`.
    """

    def __init__(self):
        super().__init__(visit_tokens=False)

    def __repr__(self) -> str:  # stable, because it is part of the grammar cache key
        return "NodeBuilder()"

    def start(self, children):
        return children

    def directive(self, children):
        return children[0]

    def comment(self, children):
        tok = children[0]
        return Comment(tok.text, tok.number, tok.offset)

    def blank(self, children):
        tok = children[0]
        return Blank(tok.text, tok.number, tok.offset)

    def continuation(self, children):
        return children[0]

    def heredoc(self, children):
        return children

    def instruction(self, children):
        lines = [children[0]]
        for child in children[1:]:
            if isinstance(child, list):
                lines.extend(child)
            else:
                lines.append(child)
        info = next(_current.infos)
        return Instruction(
            lines=tuple(SourceLine(t.type, t.text, t.number, t.offset) for t in lines),
            logical=info.logical,
            syntax=info.syntax,
            heredocs=info.heredocs,
            comments=info.comments,
        )


_parser = None


def parse_tokens(tokens, infos):
    """Run the grammar over line tokens; returns the list of top-level elements."""
    global _parser
    if _parser is None:
        _parser = load("dockerfile", lexer=LineLexer, transformer=NodeBuilder())
    _current.infos = iter(infos)
    try:
        return _parser.parse(tokens)
    finally:
        _current.infos = None
