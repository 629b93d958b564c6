"""DF407 undefined-variable."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df407(source: str):
    return [f for f in lint(source) if f.code == "DF407"]


def test_from_with_an_undeclared_arg_fires_with_a_suggestion():
    (finding,) = df407("ARG VERSION=3.20\nFROM alpine:${VERSON}\n")
    assert "not a global ARG" in finding.message and "did you mean $VERSION?" in finding.message


def test_global_arg_used_in_a_stage_without_redeclaring_fires():
    (finding,) = df407("ARG VERSION=1.4\nFROM alpine:3.20\nCOPY app-$VERSION.tgz /tmp/\n")
    assert finding.line == 3 and "add 'ARG VERSION'" in finding.message


def test_typo_of_a_defined_name_fires():
    (finding,) = df407("FROM alpine:3.20\nENV APP_HOME=/srv\nWORKDIR $APP_HOEM\n")
    assert "did you mean $APP_HOME?" in finding.message


def test_scratch_has_no_hidden_environment():
    (finding,) = df407("FROM scratch\nCOPY app /$TARGET_DIR/\n")
    assert "'$TARGET_DIR'" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "ARG VERSION=1.4\nFROM alpine:3.20\nARG VERSION\nCOPY app-$VERSION.tgz /tmp/\n",
        "FROM golang:1.22\nWORKDIR $GOPATH/src/app\n",
        "FROM eclipse-temurin:21\nCOPY app.jar $SOME_BASE_IMAGE_VAR/\n",
        "FROM --platform=$BUILDPLATFORM alpine:3.20\nARG TARGETARCH\nCOPY bin-$TARGETARCH /app\n",
        "FROM alpine:3.20\nRUN echo $UNDEFINED_IN_SHELL\n",
    ],
)
def test_defined_or_unknowable_variables_are_quiet(source):
    assert df407(source) == []
