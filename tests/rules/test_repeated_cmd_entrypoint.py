"""DF402 repeated-cmd-entrypoint."""

from __future__ import annotations

from tests.rules.harness import lint


def df402(source: str):
    return [f for f in lint(source) if f.code == "DF402"]


def test_every_overridden_instruction_fires():
    source = (
        'FROM python:3.12\nCMD ["a"]\nENTRYPOINT ["x"]\nCMD ["b"]\nCMD ["c"]\n' 'ENTRYPOINT ["y"]\n'
    )
    findings = df402(source)
    assert [f.line for f in findings] == [2, 3, 4]
    assert "only the last one (line 5)" in findings[0].message
    assert all(f.fix is None for f in findings)


def test_healthcheck_counts_too():
    source = "FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/\nHEALTHCHECK NONE\n"
    assert [f.line for f in df402(source)] == [2]


def test_one_per_stage_is_quiet():
    source = 'FROM golang:1.22 AS build\nCMD ["go"]\nFROM alpine:3.20\nCMD ["/app"]\n'
    assert df402(source) == []
