"""`cd` tracking, and bad input degrading to unknown commands instead of exceptions."""

from __future__ import annotations

import pytest

from rewriter.analyse.shell import parse_shell


def _cwds(text: str) -> list[tuple[str | None, str | None]]:
    return [(c.name, c.cwd) for c in parse_shell(text).commands]


def test_commands_before_any_cd_run_in_the_workdir() -> None:
    assert _cwds("npm ci") == [("npm", ".")]


def test_cd_moves_later_commands_relative_and_absolute() -> None:
    assert _cwds("cd src && make; cd ../lib && make; cd /opt/x; ls") == [
        ("cd", "."),
        ("make", "src"),
        ("cd", "src"),
        ("make", "lib"),
        ("cd", "lib"),
        ("ls", "/opt/x"),
    ]


def test_cd_to_a_variable_or_dash_makes_cwd_unknown() -> None:
    assert _cwds("cd $APP && npm ci")[1] == ("npm", None)
    assert _cwds("cd /a; cd -; ls")[2] == ("ls", None)


def test_cd_without_argument_goes_home() -> None:
    assert _cwds("cd && ls")[1] == ("ls", "~")
    assert _cwds("cd ~/app && ls")[1] == ("ls", "~/app")


def test_cd_or_exit_keeps_the_new_directory() -> None:
    assert _cwds("cd /app || exit 1; npm ci")[-1] == ("npm", "/app")


def test_cd_on_a_failure_path_makes_cwd_unknown() -> None:
    assert _cwds("test -d x || cd y; ls")[-1] == ("ls", None)


def test_subshell_pipeline_and_background_do_not_move_the_parent() -> None:
    assert _cwds("(cd /a && make); ls")[-1] == ("ls", ".")
    assert _cwds("cd /a | cat; ls")[-1] == ("ls", ".")
    assert _cwds("cd /a & ls")[-1] == ("ls", ".")


def test_brace_group_moves_the_parent() -> None:
    assert _cwds("{ cd /a; }; ls")[-1] == ("ls", "/a")


def test_conditional_cd_inside_if_makes_cwd_unknown_after_fi() -> None:
    cwds = _cwds("if [ -d web ]; then cd web; npm ci; fi; npm run build")
    assert ("npm", "web") in cwds
    assert cwds[-1] == ("npm", None)


def test_nested_substitution_inherits_cwd() -> None:
    s = parse_shell("cd /app && echo $(ls)")
    assert [(c.name, c.cwd) for c in s.commands][-1] == ("ls", "/app")


@pytest.mark.parametrize(
    "text",
    [
        "echo 'unterminated",
        'echo "unterminated',
        "echo $(unterminated",
        "echo `unterminated",
        "echo ${unterminated",
        "if true; then",
        "fi",
        "done; ls",
        "echo a; }",
        ")",
        "&& ls",
        "a |",
        ";;",
        "for",
        "case x in",
        "((((",
        "$(((",
        "<<",
        "a=(1 2 3)",
    ],
)
def test_garbage_degrades_to_unknown_commands(text: str) -> None:
    s = parse_shell(text)
    assert not s.ok
    unknown = [c for c in s.commands if not c.known]
    assert unknown
    for c in unknown:
        assert c.words == () and 0 <= c.start <= c.end <= len(text)


def test_error_in_one_command_keeps_the_others() -> None:
    s = parse_shell("apt-get update; echo ) oops; apt-get install -y x")
    assert not s.ok
    known = [c.argv for c in s.commands if c.known]
    assert known == [["apt-get", "update"], ["apt-get", "install", "-y", "x"]]
    (bad,) = [c for c in s.commands if not c.known]
    assert s.text[bad.start : bad.end] == "echo ) oops"


def test_unterminated_quote_only_loses_the_rest_of_the_script() -> None:
    s = parse_shell("make && echo 'oops")
    assert [c.argv for c in s.commands if c.known] == []
    s = parse_shell("make; echo 'oops")
    assert [c.argv for c in s.commands if c.known] == [["make"]]


def test_absurd_nesting_does_not_raise() -> None:
    text = "$(" * 3000 + ")" * 3000
    s = parse_shell(text)
    assert isinstance(s.ok, bool)
    text = "(" * 3000 + "ls" + ")" * 3000
    s = parse_shell(text)
    assert all(0 <= c.start <= c.end <= len(text) for c in s.commands)
