"""ARG and ENV scoping in the build model, as BuildKit dispatches them."""

from __future__ import annotations

from rewriter import parse
from rewriter.analyse.model import build_model


def model_of(text: str, **kwargs):
    tree = parse(text)
    return tree, build_model(tree, **kwargs)


def state_at(text: str, line: int, **kwargs):
    tree, model = model_of(text, **kwargs)
    ins = next(i for i in tree.instructions if i.start_line == line)
    return model.state_of(ins)


def test_global_arg_default_expands_in_from():
    _, model = model_of("ARG BASE=node:20\nFROM ${BASE}-alpine\n")
    assert model.stages[0].base == "node:20-alpine"
    assert model.global_args["BASE"].value == "node:20"


def test_build_arg_overrides_global_default():
    _, model = model_of("ARG BASE=node:20\nFROM $BASE\n", build_args={"BASE": "node:22"})
    assert model.stages[0].base == "node:22"
    decl = model.global_args["BASE"]
    assert (decl.default, decl.value, decl.from_build_arg) == ("node:20", "node:22", True)


def test_global_args_expand_earlier_global_args():
    _, model = model_of("ARG V=3.12\nARG IMG=python:$V-slim\nFROM $IMG\n")
    assert model.stages[0].base == "python:3.12-slim"


def test_global_arg_is_not_visible_in_stage_without_redeclaration():
    text = "ARG VERSION=1\nFROM alpine\nWORKDIR /v$VERSION\n"
    state = state_at(text, 3)
    assert "VERSION" not in state.args
    assert "VERSION" not in state.variables
    assert state.undefined_names == ("VERSION",)


def test_redeclared_global_arg_takes_global_value():
    text = "ARG VERSION=1\nFROM alpine\nARG VERSION\nWORKDIR /v$VERSION\n"
    tree, model = model_of(text)
    workdir = tree.instructions[-1]
    assert model.state_of(workdir).args["VERSION"] == "1"
    assert model.stages[0].end_state.workdir == "/v1"


def test_redeclared_arg_with_default_uses_stage_default():
    text = "ARG VERSION=1\nFROM alpine\nARG VERSION=2\nRUN true\n"
    assert state_at(text, 4).args["VERSION"] == "2"


def test_build_arg_overrides_stage_default():
    text = "FROM alpine\nARG MODE=dev\nRUN true\n"
    assert state_at(text, 3, build_args={"MODE": "prod"}).args["MODE"] == "prod"


def test_arg_without_default_has_unknown_value():
    state = state_at("FROM alpine\nARG TOKEN\nRUN true\n", 3)
    assert "TOKEN" in state.args and state.args["TOKEN"] is None
    assert state.undefined_names == ()


def test_platform_args_are_defined_but_unknown():
    text = "FROM --platform=$BUILDPLATFORM golang AS b\nARG TARGETARCH\nWORKDIR /out/$TARGETARCH\n"
    tree, model = model_of(text)
    assert model.stages[0].platform == "$BUILDPLATFORM"
    state = model.state_of(tree.instructions[1])
    assert state.undefined_names == ()
    assert model.stages[0].end_state.workdir == "/out/$TARGETARCH"
    assert model.stages[0].end_state.args["TARGETARCH"] is None


def test_platform_arg_undeclared_in_stage_is_undefined():
    state = state_at("FROM alpine\nWORKDIR /out/$TARGETARCH\n", 2)
    assert state.undefined_names == ("TARGETARCH",)


def test_platform_arg_value_from_build_args():
    text = "FROM alpine\nARG TARGETARCH\nWORKDIR /out/$TARGETARCH\nRUN true\n"
    state = state_at(text, 4, build_args={"TARGETARCH": "arm64"})
    assert state.workdir == "/out/arm64"


def test_env_values_use_variables_from_before_the_instruction():
    text = "FROM alpine\nENV A=old\nENV A=new B=$A\nRUN true\n"
    state = state_at(text, 4)
    assert state.env["A"] == "new"
    assert state.env["B"] == "old"


def test_env_removes_quotes_and_supports_legacy_form():
    text = "FROM alpine\nENV A=\"x y\" B='$NOPE'\nENV C hello world\nRUN true\n"
    state = state_at(text, 4)
    assert (state.env["A"], state.env["B"], state.env["C"]) == ("x y", "$NOPE", "hello world")
    assert state_at(text, 2).undefined_names == ()


def test_later_arg_overrides_env_in_variables():
    text = "FROM alpine\nENV MODE=a\nARG MODE=b\nRUN true\n"
    state = state_at(text, 4)
    assert state.env["MODE"] == "a"
    assert state.variables["MODE"] == "b"


def test_env_and_args_are_inherited_by_child_stage():
    text = (
        "FROM node:20 AS base\nARG NODE_ENV=production\nENV APP=/srv\n"
        "FROM base AS child\nWORKDIR $APP/$NODE_ENV\nRUN true\n"
    )
    state = state_at(text, 6)
    assert state.workdir == "/srv/production"
    assert state.env["APP"] == "/srv"
    assert state.args["NODE_ENV"] == "production"


def test_env_is_not_inherited_by_unrelated_stage():
    text = "FROM alpine AS a\nENV X=1\nFROM alpine AS b\nRUN true\n"
    assert "X" not in state_at(text, 4).env


def test_state_before_instruction_effect():
    text = "FROM alpine\nENV X=1\nRUN true\n"
    assert "X" not in state_at(text, 2).env
    assert state_at(text, 3).env["X"] == "1"


def test_undefined_names_in_copy_and_label():
    text = "FROM alpine\nCOPY $SRC /dst/\nLABEL v=${VERSION:-dev}\n"
    assert state_at(text, 2).undefined_names == ("SRC",)
    assert state_at(text, 3).undefined_names == ("VERSION",)


def test_run_body_variables_are_not_reported_as_undefined():
    assert state_at("FROM alpine\nRUN echo $HOME $FOO\n", 2).undefined_names == ()


def test_undefined_name_in_from_uses_global_scope():
    text = "FROM alpine AS a\nARG TAG=1\nFROM node:$TAG\n"
    tree, model = model_of(text)
    assert model.state_of(tree.instructions[2]).undefined_names == ("TAG",)
    assert model.stages[1].base == "node:$TAG"


def test_expansion_error_is_recorded():
    state = state_at("FROM alpine\nWORKDIR ${DIR:?DIR must be set}\n", 2)
    assert state.errors and "DIR must be set" in state.errors[0]


def test_base_image_env_is_known_for_official_images():
    state = state_at("FROM golang:1.22\nRUN true\n", 2)
    assert state.env["GOPATH"] == "/go"
    assert state.workdir == "/go"
    assert "PATH" in state.variables and state.variables["PATH"] is None
    assert not state.env_complete


def test_scratch_env_is_complete():
    state = state_at("FROM scratch\nCOPY a /a\n", 2)
    assert state.env_complete
    assert state.env["PATH"].startswith("/usr/local/sbin")


def test_arg_without_default_keeps_inherited_value():
    text = "FROM alpine AS a\nENV LEVEL=env\nFROM a\nARG LEVEL\nRUN true\n"
    state = state_at(text, 5)
    assert state.variables["LEVEL"] == "env" and state.args["LEVEL"] == "env"


def test_copy_from_with_variable_is_an_error():
    state = state_at("FROM alpine\nARG S=a\nCOPY --from=$S /x /x\n", 3)
    assert state.errors and "--from" in state.errors[0]
