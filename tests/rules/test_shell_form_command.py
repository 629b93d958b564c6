"""DF401 shell-form-command: shell-form CMD/ENTRYPOINT and the exec-form fix."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.rules.harness import lint


def df401(source: str):
    return [f for f in lint(source) if f.code == "DF401"]


def fixed(source: str) -> str:
    config = Config(select=("DF401",))
    first = fix_source(source, config=config, unsafe=True)
    assert fix_source(first.output, config=config, unsafe=True).output == first.output
    return first.output


def test_shell_form_cmd_fires_and_converts_plain_words():
    source = "FROM node:20\nCMD node server.js --port 8080\n"
    (finding,) = df401(source)
    assert finding.line == 2 and "signals" in finding.message
    assert fixed(source) == 'FROM node:20\nCMD ["node", "server.js", "--port", "8080"]\n'


def test_exec_prefix_is_dropped():
    assert fixed("FROM node:20\ncmd exec node app.js\n") == 'FROM node:20\ncmd ["node", "app.js"]\n'


def test_crlf_is_kept():
    assert (
        fixed("FROM node:20\r\nCMD node app.js\r\n") == 'FROM node:20\r\nCMD ["node", "app.js"]\r\n'
    )


@pytest.mark.parametrize(
    "args",
    ["echo $HOME", "node app.js > /tmp/log", "a && b", "java -jar *.jar", "FOO=1 node x", "'q x'"],
)
def test_shell_syntax_is_reported_without_fix(args):
    (finding,) = df401(f"FROM alpine:3.20\nCMD {args}\n")
    assert finding.fix is None


def test_entrypoint_with_cmd_in_the_stage_has_no_fix():
    source = 'FROM alpine:3.20\nENTRYPOINT my-program start\nCMD ["--verbose"]\n'
    (finding,) = df401(source)
    assert finding.fix is None


def test_entrypoint_alone_is_fixed():
    assert fixed("FROM alpine:3.20\nENTRYPOINT my-program start\n").endswith(
        'ENTRYPOINT ["my-program", "start"]\n'
    )


@pytest.mark.parametrize(
    "source",
    [
        'FROM node:20\nCMD ["node", "server.js"]\n',
        'FROM alpine:3.20\nSHELL ["/bin/ash", "-c"]\nCMD echo hello\n',
        'FROM alpine:3.20 AS base\nSHELL ["/bin/ash", "-c"]\nFROM base\nCMD echo hi\n',
    ],
)
def test_exec_form_and_explicit_shell_are_quiet(source):
    assert df401(source) == []
