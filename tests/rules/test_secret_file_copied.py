"""DF203 secret-file-copied: credentials files in layers, and the move to a secret mount."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.rules.checks.secret_file_copied import secret_kind
from tests.rules.harness import lint


def df203(source: str, context: Path | None = None):
    return [f for f in lint(source, context) if f.code == "DF203"]


def fixed(source: str) -> str:
    config = Config(select=("DF203",))
    first = fix_source(source, config=config, unsafe=True)
    assert fix_source(first.output, config=config, unsafe=True).output == first.output
    return first.output


@pytest.mark.parametrize(
    "path",
    [
        ".npmrc",
        ".env",
        ".env.production",
        "id_rsa",
        "keys/id_ed25519",
        ".netrc",
        "credentials",
        "tls/server.key",
        "key.pem",
        ".pypirc",
        "home/.docker/config.json",
        ".ssh/",
        ".aws",
    ],
)
def test_secret_files_are_recognised(path):
    assert secret_kind(path)


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        "id_rsa.pub",
        "ca.pem",
        "certs/fullchain.pem",
        "nodesource.gpg.key",
        "config.json",
        "package.json",
        "settings.py",
        ".npmrc.sample",
    ],
)
def test_lookalikes_are_not_secret_files(path):
    assert secret_kind(path) is None


def test_copy_of_npmrc_fires_with_an_unsafe_fix():
    source = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json .npmrc ./\n"
        'RUN npm ci && rm -f .npmrc\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n'
    )
    (finding,) = df203(source)
    assert finding.line == 3 and "the credentials file .npmrc" in finding.message
    assert any("--secret id=npmrc,src=.npmrc" in n for n in finding.fix.notes)
    assert fixed(source) == (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\nCOPY . .\n"
        'USER node\nCMD ["node", "server.js"]\n'
    )


def test_single_source_copy_is_removed_and_mounted_at_its_destination():
    source = (
        "FROM python:3.12-slim\nCOPY .netrc /root/.netrc\nRUN pip install -r requirements.txt\n"
    )
    assert fixed(source) == (
        "FROM python:3.12-slim\n"
        "RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install -r requirements.txt\n"
    )


def test_non_root_run_gets_a_readable_mount():
    source = "FROM node:20\nUSER node\nWORKDIR /home/node/app\nCOPY .npmrc ./\nRUN npm ci\n"
    assert "target=/home/node/app/.npmrc,mode=0444 npm ci" in fixed(source)


def test_no_fix_when_a_later_step_reads_the_file():
    source = "FROM node:20\nWORKDIR /app\nCOPY .npmrc ./\nRUN npm ci\nRUN cat .npmrc\n"
    (finding,) = df203(source)
    assert finding.fix is None


def test_no_fix_when_the_next_run_does_not_use_the_file():
    source = "FROM node:20\nWORKDIR /app\nCOPY .npmrc ./\nRUN echo hi\n"
    (finding,) = df203(source)
    assert finding.fix is None


def test_ssh_keys_are_reported_without_fix():
    (finding,) = df203("FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\nRUN git clone x\n")
    assert finding.fix is None


def test_broad_copy_of_a_context_with_secrets_fires(tmp_path):
    (tmp_path / ".env").write_text("DB_PASSWORD=x\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    (finding,) = df203("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n", tmp_path)
    assert ".env" in finding.message and ".dockerignore" in finding.message


def test_broad_copy_is_quiet_when_dockerignore_excludes_the_secret(tmp_path):
    (tmp_path / ".env").write_text("DB_PASSWORD=x\n")
    (tmp_path / ".dockerignore").write_text(".env\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    assert df203("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n", tmp_path) == []


def test_copy_from_another_stage_is_not_reported():
    source = (
        "FROM alpine:3.20 AS b\nRUN touch /key.pem\nFROM alpine:3.20\nCOPY --from=b /etc/hosts /x\n"
    )
    assert df203(source) == []
