"""DF205 final-stage-runs-as-root."""

from __future__ import annotations

import pytest

from tests.rules.harness import fix, lint


def df205(source: str):
    return [f for f in lint(source) if f.code == "DF205"]


def test_no_user_fires_at_the_final_from():
    (finding,) = df205('FROM node:20-slim AS build\nUSER node\nFROM node:20-slim\nCMD ["node"]\n')
    assert finding.line == 3 and "no USER" in finding.message


def test_last_user_root_fires_at_that_user():
    (finding,) = df205('FROM node:20\nUSER node\nRUN id\nUSER root\nCMD ["x"]\n')
    assert finding.line == 4 and "'root'" in finding.message


def test_uid_zero_fires():
    assert len(df205("FROM alpine:3.20\nUSER 0:0\n")) == 1


@pytest.mark.parametrize(
    "source",
    [
        "FROM node:20\nUSER root\nRUN apt-get update\nUSER node\n",
        "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n",
        "FROM scratch\nCOPY app /app\nUSER 65532:65532\n",
        "FROM bitnami/nginx:1.27\nCOPY site /app\n",
        "FROM cgr.dev/chainguard/static:latest\nCOPY app /app\n",
        'FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD ["x"]\n',
        "FROM alpine:3.20\nARG UID=1000\nUSER $UID\n",
        "FROM alpine:3.20\nUSER ${RUNTIME_USER}\n",
        'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD ["cmd"]\n',
    ],
)
def test_non_root_images_are_quiet(source):
    assert df205(source) == []


def test_no_fix_is_ever_offered():
    source = 'FROM alpine:3.20\nCMD ["x"]\n'
    assert df205(source)[0].fix is None
    assert fix(source, unsafe=True).output == source
