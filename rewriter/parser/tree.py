"""Build the syntax tree: scanner tokens -> grammars/dockerfile.lark's automaton -> nodes.

The scanner classifies lines (and already makes each line's node); the grammar checks that they
form a Dockerfile and groups them, calling :class:`NodeBuilder` for each rule as it reduces. The
automaton is lark's, computed from the grammar and run by :mod:`rewriter.parser.lalr`, so that
parsing needs neither lark's import nor its per-token machinery. ``lark_glue`` runs the same
builder under lark's own parser; the tests hold the two to the same trees.
"""

from __future__ import annotations

from collections.abc import Iterable

from rewriter.parser.errors import ParseError
from rewriter.parser.lalr import GrammarError, LalrParser
from rewriter.parser.nodes import Dockerfile, Instruction
from rewriter.parser.scanner import ScanResult, scan

# typing only for annotations: importing it costs the parser's start-up (mypy reads this name)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GRAMMAR = "dockerfile"


class NodeBuilder:
    """What each grammar rule makes of its children (the tokens' values are nodes already).

    The scanner made each :class:`Instruction` but its lines; they are given it here, in order.
    """

    def __init__(self, instructions: Iterable[Instruction]):
        self._instructions = iter(instructions)

    def start(self, children: list[Any]) -> list[Any]:
        return children

    def directive(self, children: list[Any]) -> Any:
        return children[0]

    comment = blank = continuation = directive

    def heredoc(self, children: list[Any]) -> list[Any]:
        return children

    def instruction(self, children: list[Any]) -> Instruction:
        # a one-line instruction (by far the most common) has nothing to flatten
        instruction = next(self._instructions)
        instruction.lines = tuple(children) if len(children) == 1 else tuple(_flatten(children))
        return instruction


def _flatten(children: list[Any]) -> list[Any]:
    """The instruction's lines in order (each heredoc's lines come as one list)."""
    out = []
    for child in children:
        if isinstance(child, list):
            out.extend(child)
        else:
            out.append(child)
    return out


_parser = None


def _grammar():
    """The Dockerfile grammar's automaton (built once per process, from a cache when possible)."""
    global _parser
    if _parser is None:
        from rewriter.grammar import lalr_tables

        _parser = LalrParser(lalr_tables(GRAMMAR))
    return _parser


def build_tree(text: str) -> Dockerfile:
    """Parse ``text`` into a :class:`Dockerfile` (raises :class:`ParseError`)."""
    result = scan(text)
    try:
        elements = _grammar().parse(result.kinds, result.values, NodeBuilder(result.instructions))
    except GrammarError as exc:  # the scanner and grammar disagree: a bug, reported plainly
        raise ParseError(f"internal grammar error: {exc}", _line_of(result, exc.index), 1) from None
    return assemble(result, elements)


def assemble(result: ScanResult, elements: list[Any]) -> Dockerfile:
    """The :class:`Dockerfile` from the value of the grammar's ``start`` rule."""
    bom = elements.pop(0) if result.bom else ""
    return Dockerfile(nodes=elements, bom=bom, escape=result.escape)


def _line_of(result: ScanResult, index: int) -> int:
    """The line number of token ``index`` (the last line for the end of input)."""
    values = result.values
    value = values[min(index, len(values) - 1)] if values else None
    return getattr(value, "number", None) or getattr(value, "line", None) or 1
