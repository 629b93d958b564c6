"""Input BuildKit rejects gives a ParseError with file:line:col and a plain message."""

from __future__ import annotations

import pytest

from rewriter import ParseError, parse
from rewriter.parser import parse_bytes, parse_file

REJECTED = {
    "empty file": ("", 1, "file with no instructions"),
    "only comments": ("# a\n# b\n\n", 3, "file with no instructions"),
    "env without value": ("FROM a\nENV PATH\n", 2, "ENV must have two arguments"),
    "label without value": ("FROM a\nLABEL x\n", 2, "LABEL must have two arguments"),
    "env pair without equals": ("FROM a\nENV A=1 B\n", 2, 'can\'t find = in "B"'),
    "nested json array": ('CMD [ "echo", [ "nested json" ] ]\n', 1, "strings only"),
    "json number": ("FROM a\nRUN [1]\n", 2, "strings only"),
    "unterminated heredoc": ("FROM a\nRUN <<EOF\necho\n", 2, "unterminated heredoc"),
    "duplicate directive": ("# syntax=a\n# syntax=b\nFROM a\n", 2, "only one syntax"),
    "bad escape directive": ("# escape=x\nFROM a\n", 1, "invalid escape token"),
}


@pytest.mark.parametrize(("source", "line", "message"), REJECTED.values(), ids=REJECTED.keys())
def test_rejected_input_reports_line_and_message(source: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(source)
    assert info.value.line == line
    assert message in info.value.message


def test_nul_byte_is_reported_at_its_position() -> None:
    with pytest.raises(ParseError) as info:
        parse("FROM a\nRUN e\0cho\n")
    assert (info.value.line, info.value.column) == (2, 6)


def test_invalid_utf8_is_reported_not_mangled() -> None:
    with pytest.raises(ParseError) as info:
        parse_bytes(b"FROM a\nRUN echo \xff\n")
    assert (info.value.line, info.value.column) == (2, 10)
    assert "UTF-8" in info.value.message


def test_parse_file_names_the_file_in_every_error(tmp_path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM a\nENV PATH\n")
    with pytest.raises(ParseError) as info:
        parse_file(bad)
    assert str(info.value) == f"{bad}:2:1: ENV must have two arguments"
    with pytest.raises(ParseError, match="directory"):
        parse_file(tmp_path)
    with pytest.raises(ParseError, match="no such file"):
        parse_file(tmp_path / "missing")


def test_overlong_line_is_rejected_like_buildkit() -> None:
    with pytest.raises(ParseError, match="max allowed size"):
        parse("FROM a\nRUN echo " + "x" * 70000 + "\n")
