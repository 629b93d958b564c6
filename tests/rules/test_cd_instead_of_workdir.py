"""DF404 cd-instead-of-workdir."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df404(source: str):
    return [f for f in lint(source) if f.code == "DF404"]


def test_leading_cd_fires_at_the_cd():
    (finding,) = df404("FROM node:20\nRUN cd /app && npm ci && npm run build\n")
    assert (finding.line, finding.column) == (2, 5)
    assert "WORKDIR /app" in finding.message


@pytest.mark.parametrize(
    "run",
    [
        "apt-get update && cd /tmp && make",
        "cd /src",
        "cd /src && make && cd / && rm -rf /src",
        "cd /src || exit 1",
        "(cd /src && make) && ls",
        "cd - && ls",
    ],
)
def test_cd_that_is_not_a_workdir_is_quiet(run):
    assert df404(f"FROM alpine:3.20\nRUN {run}\n") == []
