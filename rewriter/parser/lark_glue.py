"""The reference parse: the same scanner and node builder, under lark's own LALR parser.

``rewriter.parser.tree`` runs the grammar's automaton with a small driver of its own; this module
runs it with lark, the grammar's reference implementation, so that the tests can check that both
build the same tree. It imports lark, so only the tests import it.
"""

from __future__ import annotations

from typing import Any

from lark import Transformer, Tree
from lark.lexer import Lexer

from rewriter.grammar import load
from rewriter.parser.nodes import Dockerfile
from rewriter.parser.scanner import scan
from rewriter.parser.tree import GRAMMAR, NodeBuilder, assemble


class LineToken:
    """One scanner token for lark: its terminal and its value, with lark's position names."""

    __slots__ = ("type", "value")

    def __init__(self, type: str, value: Any):
        self.type = type
        self.value = value

    # lark reads positions for its end-of-input token and its errors
    @property
    def line(self) -> int:
        return getattr(self.value, "number", None) or getattr(self.value, "line", 1)

    @property
    def start_pos(self) -> int:
        return getattr(self.value, "offset", 0)

    @property
    def end_pos(self) -> int:
        text = self.value if isinstance(self.value, str) else self.value.text
        return self.start_pos + len(text)

    end_line = line
    column = end_column = 1


class LineLexer(Lexer):
    """Feeds the scanner's tokens to lark unchanged (the scanner already classified them)."""

    def __init__(self, lexer_conf: Any):  # lark passes its lexer configuration; we need none
        pass

    def lex(self, tokens: Any) -> Any:
        return iter(tokens)


class _ReferenceBuilder(Transformer, NodeBuilder):
    """:class:`NodeBuilder` as a lark transformer over lark's tree."""

    def __init__(self, infos: Any):
        Transformer.__init__(self, visit_tokens=False)
        NodeBuilder.__init__(self, infos)


def token_values(tree: Tree) -> Tree:
    """Replace every token in lark's tree by its value (lark leaves foreign tokens alone)."""
    for subtree in tree.iter_subtrees():
        subtree.children = [
            child.value if isinstance(child, LineToken) else child for child in subtree.children
        ]
    return tree


def reference_parse(text: str) -> Dockerfile:
    """Parse ``text`` with lark's parser (raises ParseError or lark's UnexpectedInput)."""
    result = scan(text)
    tokens = [
        LineToken(kind, value) for kind, value in zip(result.kinds, result.values, strict=True)
    ]
    tree = load(GRAMMAR, lexer=LineLexer).parse(tokens)
    return assemble(result, _ReferenceBuilder(result.instructions).transform(token_values(tree)))
