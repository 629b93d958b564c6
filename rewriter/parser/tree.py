"""Build the syntax tree: scanner tokens -> lark (grammars/dockerfile.lark) -> nodes.

The scanner classifies lines; lark checks that they form a Dockerfile according to the
grammar and drives the construction of the nodes through an inline transformer (LALR with a
transformer builds no intermediate ``Tree``, which keeps parsing fast).
"""

from __future__ import annotations

from rewriter.parser.errors import ParseError
from rewriter.parser.nodes import Directive, Dockerfile
from rewriter.parser.scanner import LineToken, ScanResult, scan


def build_tree(text: str) -> Dockerfile:
    """Parse ``text`` into a :class:`Dockerfile` (raises :class:`ParseError`)."""
    result: ScanResult = scan(text)
    from lark.exceptions import UnexpectedInput

    from rewriter.parser.lark_glue import parse_tokens

    tokens = list(result.tokens)
    if result.bom:
        tokens.insert(0, LineToken("BOM", result.bom, 1, 0))
    try:
        elements = parse_tokens(tokens, result.instructions)
    except UnexpectedInput as exc:  # the scanner and grammar disagree: a bug, reported plainly
        raise ParseError(f"internal grammar error: {exc}", getattr(exc, "line", 1), 1) from None
    bom = ""
    if elements and isinstance(elements[0], LineToken) and elements[0].type == "BOM":
        bom = elements.pop(0).text
    nodes = []
    directive_values = iter(result.directives)
    for element in elements:
        if isinstance(element, LineToken):  # a DIRECTIVE line
            name, value = next(directive_values)
            nodes.append(Directive(name, value, element.text, element.number, element.offset))
        else:
            nodes.append(element)
    return Dockerfile(nodes=nodes, bom=bom, escape=result.escape)
