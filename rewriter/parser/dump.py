"""Print a parsed Dockerfile for tools: BuildKit's test-dump format and JSON Lines.

``buildkit`` reproduces ``Node.Dump()`` from BuildKit's parser tests (head version), so our
parser can be checked line for line against BuildKit's own expectations. ``json`` is dfopt's
stable machine-readable view, documented in the README.
"""

from __future__ import annotations

from typing import Any

from rewriter.parser.arguments import InstructionSyntax
from rewriter.parser.nodes import Dockerfile, Instruction

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote``: printable characters as they are, the rest escaped."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif "\ud800" <= ch <= "\udfff":
            out.append("\\ufffd")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _dump_syntax(syntax: InstructionSyntax) -> str:
    parts = [syntax.keyword.lower()]
    if syntax.flags:
        parts.append("[" + " ".join(go_quote(f.text) for f in syntax.flags) + "]")
    for child in syntax.children:
        parts.append("(" + _dump_syntax(child) + ")")
    parts.extend(go_quote(v) for v in syntax.values)
    return " ".join(parts)


def dump_buildkit(tree: Dockerfile) -> str:
    """One ``(instruction ["flags"] "values"...)`` line per instruction, like BuildKit's tests."""
    return "".join(f"({_dump_syntax(i.syntax)})\n" for i in tree.instructions)


def _syntax_json(syntax: InstructionSyntax) -> dict[str, Any]:
    return {
        "keyword": syntax.keyword,
        "flags": [f.text for f in syntax.flags],
        "values": list(syntax.values),
        "json": syntax.json,
        "children": [_syntax_json(c) for c in syntax.children],
    }


def instruction_json(inst: Instruction) -> dict[str, Any]:
    data = _syntax_json(inst.syntax)
    data["children"] = [
        {**_syntax_json(c), "start_line": inst.start_line, "end_line": inst.end_line}
        for c in inst.children
    ]
    return {
        "keyword": data["keyword"],
        "start_line": inst.start_line,
        "end_line": inst.end_line,
        "flags": data["flags"],
        "values": data["values"],
        "json": data["json"],
        "heredocs": [{"name": h.name, "content": h.content} for h in inst.heredocs],
        "children": data["children"],
    }


def tree_json(tree: Dockerfile, file: str) -> dict[str, Any]:
    return {
        "file": file,
        "escape": tree.escape,
        "directives": [{"name": d.name, "value": d.value, "line": d.line} for d in tree.directives],
        "instructions": [instruction_json(i) for i in tree.instructions],
    }
