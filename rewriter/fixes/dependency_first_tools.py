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
``@angular/cli@17``), never a path, an archive, a URL or a VCS spec, nor the name of a package
folder the COPY brings (old npm and pip installed ``./pnpm`` for ``pnpm``), and no word may
hold a value dfopt does not know. The variables the tools read (``PIP_*``, ``PYTHON*``,
``npm_config_*``, ``YARN_*``, ``PNPM_*``, ``COREPACK_*``, ``NODE_*``, ``PATH``, TMPDIR, XDG
folders, CA bundles) must hold a known keyword, a URL or absolute paths away from the COPY's
destination and the WORKDIR. Node tools also read project files in the working directory
(``.npmrc``, ``.yarnrc``, ``.yarnrc.yml``, ``pnpm-workspace.yaml``, ``.pnpmfile.cjs``,
``.corepack.env``, package.json's ``packageManager``), which the broad COPY may bring: they
are accepted only when the build context shows that the copied folder has none, or that the
manifest COPY written for the install brings it too; yarn and pnpm, which may be corepack's
shims (auto-pin writes package.json), also need ``COREPACK_ENABLE_AUTO_PIN=0``. pip reads no
file from the working directory, but ``python -m pip`` imports from it first: the build
context must show that it holds no module named like one of Python's.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from rewriter.fixes.dependency_first_scan import is_within

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
#: File names npm, yarn and pip read as local archives (pip's ``ARCHIVE_EXTENSIONS``: zip,
#: bz2, xz/lzma and tar flavours).
_ARCHIVE = re.compile(
    r"\.(?:whl|zip|tgz|tar|tar\.gz|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma)$",
    re.IGNORECASE,
)
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
#: (``package.json``: once corepack is enabled, ``npm``/``pnpm``/``yarn`` are its shims, and
#: they run the version its ``packageManager`` names. Yarn 1.22 follows a ``.yarnrc.yml``'s
#: ``yarnPath``; pnpm reads settings from
#: ``pnpm-workspace.yaml`` and hooks from ``.pnpmfile.cjs``; corepack's shims and corepack
#: itself load ``.corepack.env``.)
NODE_CONFIGS = {
    "npm": (".npmrc", ".corepack.env", "package.json"),
    "pnpm": (".npmrc", "pnpm-workspace.yaml", ".pnpmfile.cjs", ".corepack.env", "package.json"),
    "yarn": (".yarnrc", ".yarnrc.yml", ".npmrc", ".corepack.env", "package.json"),
    "corepack": (".corepack.env",),
}
#: ``corepack`` subcommands that read no project file when given what to enable or prepare.
_COREPACK_SUBCOMMANDS = frozenset({"enable", "disable", "prepare", "install"})
#: The package managers ``corepack enable``/``disable`` take as operands.
_COREPACK_NAMES = frozenset({"npm", "pnpm", "yarn", "pnpx", "yarnpkg", "npx"})


#: Prefixes (upper-cased) of the variables npm, yarn, pnpm, corepack and Node read.
_NODE_PREFIXES = ("NPM_CONFIG_", "PNPM_CONFIG_", "YARN_", "PNPM_", "COREPACK_", "NODE_")
#: Variables every tool reads that name folders or files.
_SHARED_VARIABLES = frozenset(
    {
        "PATH", "HOME", "VIRTUAL_ENV", "TMPDIR", "TMP", "TEMP", "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    }
)  # fmt: skip
#: Variables whose absolute value ``_tool_trees_blocker`` checks as a place the tool writes.
_TREES_CHECKED = frozenset({"HOME", "VIRTUAL_ENV"})
#: Variables (upper-cased) known to hold a keyword, a number or a host, never a file.
_KEYWORD_VARIABLES = frozenset(
    {
        "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_ROOT_USER_ACTION",
        "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT", "PIP_RETRIES", "PIP_TRUSTED_HOST",
        "PIP_PROGRESS_BAR", "PIP_BREAK_SYSTEM_PACKAGES", "PIP_NO_INPUT", "PIP_PREFER_BINARY",
        "PIP_NO_COMPILE", "PIP_NO_WARN_SCRIPT_LOCATION", "PIP_NO_COLOR", "PIP_QUIET",
        "PIP_UPGRADE_STRATEGY", "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_PRE",
        "PIP_REQUIRE_VIRTUALENV", "PIP_USE_PEP517", "PIP_USER",
        "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONFAULTHANDLER", "PYTHONHASHSEED",
        "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONOPTIMIZE", "PYTHONWARNINGS", "PYTHONSAFEPATH",
        "PYTHONNOUSERSITE", "PYTHON_GET_PIP_SHA256",
        "NPM_CONFIG_LOGLEVEL", "NPM_CONFIG_UPDATE_NOTIFIER", "NPM_CONFIG_FUND",
        "NPM_CONFIG_AUDIT", "NPM_CONFIG_PROGRESS", "NPM_CONFIG_UNSAFE_PERM", "NPM_CONFIG_YES",
        "NPM_CONFIG_COLOR", "NPM_CONFIG_FETCH_RETRIES", "NPM_CONFIG_FETCH_RETRY_MINTIMEOUT",
        "NPM_CONFIG_FETCH_RETRY_MAXTIMEOUT", "NPM_CONFIG_FETCH_TIMEOUT",
        "NPM_CONFIG_MAXSOCKETS", "NPM_CONFIG_STRICT_SSL", "NPM_CONFIG_LEGACY_PEER_DEPS",
        "NPM_CONFIG_IGNORE_SCRIPTS", "NPM_CONFIG_ENGINE_STRICT", "NODE_ENV",
        "NODE_NO_WARNINGS", "NODE_TLS_REJECT_UNAUTHORIZED", "NODE_PENDING_DEPRECATION",
        "COREPACK_ENABLE_DOWNLOAD_PROMPT", "COREPACK_DEFAULT_TO_LATEST",
        "COREPACK_ENABLE_STRICT", "COREPACK_ENABLE_NETWORK", "COREPACK_ENABLE_AUTO_PIN",
    }
)  # fmt: skip
#: ``NODE_OPTIONS`` flags that name no file (``--require``/``--import``/``--env-file`` do).
_NODE_OPTION = re.compile(
    r"--(?:max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|stack[-_]trace[-_]limit"
    r"|max[-_]http[-_]header[-_]size|dns[-_]result[-_]order|unhandled[-_]rejections)"
    r"=[A-Za-z0-9_-]+"
    r"|--(?:enable-source-maps|no-warnings|no-deprecation|openssl-legacy-provider"
    r"|use-openssl-ca|use-bundled-ca|trace-warnings|trace-deprecation)"
)
#: Subcommands of the tools, never package names.
_SUBCOMMANDS = frozenset({"install", "i", "add", "global"})
#: The package name at the start of an operand (``pnpm`` of ``pnpm@9``, ``@a/b`` of
#: ``@a/b@1``, ``flask`` of ``flask[async]>=3``).
_NODE_NAME = re.compile(r"@?[^@]+")
_PIP_NAME = re.compile(r"[A-Za-z0-9._-]+")
#: Modules ``python -m pip`` may import from the working directory instead of Python's own:
#: the standard library's top-level modules, pip itself and the startup hooks.
_SHADOWED = tuple(sorted({*sys.stdlib_module_names, "pip", "sitecustomize", "usercustomize"}))


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
    protected: tuple[str, ...] = (),
) -> str | None:
    """None when ``command`` (one ``is_tool_command`` accepts) only installs tools from a
    registry without reading the copied sources; else why it may read them.

    ``env`` is the environment of the RUN (None: a value dfopt does not know), to which the
    command's ``NAME=value`` prefixes and what earlier commands of its script set are added;
    ``moved(name)`` says whether the project file ``name`` would no longer reach the command
    once the broad COPY moves below it (None: not known); ``protected`` are the COPY's
    destination and the WORKDIR, where no variable the tool reads may point."""
    script = _set_by_script(command)
    if "PATH" in script and script["PATH"] is None:
        return f"`{text}` runs with a PATH its script sets to a value dfopt does not know"
    env = {**env, **script}
    values = [w.value for w in command.words]
    if any(v is None for v in values):
        return f"`{text}` uses a word whose value dfopt does not know"
    argv: list[str] = [v for v in values if v is not None]
    python = command.name != "corepack" and (
        argv[0].rpartition("/")[2].startswith("pip") or argv[1:2] == ["-m"]
    )
    reason = environment_blocker("python" if python else "node", text, env, protected)
    if reason is not None:
        return reason
    if command.name == "corepack":
        reason = _corepack_blocker(argv[1:], text)
        return reason or _config_blocker("corepack", text, moved)
    if python:
        args = argv[3:] if argv[1:2] == ["-m"] else argv[1:]
        reason = _pip_blocker(args, text, env)
        if reason is None and argv[1:2] == ["-m"]:  # it puts the WORKDIR first on sys.path
            reason = module_blocker(text, moved)
        return reason or _folder_blocker("python", args, text, moved)
    tool = command.name or ""
    return (
        _node_blocker(tool, argv[1:], text)
        or _config_blocker(tool, text, moved)
        or _folder_blocker("node", argv[1:], text, moved)
        or _pin_blocker(tool, text, env)
    )


def _pin_blocker(tool: str, text: str, env: Mapping[str, str | None]) -> str | None:
    """Why ``yarn``/``pnpm`` may write the project's package.json: once corepack is enabled
    they are its shims, and corepack 0.26 to 0.32 adds a ``packageManager`` field to a
    package.json without one on any command (auto-pin). The manifest COPY's package.json
    would get it, and the broad COPY, now below, would put the context's back: only
    ``COREPACK_ENABLE_AUTO_PIN=0`` rules that out."""
    if tool in ("yarn", "pnpm") and env.get("COREPACK_ENABLE_AUTO_PIN") != "0":
        return (
            f"`{text}` may run as corepack's shim, which adds a packageManager field to the"
            " project's package.json (COREPACK_ENABLE_AUTO_PIN=0 turns that off)"
        )
    return None


def _folder_blocker(
    kind: str, args: list[str], text: str, moved: Callable[[str], bool | None]
) -> str | None:
    """Why a registry name may be read as the project folder of that name: npm before 5
    (``realize-package-specifier``) and early pip installed ``./pnpm`` for ``pnpm`` when such
    a folder existed. Checked when the build context shows the COPY brings a package folder
    (``NAME/package.json``, ``NAME/setup.py``, ``NAME/pyproject.toml``) named like an operand;
    without a context pip's names pass (pip reads a bare name as a path only with a slash)."""
    markers = ("package.json",) if kind == "node" else ("setup.py", "pyproject.toml")
    for arg in args:
        if arg.startswith("-") or arg in _SUBCOMMANDS:
            continue
        found = _NODE_NAME.match(arg) if kind == "node" else _PIP_NAME.match(arg)
        name = found.group() if found is not None else arg
        for marker in markers:
            if moved(f"{name}/{marker}"):
                return f"`{text}` names `{name}`, and the COPY brings a folder {name}/{marker}"
    return None


def _config_blocker(tool: str, text: str, moved: Callable[[str], bool | None]) -> str | None:
    """Why a project config file the Node tool reads in its working directory may differ once
    the broad COPY moves below it (only the manifest COPY's files reach it then)."""
    for name in NODE_CONFIGS[tool]:
        lost = moved(name)
        if lost is None:
            return f"`{text}` may read a project {name}, and dfopt has no build context to check"
        if lost:
            return f"`{text}` reads the project's {name}, which would arrive only after it"
    return None


def module_blocker(text: str, moved: Callable[[str], bool | None]) -> str | None:
    """Why Python may import a module of the copied folder instead of the standard library's
    or pip's own (``python -m`` puts the working directory first on ``sys.path``, so a
    project's ``token.py``, ``logging/`` or ``pip/`` would be imported by pip).

    Checked by name against the modules of the standard library as this Python knows it, in
    the forms Python imports from a folder (``.py``, ``.pyc``, a package's ``__init__``);
    without the build context nothing can be checked."""
    for name in _SHADOWED:
        for form in (".py", ".pyc", "/__init__.py", "/__init__.pyc", ".so", ".abi3.so"):
            lost = moved(name + form)
            if lost is None:
                return (
                    f"`{text}` imports from the working directory first, and dfopt has no"
                    " build context to check it holds no module pip imports"
                )
            if lost:
                return f"`{text}` would import the project's {name}{form} instead of Python's"
    return None


def environment_blocker(
    kind: str, text: str, env: Mapping[str, str | None], protected: tuple[str, ...]
) -> str | None:
    """Why a variable the tool reads (``kind``: ``python`` for pip, ``node`` for npm, yarn,
    pnpm and corepack) may name a file of the working directory or one the COPY brings: a
    value dfopt does not know, a relative path, or a path into ``protected``.

    Why a list and not every variable: pip reads ``PIP_*`` and Python ``PYTHON*``; npm, yarn
    and pnpm read ``npm_config_*`` (any case), ``YARN_*``, ``PNPM_*`` and
    ``pnpm_config_*``; corepack ``COREPACK_*``; Node ``NODE_*`` (``NODE_OPTIONS=--require
    ./hook.js`` runs a file); all of them TMPDIR, XDG folders and CA bundles. A variable
    known to hold a keyword (``PIP_NO_CACHE_DIR=1``, ``npm_config_loglevel=warn``) passes;
    any other must hold an http(s) URL or absolute paths away from ``protected``."""
    for name, value in env.items():
        upper = name.upper()
        if not _read_by(kind, upper, name):
            continue
        if upper.endswith("_VERSION") and upper != "PIP_VERSION":
            continue  # the images' own NODE_VERSION, YARN_VERSION, PYTHON_VERSION
        if upper in _PIP_FILE_VARIABLES:
            return f"`{text}` runs with {name} set, which may name a file"
        if upper in _PIP_INDEX_VARIABLES:
            continue  # see _pip_blocker
        if name == "PATH":
            reason = _path_variable_blocker(text, value, protected)
        elif value is None or "$" in value:
            reason = f"`{text}` runs with {name} set to a value dfopt does not know"
        elif _REMOTE.match(value) or name in _TREES_CHECKED:
            reason = None  # a URL; HOME and VIRTUAL_ENV: see _tool_trees_blocker
        elif upper in _KEYWORD_VARIABLES:
            reason = None if "/" not in value else f"`{text}` runs with {name}={value}"
        elif upper == "NODE_OPTIONS":
            reason = _node_options_blocker(text, value)
        else:
            reason = _paths_blocker(text, name, value, protected)
        if reason is not None:
            return reason
    return None


def _read_by(kind: str, upper: str, name: str) -> bool:
    """Whether the tools of ``kind`` read the variable ``name`` (``upper``: upper-cased)."""
    if name in _SHARED_VARIABLES:
        return True
    if kind == "python":
        return upper.startswith(("PIP_", "PYTHON"))
    return upper.startswith(_NODE_PREFIXES)


def _path_variable_blocker(text: str, value: str | None, protected: tuple[str, ...]) -> str | None:
    """Why the PATH may find the tool in the working directory or where the COPY writes: an
    empty or relative entry, one dfopt does not know (``$PATH``, the image's own, is taken as
    absolute), or one under the COPY's destination (``/app/.venv/bin``)."""
    if value is None:
        return None  # the image's PATH, as it comes (a script's unknown PATH: see the caller)
    for entry in value.split(":"):
        if entry in ("$PATH", "${PATH}"):
            continue
        if "$" in entry:
            return f"`{text}` runs with a PATH entry `{entry}` dfopt does not know"
        if not entry.startswith("/"):
            return f"`{text}` runs with the PATH entry `{entry}`, which is in the working directory"
        path = posixpath.normpath(entry)
        for folder in protected:
            if is_within(path, folder) or is_within(folder, path):
                where = f"the COPY or WORKDIR is {folder}"
                return f"`{text}` runs with the PATH entry {entry}, and {where}"
    return None


def _paths_blocker(text: str, name: str, value: str, protected: tuple[str, ...]) -> str | None:
    """Why a variable naming files or folders (a ``:``-list for ``PYTHONPATH``/``NODE_PATH``)
    may name one of the working directory or where the COPY writes."""
    for entry in value.split(":") if name.endswith("PATH") else [value]:
        if not entry.startswith("/"):
            return (
                f"`{text}` runs with {name}={value}, which may name a file in the working directory"
            )
        path = posixpath.normpath(entry)
        for folder in protected:
            if is_within(path, folder) or is_within(folder, path):
                return f"`{text}` runs with {name}={value}, and the COPY or WORKDIR is {folder}"
    return None


def _node_options_blocker(text: str, value: str) -> str | None:
    """Why ``NODE_OPTIONS`` may make Node load a file (``--require``, ``--import``,
    ``--env-file``...): only flags known to name none pass."""
    for word in value.split():
        if _NODE_OPTION.fullmatch(word) is None:
            return f"`{text}` runs with NODE_OPTIONS holding `{word}`, which may name a file"
    return None


def _set_by_script(command: Any) -> dict[str, str | None]:
    """Variables the command's prefixes or its script's earlier commands set (or may set),
    with their values (None: not known)."""
    names: dict[str, str | None] = {name: value for name, _status, value in command.variables}
    for word in command.assignments:
        name, _eq, value = (word.value or word.raw).partition("=")
        names[name] = value if word.value is not None else None
    return names


def _pip_blocker(args: list[str], text: str, env: Mapping[str, str | None]) -> str | None:
    """``pip install`` of registry names only, with options that name no file."""
    for name in _PIP_FILE_VARIABLES & env.keys():
        return f"`{text}` runs with {name} set, which may name a file"
    for name in _PIP_INDEX_VARIABLES & env.keys():  # (pip splits a list on whitespace)
        value = env[name]
        if value is None or not all(_REMOTE.match(url) for url in value.split()):
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
