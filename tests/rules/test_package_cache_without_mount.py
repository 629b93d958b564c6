"""DF107 package-cache-without-mount: when it fires, when it refuses, and the exact fixes."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.parser import parse
from rewriter.rules.base import Applicability
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


def test_non_root_user_gets_its_home_and_uid_in_an_unsafe_fix() -> None:
    src = "FROM node:20\nUSER node\nWORKDIR /app\nRUN npm ci && npm cache clean --force\n"
    assert fixed(src) == src
    assert fix(src, unsafe=True).output == (
        "FROM node:20\nUSER node\nWORKDIR /app\n"
        "RUN --mount=type=cache,target=/home/node/.npm,uid=1000,gid=1000 \\\n"
        "    npm ci\n"
    )


def test_non_root_mount_is_unsafe_because_old_builders_leave_a_root_owned_folder() -> None:
    """BuildKit < 0.11 (Docker < 23) leaves the mount point in the image owned by root: the
    user could no longer write to ~/.npm at run time (proved in tests/buildkit)."""
    [finding] = df107("FROM node:20\nUSER node\nRUN npm ci\n")
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "Docker 23" in finding.fix.title
    assert "/home/node/.npm" in finding.fix.notes[0] and "owned by root" in finding.fix.notes[0]


def test_root_mount_stays_safe() -> None:
    [finding] = df107("FROM node:20\nRUN npm ci\n")
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert finding.fix.notes == ()


def test_user_created_with_a_uid_in_the_dockerfile() -> None:
    src = (
        "FROM python:3.12\n"
        "RUN groupadd -g 1001 app && useradd -u 1001 -g app -m app\n"
        "USER app\n"
        "RUN pip install -r requirements.txt\n"
    )
    assert "target=/home/app/.cache/pip,uid=1001,gid=1001" in fix(src, unsafe=True).output


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


@pytest.mark.parametrize(
    ("setup", "shown"),
    [
        ("ARG CACHE\nENV PIP_CACHE_DIR=${CACHE}/pip\n", "${CACHE}/pip"),
        ("RUN true\nWORKDIR /app\nARG CACHE\nENV PIP_CACHE_DIR=$CACHE\n", "$CACHE"),
    ],
)
def test_unresolved_cache_folder_is_shown_as_written_not_under_the_workdir(setup, shown) -> None:
    """``${CACHE}/pip`` may be absolute once CACHE is set: the message must not show it joined
    to the WORKDIR (``/${CACHE}/pip``), a folder the build may never use."""
    [finding] = df107("FROM python:3.12\n" + setup + "RUN pip install -r r.txt\n")
    assert f"({shown}) depends on values dfopt cannot resolve" in finding.message
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


# -- apt's package lists: mounted only when nothing later reads them from the image ------------

APT_RUN = "RUN apt-get update && apt-get install -y curl\n"
APT_FIXED_WITHOUT_LISTS = (
    "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
    "    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \\\n"
    "    apt-get update && apt-get install -y curl && \\\n"
    "    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt"
    " /etc/apt/apt.conf.d/docker-clean; }\n"
)
LISTS_MOUNT = "--mount=type=cache,target=/var/lib/apt/lists"


def test_lists_stay_in_the_image_when_a_later_exec_form_run_installs_from_them() -> None:
    """Real BuildKit: the exec-form RUN failed with `Unable to locate package jq` once the
    lists were in a mount (tests/buildkit/test_cache_mounts_build.py)."""
    later = 'RUN ["apt-get", "install", "-y", "jq"]\n'
    src = "FROM debian:12\n" + APT_RUN + later
    assert fixed(src) == "FROM debian:12\n" + APT_FIXED_WITHOUT_LISTS + later
    first = df107(src)[0]
    assert first.fix is not None and first.fix.applicability is Applicability.SAFE
    assert first.fix.title == "Add a cache mount (/var/cache/apt)"
    assert any(
        "/var/lib/apt/lists" in n and "line 3 reads them" in n for n in first.fix.notes
    ), first.fix.notes


def test_lists_stay_when_a_stage_built_on_this_one_installs_without_updating() -> None:
    src = "FROM debian:12 AS base\n" + APT_RUN + "FROM base\nRUN apt-get install -y jq\n"
    out = fixed(src)
    assert LISTS_MOUNT not in out
    assert out.count("--mount=type=cache,target=/var/cache/apt,sharing=locked") == 2


@pytest.mark.parametrize(
    "later",
    [
        "RUN apt-get update && apt-get install -y jq\n",  # it fetches its own lists
        "RUN echo done\n",
        "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get install -y jq\n",
    ],
    ids=["later-run-updates", "nothing-reads", "later-run-has-the-same-mount"],
)
def test_lists_are_mounted_when_nothing_reads_them_from_the_image_later(later: str) -> None:
    src = "FROM debian:12\n" + APT_RUN + later
    lint_first = df107(src)[0]
    assert lint_first.fix is not None and "/var/lib/apt/lists" in lint_first.fix.title
    first_run = fixed(src).split("\nRUN ")[1]
    assert LISTS_MOUNT in first_run


def test_lists_are_mounted_when_the_run_deletes_them_even_if_a_later_run_reads() -> None:
    """The original image has no lists either: the later RUN fails the same way before and
    after the fix."""
    src = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl"
        " && rm -rf /var/lib/apt/lists/*\n" + 'RUN ["apt-get", "install", "-y", "jq"]\n'
    )
    out = fixed(src)
    assert LISTS_MOUNT in out and "rm -rf" not in out


def test_lists_an_earlier_run_fetched_are_never_mounted_over() -> None:
    """`apt-get install` without an update in the same RUN reads the earlier layer's lists: a
    mount would hide them (the fix once mounted them, and the install found nothing)."""
    src = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    [finding] = df107(src)
    assert finding.message == (
        "`apt-get` downloads into /var/cache/apt on every rebuild: use a cache mount"
    )
    # (DF107 alone: with every rule, DF105 first moves the update into the install's RUN)
    only_df107 = fix_source(src, config=Config(select=("DF107",))).output
    assert LISTS_MOUNT not in only_df107
    assert any("no `apt-get update` before the install" in n for n in finding.fix.notes)


@pytest.mark.parametrize(
    "later",
    [
        "COPY --from=base /var/lib/apt/lists /lists\n",
        'CMD ["apt-get", "install", "-y", "jq"]\n',
        "RUN ls /var/lib/apt/lists\n",
        "RUN apt-cache policy curl\n",
    ],
    ids=["copied-out", "run-at-start", "listed", "apt-cache"],
)
def test_other_readers_of_the_lists_keep_them_in_the_image(later: str) -> None:
    head = "FROM debian:12 AS base\n" + APT_RUN
    other_stage = "FROM alpine:3.20\n" if later.startswith("COPY") else ""
    src = head + other_stage + later
    assert LISTS_MOUNT not in fixed(src)


# -- which commands use their cache at all ---------------------------------------------------


def test_offline_install_of_local_wheels_wants_no_cache_mount() -> None:
    """What `dfopt new` writes for Python: nothing is downloaded, pip's cache is not read."""
    src = (
        "FROM python:3.12-slim\n"
        "RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \\\n"
        "    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl\n"
    )
    assert df107(src) == []


def test_offline_npm_install_reads_its_cache_and_shares_the_fillers_mount() -> None:
    src = (
        "FROM node:20 AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        "FROM deps\nRUN npm ci --offline\n"
    )
    findings = df107(src)
    assert [f.line for f in findings] == [4, 6]
    assert findings[1].message.startswith("`npm` installs offline from /root/.npm")
    assert fixed(src).count("--mount=type=cache,target=/root/.npm") == 2


def test_wrapper_run_by_sh_is_named_as_written() -> None:
    [finding] = df107("FROM eclipse-temurin:21-jdk\nRUN sh ./mvnw -B package\n")
    assert finding.message.startswith("`./mvnw` downloads into /root/.m2")
    assert finding.fix is not None and finding.fix.title == "Add a cache mount (/root/.m2)"


# -- Gradle: the caches, not the whole user home ------------------------------------------------


def test_gradle_mounts_its_caches_and_leaves_the_user_home_settings_visible() -> None:
    """A gradle.properties the image ships in ~/.gradle (the two-JDK gradle images) must stay
    visible: the fix mounts ~/.gradle/caches, not ~/.gradle, so reading it is no obstacle."""
    src = (
        "FROM gradle:jdk-21-and-22\nWORKDIR /home/gradle/project\n"
        "RUN gradle dependencies --no-daemon && cat ~/.gradle/gradle.properties\n"
    )
    assert fixed(src) == (
        "FROM gradle:jdk-21-and-22\nWORKDIR /home/gradle/project\n"
        "RUN --mount=type=cache,target=/root/.gradle/caches \\\n"
        "    gradle dependencies --no-daemon && cat ~/.gradle/gradle.properties\n"
    )


def test_gradle_wrapper_also_gets_its_distribution_folder() -> None:
    out = fixed("FROM eclipse-temurin:21-jdk\nRUN ./gradlew --no-daemon build\n")
    assert "--mount=type=cache,target=/root/.gradle/caches \\\n" in out
    assert "--mount=type=cache,target=/root/.gradle/wrapper \\\n" in out


def test_gradle_home_mounted_whole_by_hand_counts_as_covered() -> None:
    src = "FROM gradle:8\nRUN --mount=type=cache,target=/root/.gradle gradle build\n"
    assert df107(src) == []


def test_store_read_in_a_derived_stage_is_fixed_with_its_base_stages_download() -> None:
    """Each finding's fix must stand on its own: mounting ~/.m2 on the offline build alone would
    hide the modules the base stage's layer holds, so that fix edits the base's RUN too."""
    src = (
        "FROM maven:3-eclipse-temurin-21 AS deps\nWORKDIR /app\nCOPY pom.xml .\n"
        "RUN mvn dependency:go-offline\n"
        "FROM deps AS build\nCOPY src src\nRUN mvn -o package\n"
    )
    findings = df107(src)
    assert [f.line for f in findings] == [4, 7]
    for finding in findings:
        assert finding.fix is not None
        lines = {src.count("\n", 0, e.start) + 1 for e in finding.fix.edits}
        assert lines == {4, 7}, finding.fix.title


def test_refusal_names_the_first_start_command_in_file_order() -> None:
    """Several stages of the family start the build tool: the message names the first one,
    the same on every run (it once depended on the order of a set of stages)."""
    src = (
        "FROM rust:1.79 AS base\n"
        "WORKDIR /code\n"
        "COPY Cargo.toml Cargo.lock ./\n"
        "RUN cargo fetch\n"
        "COPY . .\n"
        "FROM base AS dev\n"
        'CMD ["cargo", "run", "--offline"]\n'
        "FROM base AS tools\n"
        'CMD ["cargo", "run", "--offline"]\n'
        "FROM base AS test\n"
        'CMD ["cargo", "test", "--offline"]\n'
    )
    (finding,) = df107(src)
    assert finding.fix is None
    assert "no fix: line 7 runs the build tool when the container starts" in finding.message


@pytest.mark.parametrize(
    ("last", "kept"),
    [
        ("{ apt-get install -y curl; }", "{ apt-get install -y curl; }"),
        ("( apt-get install -y curl ) > /dev/null", "( apt-get install -y curl ) > /dev/null"),
        ("if true; then apt-get install -y curl; fi", "if true; then apt-get install -y curl; fi"),
        (
            "for p in curl git; do apt-get install -y $p; done",
            "for p in curl git; do apt-get install -y $p; done",
        ),
        # the cleanup inside the group goes, the group stays and the hook is put back after it
        (
            "{ apt-get install -y curl; rm -rf /var/lib/apt/lists/*; }",
            "{ apt-get install -y curl; }",
        ),
    ],
)
def test_apt_hook_is_put_back_after_a_script_that_ends_in_a_compound_command(
    last: str, kept: str
) -> None:
    src = f"FROM debian:12\nRUN apt-get update && {last}\n"
    assert fixed(src) == (
        "FROM debian:12\n"
        "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
        "    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n"
        "    mv /etc/apt/apt.conf.d/docker-clean /etc/apt/docker-clean.dfopt 2>/dev/null; \\\n"
        f"    apt-get update && {kept} && \\\n"
        "    { [ ! -e /etc/apt/docker-clean.dfopt ] || mv /etc/apt/docker-clean.dfopt"
        " /etc/apt/apt.conf.d/docker-clean; }\n"
    )


@pytest.mark.parametrize(
    "last",
    [
        "{ apt-get install -y curl; } &",  # in the background: the hook could come back first
        "f() { apt-get install -y curl; }",  # defines a function, runs nothing
    ],
)
def test_apt_hook_refuses_a_script_whose_end_it_cannot_follow(last: str) -> None:
    src = f"FROM debian:12\nRUN apt-get update && {last}\n"
    (finding,) = df107(src)
    assert finding.fix is None and "does not end with a command the fix can follow" in (
        finding.message
    )


@pytest.mark.parametrize("home", ['"/a b"', "/a,b", '/a\\"b', "/a\\'b", '"/a\u00a0b"', '"/é"'])
def test_cache_folder_a_mount_option_cannot_hold_literally_is_refused(home: str) -> None:
    """A space broke the flag in two, a comma made the next pass see another folder (the fixer
    never converged), quotes are removed from flags, and BuildKit's flag reader splits UTF-8 text
    on the bytes 0x85/0xA0: the fix is refused and says why."""
    src = f"FROM python:3.12\nENV HOME={home}\nRUN pip install flask\n"
    (finding,) = df107(src)
    assert finding.fix is None
    assert "cannot hold as they are" in finding.message
    assert fixed(src) == src


def test_cache_folder_with_an_equals_sign_is_still_mounted() -> None:
    src = "FROM python:3.12\nENV HOME=/a=b\nRUN pip install flask\n"
    assert "--mount=type=cache,target=/a=b/.cache/pip" in fixed(src)


@pytest.mark.parametrize(
    "run", ["RUN -- go build .", "RUN --network=host --  go build .", "RUN -- \\\n  go build ."]
)
def test_mount_goes_before_the_end_of_flags_marker(run: str) -> None:
    """After ``--`` a flag is a word of the command: the mount was written there, so each pass
    added another one (FixError: did not converge). BuildKit drops the ``--``."""
    (inst,) = parse(fixed(f"FROM golang:1.22\n{run}\n")).instructions[1:]
    assert "--mount=type=cache,target=/go/pkg/mod" in [f.text for f in inst.flags]
    assert inst.args.endswith("go build .") and "--mount" not in inst.args


def test_apt_prefix_goes_into_the_script_after_the_end_of_flags_marker() -> None:
    out = fixed("FROM debian:12\nRUN -- apt-get update && apt-get install -y curl\n")
    (inst,) = parse(out).instructions[1:]
    assert len(inst.flag_values("mount")) == 2
    assert inst.args.startswith("mv /etc/apt/apt.conf.d/docker-clean")


def test_word_that_empties_several_mounted_caches_is_removed_once() -> None:
    """``rm d *`` in / empties both apt caches: the word was removed twice, and DF107 crashed
    (DF000: OverlapError)."""
    src = "FROM debian:12\nRUN apt-get update && apt-get install -y x && rm d *\n"
    (finding,) = df107(src)
    assert finding.fix is not None
    assert "apt-get install -y x && rm d && \\\n" in fixed(src)


@pytest.mark.parametrize(
    "script",
    [
        "apt-get update & apt-get install -y x & rm d",
        "apt-get update && apt-get install -y x & true",
        "{ apt-get update; apt-get install -y x; } & wait",
    ],
)
def test_apt_hook_is_not_put_back_while_a_command_runs_in_the_background(script: str) -> None:
    (finding,) = df107(f"FROM debian:12\nRUN {script}\n")
    assert finding.fix is None
    assert "in the background" in finding.message


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2003"])
def test_mount_goes_before_a_non_ascii_space_that_starts_the_arguments(space: str) -> None:
    """BuildKit trims Go's Unicode spaces from the arguments, but its flag reader stops at them:
    a mount written after ``RUN \\u3000`` was a word of the command, and each pass added another
    (FixError: did not converge)."""
    (inst,) = parse(fixed(f"FROM alpine:3.20\nRUN {space}apk add curl\n")).instructions[1:]
    assert inst.flag_values("mount") == ["type=cache,target=/var/cache/apk,sharing=locked"]
    assert inst.args.startswith("apk add")


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("npm cache clean --force && npm cache clean --force && npm ci", "    npm ci\n"),
        ("npm ci && npm cache clean --force && rm -rf /root/.npm", "    npm ci\n"),
    ],
)
def test_neighbouring_cache_cleanups_all_go_in_one_fix(run: str, expected: str) -> None:
    """Two cleanups side by side: each takes its own `&&` (DF107 crashed with overlapping
    edits when the first of them started the script)."""
    src = f"FROM node:20\nRUN {run}\n"
    [finding] = df107(src)
    assert finding.fix is not None
    assert fixed(src).endswith(expected)
