"""The shell parser splits RUN scripts into simple commands with exact spans."""

from __future__ import annotations

import pytest

from rewriter.analyse.shell import Script, parse_shell


def _argvs(script: Script) -> list[list[str | None]]:
    return [c.argv for c in script.commands if c.known]


def _spans(script: Script) -> list[str]:
    return [script.text[c.start : c.end] for c in script.commands]


def test_and_chain_splits_into_commands_with_connectors() -> None:
    s = parse_shell("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*")
    assert s.ok
    assert _argvs(s) == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl"],
        ["rm", "-rf", "/var/lib/apt/lists/*"],
    ]
    assert [c.connector for c in s.commands] == [None, "&&", "&&"]
    assert _spans(s)[2] == "rm -rf /var/lib/apt/lists/*"


def test_joined_continuations_keep_indentation_out_of_spans() -> None:
    text = "apt-get update &&     apt-get install -y curl &&     rm -rf /var/lib/apt/lists/*"
    s = parse_shell(text)
    assert _spans(s) == [
        "apt-get update",
        "apt-get install -y curl",
        "rm -rf /var/lib/apt/lists/*",
    ]


@pytest.mark.parametrize(
    ("text", "connectors"),
    [
        ("a; b", [None, ";"]),
        ("a || b", [None, "||"]),
        ("a | b | c", [None, "|", "|"]),
        ("a & b", [None, "&"]),
        ("a\nb", [None, "\n"]),
        ("a &&\n  b", [None, "&&"]),
        ("a;\n\nb", [None, ";"]),
    ],
)
def test_connector_is_the_operator_before_the_command(text: str, connectors: list) -> None:
    assert [c.connector for c in parse_shell(text).commands] == connectors


def test_single_and_double_quotes_are_removed_from_values() -> None:
    s = parse_shell("""echo 'a b' "c d" e\\ f "x\\"y" 'it'"'"'s' """)
    (cmd,) = s.commands
    assert cmd.argv == ["echo", "a b", "c d", "e f", 'x"y', "it's"]
    assert [w.raw for w in cmd.words][1:3] == ["'a b'", '"c d"']


def test_empty_quotes_make_an_empty_argument() -> None:
    (cmd,) = parse_shell("printf '' \"\" x").commands
    assert cmd.argv == ["printf", "", "", "x"]


def test_expansions_make_the_value_unknown_but_keep_the_raw_text() -> None:
    s = parse_shell('echo $HOME "${A}b" $(id -u) `pwd` $((1+2)) ~/x lit')
    (cmd,) = [c for c in s.commands if c.depth == 0]
    assert cmd.argv == ["echo", None, None, None, None, None, None, "lit"]
    assert cmd.words[1].raw == "$HOME"


def test_word_expand_resolves_variables_and_tilde() -> None:
    cmd = parse_shell('rm -rf "$HOME/.cache" ${X}/y ~/.npm $(pwd)').commands[0]
    env = {"HOME": "/root", "X": "/opt"}
    assert [w.expand(env, "/home/app") for w in cmd.words[2:]] == [
        "/root/.cache",
        "/opt/y",
        "/home/app/.npm",
        None,
    ]


def test_unquoted_glob_is_flagged_and_quoted_glob_is_not() -> None:
    (cmd,) = parse_shell("rm -rf /var/lib/apt/lists/* '/tmp/*'").commands
    assert cmd.words[2].glob and cmd.words[2].value == "/var/lib/apt/lists/*"
    assert not cmd.words[3].glob and cmd.words[3].value == "/tmp/*"


def test_command_substitution_bodies_are_parsed_as_nested_commands() -> None:
    s = parse_shell('echo "$(cat "$(ls a)" | wc -l)" && curl `which wget`')
    assert s.ok
    assert [c.name for c in s.commands] == ["echo", "cat", "ls", "wc", "curl", "which"]
    ls = s.commands[2]
    assert s.text[ls.start : ls.end] == "ls a"
    assert ls.depth == 2


def test_nested_substitution_with_case_pattern_parenthesis() -> None:
    s = parse_shell("x=$(case $y in a) echo A;; *) echo B;; esac) && echo $x")
    assert s.ok
    assert [c.argv for c in s.commands] == [[], ["echo", "A"], ["echo", "B"], ["echo", None]]


def test_assignment_prefixes_are_separate_from_argv() -> None:
    (cmd,) = parse_shell("DEBIAN_FRONTEND=noninteractive A=$x apt-get install -y a=1").commands
    assert [w.raw for w in cmd.assignments] == ["DEBIAN_FRONTEND=noninteractive", "A=$x"]
    assert cmd.argv == ["apt-get", "install", "-y", "a=1"]
    assert cmd.env() == {"DEBIAN_FRONTEND": "noninteractive", "A": None}


def test_assignment_only_command_has_no_argv() -> None:
    (cmd,) = parse_shell("A=1 B=2").commands
    assert cmd.argv == [] and cmd.name is None and len(cmd.assignments) == 2


def test_redirections_are_collected_with_fd_and_target() -> None:
    (cmd,) = parse_shell("make >out.log 2>&1 </dev/null").commands
    assert cmd.argv == ["make"]
    assert [(r.fd, r.op, r.target.value) for r in cmd.redirects] == [
        (None, ">", "out.log"),
        (2, ">&", "1"),
        (None, "<", "/dev/null"),
    ]
    assert cmd.end == len("make >out.log 2>&1 </dev/null")


def test_name_is_the_basename_of_argv0() -> None:
    (cmd,) = parse_shell("/usr/bin/apt-get update").commands
    assert cmd.name == "apt-get"


def test_keywords_only_count_in_command_position() -> None:
    s = parse_shell("echo if then fi done { }")
    assert s.ok
    assert _argvs(s) == [["echo", "if", "then", "fi", "done", "{", "}"]]


def test_if_elif_else_bodies_are_walked() -> None:
    text = "if [ -f a ]; then make a; elif test -d b; then make b; else echo none; fi"
    s = parse_shell(text)
    assert s.ok
    assert [c.argv[0] for c in s.commands] == ["[", "make", "test", "make", "echo"]
    assert all(c.depth == 1 for c in s.commands)


def test_for_while_until_and_case_bodies_are_walked() -> None:
    text = (
        "for f in $(ls *.txt) b; do gzip $f; done; "
        "while read l; do echo $l; done < list; "
        "until false; do break; done; "
        "case $1 in (x|y) echo xy;; *) echo other; esac"
    )
    s = parse_shell(text)
    assert s.ok
    assert [c.name for c in s.commands] == [
        "ls",
        "gzip",
        "read",
        "echo",
        "false",
        "break",
        "echo",
        "echo",
    ]


def test_subshell_brace_group_and_functions_are_walked() -> None:
    s = parse_shell("(cd x && make); { echo a; echo b; } > log; f() { ls; }; function g { pwd; }")
    assert s.ok
    assert [c.name for c in s.commands] == ["cd", "make", "echo", "echo", "ls", "pwd"]


def test_negated_pipeline() -> None:
    s = parse_shell("! grep -q x file && echo missing")
    assert _argvs(s) == [["grep", "-q", "x", "file"], ["echo", "missing"]]
    assert s.commands[1].connector == "&&"


def test_comments_are_skipped_but_hash_inside_words_is_kept() -> None:
    s = parse_shell("echo a#b # a comment && rm x\nls")
    assert _argvs(s) == [["echo", "a#b"], ["ls"]]


def test_sh_c_body_is_parsed_at_its_offsets() -> None:
    text = "sh -c 'cd /src && make install' && bash -ec \"npm ci\""
    s = parse_shell(text)
    names = [(c.name, c.depth) for c in s.commands]
    assert names == [("sh", 0), ("cd", 1), ("make", 1), ("bash", 0), ("npm", 1)]
    make = s.commands[2]
    assert text[make.start : make.end] == "make install"
    assert make.cwd == "/src"


def test_sh_c_body_with_expansions_is_not_guessed() -> None:
    s = parse_shell('sh -c "cd $DIR && make"')
    assert [c.name for c in s.commands] == ["sh"]


def test_heredoc_body_is_not_parsed_as_commands() -> None:
    text = "cat <<'EOF' > /etc/app.conf\nrm -rf /\n$(reboot)\nEOF\necho done"
    s = parse_shell(text)
    assert s.ok
    assert _argvs(s) == [["cat"], ["echo", "done"]]
    heredoc = s.commands[0].redirects[0].heredoc
    assert heredoc is not None and heredoc.quoted and heredoc.delimiter == "EOF"
    assert text[heredoc.body_start : heredoc.body_end] == "rm -rf /\n$(reboot)\n"


def test_heredoc_with_dash_strips_tabs_from_the_delimiter_line() -> None:
    text = "cat <<-END\n\tbody\n\tEND\nls"
    s = parse_shell(text)
    assert _argvs(s) == [["cat"], ["ls"]]
    assert s.commands[0].redirects[0].heredoc.strip_tabs  # type: ignore[union-attr]


def test_heredoc_script_multi_line_with_continuations() -> None:
    script = (
        "set -eux\n"
        "apt-get update\n"
        "apt-get install -y \\\n"
        "    curl \\\n"
        "    git\n"
        "rm -rf /var/lib/apt/lists/*\n"
    )
    s = parse_shell(script)
    assert s.ok
    assert _argvs(s) == [
        ["set", "-eux"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl", "git"],
        ["rm", "-rf", "/var/lib/apt/lists/*"],
    ]
    assert [c.connector for c in s.commands] == [None, "\n", "\n", "\n"]


def test_backslash_newline_inside_a_word_disappears_from_the_value() -> None:
    (cmd,) = parse_shell("ec\\\nho hi").commands
    assert cmd.argv == ["echo", "hi"]


def test_crlf_line_endings_do_not_leak_into_words() -> None:
    s = parse_shell("apt-get update\r\napt-get install -y x\r\n")
    assert _argvs(s) == [["apt-get", "update"], ["apt-get", "install", "-y", "x"]]


def test_bash_ansi_c_strings_are_unknown_values() -> None:
    (cmd,) = parse_shell("printf $'a\\tb'").commands
    assert cmd.argv == ["printf", None]


def test_empty_and_blank_scripts_have_no_commands() -> None:
    for text in ("", "   ", "\n\n", "# only a comment"):
        s = parse_shell(text)
        assert s.ok and s.commands == ()


def test_bash_double_bracket_test_keeps_its_operators_inside() -> None:
    s = parse_shell("if [[ -f a && ! -d b || x < y ]]; then make; fi && echo [[ a && b")
    assert s.ok
    assert _argvs(s) == [
        ["[[", "-f", "a", "&&", "!", "-d", "b", "||", "x", "<", "y", "]]"],
        ["make"],
        ["echo", "[[", "a"],
        ["b"],
    ]


def _enclosures(script: Script, name: str) -> list[tuple[str, list[str]]]:
    """(kind, redirection texts) of each construct around the command ``name``."""
    (command,) = script.find(name)
    return [
        (e.kind, [script.text[r.start : r.end] for r in e.redirects]) for e in command.enclosing
    ]


@pytest.mark.parametrize(
    ("text", "enclosures"),
    [
        ("{ a; b; } > /app/log 2>&1", [("brace_group", ["> /app/log", "2>&1"])]),
        ("( a ) <in", [("subshell", ["<in"])]),
        ("{ ( a ); } >x", [("brace_group", [">x"]), ("subshell", [])]),
        ("while read l; do a; done < list", [("while_clause", ["< list"])]),
        ("if b; then a; fi 2>/dev/null", [("if_clause", ["2>/dev/null"])]),
        ("case x in y) a;; esac >o", [("case_clause", [">o"])]),
        ("f() { a; } >log", [("function_def", [">log"])]),
        ("echo $( { a; } )", [("substitution", []), ("brace_group", [])]),
        ("sh -c 'a'", [("shell_c", [])]),
        ("a", []),
    ],
)
def test_nested_commands_list_their_enclosures_with_redirections(
    text: str, enclosures: list
) -> None:
    script = parse_shell(text)
    assert script.ok
    assert _enclosures(script, "a") == enclosures


def test_an_enclosure_says_how_its_list_runs_it() -> None:
    script = parse_shell("x && { a; } | tee log; ( b ) & { c; }")
    (a,) = script.find("a")
    (b,) = script.find("b")
    (c,) = script.find("c")
    assert (a.enclosing[0].connector, a.enclosing[0].piped, a.enclosing[0].background) == (
        "&&",
        True,
        False,
    )
    assert (b.enclosing[0].piped, b.enclosing[0].background) == (False, True)
    assert (c.enclosing[0].connector, c.enclosing[0].piped, c.enclosing[0].background) == (
        "&",
        False,
        False,
    )
    assert script.text[a.enclosing[0].start : a.enclosing[0].end] == "{ a; }"


def test_for_loops_record_the_words_they_iterate_over() -> None:
    script = parse_shell("for f in a.txt $(ls) 'b c'; do rm $f; done; for g; do d; done")
    (rm,) = script.find("rm")
    (loop,) = rm.enclosing
    assert loop.kind == "for_clause"
    assert [w.raw for w in loop.words] == ["a.txt", "$(ls)", "'b c'"]
    (d,) = script.find("d")
    assert d.enclosing[0].words is None  # no `in`: iterates over "$@"
    (ls,) = script.find("ls")
    assert [e.kind for e in ls.enclosing] == ["substitution"]  # the word list runs outside
    (case_body,) = parse_shell("case $v in y) a;; esac").find("a")
    assert [w.raw for w in case_body.enclosing[0].words] == ["$v"]


def test_a_substitution_in_a_group_redirection_is_parsed_outside_the_group() -> None:
    script = parse_shell("{ a; } > $(b)")
    (b,) = script.find("b")
    assert [e.kind for e in b.enclosing] == ["substitution"]


def test_a_non_ascii_digit_before_a_redirection_is_a_word() -> None:
    """``²<0``: only ASCII digits make an IO_NUMBER (``str.isdigit`` takes ``²``, which
    ``int`` refuses); found by the property test."""
    from rewriter.analyse.shell.parse import parse_shell_uncached

    for text in ("²<0", "a ²>f", "٣>f"):
        script = parse_shell_uncached(text)
        assert script == parse_shell_uncached(text, flat_fast_path=False)
        assert script == parse_shell_uncached(text, plain_fast_path=False)
        assert script.commands[0].redirects[0].fd is None
