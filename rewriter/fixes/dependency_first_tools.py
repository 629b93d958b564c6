"""Whether a RUN command between the broad COPY and the install only installs a tool.

Why: the commonest Python Dockerfile is ``COPY . .``, ``RUN pip install --upgrade pip``, ``RUN
pip install -r requirements.txt``, and its Node counterparts put ``npm install -g pnpm``, ``yarn
global add @vue/cli`` or ``corepack enable`` in the same place. Such a command installs a tool
from a package registry into the image's system folders and reads nothing the COPY brings, so
it may stay where it is (between the manifest COPY and the install) while the broad COPY moves
below the install, and DF101's rewrite can go ahead.

Why it is so strict: the command must provably not read the sources. So every option must be
one known to name no file (``-r``, ``-c``, ``-e``, ``--find-links``, ``--target``, ``--prefix``
and anything unknown refuse), every operand must be a registry name (``pip``, ``poetry==1.8.3``,
``@angular/cli@17``), never a path, an archive, a URL or a VCS spec, and no word may hold a
value dfopt does not know. Node tools also read the project's ``.npmrc``/``.yarnrc`` in the
working directory, which the broad COPY may bring: they are accepted only when the build
context shows that the copied folder has none, or that the manifest COPY written for the
install brings it too (npm's, pnpm's and Yarn 1's installs read their ``.npmrc`` as well). pip
reads no file from the working directory, except through ``PIP_*`` variables naming files,
which refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

#: The programs this module judges (``Command.name``, the first word's basename).
TOOL_NAMES = frozenset({"pip", "pip3", "npm", "yarn", "pnpm", "corepack"})
#: ``python -m pip``: interpreters that may run pip as a module.
_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)?)?")
#: ``PIP_*`` variables and options that name an index: a local folder may serve as one, so
#: only an http(s) URL is known to read no file.
_PIP_INDEX_VARIABLES = frozenset({"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"})
_URL_OPTIONS = frozenset({"-i", "--index-url", "--extra-index-url", "--registry"})
_REMOTE = re.compile(r"https?://", re.IGNORECASE)
#: pip options that take no value and name no file.
_PIP_FLAGS = frozenset(
    {
        "-U", "--upgrade", "--no-cache-dir", "-q", "--quiet", "-v", "--verbose", "--no-deps",
        "--pre", "--force-reinstall", "-I", "--ignore-installed", "--no-compile",
        "--no-warn-script-location", "--no-warn-conflicts", "--disable-pip-version-check",
        "--prefer-binary", "--break-system-packages", "--no-input", "--no-color",
        "--isolated", "--no-build-isolation", "--use-pep517",
    }
)  # fmt: skip
#: pip options whose value is a URL, a host, a number or a keyword: never a local file.
_PIP_VALUES = _URL_OPTIONS | frozenset(
    {
        "--trusted-host", "--upgrade-strategy",
        "--root-user-action", "--progress-bar", "--only-binary", "--no-binary", "--timeout",
        "--retries", "--default-timeout", "--platform", "--python-version",
        "--implementation", "--abi",
    }
)  # fmt: skip
#: ``PIP_*`` variables that make pip read a file (a relative one from the working directory).
_PIP_FILE_VARIABLES = frozenset(
    {
        "PIP_REQUIREMENT", "PIP_CONSTRAINT", "PIP_FIND_LINKS", "PIP_CONFIG_FILE",
        "PIP_EDITABLE", "PIP_SRC", "PIP_TARGET", "PIP_PREFIX", "PIP_ROOT",
    }
)  # fmt: skip
#: A requirement pip reads as a registry name: a name, extras, version specifiers. (pip reads
#: a bare name as a path only when it has a slash, starts with a dot or is an archive name.)
_PIP_SPEC = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
    r"(?:\[[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*\])?"
    r"(?:(?:===|==|>=|<=|~=|!=|>|<)[A-Za-z0-9.*+!_-]+"
    r"(?:,(?:===|==|>=|<=|~=|!=|>|<)[A-Za-z0-9.*+!_-]+)*)?"
)
#: An npm registry spec: ``name``, ``@scope/name``, with an optional ``@version|tag|range``.
_NODE_SPEC = re.compile(
    r"(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*(?:@[A-Za-z0-9.^~<>=*|+_-]+)?"
)
#: File names npm, yarn and pip read as local archives.
_ARCHIVE = re.compile(r"\.(?:whl|zip|tgz|tar|tar\.gz|tar\.bz2|tbz|tar\.xz|txz)$", re.IGNORECASE)
#: Global-install flags of npm and pnpm.
_NODE_GLOBAL = frozenset({"-g", "--global", "--location=global"})
#: npm/yarn/pnpm options that take no value and name no file.
_NODE_FLAGS = frozenset(
    {
        "--no-fund", "--no-audit", "--silent", "--quiet", "-q", "--force", "--unsafe-perm",
        "--no-update-notifier", "--no-progress", "--non-interactive", "--ignore-scripts",
        "--ignore-engines", "--prefer-offline", "--no-save", "--loglevel=silent",
        "--loglevel=error", "--loglevel=warn", "--loglevel=info", "--loglevel=verbose",
    }
)  # fmt: skip
#: The project config files a Node tool reads in its working directory.
NODE_CONFIGS = {"npm": (".npmrc",), "pnpm": (".npmrc",), "yarn": (".yarnrc", ".npmrc")}
#: ``corepack`` subcommands that read no project file when given what to enable or prepare.
_COREPACK_SUBCOMMANDS = frozenset({"enable", "disable", "prepare", "install"})
#: The package managers ``corepack enable``/``disable`` take as operands.
_COREPACK_NAMES = frozenset({"npm", "pnpm", "yarn", "pnpx", "yarnpkg", "npx"})


def is_tool_command(command: Any) -> bool:
    """Whether ``tool_install_blocker`` judges ``command`` (a pip, npm, yarn, pnpm or corepack
    call, ``python -m pip`` included); cheap, asked of every command between the two steps."""
    name = command.name
    if name in TOOL_NAMES or (name is not None and re.fullmatch(r"pip\d+(?:\.\d+)?", name)):
        return True
    words = command.words
    return (
        name is not None
        and _PYTHON.fullmatch(name) is not None
        and len(words) > 2
        and words[1].value == "-m"
        and words[2].value in ("pip", "pip3")
    )


def tool_install_blocker(
    command: Any,
    text: str,
    env: Mapping[str, str | None],
    moved: Callable[[str], bool | None],
) -> str | None:
    """None when ``command`` (one ``is_tool_command`` accepts) only installs tools from a
    registry without reading the copied sources; else why it may read them.

    ``env`` is the environment of the RUN (None: a value dfopt does not know), to which the
    command's ``NAME=value`` prefixes and what earlier commands of its script set are added
    (with unknown values); ``moved(name)`` says whether the project file ``name`` would no
    longer reach the command once the broad COPY moves below it (None: not known)."""
    env = {**env, **dict.fromkeys(_set_by_script(command))}
    values = [w.value for w in command.words]
    if any(v is None for v in values):
        return f"`{text}` uses a word whose value dfopt does not know"
    argv: list[str] = [v for v in values if v is not None]
    if command.name == "corepack":
        return _corepack_blocker(argv[1:], text)
    if argv[0].rpartition("/")[2].startswith("pip") or argv[1:2] == ["-m"]:
        rest = argv[3:] if argv[1:2] == ["-m"] else argv[1:]
        return _pip_blocker(rest, text, env)
    tool = command.name or ""
    reason = _node_blocker(tool, argv[1:], text)
    if reason is not None:
        return reason
    for name in NODE_CONFIGS[tool]:
        lost = moved(name)
        if lost is None:
            return f"`{text}` may read a project {name}, and dfopt has no build context to check"
        if lost:
            return f"`{text}` reads the project's {name}, which would arrive only after it"
    return None


def _set_by_script(command: Any) -> list[str]:
    """Variables the command's prefixes or its script's earlier commands set (or may set)."""
    names = [name for name, _status, _value in command.variables]
    names += [w.raw.partition("=")[0] for w in command.assignments]
    return names


def _pip_blocker(args: list[str], text: str, env: Mapping[str, str | None]) -> str | None:
    """``pip install`` of registry names only, with options that name no file."""
    for name in _PIP_FILE_VARIABLES & env.keys():
        return f"`{text}` runs with {name} set, which may name a file"
    for name in _PIP_INDEX_VARIABLES & env.keys():
        if not _REMOTE.match(env[name] or ""):
            return f"`{text}` runs with {name} set to what may be a local folder"
    operands = _operands(args, _PIP_FLAGS, _PIP_VALUES)
    if isinstance(operands, str):
        return f"`{text}` {operands}"
    if not operands or operands[0] != "install":
        return f"`{text}` is not a `pip install` of registry packages"
    specs = operands[1:]
    if not specs:
        return f"`{text}` installs nothing dfopt can name"
    for spec in specs:
        if _ARCHIVE.search(spec) or _PIP_SPEC.fullmatch(spec) is None:
            return f"`{text}` installs `{spec}`, which may be a local file or folder"
    return None


def _node_blocker(tool: str, args: list[str], text: str) -> str | None:
    """A global install (``npm install -g``, ``pnpm add -g``, ``yarn global add``) of registry
    names only."""
    is_global = any(a in _NODE_GLOBAL for a in args) and tool in ("npm", "pnpm")
    rest = [a for a in args if a not in _NODE_GLOBAL]
    operands = _operands(rest, _NODE_FLAGS, frozenset({"--registry"}))
    if isinstance(operands, str):
        return f"`{text}` {operands}"
    if tool == "yarn":
        is_global, operands = operands[:2] == ["global", "add"], operands[2:]
    elif operands and operands[0] in ("install", "i", "add"):
        operands = operands[1:]
    else:
        is_global = False
    if not is_global:
        return f"`{text}` is not a global install of registry packages"
    if not operands:
        return f"`{text}` installs nothing dfopt can name"
    for spec in operands:
        if _ARCHIVE.search(spec) or _NODE_SPEC.fullmatch(spec) is None:
            return f"`{text}` installs `{spec}`, which may be a local folder, file or git spec"
    return None


def _corepack_blocker(args: list[str], text: str) -> str | None:
    """``corepack enable [npm|pnpm|yarn]`` and ``corepack prepare|install -g NAME@VERSION``:
    without a package manager named, ``prepare``/``install`` read package.json."""
    if not args or args[0] not in _COREPACK_SUBCOMMANDS:
        return f"`{text}` is not a corepack command dfopt knows"
    operands = [a for a in args[1:] if a not in ("--activate", "-g", "--global")]
    if any(a.startswith("-") for a in operands):
        return f"`{text}` has an option dfopt does not know"
    if args[0] in ("enable", "disable"):
        if all(a in _COREPACK_NAMES for a in operands):
            return None
        return f"`{text}` names something other than a package manager"
    if not operands:
        return f"`{text}` reads the package manager from the project's package.json"
    for spec in operands:
        name = spec.partition("@")[0]
        if name not in _COREPACK_NAMES or _NODE_SPEC.fullmatch(spec) is None:
            return f"`{text}` prepares `{spec}`, which may be a local archive"
    return None


def _operands(args: list[str], flags: frozenset[str], valued: frozenset[str]) -> list[str] | str:
    """The operands of ``args`` once known options are set aside, or why an option refuses
    (one that may name a file, or one dfopt does not know)."""
    operands: list[str] = []
    k = 0
    while k < len(args):
        arg = args[k]
        k += 1
        if arg == "--":
            operands.extend(args[k:])
            break
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if arg in flags:
            continue
        if name in valued:
            if not eq:
                value = args[k] if k < len(args) else ""
                k += 1  # the value: a URL, host, number or keyword
            if name in _URL_OPTIONS and not _REMOTE.match(value):
                return f"has `{name} {value}`, which may be a local folder"
            continue
        return f"has the option `{arg}`, which dfopt does not know to name no file"
    return operands
