"""DF107's cache mounts, proved on the real BuildKit with the offline stand-ins.

For every package manager the stand-ins have, a realistic Dockerfile without cache mounts (the
manifests are already copied first, as DF101 leaves them) and DF107's safe fix of it
(``fix_source(..., config=Config(select=("DF107",)))``, no other rule) are built, and:

1. both build;
2. their final images (and, for multi-stage files, the build stage) hold the same files, the
   package-manager caches aside (``harness.CACHE_DIRS``);
3. the mount really keeps the cache: after one dependency is added to the manifest, the fixed
   Dockerfile's install finds every package it fetched before in the cache ("standin-npm: cache
   hit 5/6") while the original fetches all of them again ("cache hit 0/6");
4. for the stores later steps read (Go modules, ~/.m2, ~/.gradle), a later RUN that works offline
   still builds, because the fix mounts the same cache there; the same file with that one mount
   taken away fails (the downloaded files exist only in the mount, never in a layer).

BuildKit's cache (layers and cache mounts alike) outlives a test session and the mounts are shared
by every build on this engine, so each test run names its dependencies after a fresh token: the
steps that must run do run, and a package that must be missing from the cache is.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source

from .harness import (
    HARNESS_LABEL,
    BuildResult,
    build,
    diff_files,
    docker_path,
    image_files,
    make_context,
    unique_token,
)
from .samples import sample_files

ONLY_DF107 = Config(select=("DF107",))
Files = dict[str, str]

# -- adding one dependency to each ecosystem's manifest and lockfile ------------------------------


def _add_npm(files: Files, name: str) -> Files:
    manifest = json.loads(files["package.json"])
    manifest["dependencies"][name] = "^1.0.0"
    lock = json.loads(files["package-lock.json"])
    lock["packages"][""]["dependencies"][name] = "^1.0.0"
    lock["packages"][f"node_modules/{name}"] = {"version": "1.0.0"}
    return {
        **files,
        "package.json": json.dumps(manifest, indent=2),
        "package-lock.json": json.dumps(lock, indent=2),
    }


def _add_package_json(files: Files, name: str) -> Files:
    manifest = json.loads(files["package.json"])
    manifest["dependencies"][name] = "^1.0.0"
    return {**files, "package.json": json.dumps(manifest, indent=2)}


def _add_yarn(files: Files, name: str) -> Files:
    entry = (
        f'\n{name}@^1.0.0:\n  version "1.0.0"\n'
        f'  resolved "https://registry.yarnpkg.com/{name}/-/{name}-1.0.0.tgz"\n'
    )
    return {**_add_package_json(files, name), "yarn.lock": files["yarn.lock"] + entry}


def _add_pnpm(files: Files, name: str) -> Files:
    lock = files["pnpm-lock.yaml"]
    lock = _insert_after(
        lock,
        "    dependencies:\n",
        f"      {name}:\n        specifier: ^1.0.0\n        version: 1.0.0\n",
    )
    lock = _insert_after(
        lock,
        "\npackages:\n\n",
        f"  {name}@1.0.0:\n    resolution: {{integrity: sha512-standin}}\n\n",
    )
    lock = _insert_after(lock, "\nsnapshots:\n\n", f"  {name}@1.0.0: {{}}\n\n")
    return {**_add_package_json(files, name), "pnpm-lock.yaml": lock}


def _add_pip(files: Files, name: str) -> Files:
    return {**files, "requirements.txt": files["requirements.txt"] + f"{name}==1.0.0\n"}


def _add_pipenv(files: Files, name: str) -> Files:
    lock = json.loads(files["Pipfile.lock"])
    lock["default"][name] = {"hashes": ["sha256:0000"], "version": "==1.0.0"}
    pipfile = _insert_after(files["Pipfile"], "[packages]\n", f'{name} = "==1.0.0"\n')
    return {**files, "Pipfile": pipfile, "Pipfile.lock": json.dumps(lock, indent=4)}


def _add_poetry(files: Files, name: str) -> Files:
    pyproject = _insert_after(
        files["pyproject.toml"], "[tool.poetry.dependencies]\n", f'{name} = "^1.0.0"\n'
    )
    lock = _insert_after(
        files["poetry.lock"],
        "should not be changed by hand.\n",
        f'\n[[package]]\nname = "{name}"\nversion = "1.0.0"\ndescription = "stand-in"\n',
    )
    return {**files, "pyproject.toml": pyproject, "poetry.lock": lock}


def _add_uv(files: Files, name: str) -> Files:
    pyproject = _insert_after(
        files["pyproject.toml"], "dependencies = [\n", f'    "{name}==1.0.0",\n'
    )
    lock = files["uv.lock"] + (
        f'\n[[package]]\nname = "{name}"\nversion = "1.0.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
    )
    return {**files, "pyproject.toml": pyproject, "uv.lock": lock}


def _add_go(files: Files, name: str) -> Files:
    module = f"example.com/{name}"
    return {
        **files,
        "go.mod": files["go.mod"] + f"\nrequire {module} v1.0.0\n",
        "go.sum": files["go.sum"]
        + f"{module} v1.0.0 h1:standin=\n{module} v1.0.0/go.mod h1:standin=\n",
    }


def _add_maven(files: Files, name: str) -> Files:
    dependency = (
        f"    <dependency>\n      <groupId>com.example.{name}</groupId>\n"
        f"      <artifactId>{name}</artifactId>\n      <version>1.0.0</version>\n"
        "    </dependency>\n"
    )
    return {**files, "pom.xml": _insert_before(files["pom.xml"], "  </dependencies>", dependency)}


def _add_gradle(files: Files, name: str) -> Files:
    line = f"    implementation 'com.example.{name}:{name}:1.0.0'\n"
    return {**files, "build.gradle": _insert_after(files["build.gradle"], "dependencies {\n", line)}


def _insert_after(text: str, anchor: str, addition: str) -> str:
    if anchor not in text:
        raise ValueError(f"{anchor!r} is not in the sample file")
    return text.replace(anchor, anchor + addition, 1)


def _insert_before(text: str, anchor: str, addition: str) -> str:
    if anchor not in text:
        raise ValueError(f"{anchor!r} is not in the sample file")
    return text.replace(anchor, addition + anchor, 1)


# -- the cases ------------------------------------------------------------------------------------

#: What Gradle does first on the two-JDK images: read the user home's gradle.properties.
GRADLE_PROPERTIES_CHECK = (
    'grep -q "fromEnv=JAVA21_HOME,JAVA22_HOME" "$HOME/.gradle/gradle.properties"'
)


@dataclass(frozen=True)
class Case:
    """One package manager: a Dockerfile without cache mounts and how to grow its manifest.

    ``app`` names a sample app (tests/buildkit/apps) whose manifest ``add`` grows by one
    dependency; without an app the packages are listed in the Dockerfile itself (``{packages}``).
    ``install`` finds the step that downloads, ``cache`` is the folder its stand-in reports hits
    for, ``mounts`` are the ``--mount`` flags the fix must write. For a store, ``later`` finds the
    offline RUN that reads it, ``store`` is the mount that RUN needs and ``offline_error`` what the
    stand-in says when the store is empty. ``probe`` is a shell command run in the final image as
    its USER, which must succeed for the original and the fixed image alike. ``unsafe``: DF107
    offers the fix as unsafe only (a non-root USER's mount), so the proof applies unsafe fixes.
    """

    name: str
    dockerfile: str
    install: str
    cache: str
    mounts: tuple[str, ...]
    app: str | None = None
    add: Callable[[Files, str], Files] | None = None
    packages: tuple[str, ...] = ()
    extra_files: tuple[tuple[str, str], ...] = ()
    stage: str | None = None
    later: str | None = None
    store: str | None = None
    offline_error: str | None = None
    probe: str | None = None
    unsafe: bool = False

    def render(self, dependencies: list[str]) -> tuple[Files, str]:
        """The build context and the Dockerfile with ``dependencies`` added to the manifest."""
        if self.app is None:
            packages = " ".join([*self.packages, *dependencies])
            return {"README": "packages come from the Dockerfile\n"}, self.dockerfile.format(
                packages=packages
            )
        assert self.add is not None
        files = {**sample_files(self.app), **dict(self.extra_files)}
        for dependency in dependencies:
            files = self.add(files, dependency)
        return files, self.dockerfile


def _mount(target: str, extra: str = "") -> str:
    return f"--mount=type=cache,target={target}{extra}"


_APT = Case(
    name="apt",
    dockerfile=(
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && \\\n"
        "    apt-get install -y --no-install-recommends {packages} && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n"
    ),
    packages=("ca-certificates", "curl"),
    install="apt-get install",
    cache="/var/cache/apt/archives",
    mounts=(
        _mount("/var/cache/apt", ",sharing=locked"),
        _mount("/var/lib/apt/lists", ",sharing=locked"),
    ),
)

CASES: tuple[Case, ...] = (
    _APT,
    # The script ends in a compound command once the cleanup goes: the apt hook is put back
    # after the `fi`.
    replace(
        _APT,
        name="apt-if",
        dockerfile=(
            "FROM debian:bookworm-slim\n"
            "RUN apt-get update && \\\n"
            "    if [ -e /etc/debian_version ]; then \\\n"
            "        apt-get install -y --no-install-recommends {packages}; \\\n"
            "    fi && \\\n"
            "    rm -rf /var/lib/apt/lists/*\n"
        ),
    ),
    Case(
        name="apk",
        dockerfile="FROM alpine:3.20\nRUN apk add --no-cache {packages}\n",
        packages=("git", "openssh-client"),
        install="apk add",
        cache="/var/cache/apk",
        mounts=(_mount("/var/cache/apk", ",sharing=locked"),),
    ),
    Case(
        name="npm",
        app="node-npm",
        add=_add_npm,
        dockerfile=(
            "FROM node:20-slim\n"
            "WORKDIR /app\n"
            "COPY package.json package-lock.json ./\n"
            "RUN npm ci && npm cache clean --force\n"
            "COPY . .\n"
            "RUN npm run build\n"
            'CMD ["node", "dist/app.js"]\n'
        ),
        install="npm ci",
        cache="/root/.npm",
        mounts=(_mount("/root/.npm"),),
    ),
    Case(
        name="npm-non-root",
        app="node-npm",
        add=_add_npm,
        dockerfile=(
            "FROM node:20-slim\n"
            "USER node\n"
            "WORKDIR /home/node/app\n"
            "COPY --chown=node package.json package-lock.json ./\n"
            "RUN npm ci --omit=dev && npm cache clean --force\n"
            "COPY --chown=node . .\n"
            'CMD ["node", "src/index.js"]\n'
        ),
        install="npm ci",
        cache="/home/node/.npm",
        mounts=(_mount("/home/node/.npm", ",uid=1000,gid=1000"),),
        # npm writes its logs (and any later install) under ~/.npm when the container runs.
        probe='mkdir -p "$HOME/.npm/_logs" && touch "$HOME/.npm/_logs/probe.log"',
        unsafe=True,
    ),
    Case(
        name="yarn",
        app="node-yarn",
        add=_add_yarn,
        dockerfile=(
            "FROM node:20-alpine\n"
            "WORKDIR /app\n"
            "COPY package.json yarn.lock ./\n"
            "RUN yarn install --frozen-lockfile && yarn cache clean\n"
            "COPY . .\n"
            "RUN yarn build\n"
            'CMD ["node", "dist/app.js"]\n'
        ),
        install="yarn install",
        cache="/usr/local/share/.cache/yarn",
        mounts=(_mount("/usr/local/share/.cache/yarn"),),
    ),
    Case(
        name="pnpm",
        app="node-pnpm",
        add=_add_pnpm,
        dockerfile=(
            "FROM node:20-slim\n"
            "RUN corepack enable\n"
            "WORKDIR /app\n"
            "COPY package.json pnpm-lock.yaml ./\n"
            "RUN pnpm install --frozen-lockfile\n"
            "COPY . .\n"
            "RUN pnpm run build\n"
            'CMD ["node", "dist/app.js"]\n'
        ),
        install="pnpm install",
        cache="/root/.local/share/pnpm/store",
        mounts=(_mount("/root/.local/share/pnpm/store"),),
    ),
    Case(
        name="pip",
        app="python-pip",
        add=_add_pip,
        dockerfile=(
            "FROM python:3.12-slim\n"
            "WORKDIR /srv\n"
            "COPY requirements.txt requirements-base.txt ./\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n"
            "COPY . .\n"
            'CMD ["gunicorn", "app.main:app"]\n'
        ),
        install="-r requirements.txt",
        cache="/root/.cache/pip",
        mounts=(_mount("/root/.cache/pip"),),
    ),
    Case(
        name="pipenv",
        app="python-pipenv",
        add=_add_pipenv,
        dockerfile=(
            "FROM python:3.12\n"
            "RUN pip install --no-cache-dir pipenv\n"
            "WORKDIR /app\n"
            "COPY Pipfile Pipfile.lock ./\n"
            "RUN pipenv install --deploy --system\n"
            "COPY . .\n"
            'CMD ["python", "main.py"]\n'
        ),
        install="pipenv install",
        cache="/root/.cache/pipenv",
        mounts=(_mount("/root/.cache/pip"), _mount("/root/.cache/pipenv")),
    ),
    Case(
        name="poetry",
        app="python-poetry",
        add=_add_poetry,
        dockerfile=(
            "FROM python:3.12-slim\n"
            "RUN pip install --no-cache-dir poetry==1.8.3\n"
            "ENV POETRY_VIRTUALENVS_IN_PROJECT=true\n"
            "WORKDIR /app\n"
            "COPY pyproject.toml poetry.lock ./\n"
            "RUN poetry install --no-root --only main\n"
            "COPY . .\n"
            "RUN poetry install --only-root\n"
            'CMD ["/app/.venv/bin/python", "-c", "import demo_api"]\n'
        ),
        install="poetry install --no-root",
        cache="/root/.cache/pypoetry",
        mounts=(
            _mount("/root/.cache/pip"),
            _mount("/root/.cache/pypoetry/artifacts"),
            _mount("/root/.cache/pypoetry/cache"),
        ),
    ),
    Case(
        # Poetry's default virtualenv lives in its cache folder: only the download parts may be
        # mounted, or the installed packages would leave the image.
        name="poetry-venv-in-cache-folder",
        app="python-poetry",
        add=_add_poetry,
        dockerfile=(
            "FROM python:3.12-slim\n"
            "RUN pip install --no-cache-dir poetry==1.8.3\n"
            "WORKDIR /app\n"
            "COPY pyproject.toml poetry.lock ./\n"
            "RUN poetry install --no-root --only main\n"
            "COPY . .\n"
            "RUN poetry install --only-root\n"
            'CMD ["poetry", "run", "python", "-c", "import demo_api"]\n'
        ),
        install="poetry install --no-root",
        cache="/root/.cache/pypoetry",
        mounts=(_mount("/root/.cache/pypoetry/artifacts"), _mount("/root/.cache/pypoetry/cache")),
    ),
    Case(
        name="uv",
        app="python-uv",
        add=_add_uv,
        dockerfile=(
            "FROM python:3.12-slim\n"
            "RUN pip install --no-cache-dir uv==0.4.9\n"
            "WORKDIR /app\n"
            "COPY pyproject.toml uv.lock ./\n"
            "RUN uv sync --frozen --no-dev --no-install-project\n"
            "COPY . .\n"
            "RUN uv sync --frozen --no-dev\n"
            'CMD ["/app/.venv/bin/python", "-c", "import demo_uv"]\n'
        ),
        install="--no-install-project",
        cache="/root/.cache/uv",
        mounts=(_mount("/root/.cache/pip"), _mount("/root/.cache/uv")),
    ),
    Case(
        name="go",
        app="go-mod",
        add=_add_go,
        extra_files=(("greeting.go", 'package main\n\nfunc greeting() string { return "hi" }\n'),),
        dockerfile=(
            "FROM golang:1.22 AS build\n"
            "WORKDIR /src\n"
            "COPY go.mod go.sum ./\n"
            "RUN go mod download\n"
            "COPY . .\n"
            "RUN CGO_ENABLED=0 GOPROXY=off go build -o /out/server .\n"
            "\n"
            "FROM gcr.io/distroless/static-debian12:nonroot\n"
            "COPY --from=build /out/server /server\n"
            'ENTRYPOINT ["/server"]\n'
        ),
        install="go mod download",
        cache="/go/pkg/mod",
        mounts=(_mount("/go/pkg/mod"), _mount("/root/.cache/go-build")),
        stage="build",
        later="go build",
        store="/go/pkg/mod",
        offline_error="module lookup disabled by GOPROXY=off",
    ),
    Case(
        name="maven",
        app="maven",
        add=_add_maven,
        dockerfile=(
            "FROM maven:3.9-eclipse-temurin-21 AS build\n"
            "WORKDIR /src\n"
            "COPY pom.xml .\n"
            "RUN mvn -B dependency:go-offline\n"
            "COPY src ./src\n"
            "RUN mvn -B -o package -DskipTests\n"
            "\n"
            "FROM eclipse-temurin:21-jre\n"
            "COPY --from=build /src/target/demo-maven-0.3.0.jar /app.jar\n"
            'CMD ["java", "-jar", "/app.jar"]\n'
        ),
        install="dependency:go-offline",
        cache="/root/.m2/repository",
        mounts=(_mount("/root/.m2"),),
        stage="build",
        later="-o package",
        store="/root/.m2",
        offline_error="Cannot access central (https://repo.maven.apache.org/maven2) in offline",
    ),
    Case(
        name="gradle-wrapper",
        app="gradle",
        add=_add_gradle,
        dockerfile=(
            "FROM eclipse-temurin:21-jdk AS build\n"
            "WORKDIR /src\n"
            "COPY gradlew settings.gradle build.gradle ./\n"
            "COPY gradle ./gradle\n"
            "RUN ./gradlew --no-daemon dependencies\n"
            "COPY src ./src\n"
            "RUN ./gradlew --no-daemon --offline bootJar\n"
            "\n"
            "FROM gcr.io/distroless/java21-debian12\n"
            "COPY --from=build /src/build/libs/demo-gradle-0.4.0.jar /app.jar\n"
            'CMD ["/app.jar"]\n'
        ),
        install="--no-daemon dependencies",
        cache="/root/.gradle",
        mounts=(_mount("/root/.gradle/caches"), _mount("/root/.gradle/wrapper")),
        stage="build",
        later="--offline bootJar",
        store="/root/.gradle/caches",
        offline_error="available for offline mode",
    ),
    Case(
        name="gradle-image",
        app="gradle",
        add=_add_gradle,
        dockerfile=(
            "FROM gradle:8-jdk21 AS build\n"
            "WORKDIR /home/gradle/project\n"
            "COPY settings.gradle build.gradle ./\n"
            "RUN gradle dependencies --no-daemon\n"
            "COPY src ./src\n"
            "RUN gradle build --no-daemon --offline -x test\n"
            "\n"
            "FROM eclipse-temurin:21-jre\n"
            "COPY --from=build /home/gradle/project/build/libs/demo-gradle-0.4.0.jar /app.jar\n"
            'CMD ["java", "-jar", "/app.jar"]\n'
        ),
        install="gradle dependencies",
        cache="/root/.gradle",
        mounts=(_mount("/root/.gradle/caches"),),
        stage="build",
        later="--offline -x test",
        store="/root/.gradle/caches",
        offline_error="available for offline mode",
    ),
    Case(
        # The two-JDK images ship ~/.gradle/gradle.properties (toolchain detection for both
        # JDKs). Gradle reads it on every run; the stand-in does not, so each RUN checks that it
        # is there, as Gradle would need it. A mount on the whole user home would hide it.
        name="gradle-two-jdks",
        app="gradle",
        add=_add_gradle,
        dockerfile=(
            "FROM gradle:jdk-21-and-22 AS build\n"
            "WORKDIR /home/gradle/project\n"
            "COPY settings.gradle build.gradle ./\n"
            f"RUN {GRADLE_PROPERTIES_CHECK} && gradle dependencies --no-daemon\n"
            "COPY src ./src\n"
            f"RUN {GRADLE_PROPERTIES_CHECK} && gradle build --no-daemon --offline -x test\n"
            "\n"
            "FROM eclipse-temurin:21-jre\n"
            "COPY --from=build /home/gradle/project/build/libs/demo-gradle-0.4.0.jar /app.jar\n"
            'CMD ["java", "-jar", "/app.jar"]\n'
        ),
        install="gradle dependencies",
        cache="/root/.gradle",
        mounts=(_mount("/root/.gradle/caches"),),
        stage="build",
        later="--offline -x test",
        store="/root/.gradle/caches",
        offline_error="available for offline mode",
    ),
)
BY_NAME = {case.name: case for case in CASES}
STORES = [case.name for case in CASES if case.store]

# -- reading the stand-ins' reports ---------------------------------------------------------------

_HITS = re.compile(r"standin-[\w-]+: (?:build )?cache hit (\d+)/(\d+) \(([^)]*)\)")
_DOWNLOADED = re.compile(r"standin-[\w-]+: downloaded (\d+) package")


def cache_hits(output: str) -> dict[str, tuple[int, int]]:
    """What a step's stand-in tools reported, by cache folder: (hits, packages or units)."""
    return {m[3]: (int(m[1]), int(m[2])) for m in _HITS.finditer(output)}


def downloads(output: str) -> int:
    """How many packages a step's stand-in tools downloaded (a disabled cache downloads all)."""
    return sum(int(m[1]) for m in _DOWNLOADED.finditer(output))


def test_stand_in_reports_are_read_by_cache_folder_and_summed_downloads() -> None:
    output = (
        "standin-go: cache hit 4/5 (/go/pkg/mod)\n"
        "standin-go: downloaded 1 package(s)\n"
        "standin-go: build cache hit 4/7 (/root/.cache/go-build)\n"
        "standin-pip: cache disabled\n"
        "standin-pip: downloaded 3 package(s)\n"
    )
    assert cache_hits(output) == {"/go/pkg/mod": (4, 5), "/root/.cache/go-build": (4, 7)}
    assert downloads(output) == 4


# -- building each case once per session ----------------------------------------------------------


def _without_mount_on(dockerfile: str, needle: str, target: str) -> str:
    """``dockerfile`` with the cache mount at ``target`` taken off the RUN that contains
    ``needle`` (the fix writes each mount as its own continuation line)."""
    flag = re.compile(rf"--mount=type=cache,target={re.escape(target)}(?:,\S*)? \\\n\s*")
    runs = dockerfile.split("\nRUN ")
    for index, run in enumerate(runs):
        if index and needle in run:
            stripped, count = flag.subn("", run)
            assert count == 1, run
            runs[index] = stripped
            return "\nRUN ".join(runs)
    raise AssertionError(f"no RUN contains {needle!r}")


def run_in_image(tag: str, command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with the image's own shell, USER and HOME, as the container would."""
    return subprocess.run(
        [docker_path(), "run", "--rm", "--label", f"{HARNESS_LABEL}=1", "--entrypoint", "/bin/sh",
         tag, "-c", command],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@functools.cache
def engine_major_version() -> int:
    """The Docker engine's major version (20 for Debian's 20.10), 0 when it does not answer."""
    try:
        proc = subprocess.run(
            [docker_path(), "version", "-f", "{{.Server.Version}}"],
            capture_output=True, text=True, timeout=20, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.match(r"(\d+)\.", proc.stdout.strip())
    return int(match[1]) if match else 0


@dataclass
class Built:
    """A build and, when it succeeded, its final image's files (read before the tag goes)."""

    result: BuildResult
    files: dict[str, str] | None = None
    stage_files: dict[str, str] | None = None
    stage_log: str = ""
    probe: subprocess.CompletedProcess[str] | None = None


class Proof:
    """The builds one case needs, run lazily in the order the tests ask for them."""

    def __init__(self, case: Case, root: Path) -> None:
        self.case = case
        self.root = root
        token = unique_token()
        self.first_dependency = f"dfopt-one-{token}"
        self.added_dependency = f"dfopt-two-{token}"
        files, self.original = case.render([self.first_dependency])
        fixed = fix_source(
            self.original, context_dir=self._context(files), config=ONLY_DF107, unsafe=case.unsafe
        )
        self.fixed_text = fixed.output

    def _context(self, files: Files) -> Path:
        return make_context(self.root, files, name=self.case.name)

    def _build(self, dockerfile: str, files: Files, *, read_files: bool) -> Built:
        context = self._context(files)
        result = build(dockerfile, context)
        built = Built(result)
        if result.ok and read_files:
            built.files = image_files(result.tag)
            if self.case.probe:
                built.probe = run_in_image(result.tag, self.case.probe)
            if self.case.stage:
                with build(dockerfile, context, target=self.case.stage) as stage:
                    built.stage_log = stage.log
                    if stage.ok:
                        built.stage_files = image_files(stage.tag)
        result.remove()
        return built

    @functools.cached_property
    def first(self) -> tuple[Built, Built]:
        """The original and the fixed Dockerfile, built with one fresh dependency."""
        files, original = self.case.render([self.first_dependency])
        return (
            self._build(original, files, read_files=True),
            self._build(self.fixed_text, files, read_files=True),
        )

    @functools.cached_property
    def rebuild(self) -> tuple[BuildResult, BuildResult]:
        """Both again after a second fresh dependency is added to the manifest."""
        assert all(b.result.ok for b in self.first), "the first builds failed"
        deps = [self.first_dependency, self.added_dependency]
        files, original = self.case.render(deps)
        fixed = self._fixed_with(deps)
        return (
            self._build(original, files, read_files=False).result,
            self._build(fixed, files, read_files=False).result,
        )

    def _fixed_with(self, dependencies: list[str]) -> str:
        files, original = self.case.render(dependencies)
        if self.case.app is not None:
            return self.fixed_text  # the manifest changed, the Dockerfile did not
        # Packages listed in the Dockerfile: fix the grown Dockerfile (same edits, one more word).
        context = self._context(files)
        return fix_source(
            original, context_dir=context, config=ONLY_DF107, unsafe=self.case.unsafe
        ).output

    @functools.cached_property
    def store_mount_removed(self) -> BuildResult:
        """The fixed Dockerfile with the store's mount taken off the later, offline RUN."""
        case = self.case
        assert case.later and case.store
        files, _ = case.render([self.first_dependency])
        partial = _without_mount_on(self.fixed_text, case.later, case.store)
        return self._build(partial, files, read_files=False).result


@pytest.fixture(scope="module")
def proofs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Proof]:
    root = tmp_path_factory.mktemp("df107-builds")
    return {case.name: Proof(case, root) for case in CASES}


@pytest.fixture
def proof(request: pytest.FixtureRequest, proofs: dict[str, Proof], buildkit_engine: None) -> Proof:
    return proofs[request.param]


# -- the fix itself (no engine needed) ------------------------------------------------------------


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_fix_adds_only_cache_mounts_and_drops_the_cache_defeaters(
    name: str, tmp_path: Path
) -> None:
    case = BY_NAME[name]
    files, original = case.render(["dfopt-one-fixed"])
    context = make_context(tmp_path, files)
    result = fix_source(original, context_dir=context, config=ONLY_DF107, unsafe=case.unsafe)
    assert [f.code for f in result.applied] and {f.code for f in result.applied} == {"DF107"}
    for flag in case.mounts:
        assert flag in result.output, result.output
    for defeater in ("--no-cache-dir", "cache clean", "rm -rf /var/lib/apt/lists", "--no-cache "):
        assert defeater not in result.output, result.output
    if case.store:
        runs = [run for run in result.output.split("\nRUN ")[1:] if case.store in run]
        assert len(runs) == 2, "the download RUN and the later RUN must share the store mount"


# -- the proofs on the real engine ----------------------------------------------------------------


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", [case.name for case in CASES], indirect=True)
def test_original_and_fixed_dockerfiles_both_build(proof: Proof) -> None:
    original, fixed = proof.first
    assert proof.fixed_text != proof.original
    assert original.result.ok, original.result.log
    assert fixed.result.ok, f"{proof.fixed_text}\n{fixed.result.log}"
    assert not fixed.result.cached(proof.case.install), "the fixed install did not run"


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", [case.name for case in CASES], indirect=True)
def test_original_and_fixed_images_hold_the_same_files(proof: Proof) -> None:
    original, fixed = proof.first
    assert original.files is not None and fixed.files is not None, "a first build failed"
    difference = diff_files(original.files, fixed.files)
    assert difference.equal, str(difference)
    if proof.case.stage:
        assert original.stage_files is not None, original.stage_log
        assert fixed.stage_files is not None, fixed.stage_log
        difference = diff_files(original.stage_files, fixed.stage_files)
        assert difference.equal, f"stage {proof.case.stage}: {difference}"


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", [case.name for case in CASES], indirect=True)
def test_rebuild_after_adding_a_dependency_finds_the_earlier_downloads_in_the_mount(
    proof: Proof,
) -> None:
    case = proof.case
    first_fixed = proof.first[1].result
    before = cache_hits(first_fixed.output_of(case.install)).get(case.cache)
    assert before is not None, first_fixed.output_of(case.install)
    hits, total = before
    assert hits < total, "the fresh dependency cannot have been in the cache already"

    original, fixed = proof.rebuild
    assert original.ok, original.log
    assert fixed.ok, fixed.log
    assert not original.cached(case.install) and not fixed.cached(case.install)
    again = original.output_of(case.install)
    assert downloads(again) == total + 1, f"the original should fetch everything again:\n{again}"
    warm = fixed.output_of(case.install)
    assert cache_hits(warm).get(case.cache) == (total, total + 1), warm
    assert downloads(warm) == 1, warm


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", ["apt"], indirect=True)
def test_apt_lists_stay_warm_in_their_own_mount(proof: Proof) -> None:
    original, fixed = proof.rebuild
    assert "standin-apt: lists cache miss" in original.output_of("apt-get update")
    assert "standin-apt: lists cache hit" in fixed.output_of("apt-get update")


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", ["go"], indirect=True)
def test_go_build_reuses_compiled_modules_from_the_build_cache_mount(proof: Proof) -> None:
    original, fixed = proof.rebuild
    gocache = "/root/.cache/go-build"
    modules = 3 + 2  # the sample's three requires plus both fresh ones
    units = modules + 2  # and the two source files (their keys include go.sum: all miss)
    assert cache_hits(original.output_of("go build")).get(gocache) == (0, units)
    assert cache_hits(fixed.output_of("go build")).get(gocache) == (modules - 1, units)


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", STORES, indirect=True)
def test_later_offline_step_reads_the_store_through_the_same_mount(proof: Proof) -> None:
    case = proof.case
    assert case.later and case.store and case.offline_error
    fixed = proof.first[1].result
    assert fixed.ok, fixed.log
    later = fixed.step_for(case.later)
    assert not later.cached, "the later RUN did not run"
    hits, total = cache_hits(later.text).get(case.cache, (0, 0))
    assert total and hits == total, f"the later RUN did not find every download:\n{later.text}"

    partial = proof.store_mount_removed
    assert not partial.ok, "without the mount the later RUN should not find the downloads"
    assert case.offline_error in partial.log, partial.log


@pytest.mark.buildkit
@pytest.mark.xfail(
    "engine_major_version() < 23",
    raises=AssertionError,
    reason="Docker < 23 (BuildKit < 0.11) leaves a root-owned mount point at the cache target: "
    "why DF107's fix for a non-root USER is unsafe, as its notes say",
    strict=True,
)
@pytest.mark.parametrize("proof", [case.name for case in CASES if case.probe], indirect=True)
def test_image_user_can_still_write_its_cache_folder_at_run_time(proof: Proof) -> None:
    """A cache mount whose target did not exist leaves an empty mount point in the image; BuildKit
    before 0.11 creates it owned by root (moby/buildkit#3153, fixed by #3307), so a non-root USER
    can no longer write where the original image let it. ``image_files`` cannot see this (it
    leaves out empty folders and cache folders), so the image's user tries. The case's fix is the
    *unsafe* one (``Case.unsafe``): on this engine it fails, which is what makes it unsafe."""
    original, fixed = proof.first
    if original.probe is None or fixed.probe is None:
        pytest.fail("a first build failed")
    if original.probe.returncode != 0:
        pytest.fail(f"the original image's user cannot write there either: {original.probe.stderr}")
    assert fixed.probe.returncode == 0, f"fixed: {fixed.probe.stderr}"


def test_safe_fix_leaves_a_non_root_users_cache_alone() -> None:
    """The non-root case is only fixed by ``--unsafe-fixes`` (see the test above)."""
    case = BY_NAME["npm-non-root"]
    _, original = case.render(["dfopt-one-safe"])
    assert fix_source(original, config=ONLY_DF107).output == original


# -- apt's package lists: a later step that reads them keeps them in the image ------------------

LISTS_READ_BY_A_RUN_THE_FIX_CANNOT_MOUNT = """\
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl-{token}
RUN ["apt-get", "install", "-y", "jq-{token}"]
"""


@pytest.mark.buildkit
def test_later_apt_install_without_the_mount_still_finds_the_package_lists(
    tmp_path: Path, buildkit_engine: None
) -> None:
    """The exec-form RUN cannot get a mount and installs from the lists the first RUN fetched:
    DF107 mounts only /var/cache/apt there, and the fixed file builds like the original. With
    the lists in a mount too (what DF107 once wrote) the second RUN finds no package."""
    original = LISTS_READ_BY_A_RUN_THE_FIX_CANNOT_MOUNT.format(token=unique_token())
    fixed = fix_source(original, config=ONLY_DF107).output
    assert _mount("/var/cache/apt", ",sharing=locked") in fixed
    assert _mount("/var/lib/apt/lists") not in fixed
    context = make_context(tmp_path, {"README": "packages come from the Dockerfile\n"})
    with build(original, context) as before:
        assert before.ok, f"the original must build:\n{before.log}"
    with build(fixed, context) as after:
        assert after.ok, after.log
    lists_mounted = fixed.replace(
        _mount("/var/cache/apt", ",sharing=locked") + " \\\n",
        _mount("/var/cache/apt", ",sharing=locked")
        + " \\\n    "
        + _mount("/var/lib/apt/lists", ",sharing=locked")
        + " \\\n",
        1,
    )
    assert lists_mounted != fixed
    with build(lists_mounted, context) as broken:
        assert not broken.ok, "with the lists in a mount the exec-form RUN should fail"
        assert "Unable to locate package" in broken.log, broken.log


# -- Gradle: the user home's own files stay visible --------------------------------------------


@pytest.mark.buildkit
@pytest.mark.parametrize("proof", ["gradle-two-jdks"], indirect=True)
def test_gradle_properties_the_image_ships_stay_visible_under_the_caches_mount(
    proof: Proof,
) -> None:
    """DF107 mounts ~/.gradle/caches: the image's ~/.gradle/gradle.properties stays readable in
    both RUNs (they fail otherwise) and the build stays warm. A mount on the whole ~/.gradle,
    what DF107 once wrote, hides the file and the first RUN fails."""
    fixed = proof.first[1].result
    assert fixed.ok, f"{proof.fixed_text}\n{fixed.log}"
    assert _mount("/root/.gradle/caches") in proof.fixed_text
    whole_home = proof.fixed_text.replace("target=/root/.gradle/caches", "target=/root/.gradle")
    files, _ = proof.case.render([proof.first_dependency])
    hidden = proof._build(whole_home, files, read_files=False).result
    assert not hidden.ok, "a mount on ~/.gradle should hide gradle.properties"
    # grep's own error: the RUN line says "$HOME/...", only grep prints the expanded path.
    assert "/root/.gradle/gradle.properties: No such file" in hidden.log, hidden.log
