"""DF101 source-copied-before-install: what it reports, the dependency-first rewrite, and every
case where it must leave the file alone (and say why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.rules.base import Applicability, Finding
from rewriter.rules.engine import lint_source

ONLY = Config(select=("DF101",))
LOCK_V1 = '# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n'
LOCK_BERRY = "__metadata:\n  version: 8\n"
PACKAGE = json.dumps({"name": "demo", "dependencies": {"express": "^4.19.2"}})


def findings(source: str, context: Path | None = None) -> list[Finding]:
    result = lint_source(source, context_dir=context, config=ONLY)
    assert result.error is None, result.error
    return result.findings


def one(source: str, context: Path | None = None) -> Finding:
    found = findings(source, context)
    assert len(found) == 1, [f.message for f in found]
    return found[0]


def fixed(source: str, context: Path | None = None, *, unsafe: bool = False) -> str:
    """DF101's fixes applied until stable; a second run must change nothing."""
    first = fix_source(source, context_dir=context, config=ONLY, unsafe=unsafe)
    second = fix_source(first.output, context_dir=context, config=ONLY, unsafe=unsafe)
    assert second.output == first.output, "a second --fix pass changed the file"
    return first.output


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "context"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    root.mkdir(exist_ok=True)
    return root


def left_alone(source: str, context: Path | None, why: str) -> None:
    """The problem is reported, without a fix, and the message says why."""
    finding = one(source, context)
    assert finding.fix is None, finding.fix
    assert "not fixed: " in finding.message
    assert why in finding.message, finding.message
    assert fixed(source, context, unsafe=True) == source


NPM = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n"


# -- what is reported ---------------------------------------------------------------------------


def test_reports_the_broad_copy_with_the_install_line_and_the_files_to_copy() -> None:
    finding = one(NPM)
    assert (finding.code, finding.line, finding.column) == ("DF101", 3, 1)
    assert (finding.end_line, finding.end_column) == (3, 9)
    assert finding.message.startswith("`COPY . .` copies the sources before `npm ci` (line 4)")
    assert "copy package.json, package-lock.json" in finding.message
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize(
    ("install", "manifest"),
    [
        ("npm install", "package.json"),
        ("yarn install --frozen-lockfile", "yarn.lock"),
        ("pnpm install --frozen-lockfile", "pnpm-lock.yaml"),
        ("pip install -r requirements.txt", "requirements.txt"),
        ("uv pip install -r requirements.txt", "requirements.txt"),
        ("poetry install --no-root", "pyproject.toml"),
        ("pipenv install --deploy", "Pipfile"),
        ("uv sync --frozen --no-install-project", "pyproject.toml"),
        ("go mod download", "go.mod"),
    ],
)
def test_every_ecosystem_install_after_the_broad_copy_fires(install: str, manifest: str) -> None:
    finding = one(f"FROM base\nWORKDIR /app\nCOPY . .\nRUN {install}\n")
    assert f"before `{install}` (line 4)" in finding.message
    assert manifest in finding.message


@pytest.mark.parametrize(
    "build", ["go build -o /out/app .", "mvn package", "./mvnw -B package", "gradle build",
              "./gradlew --no-daemon bootJar"],
)  # fmt: skip
def test_builds_that_download_fire_with_a_download_step(build: str) -> None:
    finding = one(f"FROM base\nWORKDIR /src\nCOPY . .\nRUN {build}\n")
    assert "downloads the dependencies as it builds" in finding.message
    assert "download them first with `" in finding.message


def test_install_before_any_copy_of_its_manifest_is_reported_without_fix() -> None:
    finding = one("FROM node:20\nWORKDIR /app\nRUN npm ci\nCOPY . .\n")
    assert finding.line == 3
    assert finding.message.startswith(
        "`npm ci` runs before package.json is copied into /app (line 4)"
    )
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        # the well-written shape
        "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
        "COPY . .\nRUN npm run build\n",
        # sources from another stage
        "FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n"
        "FROM node:20\nWORKDIR /app\nCOPY --from=deps /app .\nRUN npm ci\n",
        # the install reads a manifest the broad COPY does not bring
        "FROM python:3.12\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
        "WORKDIR /app\nCOPY . .\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r /tmp/req.txt\n",
        # no manifest at all: registry packages
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\n",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g pnpm\n",
        # the download step is already before the COPY
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
        "RUN go build -o /app .\n",
        # the COPY goes elsewhere
        "FROM node:20\nWORKDIR /app\nCOPY . /srv\nRUN npm ci\n",
        # a bind mount provides the manifests
        "FROM node:20\nWORKDIR /app\nRUN --mount=type=bind,source=package.json,target=package.json"
        " npm ci\nCOPY . .\n",
        # built FROM an earlier stage that may hold the manifests
        "FROM node:20 AS base\nWORKDIR /app\nCOPY package.json ./\n"
        "FROM base\nRUN npm ci\nCOPY . .\n",
    ],
)
def test_does_not_fire(source: str) -> None:
    assert findings(source) == []


def test_go_build_with_a_vendor_folder_downloads_nothing(tmp_path: Path) -> None:
    context = make(tmp_path, {"go.mod": "module x\n", "vendor/modules.txt": "", "main.go": ""})
    assert findings("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build .\n", context) == []


# -- the rewrite: without a build context ------------------------------------------------------


def test_npm_without_context_copies_patterns_that_cannot_fail() -> None:
    assert fixed(NPM) == (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        "RUN npm ci\nCOPY . .\nRUN npm run build\n"
    )


def test_comments_move_with_the_copy_and_blank_lines_stay() -> None:
    source = (
        "FROM node:20\nWORKDIR /app\n\n# the sources\nCOPY . .\n\n# dependencies\nRUN npm ci\n"
        '\nCMD ["node", "index.js"]\n'
    )
    assert fixed(source) == (
        "FROM node:20\nWORKDIR /app\n\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n\n"
        '# dependencies\nRUN npm ci\n# the sources\nCOPY . .\n\nCMD ["node", "index.js"]\n'
    )


def test_env_arg_and_user_between_stay_before_the_install() -> None:
    source = (
        "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node --chmod=644 --link . .\n"
        "ENV NODE_ENV=production\nARG REGISTRY\nUSER node\nRUN npm ci --omit=dev\n"
    )
    assert fixed(source) == (
        "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node --chmod=644 --link package.json "
        "package-lock.json* npm-shrinkwrap.json* .npmrc* ./\nENV NODE_ENV=production\n"
        "ARG REGISTRY\nUSER node\nRUN npm ci --omit=dev\n"
        "COPY --chown=node:node --chmod=644 --link . .\n"
    )


def test_keyword_case_crlf_and_a_last_line_without_newline() -> None:
    source = "from node:20\r\nworkdir /app\r\nadd . /app\r\nrun npm ci"
    assert fixed(source) == (
        "from node:20\r\nworkdir /app\r\n"
        "copy package.json package-lock.json* npm-shrinkwrap.json* .npmrc* /app/\r\n"
        "run npm ci\r\nadd . /app"
    )


def test_backtick_escape_file_keeps_the_install_byte_for_byte() -> None:
    source = "# escape=`\nFROM node:20\nWORKDIR C:/app\nCOPY . .\nRUN npm ci `\n    --omit=dev\n"
    assert fixed(source) == (
        "# escape=`\nFROM node:20\nWORKDIR C:/app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        "RUN npm ci `\n    --omit=dev\nCOPY . .\n"
    )


def test_variables_in_workdir_and_destination_are_resolved() -> None:
    source = (
        "FROM python:3.12\nARG APP=/srv/app\nWORKDIR $APP\nCOPY . ${APP}\n"
        "RUN poetry install --no-root\n"
    )
    assert fixed(source) == (
        "FROM python:3.12\nARG APP=/srv/app\nWORKDIR $APP\n"
        "COPY pyproject.toml poetry.lock* poetry.toml* ${APP}/\n"
        "RUN poetry install --no-root\nCOPY . ${APP}\n"
    )


def test_manifests_already_copied_only_moves_the_copy() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY . .\nRUN npm ci\n"
    finding = one(source)
    assert "the manifests are already copied" in finding.message
    assert fixed(source) == (
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"
    )


def test_go_build_gets_a_download_step_with_its_prefixes_and_cache_mounts() -> None:
    source = (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/app .\n"
    )
    assert fixed(source) == (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum* ./\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go mod download\n"
        "COPY . .\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/app .\n"
    )


@pytest.mark.parametrize(
    "build",
    [
        "RUN --mount=type=cache,target=/go/pkg/mod CGO_ENABLED=0 go build -o /out/app .\n",
        "RUN --mount=type=cache,target=/root/.m2 mvn -B package\n",
        "RUN --mount=type=cache,target=/root/.gradle gradle --no-daemon assemble\n",
        "RUN --mount=type=cache,target=/root/.gradle/caches gradle --no-daemon assemble\n",
        "RUN --mount=type=cache,target=/root/.m2 \\\n    sh ./mvnw -B package\n",
    ],
    ids=["go", "maven", "gradle-home", "gradle-caches", "maven-wrapper-run-by-sh"],
)
def test_build_whose_dependency_store_is_a_cache_mount_needs_no_download_step(build: str) -> None:
    """What `dfopt new` writes for multi-module Maven/Gradle builds: the build RUN mounts the
    store, so after a source change every dependency is already there. A download step before
    the COPY could only write into that same mount: DF101 has nothing to offer."""
    source = f"FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n{build}"
    assert findings(source) == []


def test_build_with_only_a_gradle_wrapper_mount_still_needs_its_caches() -> None:
    source = (
        "FROM eclipse-temurin:21-jdk\nWORKDIR /src\nCOPY . .\n"
        "RUN --mount=type=cache,target=/root/.gradle/wrapper ./gradlew --no-daemon build\n"
    )
    assert len(findings(source)) == 1


@pytest.mark.parametrize(
    ("build", "download"),
    [
        ("sh ./mvnw -B package", "RUN sh ./mvnw -B dependency:go-offline\n"),
        ("bash ./mvnw -B package", "RUN bash ./mvnw -B dependency:go-offline\n"),
        ("sh ./gradlew --no-daemon build", "RUN sh ./gradlew --no-daemon dependencies\n"),
    ],
)
def test_wrapper_run_by_a_shell_is_recognised_and_downloads_the_same_way(
    build: str, download: str
) -> None:
    source = f"FROM eclipse-temurin:21-jdk\nWORKDIR /src\nCOPY . .\nRUN {build}\n"
    [finding] = findings(source)
    assert f"`{build}` (line 4) downloads the dependencies as it builds" in finding.message
    out = fixed(source, unsafe=True)
    assert download + "COPY . .\n" in out


def test_maven_and_gradle_without_context_are_unsafe() -> None:
    maven = "FROM maven:3.9\nWORKDIR /src\nCOPY . .\nRUN ./mvnw -q package -DskipTests\n"
    assert one(maven).fix.applicability is Applicability.UNSAFE
    assert fixed(maven) == maven
    assert fixed(maven, unsafe=True) == (
        "FROM maven:3.9\nWORKDIR /src\nCOPY mvnw pom.xml ./\nCOPY .mvn ./.mvn/\n"
        "RUN ./mvnw -B -q -DskipTests dependency:go-offline\nCOPY . .\n"
        "RUN ./mvnw -q package -DskipTests\n"
    )
    gradle = "FROM gradle:8\nWORKDIR /src\nCOPY . .\nRUN gradle build -x test\n"
    assert fixed(gradle, unsafe=True) == (
        "FROM gradle:8\nWORKDIR /src\n"
        "COPY build.gradle* settings.gradle* gradle.properties* ./\n"
        "RUN gradle -x test dependencies --no-daemon\nCOPY . .\nRUN gradle build -x test\n"
    )


def test_pip_without_context_is_unsafe_because_includes_are_unknown() -> None:
    finding = one("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n")
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "-r/-c" in finding.fix.notes[0]


def test_npm_install_may_rewrite_the_lockfile_so_it_is_unsafe_without_context() -> None:
    fix = one("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n").fix
    assert fix.applicability is Applicability.UNSAFE
    assert "package-lock.json" in fix.notes[0]


def test_every_stage_that_needs_it_is_fixed() -> None:
    source = (
        "FROM node:20 AS web\nWORKDIR /web\nCOPY web/ .\nRUN npm ci\n"
        "FROM golang:1.22\nWORKDIR /src\nCOPY api/ ./\nRUN go build -o /app .\n"
    )
    assert fixed(source) == (
        "FROM node:20 AS web\nWORKDIR /web\nCOPY web/package.json web/package-lock.json* "
        "web/npm-shrinkwrap.json* web/.npmrc* ./\nRUN npm ci\nCOPY web/ .\n"
        "FROM golang:1.22\nWORKDIR /src\nCOPY api/go.mod api/go.sum* ./\nRUN go mod download\n"
        "COPY api/ ./\nRUN go build -o /app .\n"
    )


def test_two_installs_after_one_copy_are_both_moved() -> None:
    source = (
        "FROM base\nWORKDIR /app\nCOPY . .\nRUN pip install --no-deps -r requirements.txt\n"
        "RUN npm ci\n"
    )
    assert fixed(source, unsafe=True) == (
        "FROM base\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "RUN pip install --no-deps -r requirements.txt\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\nRUN npm ci\n"
        "COPY . .\n"
    )


# -- the rewrite: with the build context ------------------------------------------------------


def test_npm_with_context_copies_exactly_the_files_that_exist(tmp_path: Path) -> None:
    context = make(
        tmp_path, {"package.json": PACKAGE, "package-lock.json": "{}", ".npmrc": "x=1\n"}
    )
    assert fixed(NPM, context) == (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json .npmrc ./\n"
        "RUN npm ci\nCOPY . .\nRUN npm run build\n"
    )


def test_npm_install_is_safe_when_the_context_has_no_lockfile(tmp_path: Path) -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n"
    no_lock = make(tmp_path / "a", {"package.json": PACKAGE})
    assert one(source, no_lock).fix.applicability is Applicability.SAFE
    with_lock = make(tmp_path / "b", {"package.json": PACKAGE, "package-lock.json": "{}"})
    assert one(source, with_lock).fix.applicability is Applicability.UNSAFE


def test_yarn_classic_and_berry_are_told_apart_by_the_lockfile(tmp_path: Path) -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --immutable\n"
    classic = make(tmp_path / "a", {"package.json": PACKAGE, "yarn.lock": LOCK_V1, ".yarnrc": ""})
    assert "COPY package.json yarn.lock .yarnrc ./\n" in fixed(source, classic)
    berry = make(
        tmp_path / "b",
        {
            "package.json": PACKAGE,
            "yarn.lock": LOCK_BERRY,
            ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.cjs\n",
            ".yarn/releases/yarn-4.cjs": "",
        },
    )
    assert fixed(source, berry) == (
        "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock .yarnrc.yml ./\n"
        "COPY .yarn/releases ./.yarn/releases/\nRUN yarn install --immutable\nCOPY . .\n"
    )


PINNED = json.dumps({**json.loads(PACKAGE), "packageManager": "pnpm@9.12.0"})


def test_pnpm_with_context(tmp_path: Path) -> None:
    context = make(tmp_path, {"package.json": PINNED, "pnpm-lock.yaml": "lockfileVersion: 9\n"})
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\n"
    assert "COPY package.json pnpm-lock.yaml ./\nRUN pnpm" in fixed(source, context)


@pytest.mark.parametrize("context_known", [True, False])
def test_pnpm_without_a_package_manager_field_is_unsafe(tmp_path: Path, context_known) -> None:
    """corepack (0.26-0.32) pins the pnpm it ran into a package.json naming none; the moved
    `COPY . .` would then put the context's unpinned package.json back in the image."""
    context = make(tmp_path, {"package.json": PACKAGE, "pnpm-lock.yaml": "lockfileVersion: 9\n"})
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\n"
    finding = one(source, context if context_known else None)
    assert finding.fix is not None and finding.fix.applicability == Applicability.UNSAFE
    assert any("`packageManager` field" in note for note in finding.fix.notes)
    pinned_off = source.replace("COPY . .", "ENV COREPACK_ENABLE_AUTO_PIN=0\nCOPY . .")
    safe = one(pinned_off, context if context_known else None)
    assert safe.fix is not None and safe.fix.applicability == Applicability.SAFE


def test_pip_follows_requirement_includes_into_subfolders(tmp_path: Path) -> None:
    context = make(
        tmp_path,
        {
            "requirements.txt": "-r requirements/base.txt\nflask==3.0.3\n",
            "requirements/base.txt": "-c constraints.txt\nrequests\n",
            "requirements/constraints.txt": "requests==2.32.3\n",
        },
    )
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    assert fixed(source, context) == (
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "COPY requirements/base.txt requirements/constraints.txt ./requirements/\n"
        "RUN pip install -r requirements.txt\nCOPY . .\n"
    )


def test_poetry_project_in_package_mode_false_needs_no_no_root(tmp_path: Path) -> None:
    context = make(
        tmp_path,
        {
            "pyproject.toml": "[tool.poetry]\npackage-mode = false\n",
            "poetry.lock": "",
        },
    )
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --only main\n"
    assert "COPY pyproject.toml poetry.lock ./\nRUN poetry install" in fixed(source, context)


def test_uv_virtual_project_needs_no_flag_and_pipenv_copies_its_lock(tmp_path: Path) -> None:
    uv = make(tmp_path / "uv", {"pyproject.toml": "[project]\nname = 'x'\n", "uv.lock": ""})
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --locked\n"
    assert "COPY pyproject.toml uv.lock ./\nRUN uv sync --locked\nCOPY . .\n" in fixed(source, uv)
    pipenv = make(tmp_path / "pe", {"Pipfile": "[packages]\nflask = '*'\n", "Pipfile.lock": "{}"})
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pipenv install --deploy --system\n"
    assert "COPY Pipfile Pipfile.lock ./\nRUN pipenv" in fixed(source, pipenv)


def test_maven_wrapper_and_gradle_wrapper_with_context_are_safe(tmp_path: Path) -> None:
    maven = make(
        tmp_path / "m",
        {"pom.xml": "<project/>", "mvnw": "#!/bin/sh\n", ".mvn/wrapper/x.properties": ""},
    )
    source = "FROM eclipse-temurin:21\nWORKDIR /src\nCOPY . .\nRUN ./mvnw -B package\n"
    assert fixed(source, maven) == (
        "FROM eclipse-temurin:21\nWORKDIR /src\nCOPY pom.xml mvnw ./\nCOPY .mvn ./.mvn/\n"
        "RUN ./mvnw -B dependency:go-offline\nCOPY . .\nRUN ./mvnw -B package\n"
    )
    gradle = make(
        tmp_path / "g",
        {
            "settings.gradle.kts": 'rootProject.name = "x"\n',
            "build.gradle.kts": "",
            "gradlew": "#!/bin/sh\n",
            "gradle/libs.versions.toml": "",
        },
    )
    source = "FROM eclipse-temurin:21\nWORKDIR /src\nCOPY . .\nRUN ./gradlew build\n"
    assert fixed(source, gradle) == (
        "FROM eclipse-temurin:21\nWORKDIR /src\n"
        "COPY settings.gradle.kts build.gradle.kts gradlew ./\nCOPY gradle ./gradle/\n"
        "RUN ./gradlew dependencies --no-daemon\nCOPY . .\nRUN ./gradlew build\n"
    )


def test_ignore_scripts_makes_an_install_hook_harmless(tmp_path: Path) -> None:
    package = json.dumps({"scripts": {"postinstall": "node build.js"}})
    context = make(tmp_path, {"package.json": package, "package-lock.json": "{}"})
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --ignore-scripts\n"
    assert one(source, context).fix is not None


# -- left alone, with the reason ----------------------------------------------------------------


def test_install_script_in_package_json(tmp_path: Path) -> None:
    package = json.dumps({"scripts": {"postinstall": "node build.js"}})
    context = make(tmp_path, {"package.json": package, "package-lock.json": "{}"})
    left_alone(NPM, context, "runs the install script `postinstall: node build.js`")


def test_local_file_dependency(tmp_path: Path) -> None:
    package = json.dumps({"dependencies": {"lib": "file:../lib"}})
    context = make(tmp_path, {"package.json": package})
    left_alone(NPM, context, "installs a local package")


@pytest.mark.parametrize("install", ["pip install .", "pip install -e .[dev]"])
def test_pip_local_package(install: str) -> None:
    source = f"FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN {install}\n"
    left_alone(source, None, "installs a local package, which needs the sources")


def test_requirements_that_install_the_project(tmp_path: Path) -> None:
    context = make(tmp_path, {"requirements.txt": "flask\n-e .\n", "setup.py": ""})
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    left_alone(source, context, "requirements.txt installs a local package (`.`)")


def test_poetry_install_of_the_project_itself(tmp_path: Path) -> None:
    context = make(tmp_path, {"pyproject.toml": "[tool.poetry]\nname = 'x'\n", "poetry.lock": ""})
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install\n"
    left_alone(source, context, "also installs the project itself")
    left_alone(source, None, "install with `--no-root` before `COPY`")


def test_uv_sync_of_a_packaged_project(tmp_path: Path) -> None:
    context = make(
        tmp_path,
        {"pyproject.toml": "[project]\nname='x'\n[build-system]\nrequires=['hatchling']\n"},
    )
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n"
    left_alone(source, context, "`uv sync --no-install-project` before `COPY`")


def test_manifest_generated_by_an_earlier_run() -> None:
    source = (
        "FROM python:3.12\nWORKDIR /app\nRUN echo flask > requirements.txt\nCOPY . .\n"
        "RUN pip install -r requirements.txt\n"
    )
    left_alone(source, None, "(line 3) may write requirements.txt")


def test_manifest_missing_from_the_context(tmp_path: Path) -> None:
    context = make(tmp_path, {"main.py": ""})
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    left_alone(source, context, "requirements.txt is not in the build context")


def test_the_install_run_also_builds() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
    left_alone(source, None, "the same RUN also runs `npm run build`")


def test_a_run_between_the_copy_and_the_install() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ./prepare.sh\nRUN npm ci\n"
    left_alone(source, None, "`RUN ./prepare.sh` (line 4) runs between the COPY and the install")


def test_env_between_when_the_copy_uses_variables() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . $DEST\nENV DEST=/x\nRUN npm ci\n"
    assert findings(source) == []  # $DEST is unknown at the COPY: nothing to compare
    source = "FROM node:20\nARG D=/app\nWORKDIR /app\nCOPY . $D\nENV D=/x\nRUN npm ci\n"
    left_alone(source, None, "`ENV D=/x` (line 5) runs between the COPY and the install")


def test_workdir_changes_between() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nWORKDIR /app/web\nRUN npm ci\n"
    left_alone(source, None, "`npm ci` runs in /app/web, not in /app where the COPY")


def test_install_in_a_subfolder_with_cd() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN cd web && npm ci\n"
    left_alone(source, None, "runs in /app/web, not in /app")


def test_dockerignore_excludes_the_manifest(tmp_path: Path) -> None:
    context = make(
        tmp_path, {"package.json": PACKAGE, "package-lock.json": "{}", ".dockerignore": "*.json\n"}
    )
    left_alone(NPM, context, "`.dockerignore` excludes package.json")


def test_node_modules_in_the_context_would_overwrite_the_install(tmp_path: Path) -> None:
    context = make(tmp_path, {"package.json": PACKAGE, "node_modules/x/index.js": ""})
    left_alone(NPM, context, "holds node_modules (not in `.dockerignore`)")
    (context / ".dockerignore").write_text("node_modules\n")
    assert one(NPM, context).fix is not None


def test_go_mod_replace_with_a_local_folder(tmp_path: Path) -> None:
    context = make(tmp_path, {"go.mod": "module x\nreplace y => ./y\n", "main.go": ""})
    source = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build .\n"
    left_alone(source, context, "go.mod replaces a module with a local folder")


def test_maven_multi_module_and_gradle_subprojects(tmp_path: Path) -> None:
    maven = make(tmp_path / "m", {"pom.xml": "<project><modules><module>a</module></modules>"})
    left_alone("FROM maven:3.9\nWORKDIR /src\nCOPY . .\nRUN mvn package\n", maven, "multi-module")
    gradle = make(tmp_path / "g", {"settings.gradle": "include 'app'\n", "build.gradle": ""})
    left_alone(
        "FROM gradle:8\nWORKDIR /src\nCOPY . .\nRUN gradle build\n", gradle, "includes other"
    )


def test_install_that_adds_packages_to_the_manifest() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install express\n"
    left_alone(source, None, "adds packages to package.json")


def test_copy_with_an_exclude_flag() -> None:
    source = "FROM node:20\nWORKDIR /app\nCOPY --exclude=*.md . .\nRUN npm ci\n"
    left_alone(source, None, "--exclude flag")


def test_ecosystem_without_a_rewrite_is_reported() -> None:
    source = "FROM php:8.3\nWORKDIR /app\nCOPY . .\nRUN composer install\n"
    left_alone(source, None, "no dependency-first rewrite for `composer`")


def test_poetry_only_root_installs_the_project_and_is_left_alone() -> None:
    source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --only-root\n"
    left_alone(source, None, "also installs the project itself")


# -- system-package RUNs between the COPY and the install ------------------------------------

APT_EXAMPLE = (
    "FROM node:20-slim\nWORKDIR /app\n# copy everything\nCOPY . .\n"
    "RUN apt-get update && apt-get install -y curl\nRUN npm install\nRUN npm run build\n"
)


def npm_context(tmp_path: Path) -> Path:
    return make(tmp_path, {"package.json": PACKAGE, "package-lock.json": "{}", "index.js": ""})


def test_an_apt_install_between_the_copy_and_the_install_no_longer_blocks(tmp_path: Path) -> None:
    context = npm_context(tmp_path)
    finding = one(APT_EXAMPLE, context)
    assert finding.line == 4
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE  # npm install may rewrite the lock
    assert "copy package.json and package-lock.json first" in finding.message
    assert fixed(APT_EXAMPLE, context) == APT_EXAMPLE  # unsafe: not applied by a safe --fix
    assert fixed(APT_EXAMPLE, context, unsafe=True) == (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "RUN apt-get update && apt-get install -y curl\nRUN npm install\n"
        "# copy everything\nCOPY . .\nRUN npm run build\n"
    )


def test_a_build_in_the_install_run_still_blocks_after_an_apt_install(tmp_path: Path) -> None:
    """The system RUN is no longer the reason; the build in the install's RUN still is."""
    source = APT_EXAMPLE.replace(
        "RUN npm install\nRUN npm run build\n", "RUN npm install && npm run build\n"
    )
    left_alone(source, npm_context(tmp_path), "the same RUN also runs `npm run build`")


def test_apt_install_with_cleanup_and_npm_ci_is_fixed_safely_without_context() -> None:
    source = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\n"
        "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\nENV NODE_ENV=production\nRUN npm ci\n"
    )
    assert one(source).fix.applicability is Applicability.SAFE
    assert fixed(source) == (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\nENV NODE_ENV=production\nRUN npm ci\nCOPY . .\n"
    )


def test_apk_add_between_is_kept_in_place() -> None:
    source = (
        "FROM node:20-alpine\nWORKDIR /usr/src/app\nCOPY . .\n"
        "RUN apk add --no-cache --virtual .build-deps python3 make g++\nRUN npm ci\n"
    )
    assert fixed(source) == (
        "FROM node:20-alpine\nWORKDIR /usr/src/app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        "RUN apk add --no-cache --virtual .build-deps python3 make g++\nRUN npm ci\nCOPY . .\n"
    )


def test_dnf_install_and_accounts_between_are_kept_in_place(tmp_path: Path) -> None:
    context = make(tmp_path, {"requirements.txt": "flask==3.0.0\n", "main.py": ""})
    source = (
        "FROM fedora:40\nWORKDIR /srv-app\nCOPY . .\n"
        "RUN dnf install -y python3-pip gcc && dnf clean all && rm -rf /var/cache/dnf\n"
        "RUN groupadd -r app && useradd -r -g app app && mkdir -p /var/log/app\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    assert one(source, context).fix.applicability is Applicability.SAFE
    assert fixed(source, context) == (
        "FROM fedora:40\nWORKDIR /srv-app\nCOPY requirements.txt ./\n"
        "RUN dnf install -y python3-pip gcc && dnf clean all && rm -rf /var/cache/dnf\n"
        "RUN groupadd -r app && useradd -r -g app app && mkdir -p /var/log/app\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
    )


def test_apt_install_between_in_a_crlf_file(tmp_path: Path) -> None:
    source = APT_EXAMPLE.replace("\n", "\r\n")
    assert fixed(source, npm_context(tmp_path), unsafe=True) == (
        "FROM node:20-slim\r\nWORKDIR /app\r\nCOPY package.json package-lock.json ./\r\n"
        "RUN apt-get update && apt-get install -y curl\r\nRUN npm install\r\n"
        "# copy everything\r\nCOPY . .\r\nRUN npm run build\r\n"
    )


@pytest.mark.parametrize(
    ("run", "why"),
    [
        ("RUN apt-get install -y ./vendor/tool.deb", "names the relative path `./vendor/tool.deb`"),
        ("RUN apt-get install -y tool.deb", "names the relative path `tool.deb`"),
        ("RUN mkdir -p /app/data", "touches /app/data, and the COPY or WORKDIR is /app"),
        ("RUN rm -rf /app/*", "touches /app/*"),
        ("RUN mkdir -p data", "names the relative path `data`"),
        ("RUN cd /tmp && apt-get update", "`cd /tmp` changes the directory"),
        ("RUN make deps", "`make deps` is not a system-package command dfopt knows"),
        ("RUN ./prepare.sh", "`./prepare.sh` runs a script"),
        ("RUN sh prepare.sh", "`sh prepare.sh` runs a script"),
        ("RUN . ./env.sh && apt-get update", "runs a script"),
        ("RUN --mount=type=bind,target=/src apt-get update", "bind-mounts files"),
        (
            "RUN apt-get update && (apt-get install -y curl) >/app/apt.log",
            "is in a group redirected with `>/app/apt.log`",
        ),
        ("RUN for f in *; do echo $f; done", "is nested in a compound command"),
        ("RUN apt-get install -y $PKGS", "uses `$PKGS`, whose value dfopt does not know"),
        ("RUN apt-get download curl", "may write into the working directory"),
        ("RUN echo '{}' > config.json", "names the relative path `config.json`"),
        ("RUN apt-get update > /app/apt.log", "touches /app/apt.log"),
        ("RUN apt-get update >& apt.log", "names the relative path `apt.log`"),
        ("RUN apt-get update > 1", "names the relative path `1`"),
        ("RUN npm run prepare", "`npm run prepare` is not a global install of registry packages"),
        ('RUN ["apt-get", "update"]', "only shell-form RUNs"),
        ("RUN <<EOF\napt-get update\nEOF", "only shell-form RUNs"),
        ("COPY config/ /etc/app/", "and dfopt does not reorder it"),
        ("ADD tools.tar.gz /opt/", "`ADD tools.tar.gz /opt/` (line 5) runs between"),
    ],
)
def test_a_run_between_that_may_touch_the_sources_still_blocks(run: str, why: str) -> None:
    source = f"FROM node:20\nARG PKGS\nWORKDIR /app\nCOPY . .\n{run}\nRUN npm ci\n"
    left_alone(source, None, "(line 5) runs between the COPY and the install")
    left_alone(source, None, why)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (
            "FROM node:20\nWORKDIR /home/app\nCOPY . .\nRUN useradd -m app\nRUN npm ci\n",
            "`useradd -m app` touches /home/app",
        ),
        (
            "FROM node:20\nWORKDIR /home\nCOPY . .\nRUN apt-get install -y curl\nRUN npm ci\n",
            "it may write into /home, and the COPY writes to /home",
        ),
        (
            "FROM node:20\nWORKDIR /opt/app\nCOPY . .\nRUN apk add git\nRUN npm ci\n",
            "it installs into /opt, and the COPY writes to /opt/app",
        ),
        (
            "FROM node:20\nWORKDIR /app\nCOPY --chown=app:app . .\nRUN useradd app\nRUN npm ci\n",
            "the COPY's --chown=app:app names an owner this RUN may create or change",
        ),
        (
            'FROM node:20\nWORKDIR /app\nCOPY . .\nSHELL ["pwsh", "-c"]\nRUN apt-get update\n'
            "RUN npm ci\n",
            "it runs in the SHELL `pwsh -c`",
        ),
    ],
)
def test_a_system_run_that_meets_the_copy_destination_or_owner_still_blocks(
    source: str, why: str
) -> None:
    left_alone(source, None, why)


def test_a_numeric_chown_does_not_block_a_system_run() -> None:
    source = (
        "FROM node:20\nWORKDIR /app\nCOPY --chown=1000:1000 . .\n"
        "RUN groupadd -g 1000 app && useradd -u 1000 -g app -d /home/app app\nRUN npm ci\n"
    )
    assert fixed(source) == (
        "FROM node:20\nWORKDIR /app\nCOPY --chown=1000:1000 package.json package-lock.json*"
        " npm-shrinkwrap.json* .npmrc* ./\n"
        "RUN groupadd -g 1000 app && useradd -u 1000 -g app -d /home/app app\nRUN npm ci\n"
        "COPY --chown=1000:1000 . .\n"
    )


def test_a_system_run_before_a_downloading_build_still_blocks() -> None:
    """The download step would go before the COPY, above the RUN that may install the
    toolchain's helpers (git for private modules): not reordered."""
    source = (
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN apt-get update && apt-get install -y git\n"
        "RUN go build -o /out/app .\n"
    )
    left_alone(
        source,
        None,
        "`RUN apt-get update && apt-get install -y git` (line 4) runs between the COPY and the"
        " build, and dfopt does not reorder it",
    )


DF107_APT_RUN = (
    "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
    "    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n"
    "    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \\\n"
    "    apt-get update && apt-get install -y curl && \\\n"
    "    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt"
    " /etc/apt/apt.conf.d/docker-clean; }\n"
)


def test_an_apt_run_that_dfopt_gave_cache_mounts_still_counts_as_system_setup() -> None:
    source = f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\n{DF107_APT_RUN}RUN npm ci\n"
    assert fixed(source) == (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        f"{DF107_APT_RUN}RUN npm ci\nCOPY . .\n"
    )


def test_a_redirected_brace_group_is_not_trusted() -> None:
    """A redirection of the group applies to every command in it."""
    run = DF107_APT_RUN.replace("docker-clean; }\n", "docker-clean; } > apt.log\n")
    source = f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\n{run}RUN npm ci\n"
    left_alone(
        source,
        None,
        "`[ ! -e /etc/apt/docker-clean.dfopt ]` is in a group redirected with `> apt.log`",
    )


def _between(run: str) -> str:
    return f"FROM node:20-slim\nWORKDIR /app\nCOPY . .\n{run}\nRUN npm ci\n"


def _moved(run: str) -> str:
    return (
        "FROM node:20-slim\nWORKDIR /app\n"
        "COPY package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./\n"
        f"{run}\nRUN npm ci\nCOPY . .\n"
    )


@pytest.mark.parametrize(
    "run",
    [
        "RUN { apt-get update; apt-get install -y curl; }",
        "RUN apt-get update && { apt-get install -y curl || apt-get install -y wget; }",
        "RUN ( apt-get update && apt-get install -y curl ) && rm -rf /var/lib/apt/lists/*",
        "RUN { { apt-get update; }; ( apt-get install -y curl ); }",
        "RUN set -eux; { apt-get update && apt-get install -y curl; }",
    ],
)
def test_a_plain_group_is_trusted_like_the_commands_in_it(run: str) -> None:
    """Any ``{ }`` or ``( )`` group without redirections counts, not only DF107's text."""
    assert fixed(_between(run)) == _moved(run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN { apt-get update; apt-get install -y curl; } > /dev/null 2>&1",
        "RUN ( apt-get update ) 2>&1 >/var/log/apt.log",
        "RUN { apt-get update; } >&2",
    ],
)
def test_a_group_redirected_away_from_the_copied_folders_is_trusted(run: str) -> None:
    """A group's redirections are judged as a command's own: /dev/null, a descriptor copy or a
    log outside the COPY's and WORKDIR's folders changes nothing the COPY writes."""
    assert fixed(_between(run)) == _moved(run)


@pytest.mark.parametrize(
    ("run", "why"),
    [
        (
            "RUN { apt-get update; apt-get install -y x; } > /app/log",
            "`apt-get update` is in a group redirected with `> /app/log`",
        ),
        (
            "RUN ( apt-get update ) 2>&1 >/app/apt.log",
            "`apt-get update` is in a group redirected with `2>&1 >/app/apt.log`",
        ),
        (
            "RUN { apt-get update; } > apt.log",
            "`apt-get update` is in a group redirected with `> apt.log`",  # under the WORKDIR
        ),
        (
            "RUN { apt-get update; } > $LOG",
            "`apt-get update` is in a group redirected with `> $LOG`",  # unknown target
        ),
        (
            "RUN { apt-get update; apt-get install -y x; } | tee /var/log/apt.log",
            "`apt-get update` is in a group that runs in a pipeline",
        ),
        (
            "RUN apt-get update & { apt-get install -y x; } & wait",
            "`apt-get install -y x` is in a group that runs in the background",
        ),
        (
            "RUN if true; then { apt-get update; }; fi",
            "`true` is nested in a compound command",
        ),
        (
            "RUN { apt-get install -y $(cat /etc/pkgs); }",
            "uses `$(cat /etc/pkgs)`, whose value dfopt does not know",
        ),
        ("RUN f() { apt-get update; }; f", "`apt-get update` is nested in a compound command"),
        (
            "RUN while read p; do apt-get install -y $p; done < /etc/pkgs",
            "is nested in a compound command",
        ),
    ],
)
def test_a_group_that_changes_how_its_commands_run_is_not_trusted(run: str, why: str) -> None:
    left_alone(_between(run), None, why)
