"""The fast path for plain scripts must build exactly the Script the LALR parser builds.

``parse_shell`` skips lark for plain scripts (simple commands joined by ``&&``, ``||``, ``;``,
``&``, ``|`` and newlines). The lark grammar stays the reference: every RUN body of the corpus,
every string literal of the test suite and generated scripts are parsed both ways and compared
field by field (dataclass equality covers every Command, Word, WordPart and Redirect).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.shell.lexer import Lexer
from rewriter.analyse.shell.parse import parse_shell_uncached
from rewriter.analyse.shell.plain import plain_tree

ROOT = Path(__file__).resolve().parent.parent


def _both_ways(text: str) -> None:
    fast = parse_shell_uncached(text)
    reference = parse_shell_uncached(text, plain_fast_path=False)
    assert fast == reference, text


def _is_plain(text: str) -> bool:
    return plain_tree(Lexer(text).tokens()) is not None


@cache
def _corpus_bodies() -> tuple[str, ...]:
    """The text of every script a RUN of a corpus Dockerfile executes."""
    from rewriter import ParseError, parse
    from rewriter.analyse.model import build_model

    bodies: set[str] = set()
    for path in sorted((ROOT / "corpus").rglob("*")):
        if not path.is_file() or "Dockerfile" not in path.name:
            continue
        try:
            tree = parse(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ParseError):
            continue
        for run in build_model(tree).runs():
            bodies.update(script.script.text for script in run.scripts)
    return tuple(sorted(bodies))


@cache
def _test_strings() -> tuple[str, ...]:
    """Every string literal of the test suite, and the body of each ``RUN`` line in them."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):  # pragma: no cover
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if len(node.value) <= 4000:
                    found.add(node.value)
                found.update(line[4:] for line in node.value.split("\n") if line.startswith("RUN "))
    return tuple(sorted(found))


def test_corpus_bodies_parse_the_same_both_ways() -> None:
    bodies = _corpus_bodies()
    assert len(bodies) > 50
    for body in bodies:
        _both_ways(body)
    # The fast path is really taken: most RUN bodies are plain.
    assert sum(_is_plain(b) for b in bodies) > len(bodies) // 2


def test_test_suite_strings_parse_the_same_both_ways() -> None:
    strings = _test_strings()
    assert len(strings) > 1000
    for text in strings:
        _both_ways(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "a",
        "a && b || c ; d & e | f",
        "\na",
        "a\n\nb",
        "a &&\n\n b",
        "a |\n b | c && d",
        "a | b\nc",
        "a ;\n b",
        "a &",
        "a & b",
        "a ;",
        "A=1",
        "A=1 B=2 cmd C=3",
        ">out A=1 cmd",
        "2>&1 cmd",
        "cmd 2>/dev/null >x <y",
        "cat <<EOF\nbody\nEOF\necho after",
        "cat <<-'EOF' && b\n\tbody\n\tEOF\n",
        "echo if then fi } { ! in",
        "echo ) x",
        "cmd >",
        "cmd > ;",
        "cmd 2>",
        "&& a",
        "a &&",
        "a ||",
        "a |",
        "a &&\n",
        "a ||\n\n",
        "a |\n",
        "a && \n # c\n",
        "; a",
        "a ; ; b",
        "a & ; b",
        "a ;; b",
        "a\n; b",
        "if true; then a; fi",
        "{ a; }",
        "( a )",
        "! a",
        "f() { a; }",
        "function f { a; }",
        "for x in a b; do c; done",
        "A=1 if",
        "> if",
        "> A=b cmd",
        "cd /app && npm ci",
        "cd src || exit 1; make",
        "cd a & cd b; pwd",
        "sh -c 'cd /x && make' && ls",
        "echo $(cd /tmp && ls) `pwd`",
        "[[ -f a && -f b ]] && echo yes",
        "echo [[ a ]]",
        "x=$(a | b) y",
        "echo 'unterminated",
        'echo "a $(b"',
        "a \\\n && b",
        "a # comment && b\nc",
        "a\r\nb\r\n",
        "~/bin/tool ~ ~user/x a~b",
        "{ a }",
        "{ A=1 }",
        "{ >f }",
        "{ echo } ; }",
        "( echo } )",
        "{ ( echo } ); }",
        "{ a; } > f",
        "{ a; } > f 2>&1 <in && b",
        "( a ) 2>&1 | tee log",
        "{ a; } >",
        "{ a; } > f b",
        "{ a; } > f }",
        "{ { a; } > f; } 2> g",
        "{ a; } > $(b)",
        "{ cat; } <<EOF\nx\nEOF\nb",
        "a | { b; } > f &",
        "f() { a; } > log",
        "for x in a $(b) 'c d'; do e; done < in",
        "for x; do e; done",
        "for x in; do e; done",
        "while read x; do e; done < list > out",
        "case $v in a) b;; esac 2>&1",
        "if a; then b; fi > f",
        "{ a; } b",
        "(a)b",
        "( )",
        "{ }",
        "{ ; }",
        "{\n}",
        "a && { b; c; }",
        "( cd x && make ); ls",
        "a | { b; } | c",
        "{\n a\n}\n",
        "{ { a; }; }",
        "{ { a; } }",
        "( a ) | b",
        "{ cd /x; } && pwd",
        "( cd /x ); pwd",
        "{ [ ! -e x ] || mv a b; }",
        "a & { b & }",
        "{ a && }",
        "{ a | }",
        "(( a ))",
        "( a ) )",
        "{ a; } }",
        "{ a; ",
        "( a",
        "{ a; } &\n( b )\n",
        "{ echo if then; }",
        "{ cat <<EOF; }\nx\nEOF\n",
    ],
)
def test_tricky_scripts_parse_the_same_both_ways(text: str) -> None:
    _both_ways(text)


@pytest.mark.parametrize(
    "text", ["{ a; b; } > f", "( a ) 2>&1 | tee log", "a && { b; } >> f 2>&1; c", "{ a; } <<E\nE"]
)
def test_redirected_groups_take_the_fast_path(text: str) -> None:
    assert _is_plain(text)
    _both_ways(text)


_ATOMS = st.sampled_from(
    [
        "apt-get", "install", "-y", "&&", "||", ";", "|", "&", "\n", "\n\n", "(", ")", "{", "}",
        "if", "then", "fi", "for", "in", "do", "done", "case", "esac", ";;", "!", "function",
        "'a b'", '"$x"', "$(ls)", "`pwd`", "${x:-y}", "$x", "<<EOF", "EOF", ">", ">>", "<",
        "2>&1", "2", "\\\n", "# c", "cd", "/app", "..", "-", "~", "~/x", "A=1", "B=$x", "rm",
        "-rf", "/var/lib/apt/lists/*", "sh", "-c", "'cd /x && ls'", "[[", "]]", "npm", "ci",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map(" ".join))
def test_generated_scripts_parse_the_same_both_ways(text: str) -> None:
    _both_ways(text)


_PLAIN_ATOMS = st.sampled_from(
    ["a", "cd", "/x", "..", "A=1", "x=y", ">f", "2>&1", "<in", "&&", "||", ";", "&", "|", "\n"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PLAIN_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_plain_scripts_parse_the_same_both_ways(atoms: list[str], sep: str) -> None:
    _both_ways(sep.join(atoms))


_GROUP_ATOMS = st.sampled_from(
    ["a", "cd", "/x", "{", "}", "(", ")", ";", "&&", "||", "|", "&", "\n", "!", "A=1", ">f",
     "if", "fi", "echo", "$(b)", "2>&1", "<in"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(_GROUP_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_grouped_scripts_parse_the_same_both_ways(atoms: list[str], sep: str) -> None:
    _both_ways(sep.join(atoms))


# -- dfopt's LALR driver against lark's own parser ------------------------------------------
#
# Regions that are not plain are fed token by token to ``rewriter.parser.lalr`` (no lark at
# run time); lark's interactive parser over the same grammar stays the reference, error
# recovery from snapshots included.


def _same_feed(text: str) -> None:
    ours = parse_shell_uncached(text, plain_fast_path=False)
    lark = parse_shell_uncached(text, plain_fast_path=False, lark_reference=True)
    assert ours == lark, text


def test_corpus_bodies_feed_the_same_as_lark() -> None:
    for body in _corpus_bodies():
        _same_feed(body)


def test_test_suite_strings_feed_the_same_as_lark() -> None:
    for text in _test_strings():
        _same_feed(text)


@settings(max_examples=800, deadline=None)
@given(st.lists(_ATOMS, max_size=25).map(" ".join))
def test_generated_scripts_feed_the_same_as_lark(text: str) -> None:
    _same_feed(text)


@settings(max_examples=800, deadline=None)
@given(st.lists(_GROUP_ATOMS, max_size=20), st.sampled_from([" ", ""]))
def test_generated_grouped_scripts_feed_the_same_as_lark(atoms: list[str], sep: str) -> None:
    _same_feed(sep.join(atoms))


def test_parsing_a_compound_script_does_not_import_lark() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rewriter.analyse.shell import parse_shell\n"
        "s = parse_shell('if a; then for x in y; do b; done; fi; case x in a) c;; esac; fi')\n"
        "assert [c.name for c in s.commands if c.known] == ['a', 'b', 'c'], s\n"
        "assert not s.ok\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lark'))\n"
    )
    # The table cache exists after any earlier parse in this session.
    from rewriter.grammar import lalr_tables

    lalr_tables("shell")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


_VARIABLE_ATOMS = st.sampled_from(
    ["export", "unset", "declare", "-x", "A", "A=1", "B=$A", "A=$(b)", "c", "&&", "||", ";",
     "&", "|", "\n", "{", "}", "(", ")", "if", "then", "else", "fi", "while", "do", "done",
     "for", "in", "case", "esac", ";;", "f()", "$(export B=3)"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(_VARIABLE_ATOMS, max_size=25).map(" ".join))
def test_generated_variable_scripts_parse_the_same_both_ways(text: str) -> None:
    """``Command.variables`` is the same on the plain tree and the LALR parser, compound
    commands included."""
    _both_ways(text)
