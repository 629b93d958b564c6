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


@pytest.mark.parametrize(
    "run",
    [
        # the official images' pattern: a virtual package of build deps, removed in the same RUN
        "RUN apk add --no-cache --virtual .build-deps gcc make musl-dev \\\n"
        "    && make -j4 && make install && apk del --no-network .build-deps",
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc make \\\n"
        "    && make && make install \\\n"
        "    && apt-get purge -y --auto-remove gcc make && rm -rf /var/lib/apt/lists/*",
        # a `cd` dfopt cannot follow does not hide the removal (docker-node's alpine images)
        "RUN apk add --virtual .build-deps-full gcc make && cd node-v$NODE_VERSION \\\n"
        "    && ./configure && make -j4 && make install && apk del .build-deps-full",
    ],
)
def test_a_toolchain_installed_and_removed_by_the_same_run_does_not_ship(run):
    assert df301(f"FROM alpine:3.20\nARG NODE_VERSION\nCOPY . /src\nWORKDIR /src\n{run}\n") == []


@pytest.mark.parametrize(
    "source",
    [
        # removed by a later RUN: the earlier layer still holds the compiler
        "FROM alpine:3.20\nRUN apk add gcc make\nCOPY . .\nRUN make\nRUN apk del gcc make\n",
        # removed before the build, not after it
        "FROM alpine:3.20\nCOPY . .\nRUN apk del gcc && apk add gcc make && make\n",
        # the image brings its own C toolchain, which no removal of the RUN's packages touches
        "FROM buildpack-deps:bookworm\nCOPY . .\n"
        "RUN apt-get install -y libfoo-dev && make && apt-get purge -y libfoo-dev\n",
    ],
)
def test_a_toolchain_that_stays_in_some_layer_is_reported(source):
    (finding,) = df301(source)
    assert "compiles C" in finding.message
