"""Removing one word or one command leaves the rest of the script byte for byte."""

from __future__ import annotations

import pytest

from rewriter.analyse.shell import TextEdit, apply_edits, parse_shell, remove_command, remove_word


def _drop_command(text: str, name: str, index: int = 0) -> str | None:
    script = parse_shell(text)
    command = [c for c in script.commands if c.name == name][index]
    edit = remove_command(script, command)
    return None if edit is None else apply_edits(text, [edit])


def _drop_word(text: str, value: str) -> str:
    script = parse_shell(text)
    for command in script.commands:
        for word in (*command.assignments, *command.words):
            if word.value == value:
                return apply_edits(text, [remove_word(script, word)])
    raise AssertionError(f"{value!r} not found")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "apt-get update && apt-get install -y x && rm -rf /l/*",
            "apt-get update && apt-get install -y x",
        ),
        (
            "apt-get update && rm -rf /l/* && apt-get install -y x",
            "apt-get update && apt-get install -y x",
        ),
        ("rm -rf /l/* && apt-get update", "apt-get update"),
        ("a; rm -rf /l/*", "a"),
        ("a; rm -rf /l/*; b", "a; b"),
        ("rm -rf /l/*; b", "b"),
        ("a && rm -rf /l/* || b", "a || b"),
        ("a\nrm -rf /l/*\nb\n", "a\nb\n"),
        ("a\n    rm -rf /l/*\n", "a\n"),
        ("{ a; rm -rf /l/*; }", "{ a; }"),
        ("(a && rm -rf /l/*) > log", "(a) > log"),
    ],
)
def test_remove_command_takes_one_connector(text: str, expected: str) -> None:
    assert _drop_command(text, "rm") == expected


def test_remove_command_on_a_joined_logical_line_takes_the_continuation_gap() -> None:
    logical = "apt-get update &&     apt-get install -y curl &&     rm -rf /var/lib/apt/lists/*"
    script = parse_shell(logical)
    edit = remove_command(script, script.commands[-1])
    assert edit == TextEdit(len("apt-get update &&     apt-get install -y curl"), len(logical))


def test_remove_command_keeps_backslash_newline_layout_in_a_multiline_script() -> None:
    text = "a && \\\n    rm -rf x && \\\n    b"
    assert _drop_command(text, "rm") == "a && \\\n    b"
    text = "a \\\n  && rm -rf x \\\n  && b"
    assert _drop_command(text, "rm") == "a \\\n  && b"


@pytest.mark.parametrize(
    "text",
    [
        "rm -rf x || echo failed",  # the fallback would start running unconditionally
        "a || rm -rf x",  # would change the exit status when a fails
        "rm -rf x | tee log",  # a pipeline element
        "a && rm -rf x | tee log",
        "rm -rf x",  # the only command: the caller decides about the instruction
        "rm -rf x <<EOF\nbody\nEOF",  # would leave a here-document body behind
    ],
)
def test_remove_command_refuses_when_meaning_would_change(text: str) -> None:
    assert _drop_command(text, "rm") is None


def test_remove_sole_command_of_a_nested_body_leaves_a_colon() -> None:
    assert _drop_command("if a; then rm -rf x; fi", "rm") == "if a; then :; fi"


def test_remove_command_result_always_reparses() -> None:
    for text in ("x && rm a && y; rm b\nrm c || z", "for i in 1; do rm $i; rm q; done"):
        script = parse_shell(text)
        for command in [c for c in script.commands if c.name == "rm"]:
            edit = remove_command(script, command)
            if edit is not None:
                assert parse_shell(apply_edits(text, [edit])).ok


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("pip install --no-cache-dir -r r.txt", "--no-cache-dir", "pip install -r r.txt"),
        (
            "pip install -r r.txt --no-cache-dir && ls",
            "--no-cache-dir",
            "pip install -r r.txt && ls",
        ),
        ("PIP_NO_CACHE_DIR=1 pip install x", "PIP_NO_CACHE_DIR=1", "pip install x"),
        ("A=1 PIP_NO_CACHE_DIR=1 pip install x", "PIP_NO_CACHE_DIR=1", "A=1 pip install x"),
        ("apk add --no-cache curl", "--no-cache", "apk add curl"),
    ],
)
def test_remove_word_takes_the_whitespace_before_it(text: str, value: str, expected: str) -> None:
    assert _drop_word(text, value) == expected


def test_remove_word_across_a_continuation_removes_that_line() -> None:
    text = "pip install \\\n    --no-cache-dir \\\n    -r r.txt"
    assert _drop_word(text, "--no-cache-dir") == "pip install \\\n    -r r.txt"


def test_remove_word_rejects_a_word_of_another_script() -> None:
    other = parse_shell("ls -l").commands[0].words[1]
    with pytest.raises(ValueError):
        remove_word(parse_shell("echo hi"), other)


def test_apply_edits_rejects_overlaps() -> None:
    with pytest.raises(ValueError):
        apply_edits("abcdef", [TextEdit(0, 3), TextEdit(2, 4)])
    assert apply_edits("abcdef", [TextEdit(4, 6, "X"), TextEdit(0, 1)]) == "bcdX"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apt install \\ && rm var", "apt install \\ "),
        ("apt install \\  && rm var", "apt install \\ "),
        ("a \\\\ && rm var", "a \\\\"),
        ("a \\\\\\ ; rm var", "a \\\\\\ "),
        ("x=\\ ; rm var", "x=\\ "),
    ],
)
def test_remove_command_keeps_an_escaped_blank_of_the_word_before(text, expected) -> None:
    """The gap before ``&&`` stopped at nothing: the escaped space of ``install \\ `` went with
    the removed command, the edit overlapped the word before it, and DF107 crashed (DF000)."""
    assert _drop_command(text, "rm") == expected
    words = [w.value for c in parse_shell(expected).commands for w in (*c.assignments, *c.words)]
    before = [w.value for c in parse_shell(text).commands[:-1] for w in (*c.assignments, *c.words)]
    assert words == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a && b && c", "b && c"),  # the first command has no && before it: the one after
        ("x && a && b && c", "x && b && c"),
        ("x && a", "x"),  # the last command has no && after it: the one before, as usual
    ],
)
def test_remove_command_can_take_the_connector_after_it(text: str, expected: str) -> None:
    script = parse_shell(text)
    command = next(c for c in script.commands if c.name == "a")
    edit = remove_command(script, command, following=True)
    assert apply_edits(text, [edit]) == expected


def test_two_neighbours_removed_together_need_not_overlap() -> None:
    """`C0 && C1 && rest`: C0 takes the && after it, so C1 must take the next one (DF107 once
    crashed with overlapping edits on `npm cache clean --force` twice before `npm ci`)."""
    text = "c0 && c1 && rest"
    script = parse_shell(text)
    first, second = script.commands[0], script.commands[1]
    edits = [remove_command(script, first), remove_command(script, second, following=True)]
    assert apply_edits(text, edits) == "rest"
