"""rewriter.fixes.features: which frontend a file declares and the syntax line a fix adds."""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.fixes.features import (
    SYNTAX_LINE,
    declared_frontend,
    frontend_supports,
    syntax_directive_edit,
)


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("FROM a\n", "run-mount-cache", True),
        ("FROM a\n", "heredoc", False),
        ("FROM a\n", "mount-secret-env", False),
        ("# syntax=docker/dockerfile:1\nFROM a\n", "mount-secret-env", True),
        ("# syntax=docker/dockerfile:1.4\nFROM a\n", "copy-link", True),
        ("# syntax=docker/dockerfile:1.4\nFROM a\n", "mount-secret-env", False),
        ("# syntax=docker/dockerfile:1\nFROM a\n", "copy-parents", False),
        ("# syntax=docker/dockerfile:1.7-labs\nFROM a\n", "copy-parents", True),
        ("# syntax=example.com/my/frontend:2\nFROM a\n", "heredoc", None),
    ],
)
def test_frontend_supports(source: str, name: str, expected: bool | None) -> None:
    assert frontend_supports(parse(source), name) is expected


def test_syntax_line_goes_first_before_other_directives_with_the_file_line_ending() -> None:
    source = "# escape=`\r\nFROM a\r\n"
    edit = syntax_directive_edit(parse(source), source, ("heredoc",))
    assert edit is not None and (edit.start, edit.end) == (0, 0)
    assert edit.text == SYNTAX_LINE + "\r\n"
    fixed = edit.text + source
    assert declared_frontend(parse(fixed)).version is not None
    assert parse(fixed).directive("escape") is not None


def test_no_syntax_line_when_the_builtin_frontend_suffices() -> None:
    source = "FROM a\n"
    assert syntax_directive_edit(parse(source), source, ("run-mount-cache",)) is None


def test_a_pinned_older_frontend_is_never_rewritten() -> None:
    source = "# syntax=docker/dockerfile:1.2\nFROM a\n"
    with pytest.raises(ValueError, match=r"declares docker/dockerfile:1\.2"):
        syntax_directive_edit(parse(source), source, ("heredoc",))


def test_after_a_bom() -> None:
    source = "\ufeffFROM a\n"
    edit = syntax_directive_edit(parse(source), source, ("copy-link",))
    assert edit is not None and edit.start == 1
