"""Variables a script sets for its later commands (``Command.variables``, ``variables.py``).

Each case is checked on every path (flat, walker over the plain tree, LALR parser): the paths
must agree, and the variables must be what sh would have.
"""

from __future__ import annotations

import pytest

from rewriter.analyse.shell.parse import parse_shell_uncached
from rewriter.analyse.shell.variables import (
    EXPORTED,
    SHELL,
    UNKNOWN,
    UNSET,
    environment,
)


def _variables(script: str, command: str) -> dict[str, tuple[str, str | None]]:
    """The variables the first command named ``command`` sees, the same on every path."""
    results = [
        parse_shell_uncached(script),
        parse_shell_uncached(script, flat_fast_path=False),
        parse_shell_uncached(script, plain_fast_path=False),
    ]
    assert results[0] == results[1] == results[2], script
    found = [c for c in results[0].commands if c.name == command]
    assert found, (script, command)
    return {name: (status, value) for name, status, value in found[0].variables}


def test_export_reaches_later_commands() -> None:
    assert _variables("export A=1 && pip install x", "pip") == {"A": (EXPORTED, "1")}
    assert _variables("export GOMODCACHE=/cache/mod; go mod download", "go") == {
        "GOMODCACHE": (EXPORTED, "/cache/mod")
    }
    assert _variables("export npm_config_cache=/c \\\n && npm ci", "npm") == {
        "npm_config_cache": (EXPORTED, "/c")
    }


def test_export_of_several_names_and_quoted_values() -> None:
    assert _variables("export A=1 B=\"x y\" C='z'\npip", "pip") == {
        "A": (EXPORTED, "1"),
        "B": (EXPORTED, "x y"),
        "C": (EXPORTED, "z"),
    }


def test_the_export_itself_does_not_see_its_own_assignment() -> None:
    assert _variables("export A=1", "export") == {}


def test_declare_and_typeset_with_x_export() -> None:
    assert _variables("declare -x A=1; typeset -x B=2; c", "c") == {
        "A": (EXPORTED, "1"),
        "B": (EXPORTED, "2"),
    }
    assert _variables("declare A=1; c", "c") == {"A": (SHELL, "1")}
    assert _variables("declare -i A=1; c", "c") == {"A": (UNKNOWN, None)}


def test_bare_assignment_is_a_shell_variable_until_exported() -> None:
    assert _variables("A=1; c", "c") == {"A": (SHELL, "1")}
    assert _variables("A=1; export A; c", "c") == {"A": (EXPORTED, "1")}
    # a later assignment to an exported variable changes the exported value
    assert _variables("export A=1; A=2; c", "c") == {"A": (EXPORTED, "2")}


def test_bare_assignment_value_expands_in_later_words() -> None:
    assert _variables("D=/cache; export PIP_CACHE_DIR=$D/pip; pip", "pip") == {
        "D": (SHELL, "/cache"),
        "PIP_CACHE_DIR": (EXPORTED, "/cache/pip"),
    }
    assert _variables("A=1 B=$A; c", "c") == {"A": (SHELL, "1"), "B": (SHELL, "1")}


def test_export_of_an_unset_name_exports_nothing() -> None:
    assert _variables("export A; c", "c") == {}
    assert _variables("unset A; export A; c", "c") == {"A": (UNSET, None)}


def test_unset_removes() -> None:
    assert _variables("export A=1; unset A; c", "c") == {"A": (UNSET, None)}
    assert _variables("export A=1; unset -v A; c", "c") == {"A": (UNSET, None)}
    assert _variables("export A=1; unset -f A; c", "c") == {"A": (EXPORTED, "1")}


@pytest.mark.parametrize(
    "script",
    [
        "(export A=1); c",
        "(export A=1) && c",
        "export A=1 | cat; c",
        "cat | export A=1; c",
        "{ export A=1; } | cat; c",
        "echo $(export A=1); c",
        "echo `export A=1`; c",
        "export A=1 & c",
        "{ export A=1; } & c",
        "sh -c 'export A=1'; c",
    ],
)
def test_subshells_pipelines_and_substitutions_keep_their_changes(script: str) -> None:
    assert _variables(script, "c") == {}


def test_inside_a_subshell_later_commands_see_the_change() -> None:
    assert _variables("(export A=1; c)", "c") == {"A": (EXPORTED, "1")}
    assert _variables("sh -c 'export A=1 && c'", "c") == {"A": (EXPORTED, "1")}
    assert _variables("echo $(export A=1; c)", "c") == {"A": (EXPORTED, "1")}


def test_a_subshell_sees_the_variables_before_it() -> None:
    assert _variables("export A=1; (c)", "c") == {"A": (EXPORTED, "1")}
    assert _variables("export A=1; echo $(c)", "c") == {"A": (EXPORTED, "1")}
    assert _variables("export A=1; b | c", "c") == {"A": (EXPORTED, "1")}


def test_a_brace_group_is_no_subshell() -> None:
    assert _variables("{ export A=1; }; c", "c") == {"A": (EXPORTED, "1")}
    assert _variables("{ export A=1; } && c", "c") == {"A": (EXPORTED, "1")}


@pytest.mark.parametrize(
    "script",
    [
        "if x; then export A=1; fi; c",
        "if x; then b; else export A=1; fi; c",
        "while x; do export A=1; done; c",
        "for f in a b; do export A=1; done; c",
        "case $x in a) export A=1;; esac; c",
        "f() { export A=1; }; c",
        "b || export A=1; c",
        "b || { export A=1; }; c",
        "b && export A=1 || d; c",
        "b || d && export A=1; c",
    ],
)
def test_conditional_changes_make_the_variable_unknown(script: str) -> None:
    assert _variables(script, "c") == {"A": (UNKNOWN, None)}


def test_conditional_unknown_replaces_an_earlier_value() -> None:
    assert _variables("export A=1; if x; then export A=2; fi; c", "c") == {"A": (UNKNOWN, None)}
    assert _variables("export A=1; if x; then export A=1; fi; c", "c") == {"A": (EXPORTED, "1")}


def test_certain_parts_of_an_and_or_list() -> None:
    # the first command always runs; `&&` chains are followed as for `cd`
    assert _variables("export A=1 || d; c", "c") == {"A": (EXPORTED, "1")}
    assert _variables("b && export A=1; c", "c") == {"A": (EXPORTED, "1")}
    assert _variables("b && export A=1 && c || d", "c") == {"A": (EXPORTED, "1")}
    assert _variables("b && export A=1 && e || c", "c") == {"A": (UNKNOWN, None)}


def test_inside_an_if_body_later_commands_see_the_change() -> None:
    assert _variables("if x; then export A=1; c; fi", "c") == {"A": (EXPORTED, "1")}


@pytest.mark.parametrize(
    "script",
    [
        "export A=$(pwd); c",
        "export A=`pwd`; c",
        "export A=$X; c",
        "export A=${X:-y}; c",
        "export A=~/x; c",
    ],
)
def test_a_value_that_is_not_static_is_unknown(script: str) -> None:
    assert _variables(script, "c") == {"A": (EXPORTED, None)}


def test_heredoc_scripts_are_scripts() -> None:
    script = "cat <<EOF > /x\nbody\nEOF\nexport A=1\nc\n"
    assert _variables(script, "c") == {"A": (EXPORTED, "1")}


def test_commands_without_changes_share_no_variables() -> None:
    script = parse_shell_uncached("apt-get update && apt-get install -y x; rm -rf /v")
    assert all(c.variables == () for c in script.commands)


def test_environment_combines_stage_and_script() -> None:
    stage = {"HOME": "/root", "PATH": None, "PIP_CACHE_DIR": "/s"}
    variables = (
        ("A", SHELL, "1"),
        ("B", EXPORTED, "2"),
        ("HOME", SHELL, "/h"),  # HOME came from the environment: an assignment changes it
        ("PIP_CACHE_DIR", UNSET, None),
        ("U", UNKNOWN, None),
    )
    assert environment(variables, stage, stage) == {
        "HOME": "/h",
        "PATH": None,
        "B": "2",
        "U": None,
    }


def test_set_a_exports_later_assignments() -> None:
    assert _variables("set -a; A=1; c", "c") == {"set -a": (SHELL, "on"), "A": (EXPORTED, "1")}
    assert _variables("set -eo allexport; A=1; c", "c")["A"] == (EXPORTED, "1")
    assert _variables("set -a; set +a; A=1; c", "c") == {"A": (SHELL, "1")}
    assert _variables("set -eux; A=1; c", "c") == {"A": (SHELL, "1")}
    assert _variables("set -- -a; A=1; c", "c") == {"A": (SHELL, "1")}
    assert _variables("if x; then set -a; fi; A=1; c", "c")["A"] == (UNKNOWN, None)
    # the entry is no variable: it never reaches the environment
    assert environment((("set -a", SHELL, "on"),), {}, {"set -a": 1}) == {}
