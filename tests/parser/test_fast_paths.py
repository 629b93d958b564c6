"""The parser's fast paths give what the general code gives.

Each test states the property a shortcut relies on and checks it on generated input, against the
straightforward definition (Go's whitespace as a regular expression, BuildKit's flag scanner one
character at a time).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.parser.arguments import (
    _DISPATCH,
    Flag,
    InstructionSyntax,
    _flag_word,
    _parse_ignore,
    extract_flags,
    split_command,
)
from rewriter.parser.gotext import GO_SPACES, WHITESPACE_RUN, trim_left, trim_space

_SPACE_CLASS = "".join(sorted(GO_SPACES)).replace("\\", "\\\\").replace("]", "\\]")
_LEADING = re.compile(f"^[{_SPACE_CLASS}]+")
_TRAILING = re.compile(f"[{_SPACE_CLASS}]+$")

# Go spaces, characters Python (not Go) calls spaces, quotes, escapes, flag dashes, letters.
_ALPHABET = "".join(sorted(GO_SPACES)) + "\x1c\x1d\x1e\x1f\u200b\ufeff'\"\\`-=ab/"
_chars = st.text(alphabet=_ALPHABET, max_size=30)
# Flag-like pieces, so that quotes and escapes land inside ``--`` words often.
_PIECES = ["--", "--a", "-", "=", "x", '"', "'", "\\", "`", " ", "\t", "\n", "\xa0", "\u3000"]
_text = st.one_of(_chars, st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))


@settings(max_examples=1000, deadline=None)
@given(_chars)
def test_trims_remove_exactly_go_spaces(s: str) -> None:
    assert trim_left(s) == _LEADING.sub("", s, count=1)
    assert trim_space(s) == _TRAILING.sub("", _LEADING.sub("", s, count=1), count=1)


def _reference_extract_flags(line: str, base: int = 0):
    """``extract_flags`` with every word read character by character."""
    flags = []
    n = len(line)
    pos = 0
    while True:
        while pos < n and line[pos] in "\t\n\v\f\r ":
            pos += 1
        if pos >= n:
            return None, flags
        if not line.startswith("--", pos):
            return pos, flags
        start = pos
        word, blank_ok, pos = _flag_word(line, pos)
        if word == "--":
            return (None if pos >= n else pos), flags
        if blank_ok or word:
            flags.append((word, base + start, base + pos))
        if pos >= n:
            return None, flags


@settings(max_examples=1000, deadline=None)
@given(_text, st.integers(0, 5))
def test_extract_flags_plain_words_are_read_like_quoted_ones(line, base) -> None:
    at, flags = extract_flags(line, base)
    assert (at, [(f.text, f.start, f.end) for f in flags]) == _reference_extract_flags(line, base)


@settings(max_examples=1000, deadline=None)
@given(_text)
def test_arguments_without_leading_dashes_or_space_have_no_flags(rest) -> None:
    """What ``split_command`` assumes when it skips ``extract_flags``."""
    if rest and not rest.startswith("--") and rest[0] not in "\t\n\v\f\r ":
        assert extract_flags(rest, 7) == (0, [])


def _reference_split_command(line: str, escape: str) -> InstructionSyntax:
    """``split_command`` without its shortcuts: always trims, always scans for flags."""
    stripped = trim_space(line)
    lead = len(line) - len(trim_left(line))
    match = WHITESPACE_RUN.search(stripped)
    if match is None:
        keyword, rest, rest_start = stripped, "", lead + len(stripped)
    else:
        keyword, rest, rest_start = (
            stripped[: match.start()],
            stripped[match.end() :],
            lead + match.end(),
        )
    flags: list = []
    args = ""
    args_start = lead + len(stripped)
    if rest:
        remaining_at, flags = extract_flags(rest, rest_start)
        remaining = rest[remaining_at:] if remaining_at is not None else ""
        args = trim_space(remaining)
        if args:
            args_start = rest_start + remaining_at + (len(remaining) - len(trim_left(remaining)))
    syntax = InstructionSyntax(keyword, lead, flags, args, args_start)
    _DISPATCH.get(keyword.lower(), _parse_ignore)(syntax, escape)
    return syntax


def _outcome(split, line: str, escape: str) -> str:
    try:
        return repr(split(line, escape))
    except ValueError as exc:
        return f"error {exc}"


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(["", " ", "\t", "\xa0"]),
    st.sampled_from(["RUN", "copy", "ENV", "ONBUILD", "FROM", "HEALTHCHECK", "X"]),
    st.sampled_from(["", " ", "  ", "\t", "\u3000"]),
    _text,
    st.sampled_from(["\\", "`"]),
)
def test_split_command_shortcuts_change_nothing(lead, keyword, sep, text, escape) -> None:
    line = f"{lead}{keyword}{sep}{text}"
    assert _outcome(split_command, line, escape) == _outcome(_reference_split_command, line, escape)


@settings(max_examples=1000, deadline=None)
@given(_text)
def test_flag_name_and_value_split_once_like_on_every_access(text: str) -> None:
    flag = Flag(text, 0, len(text))
    parts = text.split("=", 1)
    assert flag.name == text[2:].split("=", 1)[0]
    assert flag.value == (parts[1] if len(parts) == 2 else None)
    assert flag == Flag(text, 0, len(text)) and flag._fields == ("text", "start", "end")
    assert repr(flag) == f"Flag(text={text!r}, start=0, end={len(text)})"


def test_instructions_list_is_built_once_and_matches_the_nodes() -> None:
    from rewriter import parse
    from rewriter.parser import Instruction

    tree = parse("# syntax=x\nFROM a\n# c\n\nRUN <<EOF cat\nhi\nEOF\nONBUILD RUN x\n")
    assert tree.instructions == [n for n in tree.nodes if isinstance(n, Instruction)]
    assert tree.instructions is tree.instructions
    assert [i.name for i in tree.instructions] == ["from", "run", "onbuild"]
