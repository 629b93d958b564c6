"""The pre-lexer: physical lines to line tokens, with BuildKit's context-sensitive rules.

What lark cannot see on its own lives here: the escape character chosen by ``# escape=``,
which lines are parser directives, where a continuation ends (comment lines and empty lines
inside it do not end it), and where each heredoc body stops. Each physical line becomes one
token whose type says what the line is; the grammar in ``grammars/dockerfile.lark`` then
assembles the tokens into the tree. Joining an instruction's lines into BuildKit's logical line
happens here too, because heredoc detection needs the parsed instruction.
"""

from __future__ import annotations

import functools
import re

from rewriter.parser.arguments import HEREDOC_INSTRUCTIONS, split_command
from rewriter.parser.errors import ParseError
from rewriter.parser.gotext import GO_SPACE_CHARS, trim_left
from rewriter.parser.nodes import (
    Blank,
    Comment,
    Directive,
    Heredoc,
    Instruction,
    LogicalLine,
    SourceLine,
)

BOM = "\ufeff"
MAX_LINE_BYTES = 65535  # bufio.Scanner's limit in BuildKit (64 KiB token, minus one)

# Regular expressions are compiled when first needed: compiling all of them at import costs a
# single-file run more than parsing the file.
_DIRECTIVE = r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z"
_VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_CONTINUATION = {
    "\\": r"([^\\])\\[ \t]*\Z|^\\[ \t]*\Z",
    "`": r"([^`])`[ \t]*\Z|^`[ \t]*\Z",
}


@functools.cache
def _continuation(escape: str) -> re.Pattern[str]:
    """Matches a line's trailing continuation character (and the spaces after it)."""
    return re.compile(_CONTINUATION[escape])


class ScanResult:
    """The line tokens of a file, as two parallel lists, and what the scanner found on the way.

    ``kinds[i]`` is the grammar terminal of token ``i`` (``BOM``, ``DIRECTIVE``, ``COMMENT``,
    ``BLANK``, ``INSTR``, ``CONT``...); ``values[i]`` is already the node the line becomes: the
    BOM string, a :class:`Directive`, :class:`Comment` or :class:`Blank`, or the
    :class:`SourceLine` of an instruction's line. ``instructions`` has an :class:`Instruction`
    per instruction, in order, with all but its ``lines``: the grammar groups those.
    """

    __slots__ = ("bom", "escape", "instructions", "kinds", "values")

    def __init__(
        self,
        bom: str,
        kinds: list[str],
        values: list[object],
        instructions: list[Instruction],
        escape: str,
    ):
        self.bom = bom
        self.kinds = kinds
        self.values = values
        self.instructions = instructions
        self.escape = escape


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only, keeping line endings (``\\r`` alone is not a line break)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _is_comment(content: str) -> bool:
    stripped = trim_left(content)
    return stripped[:1] == "#"


#: Last characters of a line that may end in a continuation (escape, then spaces or tabs).
_MAYBE_CONTINUED = ("\\", "`", " ", "\t")

_LONG_LINE = MAX_LINE_BYTES // 4  # below this many characters a line cannot be too long


def _check_line_length(line: str, number: int) -> None:
    if len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES + 1:
        raise ParseError(
            f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}", number, 1
        )


def scan(text: str) -> ScanResult:
    """Classify every physical line of ``text``; raise ParseError where BuildKit would."""
    bom = BOM if text.startswith(BOM) else ""
    lines = split_lines(text[len(bom) :])
    kinds: list[str] = ["BOM"] if bom else []
    values: list[object] = [bom] if bom else []
    instructions: list[Instruction] = []
    escape = "\\"
    comments: list[str] = []
    offset = len(bom)
    n = len(lines)
    i = 0
    if lines and lines[0].lstrip(GO_SPACE_CHARS)[:1] == "#":
        i, offset, escape = _scan_directives(lines, kinds, values, offset)
    continuation = _continuation(escape)
    # Only a file with a long line needs the per-line length check (one pass in C otherwise).
    check = len(text) > _LONG_LINE and max(map(len, lines)) > _LONG_LINE
    while i < n:
        raw = lines[i]
        number = i + 1
        if check and len(raw) > _LONG_LINE:
            _check_line_length(raw, number)
        content = raw.rstrip("\r\n")
        stripped = content.lstrip(GO_SPACE_CHARS)
        if stripped[:1] == "#":
            body = stripped[1:].strip(" \t\n\v\f\r")
            comments = [*comments, body] if body else []
            kinds.append("COMMENT")
            values.append(Comment(raw, number, offset))
            offset += len(raw)
            i += 1
            continue
        if stripped[-1:] in _MAYBE_CONTINUED:
            body, more = _trim_continuation(stripped, continuation)
        else:
            body, more = stripped, False
        if not more and not body:
            kinds.append("BLANK")
            values.append(Blank(raw, number, offset))
            offset += len(raw)
            i += 1
            continue

        # An instruction: its first line, then continuation lines until one does not continue.
        start_number = number
        kinds.append("INSTR")
        values.append(SourceLine("INSTR", raw, number, offset))
        first_piece = (0, offset + len(content) - len(stripped))
        offset += len(raw)
        i += 1
        if more:
            logical, i, offset = _continuation_lines(
                lines, i, offset, body, first_piece, continuation, kinds, values
            )
        else:
            logical = LogicalLine(body, (first_piece,))
        try:
            syntax = split_command(logical.text, escape)
        except ParseError as exc:
            raise ParseError(exc.message, start_number, 1) from None
        heredocs: tuple[Heredoc, ...] = ()
        if "<<" in logical.text:
            target = syntax.children[0] if syntax.name == "onbuild" and syntax.children else syntax
            if target.name in HEREDOC_INSTRUCTIONS and not target.json:
                heredocs, i, offset = _heredoc_bodies(
                    lines, i, offset, logical.text, start_number, kinds, values
                )
        instructions.append(Instruction((), logical, syntax, heredocs, tuple(comments)))
        comments = []
    if not instructions:
        raise ParseError("file with no instructions", max(n, 1), 1)
    return ScanResult(bom, kinds, values, instructions, escape)


def _scan_directives(
    lines: list[str], kinds: list[str], values: list[object], offset: int
) -> tuple[int, int, str]:
    """The parser directives at the top of the file; returns (next line, offset, escape)."""
    seen: set[str] = set()
    escape = "\\"
    i = 0
    for i, raw in enumerate(lines):
        number = i + 1
        if len(raw) > _LONG_LINE:
            _check_line_length(raw, number)
        directive = _directive(trim_left(raw.rstrip("\r\n")))
        if directive is None:
            return i, offset, escape
        name, value = directive
        if name in seen:
            raise ParseError(f"only one {name} parser directive can be used", number, 1)
        seen.add(name)
        if name == "escape":
            if value not in ("\\", "`"):
                raise ParseError(
                    f"invalid escape token '{value}' does not match ` or \\", number, 1
                )
            escape = value
        kinds.append("DIRECTIVE")
        values.append(Directive(name, value, raw, number, offset))
        offset += len(raw)
    return len(lines), offset, escape


def _continuation_lines(
    lines: list[str],
    i: int,
    offset: int,
    body: str,
    first_piece: tuple[int, int],
    continuation: re.Pattern[str],
    kinds: list[str],
    values: list[object],
) -> tuple[LogicalLine, int, int]:
    """The lines a continuation pulls in; returns (logical line, next line, offset)."""
    pieces = [first_piece]
    parts = [body]
    length = len(body)
    more = True
    n = len(lines)
    while more and i < n:
        raw = lines[i]
        number = i + 1
        if len(raw) > _LONG_LINE:
            _check_line_length(raw, number)
        content = raw.rstrip("\r\n")
        if _is_comment(content):
            kind = "CONT_COMMENT"
        elif not trim_left(content):
            kind = "CONT_EMPTY"
        else:
            kind = "CONT"
            piece, more = _trim_continuation(content, continuation)
            pieces.append((length, offset))
            parts.append(piece)
            length += len(piece)
        kinds.append(kind)
        values.append(SourceLine(kind, raw, number, offset))
        offset += len(raw)
        i += 1
    return LogicalLine("".join(parts), tuple(pieces)), i, offset


def _heredoc_bodies(
    lines: list[str],
    i: int,
    offset: int,
    logical: str,
    start_number: int,
    kinds: list[str],
    values: list[object],
) -> tuple[tuple[Heredoc, ...], int, int]:
    """The bodies of the heredocs a line opens; returns (heredocs, next line, offset)."""
    heredocs: list[Heredoc] = []
    n = len(lines)
    number = i
    from rewriter.parser.heredocs import heredoc_openers  # only files with heredocs need it

    for opener in heredoc_openers(logical):
        body_start = offset
        first_body_line = i + 1
        body_lines: list[str] = []
        while True:
            if i >= n:
                raise ParseError("unterminated heredoc", start_number, 1)
            raw = lines[i]
            number = i + 1
            if len(raw) > _LONG_LINE:
                _check_line_length(raw, number)
            candidate = raw.rstrip("\r\n")
            if opener.chomp:
                candidate = candidate.lstrip("\t")
            is_end = candidate == opener.name
            kind = "HEREDOC_END" if is_end else "HEREDOC_LINE"
            kinds.append(kind)
            values.append(SourceLine(kind, raw, number, offset))
            offset += len(raw)
            i += 1
            if is_end:
                break
            body_lines.append(raw)
        heredocs.append(
            Heredoc(
                name=opener.name,
                content="".join(body_lines),
                expand=opener.expand,
                chomp=opener.chomp,
                fd=opener.fd,
                start_line=first_body_line,
                end_line=number,
                content_offset=body_start,
            )
        )
    return tuple(heredocs), i, offset


def _directive(stripped: str) -> tuple[str, str] | None:
    """``(name, value)`` when the (left-trimmed) line is a valid parser directive."""
    if stripped[:1] != "#":
        return None
    match = re.match(_DIRECTIVE, trim_left(stripped[1:]))
    if match is None:
        return None
    name = match.group(1).lower()
    if name not in _VALID_DIRECTIVES:
        return None
    return name, match.group(2)


def _trim_continuation(line: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """Remove a trailing continuation character; the flag says whether the line continues."""
    if line[-1:] not in _MAYBE_CONTINUED:  # fast path: most lines end in neither
        return line, False
    match = pattern.search(line)
    if match is None:
        return line, False
    return line[: match.start()] + (match.group(1) or ""), True
