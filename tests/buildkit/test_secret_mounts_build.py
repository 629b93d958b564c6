"""Real BuildKit: the secret fixes (DF201, DF203) take secrets out of the image for good.

For each fix: the original Dockerfile leaves the secret's value in the image (a layer, the
config or the history); the fixed Dockerfile, built with ``--secret``, still gives the value to
the RUN that needs it (the RUN prints its sha256), and the value is in no layer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.buildkit.harness import build, image_layers_contain, make_context, unique_token
from tests.buildkit.samples import make_app


def _fixed(source: str, code: str) -> str:
    result = fix_source(source, config=Config(select=(code,)), unsafe=True)
    assert [f.code for f in result.applied] == [code], result.applied
    return result.output


@pytest.mark.buildkit
def test_env_secret_moves_to_a_secret_file_the_run_reads(tmp_path: Path) -> None:
    """DF201 without a declared frontend: no ``# syntax=`` line (nothing to pull), a secret file
    mount and a RUN that reads it into the variable, which this engine's built-in frontend
    (Docker 20.10, before ``env=`` mounts) builds. The original's ENV is in the image; the
    fixed image has the value nowhere, yet the RUN saw it."""
    secret = f"tok-{unique_token()}"
    marker = unique_token()
    ctx = make_context(tmp_path, {"README": "context\n"})
    original = (
        "FROM busybox:1.36\n"
        f"ENV API_TOKEN={secret}\n"
        f'RUN echo {marker} && printf %s "$API_TOKEN" | sha256sum\n'
    )
    leaked = build(original, ctx)
    assert leaked.ok, leaked.log
    assert image_layers_contain(leaked.tag, secret.encode())

    fixed = _fixed(original, "DF201")
    assert secret not in fixed
    assert "# syntax" not in fixed and "env=" not in fixed
    assert fixed == (
        "FROM busybox:1.36\n"
        "RUN --mount=type=secret,id=api_token"
        ' API_TOKEN="$(cat /run/secrets/api_token)" && export API_TOKEN &&'
        f' echo {marker} && printf %s "$API_TOKEN" | sha256sum\n'
    )
    mounted = build(fixed, ctx, secrets={"api_token": secret})
    assert mounted.ok, mounted.log
    seen = hashlib.sha256(secret.encode()).hexdigest()
    assert seen in mounted.output_of(marker), "the RUN did not receive the secret"
    assert not image_layers_contain(mounted.tag, secret.encode())


@pytest.mark.buildkit
def test_secret_file_form_fails_the_run_when_the_secret_is_not_passed(tmp_path: Path) -> None:
    """The assignment fails with the file missing, so the RUN never runs without the secret
    (a fallback after ``||`` in the original script included)."""
    marker = f"abc{unique_token()}"  # letters first: never the same text once transformed
    ctx = make_context(tmp_path, {"README": "context\n"})
    # Each branch prints a text its command line does not contain: the marker transformed.
    with_secret, without_secret = marker.upper(), marker[::-1]
    original = (
        "FROM busybox:1.36\nARG API_TOKEN\n"
        f'RUN test -n "$API_TOKEN" && echo {marker} | tr a-f A-F || echo {marker} | rev\n'
    )
    fixed = _fixed(original, "DF201")
    assert "|| exit; export API_TOKEN;" in fixed
    missing = build(fixed, ctx)
    assert not missing.ok, missing.log
    assert "/run/secrets/api_token" in missing.log
    assert without_secret not in missing.log, "the fallback ran without the secret"
    given = build(fixed, ctx, secrets={"api_token": f"tok-{marker}"})
    assert given.ok, given.log
    assert with_secret in given.log


@pytest.mark.buildkit
def test_copied_npmrc_moves_to_a_secret_mount(tmp_path: Path) -> None:
    secret = f"//registry.example.com/:_authToken=npm-{unique_token()}\n"
    ctx = make_app(tmp_path, "node-npm", changes={".npmrc": secret})
    # The glob makes the RUN print what it sees at .npmrc without naming the file (a RUN that
    # names it is not rewritten: the fix cannot tell what it does with it).
    original = (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json package-lock.json .npmrc ./\n"
        "RUN sha256sum ./.np[m]rc && npm ci\n"
    )
    leaked = build(original, ctx)
    assert leaked.ok, leaked.log
    assert image_layers_contain(leaked.tag, secret.encode())

    fixed = _fixed(original, "DF203")
    assert "--mount=type=secret,id=npmrc,target=/app/.npmrc" in fixed
    assert "COPY package.json package-lock.json ./\n" in fixed
    # A secret's content is not part of BuildKit's cache key: without no_cache, a RUN cached by an
    # earlier session would print nothing here.
    mounted = build(fixed, ctx, secrets={"npmrc": secret}, no_cache=True)
    assert mounted.ok, mounted.log
    seen = hashlib.sha256(secret.encode()).hexdigest()
    assert seen in mounted.output_of("sha256sum"), "the RUN did not see the mounted .npmrc"
    assert not image_layers_contain(mounted.tag, secret.encode())
