"""DF101 with a tool install between the broad COPY and the install: inputs found by
adversarial testing where the first version of the rule moved the COPY below a tool that
would have seen the copied sources (or written where they go). Each now blocks the fix, with
its reason in the message; the look-alikes that stay safe still get the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.test_copy_before_install import fixed, left_alone, make, one
from tests.rules.test_copy_before_install_tools import NODE, PYTHON


def python_file(between: str, pre: str = "") -> str:
    return (
        f"FROM python:3.12\n{pre}WORKDIR /app\nCOPY . .\n{between}\n"
        'RUN pip install -r requirements.txt\nCMD ["app"]\n'
    )


def node_file(between: str, pre: str = "") -> str:
    return f'FROM node:20\n{pre}WORKDIR /app\nCOPY . .\n{between}\nRUN npm ci\nCMD ["app"]\n'


@pytest.mark.parametrize(
    ("between", "why"),
    [
        ("RUN ./pip install -U pip", "names the relative path `./pip`"),
        ("RUN .venv/bin/pip install -U pip", "names the relative path `.venv/bin/pip`"),
        ("RUN .venv/bin/python -m pip install -U pip", "relative path `.venv/bin/python`"),
        ("RUN /app/.venv/bin/pip install -U pip", "the COPY or WORKDIR is /app"),
    ],
)
def test_a_tool_run_from_the_copied_folder_blocks(tmp_path: Path, between: str, why: str) -> None:
    """The program itself (a virtualenv's pip, node_modules/.bin/npm) may be a file the COPY
    brings: it would not exist, or be another, once the COPY moves below the RUN."""
    left_alone(python_file(between), make(tmp_path, PYTHON), why)


def test_a_node_tool_run_from_node_modules_blocks(tmp_path: Path) -> None:
    left_alone(
        node_file("RUN ./node_modules/.bin/npm i -g pnpm"),
        make(tmp_path, NODE),
        "names the relative path `./node_modules/.bin/npm`",
    )


@pytest.mark.parametrize("spec", ["tool.tlz", "tool.tar.lz", "tool.tar.lzma", "tool.TAR.LZ"])
def test_pip_reads_every_archive_extension_as_a_local_file(tmp_path: Path, spec: str) -> None:
    """pip reads a requirement ending in any of its archive extensions as a file."""
    left_alone(
        python_file(f"RUN pip install {spec}"),
        make(tmp_path, PYTHON),
        f"installs `{spec}`, which may be a local file or folder",
    )


@pytest.mark.parametrize(
    ("between", "pre", "why"),
    [
        ("RUN PATH=bin pip install -U pip", "", "runs with the PATH entry `bin`"),
        ("RUN export PATH=bin && pip install -U pip", "", "runs with the PATH entry `bin`"),
        ("RUN pip install -U pip", "ENV PATH=bin:/usr/bin:/bin\n", "the PATH entry `bin`"),
        ("RUN pip install -U pip", "ENV PATH=:/usr/bin:/bin\n", "the PATH entry ``"),
        ("RUN pip install -U pip", "ARG X\nENV PATH=$X:/usr/bin\n", "PATH entry `$X` dfopt"),
    ],
)
def test_a_path_that_may_find_the_tool_in_the_working_directory_blocks(
    tmp_path: Path, between: str, pre: str, why: str
) -> None:
    """An empty or relative PATH entry is looked up from the working directory: the shell
    would run a ``bin/pip`` the COPY brings; an entry dfopt does not know may be one."""
    left_alone(python_file(between, pre), make(tmp_path, PYTHON), why)


def test_a_path_with_the_images_own_path_does_not_block(tmp_path: Path) -> None:
    source = python_file("RUN pip install -U pip", "ENV PATH=/opt/venv/bin:$PATH\n")
    assert one(source, make(tmp_path, PYTHON)).fix is not None


@pytest.mark.parametrize(
    ("pre", "why"),
    [
        ("ENV PIP_LOG=pip.log\n", "runs with PIP_LOG=pip.log, which may name a file"),
        ("ENV PIP_CERT=ca.pem\n", "runs with PIP_CERT=ca.pem"),
        ("ENV PIP_CACHE_DIR=.cache\n", "runs with PIP_CACHE_DIR=.cache"),
        ("ENV PIP_PYTHON=.venv/bin/python\n", "runs with PIP_PYTHON=.venv/bin/python"),
        ("ENV PIP_REPORT=/app/report.json\n", "the COPY or WORKDIR is /app"),
        ("ENV PYTHONPATH=/app\n", "runs with PYTHONPATH=/app, and the COPY or WORKDIR is /app"),
        ("ENV PYTHONPATH=src:/opt/lib\n", "runs with PYTHONPATH=src:/opt/lib"),
        ("ARG CACHE\nENV PIP_CACHE_DIR=$CACHE\n", "PIP_CACHE_DIR set to a value dfopt does"),
        ('ENV PIP_EXTRA_INDEX_URL="https://a.example/simple ./wheels"\n', "a local folder"),
        ("ENV XDG_CACHE_HOME=cache\n", "runs with XDG_CACHE_HOME=cache"),
        ("ENV TMPDIR=/app/tmp\n", "runs with TMPDIR=/app/tmp, and the COPY"),
    ],
)
def test_a_python_variable_naming_a_file_of_the_working_directory_blocks(
    tmp_path: Path, pre: str, why: str
) -> None:
    """pip reads every ``PIP_<OPTION>`` variable as its option (``PIP_LOG`` writes a log,
    ``PIP_CERT`` reads a CA bundle, ``PIP_PYTHON`` runs another interpreter), Python reads
    ``PYTHONPATH`` (a project's ``sitecustomize.py`` or ``logging/`` there is imported);
    only a variable known to hold a keyword, a URL or a path away from the COPY passes."""
    left_alone(python_file("RUN pip install -U pip", pre), make(tmp_path, PYTHON), why)


def test_keyword_variables_and_remote_indexes_do_not_block(tmp_path: Path) -> None:
    pre = (
        "ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=on PYTHONUNBUFFERED=1 \\\n"
        "    PIP_INDEX_URL=https://pypi.example/simple PIP_ROOT_USER_ACTION=ignore\n"
    )
    source = python_file("RUN pip install -U pip", pre)
    assert one(source, make(tmp_path, PYTHON)).fix is not None


@pytest.mark.parametrize(
    ("pre", "between", "why"),
    [
        ("ENV NPM_CONFIG_USERCONFIG=npmrc.ci\n", "", "NPM_CONFIG_USERCONFIG=npmrc.ci"),
        ("ENV npm_config_cafile=certs/ca.pem\n", "", "npm_config_cafile=certs/ca.pem"),
        ("ENV NPM_CONFIG_PREFIX=/app\n", "", "the COPY or WORKDIR is /app"),
        ('ENV NODE_OPTIONS="--require ./hook.js"\n', "", "NODE_OPTIONS holding `--require`"),
        ("ENV COREPACK_HOME=.corepack\n", "RUN corepack enable", "COREPACK_HOME=.corepack"),
        ("ENV PNPM_HOME=/app/.pnpm\n", "RUN pnpm add -g tsx", "PNPM_HOME=/app/.pnpm, and"),
        ("", "RUN YARN_RC_FILENAME=ci.yarnrc yarn global add x", "YARN_RC_FILENAME=ci.yarnrc"),
        ("ENV PATH=node_modules/.bin:/usr/bin:/bin\n", "", "the PATH entry `node_modules/.bin`"),
        ("ENV PNPM_HOME=/pnpm PATH=$PNPM_HOME:$PATH\n", "", "PATH entry `$PNPM_HOME`"),
    ],
)
def test_a_node_variable_naming_a_file_of_the_working_directory_blocks(
    tmp_path: Path, pre: str, between: str, why: str
) -> None:
    """npm, yarn and pnpm read ``npm_config_*`` (any case), ``YARN_*``, ``PNPM_*``; corepack
    ``COREPACK_*``; Node ``NODE_OPTIONS``: a relative file, a prefix under the COPY's
    destination or a preloaded script would differ once the COPY moves. (In one ENV, a
    ``$PNPM_HOME`` set by the same instruction is not yet set: the entry is empty.)"""
    source = node_file(between or "RUN npm i -g pnpm", pre)
    left_alone(source, make(tmp_path, NODE), why)


def test_node_keyword_variables_and_absolute_prefixes_do_not_block(tmp_path: Path) -> None:
    pre = (
        "ENV NPM_CONFIG_PREFIX=/usr/local NODE_ENV=production \\\n"
        "    NODE_OPTIONS=--max-old-space-size=4096 NPM_CONFIG_LOGLEVEL=warn\n"
    )
    assert one(node_file("RUN npm i -g pnpm", pre), make(tmp_path, NODE)).fix is not None


@pytest.mark.parametrize("module", ["token.py", "logging/__init__.py", "pip/__init__.py"])
def test_python_m_pip_with_a_module_of_the_copied_folder_blocks(
    tmp_path: Path, module: str
) -> None:
    """``python -m`` puts the working directory first on ``sys.path``: a project's
    ``token.py`` would be imported by pip instead of Python's (or fail it) while the COPY
    stays above, and not once it moves."""
    context = make(tmp_path, {**PYTHON, module: "raise SystemExit('shadowed')\n"})
    left_alone(
        python_file("RUN python -m pip install -U pip"),
        context,
        f"would import the project's {module.replace('/__init__.py', '')}",
    )


def test_python_m_pip_without_a_build_context_blocks() -> None:
    left_alone(
        python_file("RUN python -m pip install -U pip"),
        None,
        "imports from the working directory first, and dfopt has no build context",
    )


def test_a_tool_install_as_a_user_whose_home_is_unknown_blocks(tmp_path: Path) -> None:
    """pip and npm write their caches into HOME; a numeric USER's HOME is not known (the
    runtime gives ``/`` when /etc/passwd does not list it, which holds the WORKDIR)."""
    left_alone(
        python_file("USER 1000\nRUN pip install -U pip"),
        make(tmp_path, PYTHON),
        "writes into HOME, and dfopt does not know the HOME of its USER",
    )


@pytest.mark.parametrize(
    ("mount", "why"),
    [
        ("--mount=type=cache,target=/app/.cache", "it mounts at /app/.cache, and the COPY"),
        ("--mount=type=secret,id=conf,target=pip.conf", "it mounts at `pip.conf`, which may"),
    ],
)
def test_a_mount_into_the_copy_destination_blocks(tmp_path: Path, mount: str, why: str) -> None:
    """A mount over a path the COPY writes hides (or stands in for) the copied file while
    the RUN runs; only mounts away from the COPY's destination and the WORKDIR pass."""
    left_alone(python_file(f"RUN {mount} pip install -U pip"), make(tmp_path, PYTHON), why)


def test_a_cache_mount_outside_the_copy_destination_does_not_block(tmp_path: Path) -> None:
    source = python_file("RUN --mount=type=cache,target=/root/.cache/pip pip install -U pip")
    assert one(source, make(tmp_path, PYTHON)).fix is not None


@pytest.mark.parametrize(
    ("between", "files", "why"),
    [
        ("RUN yarn global add x", {".yarnrc.yml": "yarnPath: .yarn/releases/y.cjs\n"},
         "reads the project's .yarnrc.yml"),
        ("RUN corepack enable", {".corepack.env": "COREPACK_HOME=.c\n"},
         "reads the project's .corepack.env"),
        ("RUN pnpm add -g tsx", {".pnpmfile.cjs": "module.exports = {}\n"},
         "reads the project's .pnpmfile.cjs"),
    ],
)  # fmt: skip
def test_a_node_tool_that_would_lose_another_project_file_blocks(
    tmp_path: Path, between: str, files: dict[str, str], why: str
) -> None:
    """Yarn 1.22 follows a ``.yarnrc.yml``'s ``yarnPath`` to the project's own Yarn, corepack
    loads ``.corepack.env``, pnpm runs ``.pnpmfile.cjs`` hooks: npm ci's manifest COPY brings
    none of them."""
    left_alone(node_file(between), make(tmp_path, {**NODE, **files}), why)


def test_corepack_without_a_build_context_blocks() -> None:
    left_alone(
        node_file("RUN corepack enable"),
        None,
        "may read a project .corepack.env, and dfopt has no build context to check",
    )


def test_the_fixed_file_keeps_the_tool_run_as_written(tmp_path: Path) -> None:
    out = fixed(python_file("RUN pip install -U pip"), make(tmp_path, PYTHON))
    assert "COPY requirements.txt ./\nRUN pip install -U pip\nRUN pip install -r" in out


@pytest.mark.parametrize(
    ("between", "pattern"),
    [
        ("RUN pip install flask[async]", "flask[async]"),
        ("RUN pip install pip==24.*", "pip==24.*"),
        ("RUN npm i -g pnpm@9.?", "pnpm@9.?"),
        ("RUN apt-get update && apt-get install -y lib*-dev", "lib*-dev"),
    ],
)
def test_an_unquoted_pattern_that_may_match_copied_files_blocks(
    tmp_path: Path, between: str, pattern: str
) -> None:
    """The shell replaces an unquoted ``flask[async]`` by ``flaska`` when the working
    directory holds such a file: the word depends on what the COPY brought."""
    left_alone(
        python_file(between),
        make(tmp_path, PYTHON),
        f"has the pattern `{pattern}`, which may match files of the WORKDIR",
    )


def test_a_quoted_pattern_and_the_test_bracket_do_not_block(tmp_path: Path) -> None:
    source = python_file("RUN [ -d /opt ] && pip install 'flask[async]' \"pip==24.*\"")
    assert one(source, make(tmp_path, PYTHON)).fix is not None


@pytest.mark.parametrize(
    "between",
    [
        "RUN test -f app.py && pip install -U pip",
        "RUN [ -f app.py ] || pip install -U pip",
        "RUN [ ! -d venv ] && apt-get update",
    ],
)
def test_a_test_of_a_relative_path_blocks(tmp_path: Path, between: str) -> None:
    """``[ -f app.py ] && ...`` runs the rest only while the COPY stays above: each operand
    of ``test``/``[`` is a path."""
    left_alone(python_file(between), make(tmp_path, PYTHON), "names the relative path")


@pytest.mark.parametrize(
    ("pre", "why"),
    [
        ('SHELL ["/bin/bash", "-lc"]\n', "`/bin/bash -lc`, which may read startup files"),
        ('SHELL ["/bin/bash", "--login", "-c"]\n', "which may read startup files"),
        ('SHELL ["/bin/bash", "-c"]\nENV BASH_ENV=/app/env.sh\n', "with BASH_ENV set"),
        ('SHELL ["/bin/zsh", "-c"]\nENV ZDOTDIR=/app\n', "with ZDOTDIR set"),
    ],
)
def test_a_shell_that_runs_startup_files_blocks(tmp_path: Path, pre: str, why: str) -> None:
    """A login shell reads /etc/profile and ~/.profile, bash sources ``BASH_ENV`` and zsh
    ``$ZDOTDIR/.zshenv`` before the RUN's script: files dfopt does not read, which may be
    the COPY's."""
    left_alone(python_file("RUN pip install -U pip", pre), make(tmp_path, PYTHON), why)


def test_a_shell_with_plain_options_does_not_block(tmp_path: Path) -> None:
    source = python_file(
        "RUN pip install -U pip", 'SHELL ["/bin/bash", "-euxo", "pipefail", "-c"]\n'
    )
    assert one(source, make(tmp_path, PYTHON)).fix is not None


def test_a_node_tool_before_a_pip_install_blocks_when_the_project_has_a_package_json(
    tmp_path: Path,
) -> None:
    """Once corepack is enabled, ``pnpm`` is its shim and runs the version package.json's
    ``packageManager`` names: pip's manifest COPY does not bring package.json."""
    context = make(tmp_path, {**PYTHON, "package.json": '{"packageManager": "pnpm@8.15.0"}'})
    left_alone(
        python_file("RUN pnpm add -g tsx", "ENV PNPM_HOME=/pnpm\n"),
        context,
        "reads the project's package.json, which would arrive only after it",
    )


@pytest.mark.parametrize(
    ("between", "files", "why"),
    [
        ("RUN npm i -g pnpm@9", {"pnpm/package.json": "{}"}, "names `pnpm`, and the COPY"),
        ("RUN npm i -g @acme/cli", {"@acme/cli/package.json": "{}"}, "names `@acme/cli`"),
    ],
)
def test_a_node_registry_name_that_is_also_a_copied_package_folder_blocks(
    tmp_path: Path, between: str, files: dict[str, str], why: str
) -> None:
    """npm before 5 installed ``./pnpm`` for ``npm i -g pnpm`` when that folder existed."""
    left_alone(node_file(between), make(tmp_path, {**NODE, **files}), why)


def test_a_pip_registry_name_that_is_also_a_copied_package_folder_blocks(
    tmp_path: Path,
) -> None:
    """Early pip installed a folder named like the requirement when it existed."""
    context = make(tmp_path, {**PYTHON, "pip/setup.py": ""})
    left_alone(
        python_file("RUN pip install -U pip"),
        context,
        "names `pip`, and the COPY brings a folder pip/setup.py",
    )


def test_a_secret_mounted_as_a_variable_blocks(tmp_path: Path) -> None:
    """``--mount=type=secret,env=PIP_CONSTRAINT`` sets a variable pip reads, to a value dfopt
    cannot see (it may name a file of the working directory)."""
    left_alone(
        python_file("RUN --mount=type=secret,id=c,env=PIP_CONSTRAINT pip install -U pip"),
        make(tmp_path, PYTHON),
        "it sets PIP_CONSTRAINT from a secret",
    )


@pytest.mark.parametrize(
    "between", ["RUN yarn global add @vue/cli", "RUN corepack enable && pnpm add -g tsx"]
)
def test_yarn_or_pnpm_that_corepack_may_run_blocks_unless_auto_pin_is_off(
    tmp_path: Path, between: str
) -> None:
    """Corepack 0.26 to 0.32 writes a ``packageManager`` field into a package.json without
    one whenever its yarn/pnpm shim runs: the manifest COPY's package.json would get it, and
    the broad COPY, moved below, would put the context's back."""
    left_alone(
        node_file(between),
        make(tmp_path, NODE),
        "may run as corepack's shim, which adds a packageManager field",
    )
    source = node_file(between, "ENV COREPACK_ENABLE_AUTO_PIN=0\n")
    assert one(source, make(tmp_path, NODE)).fix is not None


@pytest.mark.parametrize(
    ("between", "why"),
    [
        ("RUN PATH=/opt/x:/app/bin pip install -U pip", "the PATH entry /app/bin, and the COPY"),
        ("RUN export PATH=/opt/x:/app/bin && pip install -U pip", "PATH=/opt/x:/app/bin"),
    ],
)
def test_a_path_the_script_points_into_the_copy_destination_blocks(
    tmp_path: Path, between: str, why: str
) -> None:
    """A PATH the RUN sets itself finds ``pip`` in ``/app/bin``, which the COPY brings; each
    entry of a ``:``-list is checked, not only the first."""
    source = python_file(between, "ENV PATH=/usr/local/bin:/usr/bin:/bin\n")
    left_alone(source, make(tmp_path, PYTHON), why)


@pytest.mark.parametrize(
    ("pre", "between", "why"),
    [
        ("COPY pip.conf /etc/pip.conf\n", "", "line 2 may write (`pip.conf`)"),
        ("RUN pip config set global.find-links wheels\n", "", "line 2 may write (`pip config`)"),
        ("COPY rootfs/ /\n", "", "line 2 may write (`the folder /`)"),
        ("", "RUN echo find-links=wheels >> /etc/pip.conf && pip install -U pip", "line 4"),
    ],
)
def test_a_tool_configuration_written_earlier_in_the_stage_blocks(
    tmp_path: Path, pre: str, between: str, why: str
) -> None:
    """``pip.conf``'s ``find-links = wheels`` is read from the working directory: pip would
    find the COPY's wheels only while the COPY stays above. dfopt does not read such files,
    so a configuration the stage writes blocks."""
    source = python_file(between or "RUN pip install -U pip", pre)
    left_alone(source, make(tmp_path, PYTHON), f"reads its configuration, which {why}")


def test_a_node_configuration_written_earlier_in_the_stage_blocks(tmp_path: Path) -> None:
    source = node_file("RUN npm i -g pnpm", "RUN npm config set prefix /app/.global\n")
    left_alone(source, make(tmp_path, NODE), "line 2 may write (`npm config`)")


def test_an_unrelated_configuration_written_earlier_does_not_block(tmp_path: Path) -> None:
    source = python_file("RUN pip install -U pip", "COPY nginx.conf /etc/nginx/\n")
    assert one(source, make(tmp_path, PYTHON)).fix is not None


def test_a_tool_install_as_a_base_image_user_blocks(tmp_path: Path) -> None:
    """``/home/<name>`` is only a guess for a user the stage does not create (www-data's HOME
    is /var/www): the tool's caches may land anywhere."""
    left_alone(
        python_file("USER www-data\nRUN pip install --user -U pip"),
        make(tmp_path, PYTHON),
        "writes into HOME, and dfopt does not know the HOME of its USER",
    )


@pytest.mark.parametrize("pre", ["RUN useradd -m app\n", "ENV HOME=/srv/home\n"])
def test_a_tool_install_as_a_user_the_stage_creates_does_not_block(
    tmp_path: Path, pre: str
) -> None:
    source = python_file("USER app\nRUN pip install -U pip", pre)
    assert one(source, make(tmp_path, PYTHON)).fix is not None


def test_node_options_with_underscored_flags_do_not_block(tmp_path: Path) -> None:
    pre = "ENV NODE_OPTIONS=--max_old_space_size=4096 NODE_NO_WARNINGS=1\n"
    assert one(node_file("RUN npm i -g pnpm", pre), make(tmp_path, NODE)).fix is not None


TOOL_RUN = "RUN pip install --upgrade pip \\\n    # and the build tools\n    setuptools wheel"


@pytest.mark.parametrize(
    "variant", ["plain", "crlf", "backtick", "group", "chained", "cache-mount"]
)
def test_a_tool_run_keeps_its_text_comments_and_line_endings(tmp_path: Path, variant: str) -> None:
    """The tool RUN stays as written (continuations, comments inside it, CRLF, a backtick
    escape, groups and chains of tool commands), and the fix keeps every invariant."""
    from tests.rules.test_fix_properties import check_fix_invariants

    run = {
        "plain": TOOL_RUN,
        "crlf": TOOL_RUN,
        "backtick": TOOL_RUN.replace("\\\n", "`\n"),
        "group": "RUN { pip install -U pip; pip install wheel; } > /dev/null 2>&1",
        "chained": "RUN set -eux; pip install -U pip && python -m pip install 'uv>=0.4' || true",
        "cache-mount": "RUN --mount=type=cache,target=/root/.cache/pip pip install -U pip",
    }[variant]
    source = python_file(run)
    if variant == "backtick":
        source = "# escape=`\n" + source
    if variant == "crlf":
        source = source.replace("\n", "\r\n")
    context = make(tmp_path, PYTHON)
    result = check_fix_invariants(source, context)
    assert result is not None and result.output != source
    newline = "\r\n" if variant == "crlf" else "\n"
    out = fixed(source, context)
    written = run.replace("\n", newline)
    assert out.index(written) < out.index(f"{newline}RUN pip install -r") < out.index("COPY . .")


def test_a_heredoc_tool_run_blocks(tmp_path: Path) -> None:
    source = python_file("RUN <<EOF\npip install -U pip\nEOF")
    left_alone(source, make(tmp_path, PYTHON), "dfopt reads only shell-form RUNs without heredocs")
