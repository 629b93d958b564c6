"""The harness proves on a real BuildKit what dfopt's rewrites rely on.

Tests marked ``buildkit`` build real Dockerfiles against the offline stand-in images. BuildKit's
cache outlives a test session, so every test puts a fresh token into the files whose change it
needs BuildKit to see. The last two tests need no engine: they prove the skip itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import (
    build,
    diff_images,
    engine_available,
    image_files,
    image_layers_contain,
    make_context,
    unique_token,
)
from .samples import make_app, sample_files

COPY_ALL_THEN_INSTALL = """\
FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci
"""

MANIFESTS_FIRST = """\
# syntax=docker/dockerfile:1.7
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
"""


def _source(token: str, version: str) -> str:
    return f'// {token} {version}\nconst express = require("express");\nexpress();\n'


def _with_dependency(token: str, name: str, version: str) -> dict[str, str]:
    """package.json and package-lock.json of the npm sample with one more dependency, tagged
    with ``token`` so BuildKit has never seen them."""
    files = sample_files("node-npm")
    manifest = json.loads(files["package.json"])
    manifest["description"] = token
    lock = json.loads(files["package-lock.json"])
    if name:
        manifest["dependencies"][name] = f"^{version}"
        lock["packages"][""]["dependencies"][name] = f"^{version}"
        lock["packages"][f"node_modules/{name}"] = {"version": version}
    return {"package.json": json.dumps(manifest, indent=2), "package-lock.json": json.dumps(lock)}


@pytest.mark.buildkit
def test_source_edit_reruns_install_after_copy_all_but_keeps_it_cached_when_manifests_go_first(
    tmp_path: Path,
) -> None:
    token = unique_token()
    before = make_app(tmp_path, "node-npm", changes={"src/index.js": _source(token, "v1")})
    after = make_app(tmp_path, "node-npm", changes={"src/index.js": _source(token, "v2")})

    naive = [build(COPY_ALL_THEN_INSTALL, ctx) for ctx in (before, after)]
    assert all(r.ok for r in naive), naive[-1].log
    assert not naive[1].cached("COPY . .")
    assert not naive[1].cached("npm ci")
    assert "standin-npm: cache hit" in naive[1].output_of("npm ci")

    ordered = [build(MANIFESTS_FIRST, ctx) for ctx in (before, after)]
    assert all(r.ok for r in ordered), ordered[-1].log
    assert ordered[1].cached("COPY package.json package-lock.json ./")
    assert ordered[1].cached("npm ci")
    assert ordered[1].output_of("npm ci") == ""
    assert not ordered[1].cached("COPY . .")


@pytest.mark.buildkit
def test_syntax_directive_is_stripped_so_the_build_does_not_pull_a_frontend(tmp_path: Path) -> None:
    result = build(MANIFESTS_FIRST, make_app(tmp_path, "node-npm"))
    assert result.ok, result.log
    assert "syntax" not in result.dockerfile
    assert "docker/dockerfile" not in result.log


@pytest.mark.buildkit
def test_image_files_equal_for_same_content_and_different_otherwise(tmp_path: Path) -> None:
    ctx = make_app(tmp_path, "node-npm", changes={"src/index.js": _source(unique_token(), "v1")})
    naive = build(COPY_ALL_THEN_INSTALL, ctx)
    ordered = build(MANIFESTS_FIRST, ctx)
    without_dev = build(MANIFESTS_FIRST.replace("npm ci", "npm ci --omit=dev"), ctx)
    assert naive.ok and ordered.ok and without_dev.ok, without_dev.log

    same = diff_images(naive.tag, ordered.tag)
    assert same.equal, str(same)
    files = image_files(naive.tag)
    assert "app/node_modules/express/index.js" in files
    assert "etc/standin/image" in files
    assert not any(path.startswith("root/.npm") for path in files)

    differ = diff_images(ordered.tag, without_dev.tag)
    assert not differ.equal
    assert "app/node_modules/left-pad/index.js" in differ.only_in_a
    assert differ.only_in_b == ()


@pytest.mark.buildkit
def test_image_files_reports_changed_content_and_cache_folders_when_not_ignored(
    tmp_path: Path,
) -> None:
    token = unique_token()
    one = build(
        COPY_ALL_THEN_INSTALL,
        make_app(tmp_path, "node-npm", changes={"src/index.js": _source(token, "1")}),
    )
    two = build(
        COPY_ALL_THEN_INSTALL,
        make_app(tmp_path, "node-npm", changes={"src/index.js": _source(token, "2")}),
    )
    assert one.ok and two.ok, two.log

    diff = diff_images(one.tag, two.tag)
    assert diff.changed == ("app/src/index.js",)
    assert diff.only_in_a == diff.only_in_b == ()
    assert any(path.startswith("root/.npm/") for path in image_files(one.tag, ignore=()))


@pytest.mark.buildkit
def test_env_secret_is_found_in_layers_but_a_secret_mount_is_not(tmp_path: Path) -> None:
    token = unique_token()
    secret = f"s3cr3t-{unique_token()}"
    ctx = make_app(tmp_path, "node-npm")

    leaked = build(f"FROM busybox:1.36\nENV TOKEN={secret}\nRUN echo {token}\n", ctx)
    assert leaked.ok, leaked.log
    assert image_layers_contain(leaked.tag, secret.encode())

    mounted = build(
        "FROM busybox:1.36\n"
        f"RUN --mount=type=secret,id=tok echo {token} && sha256sum /run/secrets/tok\n",
        ctx,
        secrets={"tok": secret},
    )
    assert mounted.ok, mounted.log
    seen = hashlib.sha256(secret.encode()).hexdigest()
    assert seen in mounted.output_of("--mount=type=secret"), "the RUN did not see the secret"
    assert not image_layers_contain(mounted.tag, secret.encode())


@pytest.mark.buildkit
def test_layer_search_finds_deleted_files_and_build_arg_values(tmp_path: Path) -> None:
    secret = f"arg-{unique_token()}"
    ctx = make_app(tmp_path, "node-npm")

    deleted = build(f"FROM busybox:1.36\nRUN echo {secret} > /leak\nRUN rm /leak\n", ctx)
    assert deleted.ok, deleted.log
    assert "leak" not in image_files(deleted.tag)
    assert image_layers_contain(deleted.tag, secret.encode())

    from_arg = build(
        "FROM busybox:1.36\nARG TOKEN\nRUN echo building\n", ctx, build_args={"TOKEN": secret}
    )
    assert from_arg.ok, from_arg.log
    assert image_layers_contain(from_arg.tag, secret.encode())


@pytest.mark.buildkit
def test_cache_mount_keeps_the_package_cache_warm_across_a_manifest_edit(tmp_path: Path) -> None:
    token = unique_token()
    dockerfile = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        f"RUN --mount=type=cache,id=npm-{token},target=/root/.npm npm ci\nCOPY . .\n"
    )
    before = make_app(tmp_path, "node-npm", changes=_with_dependency(token, "", ""))
    after = make_app(tmp_path, "node-npm", changes=_with_dependency(token, "ms", "2.1.3"))

    first = build(dockerfile, before)
    second = build(dockerfile, after)
    assert first.ok and second.ok, second.log
    assert "standin-npm: cache hit 0/4" in first.output_of("npm ci")
    assert not second.cached("npm ci")
    assert "standin-npm: cache hit 4/5" in second.output_of("npm ci")
    # the mount's contents never reach the image
    assert not any(p.startswith("root/.npm/") for p in image_files(second.tag, ignore=()))

    plain = build(
        dockerfile.replace(f"--mount=type=cache,id=npm-{token},target=/root/.npm ", ""), after
    )
    assert plain.ok, plain.log
    assert "standin-npm: cache hit 0/5" in plain.output_of("npm ci")


@pytest.mark.buildkit
def test_ssh_forwarding_mounts_an_agent_socket_only_into_the_run_that_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    token = unique_token()
    result = build(
        f'FROM busybox:1.36\nRUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo {token}\n'
        'RUN test -z "$SSH_AUTH_SOCK"\n',
        make_context(tmp_path, {"README": token}),
        ssh=True,
    )
    assert result.ok, result.log
    assert token in result.output_of("--mount=type=ssh")


@pytest.mark.parametrize(
    "env",
    [
        {"DFOPT_DOCKER": "/nonexistent/docker"},
        {"DOCKER_HOST": "unix:///nonexistent/docker.sock"},
    ],
    ids=["no-cli", "no-engine"],
)
def test_buildkit_tests_skip_with_the_reason_when_no_engine_answers(env: dict[str, str]) -> None:
    """Runs one buildkit test in a child pytest whose engine is unreachable: it must be skipped
    (not fail) and the skip line must say why. Needs no engine itself."""
    repo = Path(__file__).resolve().parents[2]
    child_env = {**os.environ, **env}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).relative_to(repo)}::test_syntax_directive_is_stripped_so_the_build_does_not_pull_a_frontend",
        ],
        cwd=repo,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
    reason = "no Docker CLI" if "DFOPT_DOCKER" in env else "Docker engine not reachable"
    assert reason in proc.stdout, proc.stdout


def test_engine_available_names_the_missing_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFOPT_DOCKER", "/nonexistent/docker")
    reason = engine_available()
    assert reason is not None and "/nonexistent/docker" in reason
