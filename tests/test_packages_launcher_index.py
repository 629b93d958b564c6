"""The launcher index gives exactly the results of scanning every tool's launchers.

``recognise`` used to try every launcher of every tool (``fnmatch`` on the basename each time)
for each shell command; it now asks ``_candidates`` for the few launchers a command name can
start. The reference below is that old scan, kept here only to prove the two agree on every
RUN command of the corpus and on a list of commands chosen to stress the launcher forms
(globs, multi-word launchers, wrappers, script shells, the ``rm`` fallback).
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from rewriter import ParseError, parse
from rewriter.analyse.packages import PackageAction, recognise
from rewriter.analyse.packages.recognise import (
    _candidates,
    _directory,
    _recognise_rm,
    _recognise_tool,
    script_environment,
)
from rewriter.analyse.packages.specs import SCRIPT_SHELLS, TOOLS, WRAPPERS
from rewriter.analyse.shell import Command, Word, parse_shell

# -- the previous implementation (reference only) ---------------------------------------------


def _reference_recognise(
    cmd: Command,
    *,
    env: Mapping[str, str] | None = None,
    home: str = "/root",
    user: str = "root",
    workdir: str = "/",
) -> PackageAction | None:
    """``recognise`` as it was before the index: every launcher of every tool, in table order."""
    if not cmd.known or not cmd.words:
        return None
    env = dict(env or {})
    if cmd.variables:  # what earlier commands of the script exported (not the index's work)
        env = script_environment(env, env, cmd.variables)
    words, prefix_words = _reference_unwrap(list(cmd.words), list(cmd.assignments))
    if not words:
        return None
    for word in prefix_words:
        name, _, _ = word.raw.partition("=")
        if word.value is not None:
            env[name] = word.value.partition("=")[2]
        else:
            env.pop(name, None)
    directory = _directory(cmd.cwd, home, workdir)
    for tool in TOOLS:
        for launcher in tool.launchers:
            if _reference_launched(words, launcher):
                return _recognise_tool(
                    tool, cmd, words[len(launcher) :], prefix_words, env, home, user, directory
                )
    if posixpath.basename(words[0].value or "") == "rm":
        return _recognise_rm(cmd, words[1:], env, home, user, directory)
    return None


def _reference_unwrap(words: list[Word], prefixes: list[Word]) -> tuple[list[Word], list[Word]]:
    prefixes = list(prefixes)
    while words:
        name = posixpath.basename(words[0].value or "")
        if name in SCRIPT_SHELLS:
            script_at = _reference_script_operand(words, SCRIPT_SHELLS[name])
            if script_at is None:
                break
            words = words[script_at:]
            continue
        if name not in WRAPPERS:
            break
        value_options = WRAPPERS[name]
        k = 1
        while k < len(words):
            value = words[k].value or ""
            if name == "env" and "=" in value and not value.startswith("-"):
                prefixes.append(words[k])
            elif value == "--":
                k += 1
                break
            elif value.startswith("-") and len(value) > 1:
                if value in value_options:
                    k += 1
            else:
                break
            k += 1
        words = words[k:]
    return words, prefixes


def _reference_script_operand(words: list[Word], value_options: frozenset[str]) -> int | None:
    k = 1
    while k < len(words):
        value = words[k].value
        if value is None:
            return None
        if value == "--":
            return k + 1 if k + 1 < len(words) and words[k + 1].value is not None else None
        if value in value_options:
            k += 2
            continue
        if value.startswith("--"):
            k += 1
            continue
        if len(value) > 1 and value[0] in "-+":
            if "c" in value[1:] or "s" in value[1:]:
                return None
            k += 1
            continue
        return k
    return None


def _reference_launched(words: list[Word], launcher: tuple[str, ...]) -> bool:
    if len(words) < len(launcher):
        return False
    first = words[0].value
    if first is None or not fnmatch.fnmatchcase(posixpath.basename(first), launcher[0]):
        return False
    return all(w.value == part for w, part in zip(words[1:], launcher[1:], strict=False))


# -- inputs -------------------------------------------------------------------------------------

CONTEXTS = [
    {},
    {"home": "/home/app", "user": "app", "workdir": "/app"},
    {
        "env": {
            "PIP_NO_CACHE_DIR": "1",
            "GOPATH": "/go",
            "GOFLAGS": "-mod=vendor",
            "BUNDLE_FROZEN": "true",
            "MAVEN_OPTS": "-Dmaven.repo.local=/m2",
            "npm_config_cache": "/npm",
        },
        "workdir": "/src",
    },
]

TRICKY = [
    # multi-word and glob launchers
    "python -m pip install flask",
    "python3 -m pip install -r requirements.txt",
    "/usr/local/bin/python3.12 -m pip install .",
    "python3.11 -m uv pip install x",
    "python -m poetry install --no-root",
    "python3 -m pipenv install --deploy",
    "python -m",
    "python -m pip",
    "python -m pipx install black",
    "python3 -m venv /venv",
    "pythonista -m pip install x",
    "python* -m pip install x",
    "pip3.11 install x",
    "pip3. install x",
    "pip3 install --no-cache-dir x",
    "/opt/venv/bin/pip install -e .",
    "uv pip install --system x",
    "uv pip sync requirements.txt",
    "uv pip",
    "uv sync --frozen",
    "uv",
    "uv tool install ruff",
    "corepack yarn install --immutable",
    "corepack pnpm install --frozen-lockfile",
    "corepack enable",
    "corepack",
    "php composer.phar install --no-dev",
    "composer.phar install",
    "php -r 'copy(1,2);'",
    "mvnw.cmd package",
    "./mvnw -B dependency:go-offline",
    "sh ./mvnw package",
    "sh -e ./gradlew build",
    "bash --rcfile x ./gradlew assemble",
    "sh -c 'npm ci'",
    "sh -- ./gradlew build",
    "sh",
    "./gradlew --offline build",
    "gradle build",
    "./node_modules/.bin/yarn build",
    "/usr/bin/apt-get install -y curl",
    "apt update",
    "aptitude install x",
    # wrappers and prefixes
    "sudo -u app npm ci",
    "env FOO=1 NPM_CONFIG_CACHE=/c npm install",
    "env -u PATH pip install x",
    "exec -a foo cargo build --release",
    "nice -n 5 go build ./...",
    "time -f %e go mod download",
    "command -v pip",
    "nohup bundle install &",
    "xvfb-run -s '-screen 0' yarn test",
    "PIP_NO_CACHE_DIR=1 pip install x",
    "GOFLAGS=-mod=mod go build",
    # names dfopt cannot read, and non-tools
    '"$(which pip)" install x',
    "$PIP install x",
    "${PYTHON:-python3} -m pip install x",
    "p?p install x",
    "[ -f package.json ] && npm ci",
    "echo pip install x",
    "true",
    "cd /app && npm ci && npm run build",
    "cd $DIR && yarn",
    # the rm fallback
    "rm -rf /var/lib/apt/lists/*",
    "rm -rf ~/.npm ~/.cache/pip",
    "/bin/rm -rf /root/.cache",
    "rm",
    "rm -f /tmp/x",
    "sudo rm -rf /var/cache/apk/*",
    "FOO=1 rm -rf /var/lib/apt/lists/*",
    "env A=1 rm -rf /var/cache/apk/*",
    "sudo FOO=1 rm -rf /root/.npm",
    # every other tool
    "apk add --no-cache git",
    "dnf clean all",
    "yum install -y httpd",
    "microdnf install shadow-utils",
    "bun install --frozen-lockfile",
    "gem install bundler",
    "bundler install",
    "dotnet restore",
    "go clean -modcache -cache",
    "cargo install --path .",
    "mvn -f app/pom.xml -o package",
]


def _corpus_dockerfiles(corpus: Path) -> Iterator[Path]:
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and "dockerfile" in path.name.lower():
            yield path


def _corpus_commands(corpus: Path) -> list[Command]:
    """Every simple command of every shell-form RUN in the corpus."""
    commands: list[Command] = []
    for path in _corpus_dockerfiles(corpus):
        try:
            tree = parse(path.read_text(encoding="utf-8", errors="replace"))
        except ParseError:
            continue
        for ins in tree.instructions:
            if ins.name != "run" or ins.json or not ins.args:
                continue
            commands.extend(parse_shell(ins.args).commands)
    return commands


def _tricky_commands() -> list[Command]:
    return [c for text in TRICKY for c in parse_shell(text).commands]


def _disagreements(commands: list[Command]) -> list[str]:
    found = []
    for context in CONTEXTS:
        for cmd in commands:
            new = recognise(cmd, **context)
            old = _reference_recognise(cmd, **context)
            if new != old:
                found.append(f"{cmd.words!r} in {context}: {new!r} != {old!r}")
    return found


# -- tests --------------------------------------------------------------------------------------


def test_corpus_run_commands_are_recognised_exactly_as_by_the_full_scan(corpus_dir: Path) -> None:
    commands = _corpus_commands(corpus_dir)
    recognised = [c for c in commands if _reference_recognise(c) is not None]
    # The comparison means something only over a real corpus with many package commands.
    assert len(commands) >= 300
    assert len(recognised) >= 200
    assert _disagreements(commands) == []


def test_tricky_commands_are_recognised_exactly_as_by_the_full_scan() -> None:
    commands = _tricky_commands()
    assert sum(_reference_recognise(c) is not None for c in commands) >= 60
    assert _disagreements(commands) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("uv", [("uv", ("uv", "pip")), ("uv", ("uv",))]),
        ("corepack", [("yarn", ("corepack", "yarn")), ("pnpm", ("corepack", "pnpm"))]),
        (
            "python3.12",
            [
                ("uv", ("python*", "-m", "uv", "pip")),
                ("pip", ("python*", "-m", "pip")),
                ("poetry", ("python*", "-m", "poetry")),
                ("pipenv", ("python*", "-m", "pipenv")),
            ],
        ),
        ("pip3.11", [("pip", ("pip3.*",))]),
        ("gradlew", [("gradle", ("gradlew",))]),
        ("ls", []),
        ("", []),
    ],
)
def test_candidates_keep_table_order_and_match_globs(name: str, expected: list) -> None:
    assert [(tool.tool, launcher) for tool, launcher in _candidates(name)] == expected


def test_every_launcher_is_reachable_through_the_index() -> None:
    for tool in TOOLS:
        for launcher in tool.launchers:
            head = launcher[0].replace("*", "x")
            assert (tool, launcher) in _candidates(head), launcher
