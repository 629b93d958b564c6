"""DF105 apt-update-in-own-run, DF106 package-cache-left-in-layer, DF109, DF110."""

from __future__ import annotations

import pytest

from tests.rules.harness import codes, lint


def only(code: str, source: str, **kw):
    return [f for f in lint(source, **kw) if f.code == code]


# -- DF105 ------------------------------------------------------------------------------------


def test_df105_fires_on_update_alone_before_a_later_install() -> None:
    src = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    [finding] = only("DF105", src)
    assert finding.line == 2 and "line 3" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
        "FROM debian:12\nRUN apt-get update\n",
        "FROM debian:12\nRUN apt-get update\nFROM debian:12\nRUN apt-get install -y curl\n",
    ],
)
def test_df105_quiet_when_update_and_install_share_a_run(source: str) -> None:
    assert only("DF105", source) == []


# -- DF106 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "folder"),
    [
        ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", "/var/lib/apt/lists"),
        ("FROM alpine:3.20\nRUN apk add curl\n", "/var/cache/apk"),
        ("FROM python:3.12\nRUN pip install -r r.txt\n", "/root/.cache/pip"),
        ("FROM node:20\nRUN npm ci\n", "/root/.npm"),
    ],
)
def test_df106_fires_when_the_cache_stays_in_the_layer(source: str, folder: str) -> None:
    [finding] = only("DF106", source)
    assert folder in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl"
        " && rm -rf /var/lib/apt/lists/*\n",
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir -r r.txt\n",
        "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r r.txt\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked"
        " apt-get update && apt-get install -y curl\n",
        "FROM python:3.12 AS build\nRUN pip install -r r.txt\nFROM python:3.12-slim\n",
        # a stage built on this one installs from the lists: they are no leftover
        "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\n"
        "FROM base\nRUN apt-get install -y jq && rm -rf /var/lib/apt/lists/*\n",
        # installs local wheels offline: pip writes nothing to its cache
        "FROM python:3.12\nRUN pip install --no-index --find-links=/wheels /wheels/*.whl\n",
    ],
)
def test_df106_quiet_with_cleanup_mount_or_in_a_discarded_stage(source: str) -> None:
    assert only("DF106", source) == []


def test_df106_maps_hadolint_codes_for_suppressions() -> None:
    src = "FROM python:3.12\n# hadolint ignore=DL3042\nRUN pip install -r r.txt\n"
    assert "DF106" not in codes(src)


# -- DF109 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "decl", ["ARG GIT_COMMIT", "ARG BUILD_DATE", "ENV VCS_REF=abc", "ARG VERSION"]
)
def test_df109_fires_before_an_install(decl: str) -> None:
    src = f"FROM node:20\n{decl}\nCOPY package*.json ./\nRUN npm ci\n"
    [finding] = only("DF109", src)
    assert finding.line == 2 and "line 4" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM node:20\nCOPY package*.json ./\nRUN npm ci\nARG GIT_COMMIT\n",
        "ARG GIT_COMMIT\nFROM node:20\nRUN npm ci\n",
        "FROM node:20\nARG NODE_VERSION\nENV PYTHON_VERSION=3\nRUN npm ci\n",
        "FROM node:20\nARG GIT_COMMIT\nRUN echo $GIT_COMMIT > /commit\n",
    ],
)
def test_df109_quiet_after_installs_for_globals_and_tool_versions(source: str) -> None:
    assert only("DF109", source) == []


# -- DF110 ------------------------------------------------------------------------------------


def test_df110_fires_on_add_url_without_checksum() -> None:
    [finding] = only("DF110", "FROM alpine\nADD https://example.com/a.tgz /opt/\n")
    assert "https://example.com/a.tgz" in finding.message and finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "FROM alpine\nADD --checksum=sha256:" + "0" * 64 + " https://example.com/a.tgz /opt/\n",
        "FROM alpine\nADD https://github.com/moby/buildkit.git /src\n",
        "FROM alpine\nADD local.tgz /opt/\n",
        "FROM alpine\nCOPY a /a\n",
    ],
)
def test_df110_quiet_with_checksum_git_or_local_sources(source: str) -> None:
    assert only("DF110", source) == []
