"""Lossless Dockerfile parsing with BuildKit's rules.

``parse(text)`` returns a :class:`Dockerfile` whose ``to_source()`` gives ``text`` back byte for
byte; ``parse_file(path)`` adds file-level checks (a directory, NUL bytes, invalid UTF-8) and
attributes errors to the file. Every rejection is a :class:`ParseError` with line and column.
"""

from __future__ import annotations

import os

from rewriter.parser.arguments import Flag, InstructionSyntax
from rewriter.parser.errors import ParseError
from rewriter.parser.nodes import (
    Blank,
    Comment,
    Directive,
    Dockerfile,
    Heredoc,
    Instruction,
    LogicalLine,
    Node,
    SourceLine,
)

__all__ = [
    "Blank",
    "Comment",
    "Directive",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "InstructionSyntax",
    "LogicalLine",
    "Node",
    "ParseError",
    "SourceLine",
    "decode",
    "parse",
    "parse_bytes",
    "parse_file",
    "read_bytes",
    "read_source",
]


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text. Raises :class:`ParseError` where BuildKit would reject it."""
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ParseError("NUL byte in file: this does not look like a Dockerfile", line, column)
    from rewriter.parser.tree import build_tree

    return build_tree(text)


def decode(data: bytes) -> str:
    """Decode UTF-8 strictly; invalid bytes give a ParseError at their line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise ParseError(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x}): dfopt reads Dockerfiles as UTF-8",
            line,
            column,
        ) from None


def parse_bytes(data: bytes) -> Dockerfile:
    return parse(decode(data))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A Dockerfile's bytes; a directory, a missing or unreadable file is a ParseError naming it."""
    name = str(path)
    # os, not pathlib: importing pathlib costs the parser's start-up ("" is "." to pathlib)
    if os.path.isdir(os.fspath(path) or "."):
        raise ParseError("is a directory, not a Dockerfile", 1, 1, name)
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise ParseError("no such file", 1, 1, name) from None
    except OSError as exc:
        raise ParseError(exc.strerror or str(exc), 1, 1, name) from None


def read_source(path: str | os.PathLike[str]) -> str:
    """Read a Dockerfile as text, with every failure as a ParseError naming the file."""
    try:
        return decode(read_bytes(path))
    except ParseError as exc:
        raise exc.with_file(exc.file or str(path)) from None


def parse_file(path: str | os.PathLike[str]) -> Dockerfile:
    """Read and parse a file; errors name the file."""
    text = read_source(path)
    try:
        return parse(text)
    except ParseError as exc:
        raise exc.with_file(str(path)) from None
