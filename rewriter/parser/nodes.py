"""The lossless syntax tree.

Every node owns its exact source text (line endings included), so rendering is concatenation
and ``parse(text).to_source() == text`` for every file BuildKit accepts. Semantic views
(keyword, flags, values, heredocs) are computed once by the parser from the same text, with
BuildKit's rules, and every span is known both as 1-based physical lines and as offsets into the
file, so fixes can edit bytes precisely.
"""

from __future__ import annotations

import re
from bisect import bisect_right  # a C module that rules/context.py loads anyway
from collections.abc import Iterator

from rewriter.parser.arguments import Flag, InstructionSyntax
from rewriter.records import Record


class SourceLine(Record):
    """One physical line of an instruction, with the role it plays in it."""

    __slots__ = ("kind", "number", "offset", "text")

    def __init__(self, kind: str, text: str, number: int, offset: int):
        self.kind = kind  # INSTR, CONT, CONT_COMMENT, CONT_EMPTY, HEREDOC_LINE, HEREDOC_END
        self.text = text  # exact text, line ending included
        self.number = number  # 1-based
        self.offset = offset  # offset of the line in the file


class Directive(Record):
    """A parser directive such as ``# syntax=docker/dockerfile:1`` at the top of the file."""

    __slots__ = ("line", "name", "offset", "text", "value")

    def __init__(self, name: str, value: str, text: str, line: int, offset: int):
        self.name = name  # lower case: syntax, escape or check
        self.value = value
        self.text = text
        self.line = line
        self.offset = offset

    def to_source(self) -> str:
        return self.text


class _WholeLine(Record):
    """A physical line outside any instruction, kept as written."""

    __slots__ = ("line", "offset", "text")

    def __init__(self, text: str, line: int, offset: int):
        self.text = text  # indentation and line ending included
        self.line = line
        self.offset = offset

    def to_source(self) -> str:
        return self.text


class Comment(_WholeLine):
    """A comment line outside any instruction."""

    __slots__ = ()

    @property
    def body(self) -> str:
        """The comment without ``#``, surrounding spaces and line ending."""
        return self.text.strip(" \t\r\n")[1:].strip()


class Blank(_WholeLine):
    """A line of only whitespace outside any instruction."""

    __slots__ = ()


class Heredoc(Record):
    """The body of one ``<<NAME`` opened by a RUN/COPY/ADD line."""

    __slots__ = (
        "chomp",
        "content",
        "content_offset",
        "end_line",
        "expand",
        "fd",
        "name",
        "start_line",
    )

    def __init__(
        self,
        name: str,
        content: str,
        expand: bool,
        chomp: bool,
        fd: int,
        start_line: int,
        end_line: int,
        content_offset: int,
    ):
        self.name = name
        self.content = content  # the body lines as BuildKit passes them on (line endings kept)
        self.expand = expand  # False when the name was quoted: no variable expansion in the body
        self.chomp = chomp  # ``<<-``: leading tabs are stripped
        self.fd = fd
        self.start_line = start_line  # first body line (== end_line for an empty body)
        self.end_line = end_line  # the terminator line
        self.content_offset = content_offset  # file offset where the body starts


class LogicalLine(Record):
    """An instruction's lines joined as BuildKit joins them, with a map back to the file.

    ``text`` has the continuation characters, comment lines and empty continuation lines
    removed. ``pieces`` holds, for each contributing physical line, the offset of its piece in
    ``text`` and the file offset where that piece starts.
    """

    __slots__ = ("pieces", "text")

    def __init__(self, text: str, pieces: tuple[tuple[int, int], ...]):
        self.text = text
        self.pieces = pieces

    def to_file_offset(self, index: int) -> int:
        """Map an offset in ``text`` (0..len) to an offset in the file."""
        pieces = self.pieces
        if len(pieces) == 1:  # a one-line instruction (most of them): no search needed
            logical_start, file_start = pieces[0]
            return file_start + (index - logical_start)

        # pieces are sorted by logical offset; the last one starting at or before ``index``
        i = max(bisect_right(pieces, (index, float("inf"))) - 1, 0)
        logical_start, file_start = pieces[i]
        return file_start + (index - logical_start)


#: A bare ``--`` word: the end of an instruction's flags.
_END_OF_FLAGS = re.compile(r"(?:^|[ \t\n\r\v\f])(--)(?=[ \t\n\r\v\f]|$)")


#: What BuildKit's flag reader skips between flags (ASCII whitespace only; it reads bytes).
_ASCII_SPACES = re.compile(r"[ \t\n\r\v\f]*")


class Instruction(Record, eq="identity"):
    """One Dockerfile instruction: its physical lines and BuildKit's reading of them."""

    __slots__ = ("comments", "heredocs", "lines", "logical", "syntax")

    def __init__(
        self,
        lines: tuple[SourceLine, ...],
        logical: LogicalLine,
        syntax: InstructionSyntax,
        heredocs: tuple[Heredoc, ...] = (),
        comments: tuple[str, ...] = (),
    ):
        self.lines = lines
        self.logical = logical
        self.syntax = syntax
        self.heredocs = heredocs
        self.comments = comments  # comment lines just above (BuildKit PrevComment)

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

    def new_flag_offset(self) -> int:
        """File offset where a fix adds a flag after the existing ones.

        That is where the arguments start, unless a bare ``--`` ends the flags (BuildKit drops
        it): then it is before the ``--``, since a flag written after it would be read as part
        of the command (``RUN -- --mount=... go build`` runs a program named ``--mount=...``).
        The same for arguments that start after a non-ASCII space (``RUN \u3000apk add x``):
        BuildKit trims it from the arguments, but its flag reader stops at it, so the flag goes
        before it.
        """
        syntax = self.syntax
        start = syntax.flags[-1].end if syntax.flags else syntax.keyword_start + len(syntax.keyword)
        text = self.logical.text
        end = max(start, syntax.args_start)
        marker = _END_OF_FLAGS.search(text, start, end)
        # without a marker, before a non-ASCII space the arguments may start with (Go trims it)
        spaces = _ASCII_SPACES.match(text, start, end)
        at = marker.start(1) if marker else spaces.end()  # type: ignore[union-attr]
        return self.logical.to_file_offset(at)


Node = Directive | Comment | Blank | Instruction


class Dockerfile(Record, eq="identity"):
    """A parsed Dockerfile: the BOM, then every line as a node, in order."""

    __slots__ = ("_directives", "_instructions", "bom", "escape", "nodes")

    def __init__(self, nodes: list[Node], bom: str = "", escape: str = "\\"):
        self.nodes = nodes
        self.bom = bom
        self.escape = escape
        self._instructions: list[Instruction] | None = None  # see ``instructions``
        self._directives: list[Directive] | None = None  # see ``directives``

    def to_source(self) -> str:
        return self.bom + "".join(node.to_source() for node in self.nodes)

    @property
    def instructions(self) -> list[Instruction]:
        """The Instruction nodes, in order: one list, built on first use and then shared.

        Every rule and the model ask for it; a tree is never modified after parsing (fixes
        edit the text and parse it again), so the list cannot go stale. Do not modify it.
        """
        if self._instructions is None:
            self._instructions = [n for n in self.nodes if isinstance(n, Instruction)]
        return self._instructions

    @property
    def directives(self) -> list[Directive]:
        """The parser directives, in order: built on first use and shared, like
        ``instructions`` (rules ask for them once per RUN). Do not modify it."""
        if self._directives is None:
            self._directives = [n for n in self.nodes if isinstance(n, Directive)]
        return self._directives

    def directive(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)
