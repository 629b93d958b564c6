"""The stand-in tools behave like the real ones in the ways dfopt's BuildKit tests depend on.

Each scenario is a Dockerfile whose RUN lines are assertions (a RUN fails the build when the tool
does not behave), built on the real engine. Expected failures are checked by their message, in the
real tool's words, so a test reading "offline mode" in a log means what it would mean in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import build, image_config, image_files, make_context, unique_token
from .samples import make_app, sample_apps, sample_dockerfile, sample_files

pytestmark = pytest.mark.buildkit


def _quoted(text: str) -> str:
    """``text`` for the inside of a double-quoted shell word."""
    return "".join("\\" + c if c in '\\"$`' else c for c in text)


def fails_with(command: str, message: str) -> str:
    """A RUN line that passes only when ``command`` fails and prints ``message``."""
    return (
        f"RUN if ( {command} ) >/tmp/out 2>&1;"
        " then echo unexpected success; cat /tmp/out; exit 1; fi;"
        f' grep -qF "{_quoted(message)}" /tmp/out || {{ cat /tmp/out; exit 1; }}\n'
    )


def reports(command: str, *messages: str, mount: str = "") -> str:
    """A RUN line (with the ``--mount`` flag ``mount``) that passes only when ``command`` succeeds
    and prints every one of ``messages``; its output is shown in the build log either way."""
    checks = "".join(f' && grep -qF "{_quoted(m)}" /tmp/out' for m in messages)
    flag = f"{mount} " if mount else ""
    return f"RUN {flag}( {command} ) >/tmp/out 2>&1; rc=$?; cat /tmp/out; [ $rc = 0 ]{checks}\n"


# The files each sample's plain Dockerfile must leave in the final image, and ones it must not.
ARTIFACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "node-npm": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    "node-yarn": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    "node-pnpm": (("app/node_modules/express/index.js", "app/dist/app.js"), ()),
    # Yarn 4's default linker is Plug'n'Play: a .pnp.cjs map, no node_modules.
    "node-yarn-berry": (
        ("app/.pnp.cjs", "app/dist/app.js"),
        ("app/node_modules/express/index.js",),
    ),
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
        + fails_with("pnpm --version", "pnpm: not found")  # until corepack puts it on PATH
        + "RUN corepack enable\n"
        + fails_with("cd pnpm && pnpm install --offline", "ERR_PNPM_NO_OFFLINE_TARBALL")
        + "RUN cd pnpm && pnpm fetch && pnpm install --offline --frozen-lockfile\n"
        + fails_with("npm run deploy", 'Missing script: "deploy"')
    )
    result = build(dockerfile, ctx)
    assert result.ok, result.log


def test_yarn_berry_needs_corepack_honours_its_lock_linker_and_global_cache(
    tmp_path: Path,
) -> None:
    files = sample_files("node-yarn-berry")
    stale = files["package.json"].replace('"express"', '"chalk": "^5.3.0",\n    "express"')
    yarn3 = files["package.json"].replace("yarn@4.3.1", "yarn@3.8.2")
    ctx = make_context(
        tmp_path,
        {
            **files,
            "stale/package.json": stale,
            "stale/yarn.lock": files["yarn.lock"],
            "yarn3/package.json": yarn3,
            "yarn3/yarn.lock": files["yarn.lock"],
            "local/package.json": files["package.json"],
            "local/yarn.lock": files["yarn.lock"],
        },
    )
    dockerfile = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\n"
        + fails_with("yarn install --immutable", "Corepack must currently be enabled")
        + "RUN corepack enable\n"
        + fails_with("cd stale && yarn install --immutable", "YN0028: The lockfile would have")
        + fails_with(
            "cd yarn3 && yarn workspaces focus --all --production",
            'Couldn\'t find a script named "workspaces"',
        )
        + reports("yarn install --immutable", "cache hit 0/2 (/root/.yarn/berry/cache)")
        + "RUN test -f .pnp.cjs && test ! -e node_modules\n"
        + reports(
            "YARN_NODE_LINKER=node-modules yarn workspaces focus --all --production",
            "cache hit 1/1 (/root/.yarn/berry/cache)",
        )
        + "RUN test -f node_modules/express/index.js && test ! -e node_modules/left-pad"
        + " && test ! -e .pnp.cjs\n"
        + reports(
            "cd local && YARN_ENABLE_GLOBAL_CACHE=false yarn install --immutable",
            "cache hit 0/2 (/app/local/.yarn/cache)",
        )
        + reports("yarn run build", "> build")
        + reports("yarn --version", "4.3.1")
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
        # Output to a file, then grep: `pip ... | grep -q` lets grep exit at the first match and
        # kill pip with SIGPIPE before it has installed everything (a race seen on a busy host).
        + "RUN pip install --no-cache-dir -r requirements.txt > /tmp/pip.out"
        + " && grep -qF 'cache disabled' /tmp/pip.out && python app/main.py\n"
        + "RUN PIP_NO_CACHE_DIR=1 pip install six > /tmp/pip.out"
        + " && grep -qF 'cache disabled' /tmp/pip.out\n"
        + "RUN pip install attrs==23.2.0 > /tmp/pip.out"
        + " && grep -qF 'cache hit 0/1 (/root/.cache/pip)' /tmp/pip.out\n"
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
        'RUN test -z "$(ls /var/cache/apk)" && test -f /usr/share/apk-standin/curl\n',
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


APK_MOUNT = "--mount=type=cache,id=apk-{token},target=/var/cache/apk,sharing=locked"


def test_apk_keeps_packages_only_in_an_active_cache_folder(tmp_path: Path) -> None:
    """apk-tools 2.14: --cache-dir DIR (an existing folder) or an /etc/apk/cache folder turns the
    package cache on; without either, packages are fetched and dropped, only indexes are kept."""
    mount = APK_MOUNT.format(token=unique_token())
    dockerfile = (
        "FROM alpine:3.20\n"
        + reports("apk add jq", "standin-apk: cache disabled", "fetch https://")
        + 'RUN ls /var/cache/apk/APKINDEX.*.tar.gz && test -z "$(ls /var/cache/apk/*.apk)"\n'
        + reports("apk add --cache-dir /nonexistent tar", "cache disabled")
        + reports(
            "apk add --cache-dir=/var/cache/apk --update-cache git openssh-client",
            "cache hit 0/2 (/var/cache/apk)",
            mount=mount,
        )
        + reports(
            "apk del git openssh-client"
            " && apk add --cache-dir /var/cache/apk git openssh-client tzdata",
            "cache hit 2/3 (/var/cache/apk)",
            "downloaded 1 package(s)",
            mount=mount,
        )
        + reports("ls /var/cache/apk/tzdata-1.0-r0.apk", mount=mount)
        + "RUN test ! -e /var/cache/apk/git-1.0-r0.apk\n"  # the mount kept them, the layer did not
        + reports(
            "apk del git && ln -s /var/cache/apk /etc/apk/cache && apk add git",
            "cache hit 1/1 (/etc/apk/cache)",
            mount=mount,
        )
    )
    result = build(dockerfile, make_context(tmp_path, {"README": "x"}))
    assert result.ok, result.log


def test_apk_update_cache_refreshes_an_index_older_than_a_minute(tmp_path: Path) -> None:
    """Indexes are reused for four hours; -U/--update-cache lowers that to one minute, and `apk
    update` always fetches."""
    mount = APK_MOUNT.format(token=unique_token())
    two_minutes_ago = 'touch -d "@$(($(date +%s) - 120))" /var/cache/apk/APKINDEX.*.tar.gz'
    dockerfile = (
        "FROM alpine:3.20\n"
        + reports("apk update", "fetch https://", "distinct packages available", mount=mount)
        + reports(
            "apk add --cache-dir=/var/cache/apk curl", "standin-apk: index cache hit", mount=mount
        )
        + reports(
            f"{two_minutes_ago} && apk add --cache-dir=/var/cache/apk jq",
            "index cache hit",
            mount=mount,
        )
        + reports("apk add -U --cache-dir=/var/cache/apk zstd", "fetch https://", mount=mount)
        + reports("apk add -qU --cache-dir=/var/cache/apk xz", "index cache hit", mount=mount)
        + reports("apk update", "fetch https://", mount=mount)
    )
    result = build(dockerfile, make_context(tmp_path, {"README": "x"}))
    assert result.ok, result.log


def test_apk_no_cache_only_stops_index_caching(tmp_path: Path) -> None:
    """--no-cache fetches the indexes each time and stores none; apk 2.x still reads and fills a
    package cache that --cache-dir makes active. `cache purge` empties it, `cache download` fills it
    with the world's packages."""
    mount = APK_MOUNT.format(token=unique_token())
    dockerfile = (
        "FROM alpine:3.20\n"
        + reports(
            "apk add --no-cache --cache-dir /var/cache/apk git",
            "fetch https://",
            "cache hit 0/1 (/var/cache/apk)",
            mount=mount,
        )
        + reports('test -z "$(ls /var/cache/apk/APKINDEX.*)"', mount=mount)
        + reports(
            "apk del git && apk add --no-cache --cache-dir /var/cache/apk git curl",
            "cache hit 1/2 (/var/cache/apk)",
            mount=mount,
        )
        + reports("apk cache purge --cache-dir /var/cache/apk", mount=mount)
        + reports('test -z "$(ls /var/cache/apk/*.apk)"', mount=mount)
        + reports("apk update --cache-dir /var/cache/apk", mount=mount)
        # the world's installed packages: busybox, git and curl
        + reports("apk cache download --cache-dir /var/cache/apk", "cache hit 0/3", mount=mount)
        + reports("ls /var/cache/apk/git-1.0-r0.apk /var/cache/apk/curl-1.0-r0.apk", mount=mount)
        + reports(
            "apk del curl && ! grep -qx P:curl /lib/apk/db/installed && grep -qx git /etc/apk/world"
        )
    )
    result = build(dockerfile, make_context(tmp_path, {"README": "x"}))
    assert result.ok, result.log


def test_gradle_image_keeps_roots_gradle_home_in_the_volume_behind_a_symlink(
    tmp_path: Path,
) -> None:
    """As in the official gradle images: no GRADLE_USER_HOME, so Gradle run as root uses
    /root/.gradle, a symlink to the /home/gradle/.gradle VOLUME. BuildKit keeps a RUN's writes
    under a VOLUME (the classic builder drops them), so a later RUN builds offline; a cache mount
    at /root/.gradle is mounted where the symlink points."""
    config = image_config("gradle:8-jdk21")
    assert config["Volumes"] == {"/home/gradle/.gradle": {}}
    assert not any(e.startswith("GRADLE_USER_HOME=") for e in config["Env"])
    token = unique_token()
    mount = f"--mount=type=cache,id=gradle-{token},target=/root/.gradle"
    dockerfile = (
        "FROM gradle:8-jdk21\nWORKDIR /src\nCOPY . .\n"
        'RUN test "$(readlink /root/.gradle)" = /home/gradle/.gradle'
        " && grep -q '^gradle:x:1000:1000:.*:/home/gradle:' /etc/passwd"
        " && ! grep -q '^ubuntu:' /etc/passwd\n"
        + reports("gradle dependencies", "cache hit 0/", "(/root/.gradle)")
        + "RUN test -d /home/gradle/.gradle/caches/modules-2\n"
        + reports("gradle --offline bootJar", "BUILD SUCCESSFUL")
        + f"RUN {mount} test ! -e /home/gradle/.gradle/caches"  # the mount hides the layer's copy
        " && gradle dependencies | grep -F 'cache hit 0/'"
        " && test -d /home/gradle/.gradle/caches/modules-2\n"
        + reports("gradle --offline bootJar", "BUILD SUCCESSFUL", mount=mount)
    )
    result = build(dockerfile, make_app(tmp_path, "gradle", changes={"token": token}))
    assert result.ok, result.log


def test_gradle_finds_its_user_home_as_gradle_does(tmp_path: Path) -> None:
    """-g beats the gradle.user.home property (command line, then GRADLE_OPTS), which beats
    GRADLE_USER_HOME; without any, the JVM's user.home comes from /etc/passwd, not $HOME."""
    dockerfile = (
        "FROM gradle:8-jdk21\nWORKDIR /src\nCOPY . .\n"
        + reports("HOME=/nowhere gradle dependencies", "(/root/.gradle)")
        + reports("GRADLE_USER_HOME=/tmp/env gradle dependencies", "(/tmp/env)")
        + reports(
            "GRADLE_USER_HOME=/tmp/env GRADLE_OPTS=-Dgradle.user.home=/tmp/opts"
            " gradle dependencies",
            "(/tmp/opts)",
        )
        + reports(
            "GRADLE_OPTS=-Dgradle.user.home=/tmp/opts gradle -Dgradle.user.home=/tmp/cli"
            " dependencies",
            "(/tmp/cli)",
        )
        + reports("GRADLE_USER_HOME=/tmp/env gradle -g /tmp/flag dependencies", "(/tmp/flag)")
    )
    result = build(dockerfile, make_app(tmp_path, "gradle", changes={"token": unique_token()}))
    assert result.ok, result.log


def test_cache_mount_on_the_gradle_user_home_hides_the_images_gradle_properties(
    tmp_path: Path,
) -> None:
    """The two-JDK gradle images point toolchain detection at both JDKs in the user home's
    gradle.properties; a cache mount on /root/.gradle covers it for that RUN (and only there)."""
    token = unique_token()
    properties = "/root/.gradle/gradle.properties"
    dockerfile = (
        f"FROM gradle:jdk-21-and-22\nRUN echo {token}"
        f" && grep -qx org.gradle.java.installations.fromEnv=JAVA21_HOME,JAVA22_HOME {properties}\n"
        f"RUN --mount=type=cache,id=gradle-{token},target=/root/.gradle test ! -e {properties}\n"
        f"RUN test -f {properties}\n"
    )
    result = build(dockerfile, make_context(tmp_path, {"README": "x"}))
    assert result.ok, result.log
