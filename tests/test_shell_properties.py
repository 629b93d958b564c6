"""Properties of parse_shell over generated input: it never raises, spans are sane."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.shell import apply_edits, parse_shell, remove_command

_ATOMS = st.sampled_from(
    [
        "apt-get", "install", "-y", "&&", "||", ";", "|", "&", "\n", "(", ")", "{", "}", "if",
        "then", "fi", "for", "in", "do", "done", "case", "esac", ";;", "'", '"', "$(", "`",
        "${", "}", "$x", "<<EOF", "EOF", ">", "2>&1", "\\", "\\\n", "#", "cd", "/app", "A=1",
        "rm", "-rf", "/var/lib/apt/lists/*", "sh", "-c", "'ls'", "~", "*", " ", "  ", "\t",
    ]
)  # fmt: skip
_SCRIPTS = st.one_of(
    st.text(max_size=80),
    st.lists(_ATOMS, max_size=30).map(" ".join),
    st.lists(_ATOMS, max_size=30).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(_SCRIPTS)
def test_parse_shell_never_raises_and_spans_are_in_bounds_and_ordered(text: str) -> None:
    script = parse_shell(text)
    n = len(text)
    starts = [c.start for c in script.commands]
    assert starts == sorted(starts)
    for command in script.commands:
        assert 0 <= command.start <= command.end <= n
        for word in (*command.assignments, *command.words):
            assert command.start <= word.start < word.end <= command.end
            assert text[word.start : word.end] == word.raw
        for redirect in command.redirects:
            assert command.start <= redirect.start < redirect.end <= command.end
        words = [*command.assignments, *command.words]
        assert all(a.end <= b.start for a, b in itertools.pairwise(words))
        if not command.known:
            assert command.words == ()
        # One enclosure per level of nesting, each around the command, outermost first.
        assert len(command.enclosing) == command.depth
        for outer, inner in itertools.pairwise(command.enclosing):
            assert outer.start <= inner.start <= inner.end <= outer.end
        for enclosure in command.enclosing:
            assert 0 <= enclosure.start <= command.start <= command.end <= enclosure.end <= n
            for redirect in enclosure.redirects:
                assert text[redirect.start : redirect.end].endswith(redirect.target.raw)
    if any(not c.known for c in script.commands):
        assert not script.ok


@settings(max_examples=200, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map(" ".join))
def test_removing_any_command_yields_a_script_that_parses_as_well(text: str) -> None:
    script = parse_shell(text)
    for command in script.commands:
        edit = remove_command(script, command)
        if edit is not None:
            assert parse_shell(apply_edits(text, [edit])).ok == script.ok
