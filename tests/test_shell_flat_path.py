"""The flat path (``shell/flat.py``) must record exactly the Commands the walker records.

Plain scripts (simple commands, ``{ }`` groups and ``( )`` subshells joined by list
operators) skip the Tok objects, the plain tree and the walker. Every RUN body of the corpus,
every string literal of the test suite and generated scripts are parsed with and without the
flat path and compared field by field; ``test_shell_fast_path.py`` holds the result to the
LALR parser in turn.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.shell.flat import flat_region
from rewriter.analyse.shell.parse import parse_shell_uncached

from .test_shell_fast_path import _ATOMS, _GROUP_ATOMS, _corpus_bodies, _test_strings


def _same_as_walker(text: str) -> None:
    flat = parse_shell_uncached(text)
    walked = parse_shell_uncached(text, flat_fast_path=False)
    assert flat == walked, text


def _is_flat(text: str) -> bool:
    return flat_region(text, 0, len(text), ".", (), lambda *region: None) is not None


def test_corpus_bodies_are_read_the_same_flat() -> None:
    bodies = _corpus_bodies()
    for body in bodies:
        _same_as_walker(body)
    assert sum(_is_flat(b) for b in bodies) > len(bodies) // 2  # the flat path is taken


def test_test_suite_strings_are_read_the_same_flat() -> None:
    for text in _test_strings():
        _same_as_walker(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "\na && b",
        "a;\nb",
        "a &&\n b || c",
        "a | b |\n c && d",
        "cd /x && make; cd .. || exit 1; pwd",
        "cd a || cd b && pwd",
        "cd a & pwd",
        "cd a | cat; pwd",
        "A=1 B='x y' cmd \"$V\" ${W} 2>&1 >/dev/null <in",
        "cat <<EOF >f && b\nbody $x\nEOF\nc",
        "cat <<-'EOF'\n\tbody\n\tEOF",
        "sh -c 'a && b'",
        "x | bash -c 'cd /y'",
        "echo $(a)",
        "echo `b`",
        "a >$(b)",
        "a; ; b",
        "a |",
        "( a )",
        "{ a; }",
        "a )",
        "a ;; b",
        "echo 'open",
        "~/x ~ a~b cd ~/y && pwd",
        "pushd /x && popd && a",
        "{ a; } > f 2>&1 && b",
        "( cd x && make ) | tee log &",
        "a && { cd /x; pwd; } || c; pwd",
        "{ cd /x; } & pwd",
        "{ { a; }; } 2>$(b)",
        "{ a; } }",
        "{ a }",
        "( a ) b",
        "echo { } ( a )",
        "( echo } )",
        "{ }",
        "( cd /x; { cd y; sh -c 'cd z && ls'; } ) && pwd",
        "mv a b 2>/dev/null; apt-get update && { [ ! -e b ] || mv b a; }",
    ],
)
def test_tricky_scripts_are_read_the_same_flat(text: str) -> None:
    _same_as_walker(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map(" ".join))
def test_generated_scripts_are_read_the_same_flat(text: str) -> None:
    _same_as_walker(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(_GROUP_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_grouped_scripts_are_read_the_same_flat(atoms: list[str], sep: str) -> None:
    _same_as_walker(sep.join(atoms))


_FLAT_ATOMS = st.sampled_from(
    ["a", "cd", "pushd", "popd", "/x", "..", "~", "-", "A=1", "x='y z'", '"$v"', ">f", "2>&1",
     "<in", "<<E", "E", "&&", "||", ";", "&", "|", "\n", "# c", "\\\n", "<<<x", "&>f", "|&",
     "[[", "]]", "case", "esac", "(", ")", "$(a)", "`b`", "'open", "*.txt", "sh", "-c", "'c'",
     "{", "}", "{ cd /y; }", "( cd /z )", "$(cd /q)"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(_FLAT_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_flat_scripts_are_read_the_same_flat(atoms: list[str], sep: str) -> None:
    _same_as_walker(sep.join(atoms))


@pytest.mark.parametrize("depth", [10, 60, 64, 65, 100, 170, 250, 400, 1200])
@pytest.mark.parametrize(
    "shape",
    [
        ("echo $(echo ", ")"),
        ("{ ", " ; }"),
        ("( ", " )"),
        ("a && { ", " ; }"),
        ("echo `echo ", "`"),
    ],
)
def test_deep_nesting_gives_what_the_walker_gives(depth: int, shape: tuple[str, str]) -> None:
    """Past ``_FLAT_MAX_OPENERS`` openers the flat path is not tried: where the general path
    runs out of stack, the result is what it always was."""
    opener, closer = shape
    _same_as_walker(opener * depth + "a" + closer * depth)


_VARIABLE_ATOMS = st.sampled_from(
    ["export", "unset", "declare", "typeset", "readonly", "local", "-x", "-n", "-f", "A", "B",
     "A=1", "B=$A", "A=$(b)", "B='x y'", "A=~/x", "c", "&&", "||", ";", "&", "|", "\n", "{",
     "}", "(", ")", "{ export A=2; }", "( unset A )", "$(export B=3)", "sh", "-c",
     "'export A=4; c'", "if", "then", "fi", "f()", "set", "-a", "+a"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(_VARIABLE_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_variable_scripts_are_read_the_same_flat(atoms: list[str], sep: str) -> None:
    """``Command.variables`` (export, unset, assignments in groups, subshells, pipelines,
    background jobs, and-or lists) is the same on the flat path and the walker."""
    _same_as_walker(sep.join(atoms))
