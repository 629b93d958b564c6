"""Shortcuts in the model must give what the general computation gives, on every corpus and
BuildKit conformance Dockerfile.

- ``--mount`` flags without ``$``, quotes or escape characters are parsed without an expander
  (each value would expand to itself); the general computation expands every value.
- commands whose name ``recognise`` can never recognise are not sent to it.
- a shell-form RUN's script maps its offsets to the file on first use, and so does each
  ``--mount`` of a RUN (``Mount.span``: compared with mounts given their span up front).
"""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.analyse.model import _state_expander, build_model
from rewriter.analyse.mounts import parse_mount
from tests.conftest import corpus_dockerfiles


def _dockerfiles() -> list[str]:
    return [text for _, text in corpus_dockerfiles(parseable=True)]


_EXTRA = [
    "FROM alpine\nARG D=/cache\nRUN --mount=type=cache,target=$D --mount=type=cache,target=/x "
    "--mount=type=bind,source='a b',target=/y --mount=\"type=tmpfs,target=/t\" true\n",
    "# escape=`\nFROM alpine\nRUN --mount=type=cache,target=C:`x true\n",
    "FROM alpine\nRUN --mount=type=secret,id=s,env=TOKEN,required --mount=from=b,target=/b true\n",
]


@pytest.mark.parametrize("build_args", [None, {"D": "/other"}])
def test_mounts_equal_the_expanded_computation(build_args) -> None:
    seen = 0
    for text in _dockerfiles() + _EXTRA:
        tree = parse(text)
        model = build_model(tree, build_args=build_args)
        for step in model.runs():
            ins = step.instruction
            expand = _state_expander(tree.escape, step.state)
            general = [
                parse_mount(flag, ins.file_span(flag.start, flag.end), expand)
                for flag in ins.flags
                if flag.name == "mount"
            ]
            assert step.mounts == general, text
            seen += len(general)
    assert seen > 100


def test_names_recognise_never_recognises_give_no_action() -> None:
    """``_run_step`` skips ``recognise`` for a command whose name ``recognises_name`` rules
    out: every corpus command so ruled out gets None from ``recognise`` itself, with the
    model's arguments and with others."""
    from rewriter.analyse.packages import recognise
    from rewriter.analyse.packages.recognise import recognises_name

    skipped = 0
    for text in _dockerfiles() + _EXTRA:
        for step in build_model(parse(text)).runs():
            state = step.state
            env = state.known_variables()
            for command in step.commands:
                cmd = command.command
                if not cmd.known or not cmd.words or cmd.name is None:
                    continue
                if recognises_name(cmd.name):
                    continue
                skipped += 1
                assert command.action is None
                for home, user, workdir in (("/root", "root", "/"), ("/home/a", "a", "/app")):
                    assert recognise(cmd, env=env, home=home, user=user, workdir=workdir) is None
    assert skipped > 100


@pytest.mark.parametrize(
    "script",
    [
        "sudo apt-get install -y curl",
        "env A=1 npm ci",
        "sh ./mvnw package",
        "/usr/bin/pip3.11 install x",
        "python3 -m pip install x",
        "rm -rf /root/.cache/pip",
        "nice -n 5 go build ./...",
        "exec yarn install",
        "echo npm ci",
        "./gradlew build",
    ],
)
def test_recognised_commands_are_not_skipped(script: str) -> None:
    from rewriter.analyse.packages import recognise
    from rewriter.analyse.packages.recognise import recognises_name
    from rewriter.analyse.shell import parse_shell

    for cmd in parse_shell(script).commands:
        if recognise(cmd, env={}, home="/root", user="root", workdir="/") is not None:
            assert recognises_name(cmd.name)


def test_lazy_script_pieces_map_like_eager_ones() -> None:
    """A shell-form RUN's script maps offsets on first use: the same pieces, and the same
    command spans, as a RunScript given ``_args_pieces`` up front."""
    from rewriter.analyse.model import RunScript, _args_pieces

    checked = 0
    for text in _dockerfiles() + _EXTRA:
        for step in build_model(parse(text)).runs():
            ins = step.instruction
            for script in step.scripts:
                if script.origin != "shell" or ins.heredocs:
                    continue
                eager = RunScript(script.script, "shell", _args_pieces(ins))
                spans = [
                    (script.file_span(c.start, c.end), script.file_offset(c.end))
                    for c in script.script.commands
                ]
                assert spans == [
                    (eager.file_span(c.start, c.end), eager.file_offset(c.end))
                    for c in script.script.commands
                ]
                assert script.pieces == eager.pieces
                checked += 1
    assert checked > 300


def test_scope_copy_shares_every_slot() -> None:
    """``_Scope.copy`` names its slots one by one: a new slot must be added there too."""
    from rewriter.analyse.model import _Scope

    scope = _Scope()
    for k, name in enumerate(_Scope.__slots__):
        setattr(scope, name, object() if name != "_home" else (k,))
    other = scope.copy()
    assert all(getattr(other, name) is getattr(scope, name) for name in _Scope.__slots__)
