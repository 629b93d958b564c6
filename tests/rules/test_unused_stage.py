"""DF303 unused-stage."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df303(source: str):
    return [f for f in lint(source) if f.code == "DF303"]


def test_stage_nothing_reaches_fires():
    source = (
        "FROM golang:1.22 AS builder\nRUN go build -o /out/app .\n"
        "FROM golang:1.22 AS old-builder\nRUN go build -o /out/app .\n"
        "FROM alpine:3.20\nCOPY --from=builder /out/app /app\n"
    )
    (finding,) = df303(source)
    assert finding.line == 3 and "'old-builder'" in finding.message


def test_unnamed_unused_stage_is_named_by_index():
    (finding,) = df303("FROM alpine:3.20\nRUN true\nFROM alpine:3.20\n")
    assert "'stage-0'" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM alpine:3.20 AS base\nFROM base\n",
        "FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=a /x /x\n",
        "FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=0 /x /x\n",
        "FROM alpine:3.20 AS cache\nFROM alpine:3.20\n"
        "RUN --mount=type=cache,from=cache,target=/c true\n",
        "FROM golang:1.22 AS deps\nFROM deps AS test\nRUN go test ./...\n"
        "FROM alpine:3.20 AS prod\n",
        "FROM alpine:3.20\n",
    ],
)
def test_used_and_target_stages_are_quiet(source):
    assert df303(source) == []
