"""The stand-in tools behave like the real ones in the ways dfopt's BuildKit tests depend on.

Each scenario is a Dockerfile whose RUN lines are assertions (a RUN fails the build when the tool
does not behave), built on the real engine. Expected failures are checked by their message, in the
real tool's words, so a test reading "offline mode" in a log means what it would mean in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import build, image_files, make_context, unique_token
from .samples import make_app, sample_apps, sample_dockerfile, sample_files

pytestmark = pytest.mark.buildkit


def fails_with(command: str, message: str) -> str:
    """A RUN line that passes only when ``command`` fails and prints ``message``."""
    quoted = "".join("\\" + c if c in '\\"$`' else c for c in message)
    return (
        f"RUN if ( {command} ) >/tmp/out 2>&1;"
        " then echo unexpected success; cat /tmp/out; exit 1; fi;"
        f' grep -qF "{quoted}" /tmp/out || {{ cat /tmp/out; exit 1; }}\n'
    )


# The files each sample's plain Dockerfile must leave in the final image, and ones it must not.
ARTIFACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "node-npm": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    "node-yarn": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    "node-pnpm": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    "python-pip": (
        (
            "usr/local/lib/python3.12/site-packages/flask/__init__.py",
            "usr/local/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA",
        ),
        (),
    ),
    "python-poetry": (
        (
            "app/.venv/lib/python3.12/site-packages/fastapi/__init__.py",
            "app/.venv/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA",
        ),
        ("app/.venv/lib/python3.12/site-packages/pytest/__init__.py",),
    ),
    "python-uv": (
        ("app/.venv/lib/python3.12/site-packages/pydantic/__init__.py",),
        ("app/.venv/lib/python3.12/site-packages/pytest/__init__.py",),
    ),
    "python-pipenv": (
        ("usr/local/lib/python3.12/site-packages/flask-3.0.3.dist-info/METADATA",),
        (),
    ),
    "go-mod": (("server",), ("go/pkg/mod",)),
    "maven": (("app.jar",), ()),
    "gradle": (("app.jar",), ()),
}


def test_every_sample_app_has_expected_artifacts() -> None:
    assert sorted(ARTIFACTS) == sample_apps()


@pytest.mark.parametrize("app", sorted(ARTIFACTS))
def test_sample_app_builds_with_its_plain_dockerfile(tmp_path: Path, app: str) -> None:
    result = build(sample_dockerfile(app), make_app(tmp_path, app))
    assert result.ok, result.log
    files = image_files(result.tag)
    present, absent = ARTIFACTS[app]
    for path in present:
        assert path in files, f"{path} missing from {app}"
    for path in absent:
        assert path not in files, f"{path} should not be in {app}"


def test_node_tools_refuse_missing_or_stale_lockfiles_and_cold_offline_caches(
    tmp_path: Path,
) -> None:
    files = sample_files("node-npm")
    stale = files["package.json"].replace('"lodash"', '"chalk": "^5.3.0",\n    "lodash"')
    ctx = make_context(
        tmp_path,
        {
            **files,
            "nolock/package.json": files["package.json"],
            "stale/package.json": stale,
            "stale/package-lock.json": files["package-lock.json"],
            "yarn/package.json": stale,
            "yarn/yarn.lock": sample_files("node-yarn")["yarn.lock"],
            "pnpm/package.json": sample_files("node-pnpm")["package.json"],
            "pnpm/pnpm-lock.yaml": sample_files("node-pnpm")["pnpm-lock.yaml"],
        },
    )
    dockerfile = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\n"
        + fails_with("cd nolock && npm ci", "can only install with an existing package-lock.json")
        + fails_with("cd stale && npm ci", "Missing: chalk@^5.3.0 from lock file")
        + fails_with(
            "cd yarn && yarn install --frozen-lockfile", "Your lockfile needs to be updated"
        )
        + fails_with("npm ci --offline", "ENOTCACHED")
        + fails_with("node -e 'require(\"express\")'", "Cannot find module 'express'")
        + "RUN npm ci && npm ci --offline && node -e 'require(\"express\")'\n"
        + fails_with("cd pnpm && pnpm install --offline", "ERR_PNPM_NO_OFFLINE_TARBALL")
        + "RUN cd pnpm && pnpm fetch && pnpm install --offline --frozen-lockfile\n"
        + fails_with("npm run deploy", 'Missing script: "deploy"')
    )
    result = build(dockerfile, ctx)
    assert result.ok, result.log


def test_python_tools_honour_no_cache_venvs_wheels_and_stale_locks(tmp_path: Path) -> None:
    poetry = sample_files("python-poetry")
    uv = sample_files("python-uv")
    ctx = make_context(
        tmp_path,
        {
            **sample_files("python-pip"),
            **{f"poetry/{k}": v for k, v in poetry.items()},
            "poetry-stale/pyproject.toml": poetry["pyproject.toml"].replace(
                'requests = "^2.32.3"', 'requests = "^2.32.3"\nrich = "^13.7.1"'
            ),
            "poetry-stale/poetry.lock": poetry["poetry.lock"],
            "uv-stale/pyproject.toml": uv["pyproject.toml"].replace(
                '"pydantic==2.8.2",', '"pydantic==2.8.2",\n    "rich>=13",'
            ),
            "uv-stale/uv.lock": uv["uv.lock"],
            "uv-nolock/pyproject.toml": uv["pyproject.toml"],
            "token": unique_token(),
        },
    )
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n"
        + fails_with("pip install -r missing.txt", "Could not open requirements file")
        + fails_with("python app/main.py", "No module named 'flask'")
        + "RUN pip install --no-cache-dir -r requirements.txt | grep -qF 'cache disabled'"
        + " && python app/main.py\n"
        + "RUN PIP_NO_CACHE_DIR=1 pip install six | grep -qF 'cache disabled'\n"
        + "RUN pip install attrs==23.2.0 | grep -qF 'cache hit 0/1 (/root/.cache/pip)'\n"
        + "RUN python -m venv /opt/venv && /opt/venv/bin/pip install rich==13.7.1"
        + " && /opt/venv/bin/python -c 'import rich'"
        + " && test -d /opt/venv/lib/python3.12/site-packages/rich\n"
        + fails_with("python -c 'import rich'", "No module named 'rich'")
        + "RUN pip wheel -r requirements.txt -w /wheels"
        + " && pip install --no-index --find-links /wheels -r requirements.txt\n"
        + fails_with("pip install --no-index click", "No matching distribution found for click")
        + "RUN pip install poetry uv\n"
        + fails_with("cd poetry-stale && poetry install", "pyproject.toml changed significantly")
        + "RUN cd poetry && poetry config virtualenvs.create false && poetry install --no-root"
        + " && test -f /usr/local/lib/python3.12/site-packages/fastapi/__init__.py\n"
        + fails_with("cd uv-stale && uv sync --locked", "needs to be updated")
        + fails_with("cd uv-nolock && uv sync --frozen", "Unable to find lockfile")
        + fails_with("uv pip install six", "No virtual environment found")
        + "RUN cd uv-nolock && uv lock && uv export --frozen --no-dev -o /tmp/req.txt"
        + " && grep -qx pydantic==2.8.2 /tmp/req.txt && ! grep -q pytest /tmp/req.txt\n"
    )
    result = build(dockerfile, ctx)
    assert result.ok, result.log


def test_go_module_cache_mount_content_is_gone_in_a_later_run_without_it(tmp_path: Path) -> None:
    """Design note: `go mod download` into a mounted GOMODCACHE, then `go build` without that
    mount, has no modules; offline (GOPROXY=off) it fails."""
    token = unique_token()
    mount = f"--mount=type=cache,id=gomod-{token},target=/go/pkg/mod"
    ctx = make_app(tmp_path, "go-mod")
    dockerfile = (
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
        + fails_with("cd / && go build .", "go.mod file not found")
        + fails_with(
            "cp -r /src /tmp/nosum && cd /tmp/nosum && sed -i /uuid/d go.sum && go build -o x .",
            "missing go.sum entry",
        )
        + f"RUN {mount} go mod download\n"
        + fails_with("GOPROXY=off go build -o /out/app .", "module lookup disabled by GOPROXY=off")
        + f"RUN {mount} GOPROXY=off go build -o /out/app . && test -x /out/app\n"
    )
    result = build(dockerfile, ctx)
    assert result.ok, result.log


def test_go_build_cache_mount_turns_a_source_edit_into_a_one_file_rebuild(tmp_path: Path) -> None:
    token = unique_token()
    dockerfile = (
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
        f"RUN --mount=type=cache,id=gobuild-{token},target=/root/.cache/go-build"
        " go build -o /out/app .\n"
    )
    extra = "package main\n\nfunc helper() int { return %d }\n"
    first = build(dockerfile, make_app(tmp_path, "go-mod", changes={"helper.go": extra % 1}))
    second = build(dockerfile, make_app(tmp_path, "go-mod", changes={"helper.go": extra % 2}))
    assert first.ok and second.ok, second.log
    assert "build cache hit 0/5" in first.output_of("go build")
    assert "build cache hit 4/5" in second.output_of("go build")


def test_maven_and_gradle_fail_offline_on_a_cold_repository(tmp_path: Path) -> None:
    """Design note: `mvn dependency:go-offline` into a cache mount, then `mvn -o package` in a
    later RUN without the mount, fails with Maven's offline-mode error."""
    token = unique_token()
    mount = f"--mount=type=cache,id=m2-{token},target=/root/.m2"
    maven = make_app(tmp_path, "maven")
    dockerfile = (
        "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /src\nCOPY . .\n"
        + fails_with("cd / && mvn package", "there is no POM in this directory")
        + f"RUN {mount} mvn -B dependency:go-offline\n"
        + fails_with("mvn -B -o package", "in offline mode and the artifact")
        + f"RUN {mount} mvn -B -o package && test -f target/demo-maven-0.3.0.jar\n"
    )
    result = build(dockerfile, maven)
    assert result.ok, result.log

    gradle = make_app(tmp_path, "gradle")
    dockerfile = (
        "FROM gradle:8-jdk21\nWORKDIR /src\nCOPY . .\n"
        + fails_with("cd /tmp && gradle build", "does not contain a Gradle build")
        + fails_with("gradle --offline bootJar", "available for offline mode")
        + "RUN gradle dependencies && gradle --offline bootJar"
        + " && test -f build/libs/demo-gradle-0.4.0.jar\n"
    )
    result = build(dockerfile, gradle)
    assert result.ok, result.log


APT_RUN = (
    "RUN --mount=type=cache,id=apt-{token},target=/var/cache/apt,sharing=locked "
    "--mount=type=cache,id=aptlists-{token},target=/var/lib/apt,sharing=locked "
    "{pre}apt-get update && apt-get install -y --no-install-recommends curl ca-certificates"
    " && echo {edit}\n"
)


@pytest.mark.parametrize("keep_debs", [False, True], ids=["docker-clean", "hook-removed"])
def test_apt_cache_mount_only_helps_when_the_docker_clean_hook_is_removed(
    tmp_path: Path, keep_debs: bool
) -> None:
    token = unique_token()
    pre = "rm -f /etc/apt/apt.conf.d/docker-clean && " if keep_debs else ""
    ctx = make_context(tmp_path, {"README": token})
    results = [
        build("FROM debian:bookworm-slim\n" + APT_RUN.format(token=token, pre=pre, edit=edit), ctx)
        for edit in ("one", "two")
    ]
    assert all(r.ok for r in results), results[-1].log
    assert "cache hit 0/2" in results[0].output_of("apt-get install")
    expected = "cache hit 2/2" if keep_debs else "cache hit 0/2"
    assert expected in results[1].output_of("apt-get install")
    assert "lists cache hit" in results[1].output_of("apt-get update")


def test_apt_and_apk_need_an_index_and_apk_no_cache_keeps_nothing(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, {"README": "x"})
    debian = build(
        "FROM ubuntu:24.04\n"
        + fails_with("apt-get install -y curl", "Unable to locate package curl"),
        ctx,
    )
    assert debian.ok, debian.log
    token = unique_token()
    alpine = build(
        f"FROM alpine:3.20\nRUN apk add --no-cache curl && echo {token}\n"
        "RUN test ! -e /var/cache/apk/APKINDEX.standin.tar.gz"
        " && test -f /usr/share/apk-standin/curl\n",
        ctx,
    )
    assert alpine.ok, alpine.log
    assert "cache disabled" in alpine.output_of("apk add")


def test_download_cost_is_configurable_per_build(tmp_path: Path) -> None:
    ctx = make_app(tmp_path, "node-npm", changes={"src/index.js": unique_token()})
    result = build("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN STANDIN_COST=0.4 npm ci\n", ctx)
    assert result.ok, result.log
    step = result.step_for("npm ci")
    assert step.duration is not None and step.duration >= 4 * 0.4


@pytest.mark.parametrize(
    ("image", "commands"),
    [
        ("debian:bookworm-slim", "groupadd --gid 10001 app && useradd --uid 10001 --gid app app"),
        ("alpine:3.20", "addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app"),
        ("ubuntu:24.04", "adduser --system --group --uid 10001 app"),
    ],
    ids=["debian", "alpine", "ubuntu-adduser"],
)
def test_user_tools_create_accounts_and_refuse_duplicates(
    tmp_path: Path, image: str, commands: str
) -> None:
    result = build(
        f"FROM {image}\nRUN {commands}\n"
        "RUN grep -q '^app:x:10001:10001:' /etc/passwd && grep -q '^app:x:10001:' /etc/group\n"
        + fails_with("groupadd app", "already exists")
        + 'USER app\nRUN test "$(id -u)" = 10001\n',
        make_context(tmp_path, {"README": "x"}),
    )
    assert result.ok, result.log
