"""DF408 stage-name-casing: stage names and AS casing, with the safe fixes."""

from __future__ import annotations

import pytest

from tests.rules.harness import fix, lint


def df408(source: str):
    return [f for f in lint(source) if f.code == "DF408"]


def test_as_casing_fires_at_the_as_word_and_is_fixed_safely():
    source = "FROM golang:1.22 as build\nFROM alpine:3.20\nCOPY --from=build /a /a\n"
    (finding,) = df408(source)
    assert (finding.line, finding.column) == (1, 18)
    assert fix(source).output.startswith("FROM golang:1.22 AS build\n")


def test_lower_case_from_wants_lower_case_as():
    assert fix("from alpine:3.20 AS base\nfrom base\n").output == (
        "from alpine:3.20 as base\nfrom base\n"
    )


def test_upper_case_stage_name_is_renamed_with_its_references():
    source = (
        "FROM golang:1.22 AS Builder\nRUN --mount=type=cache,from=Builder,target=/c true\n"
        "FROM alpine:3.20\nCOPY --from=Builder /out /out\nCOPY --from=builder /x /x\n"
    )
    (finding,) = df408(source)
    assert "'Builder' should be lower case" in finding.message
    assert fix(source).output == source.replace("Builder", "builder")


@pytest.mark.parametrize(
    "source",
    [
        "FROM alpine:3.20 AS base\n",
        "from alpine:3.20 as base\n",
        "From alpine:3.20 as base\n",
        "FROM alpine:3.20\n",
    ],
)
def test_consistent_casing_is_quiet(source):
    assert df408(source) == []
