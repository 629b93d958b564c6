"""DF403 relative-workdir."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df403(source: str):
    return [f for f in lint(source) if f.code == "DF403"]


def test_first_relative_workdir_fires():
    (finding,) = df403("FROM nginx:1.27\nWORKDIR usr/share/nginx/html\nCOPY public .\n")
    assert finding.line == 2 and "'usr/share/nginx/html'" in finding.message


def test_relative_after_absolute_base_stage_workdir_is_quiet():
    source = "FROM alpine:3.20 AS base\nWORKDIR /srv\nFROM base\nWORKDIR app\n"
    assert df403(source) == []


def test_variable_resolving_to_a_relative_path_fires():
    assert len(df403("FROM alpine:3.20\nARG DIR=app\nWORKDIR $DIR\n")) == 1


@pytest.mark.parametrize(
    "source",
    [
        "FROM alpine:3.20\nWORKDIR /app\nWORKDIR src\n",
        "FROM alpine:3.20\nWORKDIR $HOME/app\n",
        "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\\\app\n",
    ],
)
def test_absolute_or_unknowable_workdirs_are_quiet(source):
    assert df403(source) == []
