"""BuildKit's per-instruction argument parsing, over one logical line.

BuildKit first joins an instruction's physical lines into one *logical* line, then splits off
the keyword and the ``--flags`` and hands the rest to a parser chosen by the keyword (JSON or
shell form, ``k=v`` pairs, whitespace-separated words...). This module does the same, so that
our values, flags and JSON/shell decisions are exactly what ``docker build`` sees. It also keeps
the offset of every flag and of the arguments inside the logical line, which lets fixes edit
them in place.
"""

from __future__ import annotations

import re

from rewriter.parser.errors import ParseError
from rewriter.parser.gotext import (
    GO_SPACE_CHARS,
    GO_SPACES,
    WHITESPACE_RUN,
    go_json_array,
    trim_left,
    trim_space,
)
from rewriter.records import Record

_ASCII_SPACE = frozenset("\t\n\v\f\r ")
_NOT_ASCII_SPACE = re.compile(r"[^\t\n\v\f\r ]*")
NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


class Flag(Record):
    """One ``--name[=value]`` word before the arguments, as BuildKit sees it."""

    __slots__ = ("end", "name", "start", "text", "value")

    def __init__(self, text: str, start: int, end: int):
        self.text = text  # after quote and escape removal, e.g. ``--mount=type=cache,target=/x``
        self.start = start  # offsets in the logical line of the word as written (quotes included)
        self.end = end
        # ``name`` (``mount``) and ``value`` (``type=cache,target=/x``, None without ``=``) are
        # split from ``text`` once here, not fields: the model and the rules read them for
        # every flag many times, and nothing assigns ``text`` after parsing.
        self.name = text[2:].partition("=")[0]
        _, eq, value = text.partition("=")
        self.value = value if eq else None


class InstructionSyntax(Record, eq="mutable"):
    """What BuildKit's parser produces for one instruction (``Node`` in BuildKit)."""

    __slots__ = (
        "args",
        "args_start",
        "children",
        "flags",
        "json",
        "keyword",
        "keyword_start",
        "name",
        "values",
    )

    def __init__(
        self,
        keyword: str,
        keyword_start: int,
        flags: list[Flag],
        args: str,
        args_start: int,
        values: list[str] | None = None,
        json: bool = False,
        children: list[InstructionSyntax] | None = None,
    ):
        self.keyword = keyword  # as written, e.g. ``run`` or ``RUN``
        self.keyword_start = keyword_start
        self.flags = flags
        self.args = args  # the text after the flags, trimmed
        self.args_start = args_start  # offset of ``args`` in the logical line (len(line) if none)
        self.values = [] if values is None else values
        self.json = json
        self.children = [] if children is None else children  # ONBUILD's instruction
        # The keyword in lower case (``run``, ``copy``...): read by every rule for every
        # instruction, so computed once here (nothing assigns ``keyword`` after parsing).
        self.name = keyword.lower()


def split_command(line: str, escape: str) -> InstructionSyntax:
    """Split a logical line into keyword, flags and arguments, then parse the arguments."""
    if line[:1] in GO_SPACES or line[-1:] in GO_SPACES:
        stripped = trim_space(line)
        lead = len(line) - len(trim_left(line))
    else:  # the common case, without two calls that would change nothing
        stripped, lead = line, 0
    match = WHITESPACE_RUN.search(stripped)
    if match is None:
        keyword, rest, rest_start = stripped, "", lead + len(stripped)
    else:
        keyword = stripped[: match.start()]
        rest = stripped[match.end() :]
        rest_start = lead + match.end()
    flags: list[Flag] = []
    args = ""
    args_start = lead + len(stripped)
    if rest:
        if rest[:2] == "--" or rest[0] in _ASCII_SPACE:
            remaining_at, flags = extract_flags(rest, rest_start)
        else:  # no flags (most instructions): what extract_flags would find, without the call
            remaining_at = 0
        remaining = rest[remaining_at:] if remaining_at is not None else ""
        args = remaining.strip(GO_SPACE_CHARS)  # trim_space, inline: this runs per instruction
        if args:
            lead_in = len(remaining) - len(remaining.lstrip(GO_SPACE_CHARS))
            args_start = rest_start + remaining_at + lead_in
    syntax = InstructionSyntax(keyword, lead, flags, args, args_start)
    _DISPATCH.get(syntax.name, _parse_ignore)(syntax, escape)
    return syntax


def extract_flags(line: str, base: int = 0) -> tuple[int | None, list[Flag]]:
    """BuildKit's ``extractBuilderFlags``: leading words that start with ``--``.

    Flag words always use the backslash as their escape character: BuildKit reads them before,
    and apart from, the ``# escape=`` directive (``--k=\\`` at the end of a line under the backtick
    escape is ``--k=``).

    Returns the index in ``line`` where the arguments begin (None when the line is all flags) and
    the flags. A bare ``--`` ends the flags and is dropped. BuildKit scans bytes here; we scan
    characters, which agrees for ASCII flags. A non-ASCII flag differs: BuildKit reads each of
    its bytes as a Latin-1 character, and the bytes 0x85 and 0xA0 (Go's Latin-1 spaces) split
    its words (``--from=xı`` is ``--from=xÄ±`` there). DF107 refuses to write a cache folder
    with non-ASCII text into a mount flag for that reason.
    """
    flags: list[Flag] = []
    n = len(line)
    pos = 0
    while True:
        while pos < n and line[pos] in _ASCII_SPACE:
            pos += 1
        if pos >= n:
            return None, flags
        if not (line[pos] == "-" and pos + 1 < n and line[pos + 1] == "-"):
            return pos, flags
        start = pos
        end = _NOT_ASCII_SPACE.match(line, pos).end()  # type: ignore[union-attr]
        word = line[pos:end]
        if "'" in word or '"' in word or "\\" in word:
            word, blank_ok, pos = _flag_word(line, pos)
        else:  # no quotes or escapes: the word is the text up to the next space
            blank_ok, pos = False, end
        if word == "--":
            if pos >= n:
                return None, flags
            return pos, flags
        if blank_ok or word:
            flags.append(Flag(word, base + start, base + pos))
        if pos >= n:
            return None, flags


def _flag_word(line: str, pos: int) -> tuple[str, bool, int]:
    """One flag word from ``pos`` with BuildKit's quote and escape removal.

    Returns the word, whether it had quotes (an empty quoted word still counts) and the
    position after it.
    """
    n = len(line)
    chars: list[str] = []
    blank_ok = False
    quote = ""
    while pos < n:
        ch = line[pos]
        if quote:
            if ch == quote:
                quote = ""
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    quote = ""
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            chars.append(ch)
            pos += 1
            continue
        if ch in _ASCII_SPACE:
            break
        if ch in "'\"":
            quote = ch
            blank_ok = True
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        chars.append(ch)
        pos += 1
    return "".join(chars), blank_ok, pos


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's ``parseWords``: split on spaces outside quotes, keeping quotes and escapes."""
    words: list[str] = []
    buf: list[str] = []
    in_word = False
    quote = ""
    blank_ok = False
    i = 0
    n = len(rest)
    while i < n:
        ch = rest[i]
        if not in_word:
            if ch in GO_SPACES:
                i += 1
                continue
            in_word = True
        if quote:
            if ch == quote:
                quote = ""
            if ch == escape and quote != "'" and ch != quote:
                if i + 1 == n:
                    quote = ""
                    i += 1
                    continue
                buf.append(ch)
                i += 1
                ch = rest[i]
            buf.append(ch)
            i += 1
            continue
        if ch in GO_SPACES:
            if blank_ok or buf:
                words.append("".join(buf))
            buf = []
            blank_ok = False
            in_word = False
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            blank_ok = True
        elif ch == escape:
            if i + 1 == n:
                i += 1
                continue
            buf.append(ch)
            i += 1
            ch = rest[i]
        buf.append(ch)
        i += 1
    if in_word and (blank_ok or buf):
        words.append("".join(buf))
    return words


def _parse_ignore(syntax: InstructionSyntax, escape: str) -> None:
    """Unknown instruction words keep no arguments: BuildKit records one empty value node."""
    syntax.values = [""]


def _parse_string(syntax: InstructionSyntax, escape: str) -> None:
    if syntax.args:
        syntax.values = [syntax.args]


def _split_whitespace(rest: str) -> list[str]:
    return WHITESPACE_RUN.split(rest) if rest else []


def _parse_whitespace_delimited(syntax: InstructionSyntax, escape: str) -> None:
    syntax.values = _split_whitespace(syntax.args)


def _json_values(rest: str) -> list[str] | None:
    """Values of a JSON array of strings, None when ``rest`` is not one (shell form).

    Raises ParseError for a valid JSON array with a non-string element (BuildKit rejects it).
    """
    rest = rest.lstrip(GO_SPACE_CHARS)  # trim_left, inline
    if rest[:1] != "[":
        return None
    items = go_json_array(rest)
    if items is None:
        return None
    if not all(isinstance(item, str) for item in items):
        raise ParseError(NOT_STRING_ARRAY)
    return items  # type: ignore[return-value]


def _parse_maybe_json(syntax: InstructionSyntax, escape: str) -> None:
    syntax.values, syntax.json = _maybe_json(syntax.args)


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    if not rest:
        return [], False
    items = _json_values(rest)
    if items is not None:
        return items, True
    return [rest], False


def _parse_maybe_json_to_list(syntax: InstructionSyntax, escape: str) -> None:
    items = _json_values(syntax.args)
    if items is not None:
        syntax.values, syntax.json = items, True
    else:
        syntax.values = _split_whitespace(syntax.args)


def _parse_name_val(syntax: InstructionSyntax, escape: str) -> None:
    rest = syntax.args
    words = parse_words(rest, escape)
    if not words:
        return
    if "=" not in words[0]:
        parts = WHITESPACE_RUN.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise ParseError(f"{syntax.keyword.upper()} must have two arguments")
        syntax.values = [parts[0], parts[1], ""]
        return
    values: list[str] = []
    for word in words:
        if "=" not in word:
            raise ParseError(
                f"Syntax error - can't find = in {_go_quote(word)}. Must be of the form: name=value"
            )
        key, value = word.split("=", 1)
        values += [key, value, "="]
    syntax.values = values


def _parse_name_or_name_val(syntax: InstructionSyntax, escape: str) -> None:
    syntax.values = parse_words(syntax.args, escape)


def _parse_health(syntax: InstructionSyntax, escape: str) -> None:
    rest = syntax.args
    sep = 0
    while sep < len(rest) and rest[sep] not in _ASCII_SPACE:
        sep += 1
    if sep == 0:
        return
    nxt = sep
    while nxt < len(rest) and rest[nxt] in _ASCII_SPACE:
        nxt += 1
    values, syntax.json = _maybe_json(rest[nxt:])
    syntax.values = [rest[:sep], *values]


def _parse_sub_command(syntax: InstructionSyntax, escape: str) -> None:
    if syntax.args:
        child = split_command(syntax.args, escape)
        _shift(child, syntax.args_start)
        syntax.children = [child]


def _shift(syntax: InstructionSyntax, offset: int) -> None:
    """Make a nested instruction's offsets relative to the outer logical line."""
    syntax.keyword_start += offset
    syntax.args_start += offset
    syntax.flags = [Flag(f.text, f.start + offset, f.end + offset) for f in syntax.flags]
    for child in syntax.children:
        _shift(child, offset)


def _go_quote(s: str) -> str:
    """Go's ``%q`` for the plain strings that appear in BuildKit's messages."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_DISPATCH = {
    "add": _parse_maybe_json_to_list,
    "arg": _parse_name_or_name_val,
    "cmd": _parse_maybe_json,
    "copy": _parse_maybe_json_to_list,
    "entrypoint": _parse_maybe_json,
    "env": _parse_name_val,
    "expose": _parse_whitespace_delimited,
    "from": _parse_whitespace_delimited,
    "healthcheck": _parse_health,
    "label": _parse_name_val,
    "maintainer": _parse_string,
    "onbuild": _parse_sub_command,
    "run": _parse_maybe_json,
    "shell": _parse_maybe_json,
    "stopsignal": _parse_string,
    "user": _parse_string,
    "volume": _parse_maybe_json_to_list,
    "workdir": _parse_string,
}

#: Instructions whose arguments may open heredocs (ONBUILD may wrap one of them).
HEREDOC_INSTRUCTIONS = frozenset({"add", "copy", "run"})
KNOWN_INSTRUCTIONS = frozenset(_DISPATCH)
