"""The lossless syntax tree.

Every node owns its exact source text (line endings included), so rendering is concatenation
and ``parse(text).to_source() == text`` for every file BuildKit accepts. Semantic views
(keyword, flags, values, heredocs) are computed once by the parser from the same text, with
BuildKit's rules, and every span is known both as 1-based physical lines and as offsets into the
file, so fixes can edit bytes precisely.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field

from rewriter.parser.arguments import Flag, InstructionSyntax


@dataclass(frozen=True)
class SourceLine:
    """One physical line of an instruction, with the role it plays in it."""

    kind: str  # INSTR, CONT, CONT_COMMENT, CONT_EMPTY, HEREDOC_LINE, HEREDOC_END
    text: str  # exact text, line ending included
    number: int  # 1-based
    offset: int  # offset of the line in the file


@dataclass(frozen=True)
class Directive:
    """A parser directive such as ``# syntax=docker/dockerfile:1`` at the top of the file."""

    name: str  # lower case: syntax, escape or check
    value: str
    text: str
    line: int
    offset: int

    def to_source(self) -> str:
        return self.text


@dataclass(frozen=True)
class _WholeLine:
    """A physical line outside any instruction, kept as written."""

    text: str  # indentation and line ending included
    line: int
    offset: int

    def to_source(self) -> str:
        return self.text


@dataclass(frozen=True)
class Comment(_WholeLine):
    """A comment line outside any instruction."""

    @property
    def body(self) -> str:
        """The comment without ``#``, surrounding spaces and line ending."""
        return self.text.strip(" \t\r\n")[1:].strip()


@dataclass(frozen=True)
class Blank(_WholeLine):
    """A line of only whitespace outside any instruction."""


@dataclass(frozen=True)
class Heredoc:
    """The body of one ``<<NAME`` opened by a RUN/COPY/ADD line."""

    name: str
    content: str  # the body lines as BuildKit passes them on (line endings kept)
    expand: bool  # False when the name was quoted: no variable expansion in the body
    chomp: bool  # ``<<-``: leading tabs are stripped
    fd: int
    start_line: int  # first body line (== end_line for an empty body)
    end_line: int  # the terminator line
    content_offset: int  # file offset where the body starts


@dataclass(frozen=True)
class LogicalLine:
    """An instruction's lines joined as BuildKit joins them, with a map back to the file.

    ``text`` has the continuation characters, comment lines and empty continuation lines
    removed. ``pieces`` holds, for each contributing physical line, the offset of its piece in
    ``text`` and the file offset where that piece starts.
    """

    text: str
    pieces: tuple[tuple[int, int], ...]

    def to_file_offset(self, index: int) -> int:
        """Map an offset in ``text`` (0..len) to an offset in the file."""
        # pieces are sorted by logical offset; the last one starting at or before ``index``
        i = max(bisect.bisect_right(self.pieces, (index, float("inf"))) - 1, 0)
        logical_start, file_start = self.pieces[i]
        return file_start + (index - logical_start)


@dataclass(eq=False)
class Instruction:
    """One Dockerfile instruction: its physical lines and BuildKit's reading of them."""

    lines: tuple[SourceLine, ...]
    logical: LogicalLine
    syntax: InstructionSyntax
    heredocs: tuple[Heredoc, ...] = ()
    comments: tuple[str, ...] = field(default=())  # comment lines just above (BuildKit PrevComment)

    def to_source(self) -> str:
        return "".join(line.text for line in self.lines)

    # -- location -------------------------------------------------------------------------
    @property
    def start_line(self) -> int:
        return self.lines[0].number

    @property
    def end_line(self) -> int:
        return self.lines[-1].number

    @property
    def start_offset(self) -> int:
        return self.lines[0].offset

    @property
    def end_offset(self) -> int:
        last = self.lines[-1]
        return last.offset + len(last.text)

    # -- BuildKit's view ------------------------------------------------------------------
    @property
    def keyword(self) -> str:
        """The instruction word as written (``run``, ``Run``, ``RUN``)."""
        return self.syntax.keyword

    @property
    def name(self) -> str:
        """The instruction word in lower case."""
        return self.syntax.name

    @property
    def flags(self) -> list[Flag]:
        return self.syntax.flags

    @property
    def values(self) -> list[str]:
        return self.syntax.values

    @property
    def json(self) -> bool:
        return self.syntax.json

    @property
    def args(self) -> str:
        """The arguments after the flags, as one logical string."""
        return self.syntax.args

    @property
    def children(self) -> list[InstructionSyntax]:
        return self.syntax.children

    def flag_values(self, name: str) -> list[str]:
        """Values of every ``--name=value`` flag (``--mount`` may repeat)."""
        return [f.value or "" for f in self.flags if f.name == name]

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """File offsets of a span given in logical-line offsets."""
        return self.logical.to_file_offset(start), self.logical.to_file_offset(end)


Node = Directive | Comment | Blank | Instruction


@dataclass(eq=False)
class Dockerfile:
    """A parsed Dockerfile: the BOM, then every line as a node, in order."""

    nodes: list[Node]
    bom: str = ""
    escape: str = "\\"

    def to_source(self) -> str:
        return self.bom + "".join(node.to_source() for node in self.nodes)

    @property
    def instructions(self) -> list[Instruction]:
        return [n for n in self.nodes if isinstance(n, Instruction)]

    @property
    def directives(self) -> list[Directive]:
        return [n for n in self.nodes if isinstance(n, Directive)]

    def directive(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)
