"""DF101 with a tool install between the broad COPY and the install: ``pip install --upgrade
pip``, ``npm install -g pnpm``, ``corepack enable``... stay in place (between the manifest COPY
and the install), and the fix goes ahead; anything that may read the sources still blocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewriter.parser import parse
from tests.rules.test_copy_before_install import PACKAGE, fixed, left_alone, make, one

PYTHON = {"requirements.txt": "flask==3.0.3\n", "app.py": "print('hi')\n"}
NODE = {"package.json": PACKAGE, "package-lock.json": json.dumps({"lockfileVersion": 3})}


def dockerfile(base: str, between: str, install: str) -> str:
    return f'FROM {base}\nWORKDIR /app\nCOPY . .\n{between}\nRUN {install}\nCMD ["app"]\n'


@pytest.mark.parametrize(
    "between",
    [
        "RUN pip install --upgrade pip",
        "RUN pip install -U pip setuptools wheel",
        "RUN python -m pip install --no-cache-dir --upgrade pip",
        "RUN python3.12 -m pip install 'poetry==1.8.3'",
        "RUN pip install -i https://pypi.example/simple --trusted-host pypi.example uv",
        "RUN pip install 'uvicorn[standard]>=0.30,<1'",
        "RUN pip3 install --upgrade pip && pip install wheel",
    ],
)
def test_a_pip_tool_install_between_stays_in_place(tmp_path: Path, between: str) -> None:
    context = make(tmp_path, PYTHON)
    source = dockerfile("python:3.12", between, "pip install -r requirements.txt")
    finding = one(source, context)
    assert finding.fix is not None and "not fixed" not in finding.message
    out = fixed(source, context)
    # the manifest COPY, the tool RUN as written, the install, then the sources
    assert (
        out.index("COPY requirements.txt ./") < out.index(between) < out.index("RUN pip install -r")
    )
    assert out.index("RUN pip install -r requirements.txt") < out.index("COPY . .")
    assert parse(out).to_source() == out


@pytest.mark.parametrize(
    "between",
    [
        "RUN npm install -g pnpm",
        "RUN npm i --global @angular/cli@17",
        # (yarn and pnpm may be corepack's shims, which pin packageManager into package.json)
        "RUN COREPACK_ENABLE_AUTO_PIN=0 yarn global add @vue/cli",
        "RUN COREPACK_ENABLE_AUTO_PIN=0 pnpm add -g tsx",
        "RUN corepack enable",
        "RUN corepack enable pnpm",
        "RUN corepack prepare pnpm@9.12.0 --activate",
    ],
)
def test_a_node_tool_install_between_stays_in_place(tmp_path: Path, between: str) -> None:
    context = make(tmp_path, NODE)
    source = dockerfile("node:20", between, "npm ci")
    out = fixed(source, context)
    assert out.index("COPY package.json package-lock.json ./") < out.index(between)
    assert out.index(between) < out.index("RUN npm ci") < out.index("COPY . .")


def test_a_project_npmrc_the_manifest_copy_also_brings_does_not_block(tmp_path: Path) -> None:
    """npm ci reads .npmrc too, so the fix copies it with the manifests: a global npm install
    between them sees the same .npmrc before and after."""
    context = make(tmp_path, {**NODE, ".npmrc": "registry=https://npm.example/\n"})
    out = fixed(dockerfile("node:20", "RUN npm install -g pnpm", "npm ci"), context)
    assert "COPY package.json package-lock.json .npmrc ./\nRUN npm install -g pnpm\n" in out


@pytest.mark.parametrize(
    ("between", "install", "files", "why"),
    [
        # the project's .npmrc would come only after the move (pip's manifest COPY lacks it)
        ("RUN npm install -g pnpm", "pip install -r requirements.txt",
         {".npmrc": "registry=https://npm.example/\n"},
         "reads the project's .npmrc, which would arrive only after it"),
        ("RUN yarn global add @vue/cli", "npm ci", {".yarnrc": "registry x\n"},
         "reads the project's .yarnrc, which would arrive only after it"),
    ],
)  # fmt: skip
def test_a_node_tool_that_would_lose_a_project_config_blocks(
    tmp_path: Path, between: str, install: str, files: dict[str, str], why: str
) -> None:
    context = make(tmp_path, {**PYTHON, **NODE, **files})
    left_alone(dockerfile("node:20", between, install), context, why)


# (A pip call that installs local packages or reads requirement files is itself a dependency
# step: DF101 reports it first, with its own reason.)
@pytest.mark.parametrize(
    ("between", "why"),
    [
        ("RUN pip install .", "installs a local package"),
        ("RUN pip install ./tools/lint", "installs a local package, which needs the sources"),
        ("RUN pip install dist/app.whl", "installs a local package, which needs the sources"),
        ("RUN pip install tool.tar.gz", "installs a local package, which needs the sources"),
        ("RUN pip install -r dev.txt", "dev.txt is not in the build context"),
        ("RUN pip install -c constraints.txt pip", "constraints.txt is not in the build context"),
        ("RUN pip install --find-links wheels pip", "has the option `--find-links`"),
        ("RUN pip install --target vendor pip", "has the option `--target`"),
        ("RUN pip install -i ./wheels pip", "has `-i ./wheels`, which may be a local folder"),
        ("RUN pip install git+https://example.com/a.git", "may be a local file or folder"),
        ("RUN pip install $TOOL", "uses a word whose value dfopt does not know"),
        ("RUN PIP_CONSTRAINT=c.txt pip install -U pip", "runs with PIP_CONSTRAINT set"),
        ("RUN export PIP_CONSTRAINT=c.txt && pip install -U pip", "PIP_CONSTRAINT set"),
        ("ENV PIP_CONSTRAINT=c.txt\nRUN pip install -U pip", "PIP_CONSTRAINT set"),
        ("RUN pip download pip", "is not a `pip install` of registry packages"),
        ("RUN pip install -U pip > pip.log", "names the relative path `pip.log`"),
        ("RUN pip install -U pip --log /app/pip.log", "has the option `--log"),
    ],
)
def test_a_pip_call_that_may_read_or_write_the_sources_blocks(
    tmp_path: Path, between: str, why: str
) -> None:
    context = make(tmp_path, PYTHON)
    source = dockerfile("python:3.12", between, "pip install -r requirements.txt")
    left_alone(source, context, why)


@pytest.mark.parametrize(
    ("between", "why"),
    [
        ("RUN npm install pnpm", "adds packages to package.json"),
        ("RUN npm install -g .", "installs `.`, which may be a local folder"),
        ("RUN npm install -g ./tools/cli", "which may be a local folder, file or git spec"),
        ("RUN npm install -g cli.tgz", "which may be a local folder, file or git spec"),
        ("RUN npm install -g user/repo", "which may be a local folder, file or git spec"),
        ("RUN npm install -g --prefix ./bin pnpm", "has the option `--prefix`"),
        ("RUN yarn add left-pad", "adds packages to package.json"),
        ("RUN npm run prepare", "is not a global install of registry packages"),
        ("RUN corepack prepare --activate", "reads the package manager from the project's"),
        ("RUN corepack install", "reads the package manager from the project's"),
        ("RUN corepack enable --install-directory bin", "has an option dfopt does not know"),
    ],
)
def test_a_node_call_that_may_read_the_sources_blocks(
    tmp_path: Path, between: str, why: str
) -> None:
    context = make(tmp_path, NODE)
    left_alone(dockerfile("node:20", between, "npm ci"), context, why)


def test_without_a_build_context_a_node_tool_install_blocks() -> None:
    """Without the context dfopt cannot know whether the project has an .npmrc that only the
    broad COPY brings (pip reads no such file, so its tools need no context)."""
    left_alone(
        dockerfile("node:20", "RUN yarn global add @vue/cli", "pip install -r requirements.txt"),
        None,
        "may read a project .yarnrc, and dfopt has no build context to check",
    )
    source = dockerfile("python:3.12", "RUN pip install -U pip", "pip install -r requirements.txt")
    assert one(source).fix is not None


def test_a_tool_install_into_the_copy_destination_blocks(tmp_path: Path) -> None:
    """A tool install writes into the image's system folders: a COPY into one of them (here
    /usr/local/app) may meet what it writes, as with apt-get."""
    context = make(tmp_path, PYTHON)
    source = (
        "FROM python:3.12\nWORKDIR /usr/local/app\nCOPY . .\nRUN pip install -U pip\n"
        "RUN pip install -r requirements.txt\n"
    )
    left_alone(
        source, context, "it may install into /usr/local, and the COPY writes to /usr/local/app"
    )


@pytest.mark.parametrize(
    ("setup", "why"),
    [
        ("ENV PATH=/app/.venv/bin:/usr/local/bin:/usr/bin:/bin", "PATH entry /app/.venv/bin"),
        ("ENV VIRTUAL_ENV=/app/venv", "may install into /app/venv"),
        ("ENV HOME=/app", "may install into /app"),
    ],
)
def test_a_tool_install_whose_environment_is_inside_the_copy_destination_blocks(
    tmp_path: Path, setup: str, why: str
) -> None:
    """pip writes where the PATH runs it from (a virtualenv) and into HOME (its cache): when
    that is under the COPY's destination, the COPY may meet what it writes."""
    context = make(tmp_path, PYTHON)
    source = (
        f"FROM python:3.12\n{setup}\nWORKDIR /app\nCOPY . .\nRUN pip install -U pip\n"
        "RUN pip install -r requirements.txt\n"
    )
    left_alone(source, context, why)


@pytest.mark.parametrize("workdir", ["/srv", "/opt/app", "/home/app", "/workspace", "/usr/src/app"])
def test_a_tool_install_away_from_the_copy_destination_does_not_block(
    tmp_path: Path, workdir: str
) -> None:
    """Unlike apt-get, pip writes only into /usr, HOME, /tmp and its virtualenv: a COPY into
    /srv or /opt/app is away from all of them."""
    context = make(tmp_path, PYTHON)
    source = (
        "FROM python:3.12\nENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin\n"
        f"WORKDIR {workdir}\nCOPY . .\nRUN pip install -U pip\n"
        "RUN pip install -r requirements.txt\n"
    )
    assert one(source, context).fix is not None
