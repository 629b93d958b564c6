"""The pre-lexer: physical lines to line tokens, with BuildKit's context-sensitive rules.

What lark cannot see on its own lives here: the escape character chosen by ``# escape=``,
which lines are parser directives, where a continuation ends (comment lines and empty lines
inside it do not end it), and where each heredoc body stops. Each physical line becomes one
token whose type says what the line is; the grammar in ``grammars/dockerfile.lark`` then
assembles the tokens into the tree. Joining an instruction's lines into BuildKit's logical line
happens here too, because heredoc detection needs the parsed instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewriter.parser.arguments import HEREDOC_INSTRUCTIONS, InstructionSyntax, split_command
from rewriter.parser.errors import ParseError
from rewriter.parser.gotext import GO_SPACES, trim_left
from rewriter.parser.heredocs import heredoc_openers
from rewriter.parser.nodes import Heredoc, LogicalLine

BOM = "\ufeff"
MAX_LINE_BYTES = 65535  # bufio.Scanner's limit in BuildKit (64 KiB token, minus one)

_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_CONTINUATION = {
    "\\": re.compile(r"([^\\])\\[ \t]*\Z|^\\[ \t]*\Z"),
    "`": re.compile(r"([^`])`[ \t]*\Z|^`[ \t]*\Z"),
}


class LineToken:
    """One physical line as a grammar token (lark only needs ``type``; the rest is ours)."""

    __slots__ = ("number", "offset", "text", "type")

    def __init__(self, type: str, text: str, number: int, offset: int):
        self.type = type
        self.text = text  # exact text, line ending included
        self.number = number  # 1-based line number
        self.offset = offset  # offset in the file (BOM included)

    def __repr__(self) -> str:
        return f"LineToken({self.type}, {self.text!r}, line {self.number})"

    # Positions under lark's names: lark reads them for its end-of-input token and its errors.
    @property
    def start_pos(self) -> int:
        return self.offset

    @property
    def end_pos(self) -> int:
        return self.offset + len(self.text)

    @property
    def line(self) -> int:
        return self.number

    end_line = line
    column = end_column = 1


@dataclass
class InstructionInfo:
    """What the scanner learnt about an instruction while finding where it ends."""

    logical: LogicalLine
    syntax: InstructionSyntax
    heredocs: tuple[Heredoc, ...]
    comments: tuple[str, ...]


@dataclass
class ScanResult:
    bom: str
    tokens: list[LineToken]
    instructions: list[InstructionInfo]
    directives: list[tuple[str, str]]
    escape: str


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
    tokens: list[LineToken] = []
    infos: list[InstructionInfo] = []
    directives: list[tuple[str, str]] = []
    seen: set[str] = set()
    directives_done = False
    escape = "\\"
    continuation = _CONTINUATION[escape]
    comments: list[str] = []
    offset = len(bom)
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        number = i + 1
        if len(raw) > _LONG_LINE:
            _check_line_length(raw, number)
        content = raw.rstrip("\r\n")
        stripped = trim_left(content) if content and content[0] in GO_SPACES else content
        if not directives_done:
            directive = _directive(stripped)
            if directive is None:
                directives_done = True
            else:
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
                    continuation = _CONTINUATION[escape]
                directives.append((name, value))
                tokens.append(LineToken("DIRECTIVE", raw, number, offset))
                offset += len(raw)
                i += 1
                continue
        if stripped[:1] == "#":
            body = stripped[1:].strip(" \t\n\v\f\r")
            comments = [*comments, body] if body else []
            tokens.append(LineToken("COMMENT", raw, number, offset))
            offset += len(raw)
            i += 1
            continue
        lead = len(content) - len(stripped)
        body, more = _trim_continuation(stripped, continuation)
        if not more and not body:
            tokens.append(LineToken("BLANK", raw, number, offset))
            offset += len(raw)
            i += 1
            continue

        # An instruction: its first line, then continuation lines until one does not continue.
        start_number = number
        tokens.append(LineToken("INSTR", raw, number, offset))
        pieces = [(0, offset + lead)]
        parts = [body]
        length = len(body)
        offset += len(raw)
        i += 1
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
            tokens.append(LineToken(kind, raw, number, offset))
            offset += len(raw)
            i += 1
        logical = LogicalLine("".join(parts), tuple(pieces))
        try:
            syntax = split_command(logical.text, escape)
        except ParseError as exc:
            raise ParseError(exc.message, start_number, 1) from None

        heredocs: list[Heredoc] = []
        target = syntax.children[0] if syntax.name == "onbuild" and syntax.children else syntax
        if target.name in HEREDOC_INSTRUCTIONS and not target.json and "<<" in logical.text:
            for opener in heredoc_openers(logical.text):
                body_start = offset
                first_body_line = i + 1
                body_lines: list[str] = []
                while True:
                    if i >= n:
                        raise ParseError("unterminated heredoc", start_number, 1)
                    raw = lines[i]
                    number = i + 1
                    _check_line_length(raw, number)
                    candidate = raw.rstrip("\r\n")
                    if opener.chomp:
                        candidate = candidate.lstrip("\t")
                    is_end = candidate == opener.name
                    tokens.append(
                        LineToken("HEREDOC_END" if is_end else "HEREDOC_LINE", raw, number, offset)
                    )
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
        infos.append(InstructionInfo(logical, syntax, tuple(heredocs), tuple(comments)))
        comments = []
    if not infos:
        raise ParseError("file with no instructions", max(n, 1), 1)
    return ScanResult(bom, tokens, infos, directives, escape)


def _directive(stripped: str) -> tuple[str, str] | None:
    """``(name, value)`` when the (left-trimmed) line is a valid parser directive."""
    if stripped[:1] != "#":
        return None
    match = _DIRECTIVE.match(trim_left(stripped[1:]))
    if match is None:
        return None
    name = match.group(1).lower()
    if name not in _VALID_DIRECTIVES:
        return None
    return name, match.group(2)


def _trim_continuation(line: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    """Remove a trailing continuation character; the flag says whether the line continues."""
    last = line[-1:]
    if last not in ("\\", "`", " ", "\t"):  # fast path: most lines end in neither
        return line, False
    match = pattern.search(line)
    if match is None:
        return line, False
    return line[: match.start()] + (match.group(1) or ""), True
