"""``dfopt new`` output built on the real BuildKit with the offline stand-in images.

For each sample app under ``apps/``: the generated Dockerfile builds; the runtime image holds the
app, its production dependencies and a non-root user that exists, but not the toolchain or the
development dependencies; and after a source edit every dependency step is CACHED.

The scaffold pins Debian releases in its tags (``node:20-bookworm-slim``) so that build and runtime
stages share one libc; the stand-ins are published under the shorter tags (``node:20-slim``). The
``scaffold_images`` fixture derives the pinned tags from them, adding what the real Debian images
have and busybox lacks (``groupadd``/``useradd``, a CA bundle). These extras belong in
``images.toml``/``rootfs.py`` eventually; until then they live here, built with the harness's own
``build`` so that ``.ci/docker-down`` removes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from rewriter.scaffold.api import scaffold
from rewriter.scaffold.options import Overrides

from .harness import (
    HARNESS_LABEL,
    build,
    docker_path,
    image_config,
    image_files,
    image_layers_contain,
    require_engine,
    unique_token,
)
from .samples import make_app, sample_files

# Debian's user tools as busybox shims: enough of groupadd/useradd for `--gid N NAME` and
# `--uid N --gid GROUP NAME`, which is all the scaffold's templates call.
_USER_TOOLS = r"""
RUN printf '%s\n' '#!/bin/sh' \
      'gid=; for a; do case "$prev" in --gid|-g) gid=$a;; esac; prev=$a; name=$a; done' \
      'echo "$name:x:$gid:" >> /etc/group' > /usr/sbin/groupadd \
 && printf '%s\n' '#!/bin/sh' \
      'for a; do case "$prev" in --uid|-u) uid=$a;; --gid|-g) grp=$a;; esac' \
      'prev=$a; name=$a; done' \
      'gid=$(awk -F: -v g="$grp" "\$1 == g || \$3 == g { print \$3; exit }" /etc/group)' \
      'echo "$name:x:$uid:$gid::/nonexistent:/sbin/nologin" >> /etc/passwd' \
      > /usr/sbin/useradd \
 && chmod 755 /usr/sbin/groupadd /usr/sbin/useradd \
 && mkdir -p /etc/ssl/certs && echo '# stand-in CA bundle' > /etc/ssl/certs/ca-certificates.crt
"""
DERIVED = {
    "node:20-bookworm-slim": "FROM node:20-slim\n" + _USER_TOOLS,
    "python:3.12-slim-bookworm": "FROM python:3.12-slim\n" + _USER_TOOLS,
    "golang:1.22-bookworm": "FROM golang:1.22\n" + _USER_TOOLS,
    "eclipse-temurin:21-jre": "FROM eclipse-temurin:21-jre\n" + _USER_TOOLS,
    "gcr.io/distroless/java21-debian12:nonroot": (
        "FROM gcr.io/distroless/java21-debian12\nUSER 65532\nWORKDIR /home/nonroot\n"
    ),
}
# Language versions the stand-ins exist for.
VERSIONS = {"node": "20", "python": "3.12", "go": "1.22", "java": "21"}

SITE = "usr/local/lib/python3.12/site-packages/"
# app -> (language, source file to edit, paths the runtime must hold, paths it must not hold,
#         dependency steps that must stay CACHED after a source edit). Paths are prefixes.
APPS = {
    "node-npm": (
        "node", "src/index.js",
        ["app/dist/app.js", "app/node_modules/express/"],
        ["app/node_modules/left-pad/"],
        ["npm ci --omit=dev", "npm ci"],
    ),
    "node-yarn": (
        "node", "src/index.js",
        ["app/dist/app.js", "app/node_modules/express/"],
        ["app/node_modules/left-pad/"],
        ["yarn install --frozen-lockfile --production", "yarn install --frozen-lockfile"],
    ),
    "node-yarn-berry": (
        "node", "src/index.js",
        ["app/dist/app.js", "app/node_modules/express/"],
        ["app/node_modules/left-pad/", "app/.pnp.cjs", "app/.yarn/"],
        ["yarn workspaces focus --all --production", "yarn install --immutable"],
    ),
    "node-pnpm": (
        "node", "src/index.js",
        ["app/dist/app.js", "app/node_modules/express/"],
        ["app/node_modules/left-pad/", "app/node_modules/.pnpm/left-pad@"],
        ["pnpm install --frozen-lockfile --prod", "pnpm install --frozen-lockfile --store"],
    ),
    "python-pip": (
        "python", "app/main.py",
        ["app/app/main.py", SITE + "flask/", SITE + "gunicorn/", SITE + "requests/"],
        ["wheels/"],
        ["pip wheel --wheel-dir /wheels --requirement requirements.txt"],
    ),
    "python-poetry": (
        "python", "src/demo_api/__init__.py",
        [SITE + "demo_api/", SITE + "requests/", SITE + "fastapi/"],
        ["usr/local/bin/poetry", SITE + "poetry/", SITE + "pytest/", "wheels/"],
        ["poetry export", 'pip install "poetry=='],
    ),
    "python-uv": (
        "python", "src/demo_uv/__init__.py",
        [SITE + "demo_uv/", SITE + "httpx/", SITE + "pydantic/"],
        ["usr/local/bin/uv", SITE + "uv/", SITE + "pytest/", "wheels/"],
        ["uv export", 'pip install "uv=='],
    ),
    "python-pipenv": (
        "python", "main.py",
        ["app/main.py", SITE + "flask/", SITE + "requests/"],
        ["usr/local/bin/pipenv", SITE + "pipenv/", SITE + "pytest/", "wheels/"],
        ["pipenv requirements", 'pip install "pipenv=='],
    ),
    "go-mod": (
        "go", "main.go",
        ["usr/local/bin/demo-go"],
        ["usr/local/go/", "src/"],
        ["go mod download"],
    ),
    "maven": (
        "java", "src/main/java/com/example/App.java",
        ["app/app.jar"],
        ["usr/share/maven/", "usr/bin/mvn", "opt/java/openjdk/bin/javac", "src/"],
        ["dependency:go-offline"],
    ),
    "gradle": (
        "java", "src/main/java/com/example/App.java",
        ["app/app.jar"],
        ["opt/gradle/", "usr/bin/gradle", "opt/java/openjdk/bin/javac", "src/"],
        ["dependencies > /dev/null"],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def scaffold_images(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the DERIVED tags once per module. Not through ``build``: the folder's conftest
    removes what ``build`` tagged when each test ends, and these must outlive the first test.
    They carry the harness label, so ``.ci/docker-down`` still removes them."""
    require_engine()
    context = tmp_path_factory.mktemp("derived-images")
    for tag, dockerfile in DERIVED.items():
        (context / "Dockerfile").write_text(dockerfile)
        proc = subprocess.run(
            [
                docker_path(),
                "build",
                "-q",
                "-t",
                tag,
                "--label",
                f"{HARNESS_LABEL}=1",
                str(context),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "DOCKER_BUILDKIT": "1"},
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def generate(context: Path, lang: str, **overrides: str) -> str:
    """Run the scaffold on ``context`` (writing its .dockerignore) and return the Dockerfile."""
    result = scaffold(context, lang, Overrides(version=VERSIONS[lang], **overrides))
    (context / ".dockerignore").write_text(result.files[".dockerignore"])
    return result.files["Dockerfile"]


def _edit(source: str, token: str) -> str:
    marker = "#" if source.endswith(".py") else "//"
    return f"{marker} edited {token}\n"


def assert_source_edit_keeps_dependencies_cached(
    tmp_path: Path,
    app: str,
    source: str,
    token: str,
    first_ctx: Path,
    dockerfile: str,
    dependency_steps: tuple[str, ...],
) -> None:
    """Edit ``source`` again and rebuild ``dockerfile``: every dependency step must be CACHED
    and the source COPY must re-run (the edit was seen)."""
    edited = _read(app, source) + _edit(source, token + "-2")
    second_ctx = make_app(tmp_path, app, changes={source: edited})
    (second_ctx / ".dockerignore").write_text((first_ctx / ".dockerignore").read_text())
    second = build(dockerfile, second_ctx)
    assert second.ok, second.log
    for step in dependency_steps:
        assert second.cached(step), f"{app}: {step!r} re-ran after a source edit\n{second.log}"
    assert not second.cached("COPY . ."), f"{app}: the source edit was not seen"


def _contains(files: dict[str, str], prefix: str) -> bool:
    """Whether the image holds ``prefix`` (a file, or a folder when it ends with "/")."""
    return any(p.startswith(prefix) if prefix.endswith("/") else p == prefix for p in files)


@pytest.mark.buildkit
@pytest.mark.parametrize("app", sorted(APPS))
def test_generated_dockerfile_builds_a_lean_runtime_and_caches_dependencies(
    app: str, tmp_path: Path, scaffold_images: None
) -> None:
    lang, source, wanted, unwanted, dependency_steps = APPS[app]
    token = unique_token()
    first_ctx = make_app(tmp_path, app, changes={source: _read(app, source) + _edit(source, token)})
    dockerfile = generate(first_ctx, lang)
    first = build(dockerfile, first_ctx)
    assert first.ok, first.log

    files = image_files(first.tag)
    for path in wanted:
        assert _contains(files, path), f"{app}: runtime lacks {path}"
    for path in unwanted:
        assert not _contains(files, path), f"{app}: runtime holds {path}"
    user = image_config(first.tag)["User"].split(":")[0]
    passwd = _passwd(first.tag)
    assert user and user not in ("0", "root"), f"{app}: runs as root"
    assert user in passwd, f"{app}: USER {user} is not in the runtime's /etc/passwd"

    assert_source_edit_keeps_dependencies_cached(
        tmp_path, app, source, token, first_ctx, dockerfile, dependency_steps
    )


@pytest.mark.buildkit
def test_npmrc_reaches_the_install_as_a_secret_and_no_layer(
    tmp_path: Path, scaffold_images: None
) -> None:
    """A project with an .npmrc: the install RUNs see it (the build passes it with
    ``--secret id=npmrc,src=.npmrc``, as the header says), no layer holds its token, and a build
    without the secret still works (the mount is optional: public registries need no token)."""
    token = f"npm-{unique_token()}"
    npmrc = f"//registry.example.com/:_authToken={token}\n"
    ctx = make_app(tmp_path, "node-npm", changes={".npmrc": npmrc})
    dockerfile = generate(ctx, "node")
    assert "--secret id=npmrc,src=.npmrc" in dockerfile
    # Make each install RUN show the sha256 of what it sees at /app/.npmrc (without naming it).
    seen = dockerfile.replace(" npm ci", " sha256sum /app/.np[m]rc && npm ci")
    assert seen.count("sha256sum") == 2, dockerfile
    with_secret = build(seen, ctx, secrets={"npmrc": npmrc}, no_cache=True)
    assert with_secret.ok, with_secret.log
    digest = hashlib.sha256(npmrc.encode()).hexdigest()
    assert with_secret.log.count(digest) == 2, "an install did not see the mounted .npmrc"
    assert not image_layers_contain(with_secret.tag, token.encode())
    assert not _contains(image_files(with_secret.tag), "app/.npmrc")

    without = build(dockerfile, ctx)
    assert without.ok, without.log
    assert not image_layers_contain(without.tag, token.encode())


@pytest.mark.buildkit
def test_go_slim_runtime_builds(tmp_path: Path, scaffold_images: None) -> None:
    for runtime in ("slim",):  # the alpine stand-in has no addgroup/adduser
        ctx = make_app(tmp_path, "go-mod", changes={"README": unique_token()})
        result = build(generate(ctx, "go", runtime=runtime), ctx)
        assert result.ok, result.log
        assert _contains(image_files(result.tag), "usr/local/bin/demo-go")
        assert "app" in _passwd(result.tag)


@pytest.mark.buildkit
def test_java_distroless_runtime_builds(tmp_path: Path, scaffold_images: None) -> None:
    ctx = make_app(tmp_path, "maven", changes={"README": unique_token()})
    result = build(generate(ctx, "java", runtime="distroless"), ctx)
    assert result.ok, result.log
    assert image_config(result.tag)["Entrypoint"] == ["java", "-jar", "/app/app.jar"]


# The harness's JDK stand-in has no jlink or jdeps. These two stand in for them in a derived image
# used only by the jre stage of the jlink variant: jdeps checks the jar and prints a module list,
# jlink checks its arguments as the real one does (no empty module name, no existing output) and
# lays out a runtime folder whose `release` file names the modules it was asked for.
JLINK_JDK = "dfopt-test/jlink-jdk:21"
_JDEPS = """#!/bin/sh
set -eu
for last; do :; done
[ -f "$last" ] || { echo "jdeps: $last not found" >&2; exit 1; }
echo "java.base,java.net.http"
"""
_JLINK = """#!/bin/sh
set -eu
modules= output=
while [ $# -gt 0 ]; do
    case "$1" in
    --add-modules) modules=$2 && shift ;;
    --output) output=$2 && shift ;;
    --compress=* | --strip-debug | --no-man-pages | --no-header-files) ;;
    *) echo "jlink: unknown option $1" >&2 && exit 2 ;;
    esac
    shift
done
[ -n "$output" ] || { echo "jlink: --output is missing" >&2; exit 2; }
[ ! -e "$output" ] || { echo "jlink: $output already exists" >&2; exit 2; }
case ",$modules," in *,,*) echo "jlink: empty module name in '$modules'" >&2 && exit 2 ;; esac
mkdir -p "$output/bin" "$output/lib"
printf 'MODULES="%s"\\n' "$(echo "$modules" | tr ',' ' ')" > "$output/release"
printf '%s\\n' '#!/bin/sh' \\
    'while [ $# -gt 0 ]; do' \\
    '  [ "$1" = -jar ] && [ -f "$2" ] && echo "running $2" && exit 0; shift' \\
    'done' \\
    'echo "Error: no jar to run" >&2; exit 1' > "$output/bin/java"
chmod 755 "$output/bin/java"
"""


@pytest.fixture(scope="module")
def jlink_jdk(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``eclipse-temurin:21-jdk`` plus the jdeps and jlink stand-ins, under a tag of its own."""
    require_engine()
    context = tmp_path_factory.mktemp("jlink-jdk")
    for name, text in (("jdeps", _JDEPS), ("jlink", _JLINK)):
        (context / name).write_text(text)
        (context / name).chmod(0o755)
    (context / "Dockerfile").write_text(
        "FROM eclipse-temurin:21-jdk\nCOPY jdeps jlink /opt/java/openjdk/bin/\n"
    )
    proc = subprocess.run(
        [
            docker_path(),
            "build",
            "-q",
            "-t",
            JLINK_JDK,
            "--label",
            f"{HARNESS_LABEL}=1",
            str(context),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return JLINK_JDK


@pytest.mark.buildkit
def test_java_jlink_runtime_builds_a_trimmed_runtime_without_the_jdk(
    tmp_path: Path, scaffold_images: None, jlink_jdk: str
) -> None:
    ctx = make_app(tmp_path, "maven", changes={"README": unique_token()})
    dockerfile = generate(ctx, "java", runtime="jlink")
    jre_stage = "FROM eclipse-temurin:${JAVA_VERSION}-jdk AS jre"
    assert jre_stage in dockerfile
    result = build(dockerfile.replace(jre_stage, f"FROM {jlink_jdk} AS jre"), ctx)
    assert result.ok, result.log

    files = image_files(result.tag)
    for path in ("opt/jre/bin/java", "opt/jre/release", "app/app.jar"):
        assert _contains(files, path), f"jlink runtime lacks {path}"
    for path in ("opt/java/openjdk/", "usr/share/maven/", "usr/bin/mvn", "src/"):
        assert not _contains(files, path), f"jlink runtime holds {path}"
    modules = _image_text(result.tag, "/opt/jre/release").split('"')[1].split()
    assert "java.net.http" in modules, "jdeps' modules were not linked"
    assert {"java.sql", "java.naming", "jdk.crypto.ec"} <= set(modules), "JLINK_MODULES missing"
    config = image_config(result.tag)
    assert config["Entrypoint"] == ["java", "-jar", "/app/app.jar"]
    assert any(e.startswith("PATH=/opt/jre/bin:") for e in config["Env"])
    user = config["User"].split(":")[0]
    assert user == "10001" and '"10001"' in _passwd(result.tag)
    ran = subprocess.run(
        [docker_path(), "run", "--rm", result.tag], capture_output=True, text=True, timeout=120
    )
    assert ran.stdout.strip() == "running /app/app.jar", ran.stdout + ran.stderr


def _read(app: str, source: str) -> str:
    return sample_files(app)[source]


def _image_text(tag: str, path: str) -> str:
    """One file of the image as text (copied out, since distroless has no shell to cat it)."""
    created = subprocess.run(
        [docker_path(), "create", tag, "/unused"], capture_output=True, text=True, check=True
    )
    container = created.stdout.strip()
    try:
        with (
            subprocess.Popen(
                [docker_path(), "cp", f"{container}:{path}", "-"], stdout=subprocess.PIPE
            ) as proc,
            tarfile.open(fileobj=proc.stdout, mode="r|") as tar,
        ):
            for member in tar:
                handle = tar.extractfile(member)
                return handle.read().decode() if handle else ""
            return ""
    finally:
        subprocess.run([docker_path(), "rm", "-f", container], capture_output=True, check=False)


def _passwd(tag: str) -> str:
    """Names and uids of /etc/passwd in the image."""
    text = _image_text(tag, "/etc/passwd")
    return json.dumps([(line.split(":")[0], line.split(":")[2]) for line in text.splitlines()])
