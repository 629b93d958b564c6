"""``_recognise_tool`` gives what its reference (``tests/recognise_reference.py``) gives.

The tool-specific branches of ``_recognise_tool`` are adjusters picked once per tool
(``_ADJUSTERS``), the subcommand's manifests are only copied when an adjuster changes them, and
the PackageAction is built positionally. Held here to the code as it was, over every command of
every corpus and conformance Dockerfile and over generated command lines built from the tool
table (subcommands, the flags and variables the table and the adjusters look at).
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter import parse
from rewriter.analyse.model import build_model
from rewriter.analyse.packages.specs import TOOLS, Tool
from rewriter.analyse.shell import parse_shell
from tests.conftest import corpus_dockerfiles
from tests.recognise_reference import recognise_tool

recognise_module = importlib.import_module("rewriter.analyse.packages.recognise")


def _both(cmd, **kwargs):
    """``recognise`` with the current ``_recognise_tool`` and with the reference."""
    current = recognise_module.recognise(cmd, **kwargs)
    fast = recognise_module._recognise_tool
    recognise_module._recognise_tool = recognise_tool
    try:
        reference = recognise_module.recognise(cmd, **kwargs)
    finally:
        recognise_module._recognise_tool = fast
    return current, reference


def test_every_corpus_command_equals_the_reference() -> None:
    recognised = 0
    for _, text in corpus_dockerfiles(parseable=True):
        for step in build_model(parse(text)).runs():
            state = step.state
            env = state.known_variables()
            for run_command in step.commands:
                for home, user, workdir in ((state.home or "/", state.user, state.workdir),
                                            ("/home/a", "a", "/app")):  # fmt: skip
                    current, reference = _both(
                        run_command.command, env=env, home=home, user=user, workdir=workdir
                    )
                    assert current == reference, text
                    recognised += current is not None
    assert recognised > 500


def _table_words(tool: Tool) -> list[str]:
    """Every word the table and the adjusters give a meaning for ``tool``."""
    words = {part for key in tool.subcommands for part in key.split(" ")}
    words |= set(tool.value_options) | set(tool.dir_options) | set(tool.manifest_flags)
    words |= set(tool.defeat_flags)
    for sub in tool.subcommands.values():
        words |= set(sub.no_source_flags) | set(sub.lockfile_flags) | set(sub.offline_flags)
    for cache in tool.caches:
        words |= {flag.rstrip("=") for flag in cache.flags}
        words |= {flag + "/c" for flag in cache.flags if flag.endswith("=")}
    words |= {"-g", "--global", "--location", "global", "-f", "--file", "--manifest-path",
              "--path", "-mod", "-mod=vendor", "vendor", "-modcache", "-cache", "-e", ".",
              "./pkg", "x.whl", "git+https://x", "tool@v1", "pkg", "req.txt", "--", "-y",
              "-yq", "--opt=val", "$X", "'q w'", "../up", "/abs"}  # fmt: skip
    return sorted(words)


_VARIABLES = ["PIP_NO_CACHE_DIR", "PIP_REQUIRE_HASHES", "UV_NO_CACHE", "GOFLAGS", "GOPROXY",
              "BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT", "GOPATH", "npm_config_cache", "HOME",
              "MAVEN_OPTS", "PIP_CACHE_DIR", "YARN_CACHE_FOLDER", "CARGO_HOME"]  # fmt: skip
_VALUES = ["1", "true", "off", "0", "", "/c", "-mod=vendor", "rel", "~/x"]


@st.composite
def _command_lines(draw) -> tuple[str, dict[str, str]]:
    tool = draw(st.sampled_from(TOOLS))
    launcher = draw(st.sampled_from(tool.launchers))
    head = [part.replace("*", "3").replace("?", "x").replace("[", "") for part in launcher]
    words = draw(st.lists(st.sampled_from(_table_words(tool)), max_size=7))
    prefixes = draw(
        st.lists(
            st.tuples(st.sampled_from(_VARIABLES), st.sampled_from(_VALUES)).map(
                lambda kv: f"{kv[0]}={kv[1]}"
            ),
            max_size=2,
        )
    )
    env = draw(st.dictionaries(st.sampled_from(_VARIABLES), st.sampled_from(_VALUES), max_size=3))
    wrapper = draw(st.sampled_from(["", "sudo ", "env A=1 ", "cd sub && ", "cd $X && "]))
    return wrapper + " ".join([*prefixes, *head, *words]), env


@settings(max_examples=1500, deadline=None)
@given(
    line=_command_lines(),
    home=st.sampled_from(["/root", "/home/app", "/"]),
    user=st.sampled_from(["root", "app", "1000"]),
    workdir=st.sampled_from(["/", "/app"]),
)
def test_generated_commands_equal_the_reference(line, home, user, workdir) -> None:
    text, env = line
    for cmd in parse_shell(text).commands:
        current, reference = _both(cmd, env=env, home=home, user=user, workdir=workdir)
        assert current == reference, text


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.tool}-{t.launchers[0][0]}")
def test_every_subcommand_with_flags_equals_the_reference(tool: Tool) -> None:
    launcher = " ".join(tool.launchers[0]).replace("*", "3").replace("?", "x")
    words = _table_words(tool)
    for key in tool.subcommands:
        for extra in ["", "pkg", *words]:
            text = f"{launcher} {key} {extra}"
            for cmd in parse_shell(text).commands:
                current, reference = _both(cmd, env={}, home="/root", user="root", workdir="/")
                assert current == reference, text


def test_a_tool_outside_the_table_takes_every_branch() -> None:
    """A Tool built elsewhere gets ``_adjust_any`` (every branch tested in turn)."""
    go = next(t for t in TOOLS if t.tool == "go")
    other = go.replace(ecosystem="node")
    assert id(other) not in recognise_module._ADJUSTERS
    assert recognise_module._adjuster_for(other) is recognise_module._adjust_any
    cmd = parse_shell("go install -g tool@v1").commands[0]
    args = list(cmd.words[1:])
    current = recognise_module._recognise_tool(other, cmd, args, [], {}, "/root", "root", "/")
    assert current == recognise_tool(other, cmd, args, [], {}, "/root", "root", "/")
