"""Files the whole fixer once got wrong, each kept as an explicit case.

Every case here is a counter-example that the property tests (``test_fix_properties.py``) or a
user found: the fixer raised FixError (did not converge), was not idempotent, or lost something.
Each test runs the full invariant check, safe and unsafe, and pins the output where the right
answer matters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rewriter.fixes.engine import FixError, fix_source
from rewriter.rules.engine import lint_source
from tests.rules.test_fix_properties import check_fix_invariants

GO_BUILD_WITH_CD = (
    "FROM golang:1.22-bookworm AS build\n"
    "COPY . /src\n"
    "RUN cd /src && CGO_ENABLED=0 go build -o /out/app .\n"
    "\n"
    "FROM scratch\n"
    "COPY --from=build /out/app /app\n"
    "USER 65534\n"
    'ENTRYPOINT ["/app"]\n'
)


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_go_build_after_cd_gets_one_download_step_that_runs_in_the_build_folder(
    unsafe: bool,
) -> None:
    """DF101 inserted ``RUN go mod download`` in WORKDIR, not in the folder the build cd's to:
    the download could not find go.mod, and the build still looked undownloaded, so every pass
    inserted another download step until the engine gave up after 50 passes."""
    result = check_fix_invariants(GO_BUILD_WITH_CD, unsafe=unsafe)
    assert result is not None
    assert result.output.count("go mod download") == 1
    assert "cd /src && CGO_ENABLED=0 go mod download" in result.output.replace(
        "GOOS=$TARGETOS GOARCH=$TARGETARCH ", ""
    )
    assert "DF101" not in {f.code for f in result.remaining}


def test_go_build_after_cd_safe_output_is_exact() -> None:
    result = check_fix_invariants(GO_BUILD_WITH_CD)
    assert result is not None
    assert result.output == (
        "FROM golang:1.22-bookworm AS build\n"
        "COPY go.mod go.sum* /src/\n"
        "RUN --mount=type=cache,target=/go/pkg/mod \\\n"
        "    cd /src && CGO_ENABLED=0 go mod download\n"
        "COPY . /src\n"
        "RUN --mount=type=cache,target=/go/pkg/mod \\\n"
        "    --mount=type=cache,target=/root/.cache/go-build \\\n"
        "    cd /src && CGO_ENABLED=0 go build -o /out/app .\n"
        "\n"
        "FROM scratch\n"
        "COPY --from=build /out/app /app\n"
        "USER 65534\n"
        'ENTRYPOINT ["/app"]\n'
    )


YARN_FOCUS = (
    "FROM node:22-bookworm-slim\n"
    "WORKDIR /app\n"
    "COPY package.json yarn.lock .yarnrc.yml ./\n"
    "RUN yarn workspaces focus --all --production\n"
    "COPY . .\n"
    'CMD ["node", "index.js"]\n'
)


def test_yarn_workspaces_focus_is_not_asked_for_a_lockfile_mode_it_does_not_have(
    tmp_path: Path,
) -> None:
    """DF108 inserted ``--immutable`` after ``yarn`` (``yarn --immutable workspaces focus``,
    which Yarn rejects, and focus has no such flag anyway) and re-fired on every pass."""
    context = _write(
        tmp_path,
        {"package.json": "{}", "yarn.lock": "", ".yarnrc.yml": "nodeLinker: node-modules\n"},
    )
    assert "DF108" not in {f.code for f in lint_source(YARN_FOCUS, context_dir=context).findings}
    for unsafe in (False, True):
        result = check_fix_invariants(YARN_FOCUS, context, unsafe=unsafe)
        assert result is not None
        assert "--immutable" not in result.output


def test_yarn_install_still_gets_its_lockfile_flag_after_the_subcommand(tmp_path: Path) -> None:
    context = _write(tmp_path, {"package.json": "{}", "yarn.lock": "", ".yarnrc.yml": ""})
    source = YARN_FOCUS.replace("workspaces focus --all --production", "install")
    result = check_fix_invariants(source, context, unsafe=True)
    assert result is not None
    assert "yarn install --immutable\n" in result.output


@pytest.mark.parametrize(
    "source",
    [
        "FROM node:20\r\nRUN npm ci",
        "FROM python:3.12-slim\r\nWORKDIR /app\r\nCOPY . .\r\nRUN pip install -r requirements.txt",
    ],
    ids=["cache-mount", "dependency-first"],
)
def test_crlf_file_whose_last_run_has_no_line_ending_stays_crlf(
    source: str, tmp_path: Path
) -> None:
    """The new continuation lines took their ending from the RUN's own line, which has none when
    it is the file's last line: a CRLF file got LF lines (found by the property test)."""
    context = _write(tmp_path, {"requirements.txt": "flask\n"})
    for unsafe in (False, True):
        result = check_fix_invariants(source, context, unsafe=unsafe)
        assert result is not None and result.changed
        assert result.output.count("\n") == result.output.count("\r\n")


POETRY_NO_ROOT = (
    "FROM python:3.12-slim AS build\n"
    "WORKDIR /app\n"
    "COPY pyproject.toml poetry.lock ./\n"
    "RUN poetry install --only main --no-root\n"
    "COPY . ./\n"
    "RUN poetry build\n"
)


def test_poetry_cache_mounted_in_its_two_parts_counts_as_mounted() -> None:
    """DF107 mounts Poetry's cache/ and artifacts/ (not its virtualenvs), then read its own
    result as "a mount is already inside /root/.cache/pypoetry" and kept reporting, unfixable."""
    result = check_fix_invariants(POETRY_NO_ROOT)
    assert result is not None
    assert "--mount=type=cache,target=/root/.cache/pypoetry/cache" in result.output
    assert "--mount=type=cache,target=/root/.cache/pypoetry/artifacts" in result.output
    assert "DF107" not in {f.code for f in result.remaining}
    assert "DF107" not in {f.code for f in lint_source(result.output).findings}


PIP_THEN_PROJECT = (
    "FROM python:3.12-slim\n"
    "WORKDIR /usr/src/app\n"
    "COPY requirements.txt ./\n"
    "COPY . ./\n"
    "RUN pip install -r requirements.txt\n"
    "RUN pip install --no-deps .\n"
)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_installing_the_project_after_its_dependencies_is_the_layout_df101_asks_for(
    unsafe: bool, tmp_path: Path
) -> None:
    """After DF101 moved ``COPY . ./`` below ``pip install -r``, it reported the ``pip install .``
    that now follows the COPY ("not fixed: installs a local package"): its own fix's layout."""
    context = _write(tmp_path, {"requirements.txt": "flask\n", "pyproject.toml": ""})
    result = check_fix_invariants(PIP_THEN_PROJECT, context, unsafe=unsafe)
    assert result is not None
    assert result.output.index("COPY . ./") > result.output.index("pip install -r")
    assert "DF101" not in {f.code for f in result.remaining}


def test_already_layered_project_install_is_not_reported() -> None:
    source = (
        "FROM python:3.12-slim\n"
        "WORKDIR /app\n"
        "COPY pyproject.toml poetry.lock ./\n"
        "RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --no-root\n"
        "COPY . .\n"
        "RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --only-root\n"
    )
    assert "DF101" not in {f.code for f in lint_source(source).findings}


def test_exec_form_run_that_reads_the_secret_gets_the_mount_too() -> None:
    """DF201 removed ``ARG NPM_TOKEN`` but gave the secret mount only to shell-form RUNs: an
    exec-form ``RUN ["npm", "ci"]`` lost the token its .npmrc expands. With a frontend that
    has ``env=`` secret mounts, the exec-form RUN gets one too."""
    source = (
        '# syntax=docker/dockerfile:1\nFROM node:20\nARG NPM_TOKEN\nRUN ["npm", "ci"]\n'
        "RUN npm ci\n"
    )
    result = check_fix_invariants(source, unsafe=True)
    assert result is not None
    assert "ARG NPM_TOKEN" not in result.output
    assert 'RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN ["npm", "ci"]' in result.output


def test_exec_form_secret_reader_without_env_mounts_keeps_the_arg() -> None:
    """Without ``env=`` (no ``# syntax=`` line) a RUN reads the secret file with a shell prefix,
    which an exec-form RUN cannot run: the ARG stays rather than the token being lost."""
    source = 'FROM node:20\nARG NPM_TOKEN\nRUN ["npm", "ci"]\nRUN npm ci\n'
    result = check_fix_invariants(source, unsafe=True)
    assert result is not None
    assert "ARG NPM_TOKEN" in result.output and "type=secret" not in result.output


def test_secret_read_prefix_and_a_cache_mount_on_the_same_run_converge() -> None:
    """DF201 and DF107 both insert where the RUN's script starts: the flags must stay in front
    of the secret-reading prefix whichever fix goes first."""
    source = "FROM node:20\nWORKDIR /app\nARG NPM_TOKEN\nCOPY package*.json ./\nRUN npm ci\n"
    result = check_fix_invariants(source, unsafe=True)
    assert result is not None
    assert result.output.endswith(
        "RUN --mount=type=secret,id=npm_token --mount=type=cache,target=/root/.npm \\\n"
        '    NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci\n'
    )


NPM_AFTER_APT = (
    "FROM node:20-slim\n"
    "WORKDIR /app\n"
    "# copy everything\n"
    "COPY . .\n"
    "RUN apt-get update && apt-get install -y curl\n"
    "RUN npm ci\n"
    "RUN npm run build\n"
)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_dependency_first_move_over_an_apt_run_survives_the_apt_cache_mount_fix(
    unsafe: bool, tmp_path: Path
) -> None:
    """DF101 once refused to move ``COPY . .`` over any RUN; it now moves it over a system-
    package RUN, and DF107 rewrites that same RUN (cache mounts and the docker-clean group) in
    the same pass. Whichever lands first, the other must still apply and the result converge."""
    context = _write(
        tmp_path, {"package.json": '{"name": "x"}', "package-lock.json": "{}", "index.js": ""}
    )
    result = check_fix_invariants(NPM_AFTER_APT, context, unsafe=unsafe)
    assert result is not None
    assert "DF101" not in {f.code for f in result.remaining}
    lines = result.output.splitlines()
    order = [
        next(k for k, line in enumerate(lines) if line.startswith(start))
        for start in ("COPY package.json", "RUN --mount=type=cache,target=/var/cache/apt",
                      "RUN --mount=type=cache,target=/root/.npm", "# copy everything", "COPY . .",
                      "RUN npm run build")
    ]  # fmt: skip
    assert order == sorted(order), result.output
    assert "apt-get update && apt-get install -y curl" in result.output


def test_file_settled_by_the_last_allowed_pass_is_fixed_not_refused(monkeypatch) -> None:
    """The pass limit was checked before looking whether anything was left to apply: a file
    that needed exactly MAX_PASSES passes raised FixError "still firing: " (naming no rule).
    Now every refusal names a rule that still fires."""
    import rewriter.fixes.engine as engine

    source = (
        "FROM node:20\nCOPY . .\nRUN npm install -p\nCOPY . .\nRUN npm install\n"
        "COPY . .\nRUN npm install -f\n"
    )
    expected = fix_source(source, unsafe=True).output
    for limit in range(1, 20):
        monkeypatch.setattr(engine, "MAX_PASSES", limit)
        try:
            output = fix_source(source, unsafe=True).output
        except FixError as exc:
            assert re.search(r"still firing: DF\d{3}", str(exc)), str(exc)
            continue
        assert output == expected
        assert limit > 1
        break
    else:
        pytest.fail("never converged")
