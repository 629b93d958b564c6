"""WORKDIR, USER, HOME and SHELL in effect for each instruction."""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.analyse.model import build_model


def end_state(text: str, stage: int = -1):
    return build_model(parse(text)).stages[stage].end_state


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], "/"),
        (["WORKDIR /app"], "/app"),
        (["WORKDIR /app", "WORKDIR src"], "/app/src"),
        (["WORKDIR /app/", "WORKDIR ../lib/./x"], "/lib/x"),
        (["WORKDIR app"], "/app"),
        (["ENV D=/srv", "WORKDIR $D/web"], "/srv/web"),
        (['WORKDIR "/with space"'], "/with space"),
        (["WORKDIR /a//b/"], "/a/b"),
    ],
)
def test_workdir_resolution(lines, expected):
    assert end_state("\n".join(["FROM alpine", *lines, ""])).workdir == expected


def test_workdir_with_unknown_variable_keeps_the_reference():
    assert end_state("FROM alpine\nWORKDIR $HOME/app\n").workdir == "$HOME/app"


def test_workdir_is_inherited_from_base_stage_and_image_defaults():
    text = "FROM golang:1.22 AS b\nWORKDIR src\nFROM b\n"
    assert end_state(text, 0).workdir == "/go/src"
    assert end_state(text, 1).workdir == "/go/src"


@pytest.mark.parametrize(
    ("lines", "user", "home"),
    [
        ([], "root", "/root"),
        (["USER node"], "node", "/home/node"),
        (["USER app:app"], "app:app", "/home/app"),
        (["USER 0:0"], "0:0", "/root"),
        (["USER 1000"], "1000", None),
        (["USER 1000", "ENV HOME=/data"], "1000", "/data"),
        (["ENV HOME=/h", "USER root"], "root", "/h"),
        (["ARG U=web", "USER $U"], "web", "/home/web"),
        (["RUN useradd -u 1001 -d /opt/svc svc", "USER 1001"], "1001", "/opt/svc"),
        (["RUN adduser -D -h /srv/w w", "USER w"], "w", "/srv/w"),
    ],
)
def test_user_and_home(lines, user, home):
    state = end_state("\n".join(["FROM alpine", *lines, ""]))
    assert (state.user, state.home) == (user, home)


def test_is_root_and_user_name():
    state = end_state("FROM alpine\nUSER 0:staff\n")
    assert state.is_root and state.user_name == "0"
    assert not end_state("FROM alpine\nUSER app\n").is_root


def test_distroless_nonroot_tag_sets_user():
    state = end_state("FROM gcr.io/distroless/static-debian12:nonroot\n")
    assert (state.user, state.home) == ("nonroot", "/home/nonroot")


def test_shell_default_and_change():
    text = 'FROM debian\nRUN true\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN true\n'
    tree = parse(text)
    model = build_model(tree)
    first, _, second = (model.state_of(i) for i in tree.instructions[1:])
    assert first.shell == ("/bin/sh", "-c")
    assert second.shell == ("/bin/bash", "-o", "pipefail", "-c")


def test_shell_is_inherited_by_child_stage():
    text = 'FROM debian AS a\nSHELL ["/bin/bash", "-c"]\nFROM a\n'
    assert end_state(text).shell == ("/bin/bash", "-c")


def test_shell_form_shell_is_an_error():
    tree = parse("FROM debian\nSHELL /bin/bash -c\n")
    state = build_model(tree).state_of(tree.instructions[1])
    assert state.errors == ("SHELL requires the arguments to be in JSON form",)
    assert build_model(tree).stages[0].end_state.shell == ("/bin/sh", "-c")


def test_windows_image_uses_cmd_shell():
    state = end_state("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n")
    assert state.shell == ("cmd", "/S", "/C")


def test_every_instruction_has_a_state():
    text = 'ARG A=1\nFROM alpine\nONBUILD RUN x\nEXPOSE 80\nCMD ["sh"]\nFROM scratch\n'
    tree = parse(text)
    model = build_model(tree)
    assert all(model.state_of(ins).instruction is ins for ins in tree.instructions)


def test_state_of_unknown_instruction_raises_key_error():
    model = build_model(parse("FROM alpine\n"))
    other = parse("FROM alpine\n").instructions[0]
    with pytest.raises(KeyError):
        model.state_of(other)


def test_instruction_before_first_from_is_an_error():
    tree = parse("RUN true\nFROM alpine\n")
    state = build_model(tree).state_of(tree.instructions[0])
    assert state.stage is None and "before the first FROM" in state.errors[0]


def test_remembered_home_equals_home_for_on_every_corpus_state(monkeypatch):
    from pathlib import Path

    from rewriter import ParseError
    from rewriter.analyse import model as model_module
    from rewriter.analyse.state import home_for

    trees = []
    for path in sorted((Path(__file__).resolve().parent.parent / "corpus").rglob("*")):
        if path.is_file() and "Dockerfile" in path.name:
            try:
                trees.append(parse(path.read_text(encoding="utf-8")))
            except (ParseError, UnicodeDecodeError):
                continue
    assert len(trees) > 100

    def homes(tree):
        built = build_model(tree)
        return [built.state_of(ins).home for ins in tree.instructions] + [
            stage.end_state.home for stage in built.stages
        ]

    remembered = [homes(tree) for tree in trees]
    monkeypatch.setattr(
        model_module._Scope, "home", lambda self: home_for(self.user, self.env, self.homes)
    )
    assert [homes(tree) for tree in trees] == remembered
