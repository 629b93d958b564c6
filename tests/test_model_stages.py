"""Stages: names, base stages, references by name and index, reachability, family guesses."""

from __future__ import annotations

from rewriter import parse
from rewriter.analyse.model import build_model


def stages_of(text: str, **kwargs):
    return build_model(parse(text), **kwargs).stages


MULTI = """\
FROM golang:1.22 AS Build
RUN go build -o /out/app .
FROM build AS test
RUN go test ./...
FROM alpine AS tools
FROM gcr.io/distroless/static-debian12
COPY --from=BUILD /out/app /app
"""


def test_stage_names_keep_case_and_compare_lower():
    stages = stages_of(MULTI)
    assert [s.name for s in stages] == ["Build", "test", "tools", None]
    assert stages[1].base_stage is stages[0]
    assert stages[3].depends_on == [stages[0]]


def test_unused_stages_are_not_reached_from_final():
    stages = stages_of(MULTI)
    assert [s.used for s in stages] == [True, False, False, True]
    assert [s.is_final for s in stages] == [False, False, False, True]


def test_copy_from_index_refers_to_stage():
    stages = stages_of("FROM node AS a\nFROM alpine\nCOPY --from=0 /x /x\n")
    assert stages[1].depends_on == [stages[0]]
    assert stages[0].used


def test_copy_from_external_image_is_a_string_dependency():
    stages = stages_of("FROM alpine\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\n")
    assert stages[0].depends_on == ["nginx:latest"]


def test_run_mount_from_marks_stage_used():
    text = (
        "FROM node AS deps\nRUN npm ci\nFROM node\n"
        "RUN --mount=type=bind,from=deps,source=/node_modules,target=/n ls /n\n"
    )
    stages = stages_of(text)
    assert stages[1].depends_on == [stages[0]]
    assert stages[0].used


def test_from_stage_name_must_be_defined_earlier():
    stages = stages_of("FROM later AS first\nFROM alpine AS later\n")
    assert stages[0].base_stage is None
    assert stages[0].base == "later"


def test_family_and_toolchains_are_inherited_through_base_stage():
    stages = stages_of("FROM node:20-alpine AS base\nFROM base AS build\n")
    assert stages[1].family == "alpine"
    assert stages[1].toolchains == frozenset({"node"})
    assert stages[1].root_image == "node:20-alpine"


def test_base_from_global_arg_resolves_family():
    stages = stages_of("ARG TAG=21-jre\nFROM eclipse-temurin:${TAG}\n")
    assert stages[0].base == "eclipse-temurin:21-jre"
    assert stages[0].family == "ubuntu"
    assert stages[0].toolchains == frozenset({"java", "jre"})


def test_platform_flag_is_expanded_with_global_args():
    stages = stages_of("ARG P=linux/amd64\nFROM --platform=$P alpine\n")
    assert stages[0].platform == "linux/amd64"


def test_state_of_from_belongs_to_its_stage():
    tree = parse(MULTI)
    model = build_model(tree)
    assert model.stage_of(tree.instructions[0]) is model.stages[0]
    assert model.stage_of(tree.instructions[-1]) is model.stages[3]
    assert model.final_stage is model.stages[3]
    assert model.stage_named("build") is model.stages[0]
    assert model.stage_named("2") is model.stages[2]


def test_file_without_from_has_no_stages():
    tree = parse("ARG A=1\n")
    model = build_model(tree)
    assert model.stages == [] and model.final_stage is None
    assert model.state_of(tree.instructions[0]).stage is None


def test_unknown_family_is_guessed_from_package_manager_in_run():
    stages = stages_of("FROM mycorp/base:1 AS b\nRUN apk add --no-cache curl\nFROM b\n")
    assert (stages[0].family, stages[0].family_source) == ("alpine", "run")
    assert (stages[1].family, stages[1].family_source) == ("alpine", "run")


def test_known_family_is_not_overridden_by_run():
    stages = stages_of("FROM debian\nRUN apk add x\n")
    assert (stages[0].family, stages[0].family_source) == ("debian", "image")


def test_global_scope_has_predefined_and_global_args():
    model = build_model(parse("ARG A=1\nFROM alpine\n"), build_args={"TARGETOS": "linux"})
    scope = model.global_scope
    assert scope["A"] == "1" and scope["TARGETOS"] == "linux" and scope["TARGETARCH"] is None
    assert "TARGETSTAGE" in scope


def test_copy_from_bad_index_or_later_stage_is_an_error():
    tree = parse("FROM alpine AS a\nCOPY --from=7 /x /x\nCOPY --from=b /y /y\nFROM alpine AS b\n")
    model = build_model(tree)
    assert model.state_of(tree.instructions[1]).errors == ("invalid stage index 7",)
    assert "defined before" in model.state_of(tree.instructions[2]).errors[0]
    assert model.stages[0].depends_on == [model.stages[1]]
