"""DF107 package-cache-without-mount: when it fires, when it refuses, and the exact fixes."""

from __future__ import annotations

import pytest

from tests.rules.harness import fix, lint


def df107(source: str, **kw):
    return [f for f in lint(source, **kw) if f.code == "DF107"]


def fixed(source: str) -> str:
    return fix(source).output


def test_pip_gets_a_mount_and_loses_no_cache_dir() -> None:
    src = "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n"
    assert fixed(src) == (
        "FROM python:3.12\n"
        "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
        "    pip install -r requirements.txt\n"
    )


def test_pip_env_prefix_that_defeats_the_cache_is_removed() -> None:
    src = "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install -r requirements.txt\n"
    assert "PIP_NO_CACHE_DIR" not in fixed(src)
    assert "target=/root/.cache/pip" in fixed(src)


def test_apt_mounts_lists_and_archives_and_restores_docker_clean() -> None:
    src = (
        "FROM debian:12\n"
        "RUN apt-get update && \\\n"
        "    apt-get install -y --no-install-recommends curl && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n"
    )
    assert fixed(src) == (
        "FROM debian:12\n"
        "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
        "    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n"
        "    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \\\n"
        "    apt-get update && \\\n"
        "    apt-get install -y --no-install-recommends curl && \\\n"
        "    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt"
        " /etc/apt/apt.conf.d/docker-clean; }\n"
    )


def test_apk_no_cache_becomes_a_cached_add() -> None:
    src = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    assert fixed(src) == (
        "FROM alpine:3.20\n"
        "RUN --mount=type=cache,target=/var/cache/apk,sharing=locked \\\n"
        "    apk add --cache-dir=/var/cache/apk --update-cache curl\n"
    )


def test_non_root_user_gets_its_home_and_uid() -> None:
    src = "FROM node:20\nUSER node\nWORKDIR /app\nRUN npm ci && npm cache clean --force\n"
    assert fixed(src) == (
        "FROM node:20\nUSER node\nWORKDIR /app\n"
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 \\\n"
        "    npm ci\n"
    )


def test_user_created_with_a_uid_in_the_dockerfile() -> None:
    src = (
        "FROM python:3.12\n"
        "RUN groupadd -g 1001 app && useradd -u 1001 -g app -m app\n"
        "USER app\n"
        "RUN pip install -r requirements.txt\n"
    )
    assert "target=/home/app/.cache/pip,uid=1001,gid=1001" in fixed(src)


def test_unknown_uid_is_reported_without_fix() -> None:
    src = "FROM python:3.12\nUSER app\nRUN pip install -r requirements.txt\n"
    [finding] = df107(src)
    assert finding.fix is None
    assert "uid of USER app is unknown" in finding.message


def test_go_store_mount_goes_on_every_run_that_reads_it() -> None:
    src = (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
        "RUN go mod download\nCOPY . .\nRUN go build -o /out/app .\n"
    )
    out = fixed(src)
    assert out.count("--mount=type=cache,target=/go/pkg/mod") == 2
    assert "--mount=type=cache,target=/root/.cache/go-build" in out


def test_go_run_at_container_start_refuses_the_store_mount() -> None:
    src = 'FROM golang:1.22\nRUN go mod download\nCMD ["go", "run", "."]\n'
    [finding] = df107(src)
    assert finding.fix is None and "when the container starts" in finding.message


def test_maven_offline_build_in_a_later_run_gets_the_mount_too() -> None:
    src = (
        "FROM maven:3-eclipse-temurin-21\nWORKDIR /app\nCOPY pom.xml .\n"
        "RUN mvn dependency:go-offline\nCOPY src src\nRUN mvn -o package\n"
    )
    assert fixed(src).count("--mount=type=cache,target=/root/.m2") == 2


def test_poetry_mounts_only_its_download_folders() -> None:
    src = "FROM python:3.12\nRUN poetry install --no-root\n"
    out = fixed(src)
    assert "target=/root/.cache/pypoetry/artifacts" in out
    assert "target=/root/.cache/pypoetry/cache" in out
    assert "target=/root/.cache/pypoetry " not in out


@pytest.mark.parametrize(
    "source",
    [
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt\n",
        "FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install -r r.txt\n",
        "FROM node:20\nRUN npm run build\n",
        "FROM debian:12\nRUN echo hello\n",
    ],
)
def test_quiet_when_a_mount_covers_the_cache_or_nothing_downloads(source: str) -> None:
    assert df107(source) == []


def test_legacy_builder_gets_no_fix() -> None:
    src = "# dfopt: legacy-builder\nFROM python:3.12\nRUN pip install -r requirements.txt\n"
    [finding] = df107(src)
    assert finding.fix is None and "legacy builder" in finding.message


def test_variable_cache_folder_is_not_mounted() -> None:
    src = "FROM python:3.12\nARG CACHE\nENV PIP_CACHE_DIR=$CACHE\nRUN pip install -r r.txt\n"
    [finding] = df107(src)
    assert finding.fix is None


def test_yarn_berry_is_left_alone() -> None:
    src = "FROM node:20\nRUN corepack enable && yarn install --immutable\n"
    [finding] = df107(src)
    assert finding.fix is None and "Plug'n'Play" in finding.message


def test_a_command_that_reads_the_cache_folder_blocks_the_fix() -> None:
    src = "FROM python:3.12\nRUN pip install -r r.txt && ls /root/.cache/pip\n"
    [finding] = df107(src)
    assert finding.fix is None and "reads /root/.cache/pip" in finding.message


def test_exec_form_is_reported_without_fix() -> None:
    src = 'FROM python:3.12\nRUN ["pip", "install", "-r", "r.txt"]\n'
    [finding] = df107(src)
    assert finding.fix is None and "shell-form" in finding.message


def test_comment_inside_the_removed_span_blocks_the_fix() -> None:
    src = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && \\\n"
        "    # tidy up\n    rm -rf /var/lib/apt/lists/*\n"
    )
    [finding] = df107(src)
    assert finding.fix is None and "comment" in finding.message


def test_crlf_file_stays_crlf() -> None:
    src = "FROM python:3.12\r\nRUN pip install --no-cache-dir -r r.txt\r\n"
    out = fixed(src)
    assert out == (
        "FROM python:3.12\r\nRUN --mount=type=cache,target=/root/.cache/pip \\\r\n"
        "    pip install -r r.txt\r\n"
    )


def test_pinned_old_frontend_refuses() -> None:
    src = "# syntax=docker/dockerfile:1.1\nFROM python:3.12\nRUN pip install -r r.txt\n"
    [finding] = df107(src)
    assert finding.fix is None and "frontend" in finding.message


def test_message_names_the_tool_and_folder() -> None:
    [finding] = df107("FROM python:3.12\nRUN pip install -r r.txt\n")
    assert finding.line == 2
    assert finding.message.startswith("`pip` downloads into /root/.cache/pip")


def test_yarn_cache_clean_goes_and_yarn1_cache_is_mounted() -> None:
    src = "FROM node:20\nRUN yarn install --frozen-lockfile && yarn cache clean\n"
    assert fixed(src) == (
        "FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn \\\n"
        "    yarn install --frozen-lockfile\n"
    )


def test_rm_keeps_the_paths_that_are_not_mounted() -> None:
    src = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /tmp/b\n"
    )
    assert "&& rm -rf /tmp/b && \\\n" in fixed(src)
