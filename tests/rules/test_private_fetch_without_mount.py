"""DF204 private-fetch-without-mount: SSH and token fetches, and the SSH-mount fix."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.rules.harness import lint


def df204(source: str):
    return [f for f in lint(source) if f.code == "DF204"]


def fixed(source: str) -> str:
    config = Config(select=("DF204",))
    first = fix_source(source, config=config, unsafe=True)
    assert fix_source(first.output, config=config, unsafe=True).output == first.output
    return first.output


@pytest.mark.parametrize(
    "run",
    [
        "git clone git@github.com:acme/lib.git /src/lib",
        "git clone ssh://git@git.example.com:2222/acme/lib.git",
        "pip install git+ssh://git@github.com/acme/lib.git",
        "npm install git+ssh://git@github.com:acme/lib.git",
    ],
)
def test_ssh_fetches_without_mount_fire(run):
    (finding,) = df204(f"FROM python:3.12\nRUN {run}\n")
    assert "over SSH" in finding.message
    assert finding.fix is not None


def test_token_url_fires_without_fix():
    (finding,) = df204("FROM alpine:3.20\nARG T\nRUN git clone https://$T@github.com/acme/x.git\n")
    assert ".git/config" in finding.message and finding.fix is None


def test_goprivate_without_mount_fires():
    source = "FROM golang:1.22\nENV GOPRIVATE=github.com/acme/*\nRUN go mod download\n"
    (finding,) = df204(source)
    assert "GOPRIVATE" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM alpine:3.20\nRUN --mount=type=ssh git clone git@github.com:acme/lib.git\n",
        "FROM alpine:3.20\nRUN git clone https://github.com/acme/public.git\n",
        "FROM golang:1.22\nRUN go mod download\n",
        "FROM golang:1.22\nENV GOPRIVATE=github.com/acme/*\n"
        "RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n",
        "FROM alpine:3.20\nRUN echo git@github.com:acme/lib.git\n",
    ],
)
def test_authenticated_or_public_fetches_are_quiet(source):
    assert df204(source) == []


def test_fix_adds_ssh_mount_and_known_hosts():
    source = (
        "FROM alpine:3.20\nRUN apk add git openssh-client && \\\n"
        "    git clone git@github.com:acme/lib.git\n"
    )
    (finding,) = df204(source)
    assert any("--ssh default" in n for n in finding.fix.notes)
    assert fixed(source) == (
        "FROM alpine:3.20\nRUN --mount=type=ssh mkdir -p -m 0700 ~/.ssh && "
        "ssh-keyscan github.com >> ~/.ssh/known_hosts && apk add git openssh-client && \\\n"
        "    git clone git@github.com:acme/lib.git\n"
    )


def test_fix_scans_a_custom_port():
    source = "FROM alpine:3.20\nRUN git clone ssh://git@git.example.com:2222/acme/lib.git\n"
    assert "ssh-keyscan -p 2222 git.example.com >> ~/.ssh/known_hosts" in fixed(source)


def test_no_fix_in_legacy_builder_mode():
    source = "# dfopt: legacy-builder\nFROM alpine:3.20\nRUN git clone git@github.com:a/b.git\n"
    (finding,) = df204(source)
    assert finding.fix is None
