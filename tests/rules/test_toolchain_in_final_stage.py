"""DF301 toolchain-in-final-stage."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df301(source: str):
    return [f for f in lint(source) if f.code == "DF301"]


@pytest.mark.parametrize(
    ("source", "language"),
    [
        ('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n', "Go"),
        ("FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn -B package\n", "Java"),
        ("FROM rust:1.79\nCOPY . .\nRUN cargo build --release\n", "Rust"),
        ("FROM gcc:14\nCOPY . .\nRUN make\n", "C"),
        ('FROM golang:1.22 AS base\nRUN go build -o /app .\nFROM base\nCMD ["/app"]\n', "Go"),
    ],
)
def test_compiling_in_the_final_image_fires(source, language):
    (finding,) = df301(source)
    assert f"compiles {language}" in finding.message and finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "FROM golang:1.22 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n",
        "FROM golang:1.22\nRUN go test ./...\n",
        "FROM python:3.12\nRUN cd /tmp/lib && ./configure && make install\n",
        "FROM node:20\nRUN npm run build\n",
    ],
)
def test_multi_stage_and_non_compiling_builds_are_quiet(source):
    assert df301(source) == []


def test_one_finding_per_language():
    source = "FROM golang:1.22\nRUN go build ./a\nRUN go build ./b\n"
    assert [f.line for f in df301(source)] == [2]
