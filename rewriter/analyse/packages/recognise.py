"""Interpret the tool table (``specs.py``) for one parsed shell command.

Why this split: ``specs.py`` says *what* each tool does; this module only knows *how* to read a
command line (wrappers such as ``sudo``/``env``, options that take values, subcommands of one or
more words, goal lists) and how to turn the table into absolute cache paths for the image's
HOME, USER and environment. A cleanup that is not a package manager (``rm -rf`` of a cache
folder) is recognised by comparing its paths with every cache the table knows.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from rewriter.analyse.shell.model import Command, Word

from .model import (
    BUILD,
    CLEANUP,
    DEPENDENCY_INSTALL,
    DOWNLOAD,
    OTHER,
    CacheDefeater,
    PackageAction,
)
from .specs import EXTRA_CLEANUP_PATHS, SCRIPT_SHELLS, TOOLS, WRAPPERS, Cache, Sub, Tool

_KIND_STRENGTH = {BUILD: 4, DOWNLOAD: 3, DEPENDENCY_INSTALL: 2, CLEANUP: 1, OTHER: 0}
_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_GLOBAL_FLAGS = frozenset({"-g", "--global"})
_NO_FLAGS: frozenset[str] = frozenset()
_PYTHON_PROJECT = ("pyproject.toml", "setup.py", "setup.cfg")


class _Option:
    """One option as written: ``--cache-dir=/x`` or ``-r req.txt`` (value from the next word).

    A plain class rather than a frozen dataclass: one is built for every option of every
    recognised command, and nothing compares or hashes them.
    """

    __slots__ = ("name", "value", "value_word", "word")

    def __init__(self, name: str, value: str | None, word: Word, value_word: Word | None):
        self.name = name
        self.value = value
        self.word = word
        self.value_word = value_word


def recognise(
    cmd: Command,
    *,
    env: Mapping[str, str] | None = None,
    home: str = "/root",
    user: str = "root",
    workdir: str = "/",
) -> PackageAction | None:
    """Recognise a package-manager or cache-cleanup command, or return None.

    ``env`` is the stage's environment (ENV and ARG values known at this RUN), ``home`` and
    ``user`` those of the image user running it, ``workdir`` the WORKDIR in effect. What
    earlier commands of the script exported, set or unset (``cmd.variables``) is applied to
    ``env`` here, so every caller sees the command's real environment.
    """
    if not cmd.known or not cmd.words:
        return None
    words: Sequence[Word] = cmd.words
    first = words[0].value
    if first is None:
        return None  # a name dfopt cannot read (``$PIP install``): no wrapper, no tool
    name = first.rpartition("/")[2]
    if name in _UNWRAPPED:
        words, prefix_words = _unwrap(list(words), list(cmd.assignments))
        if not words:
            return None
        first = words[0].value
        if first is None:
            return None
        name = first.rpartition("/")[2]
    else:
        prefix_words = cmd.assignments  # what ``_unwrap`` returns for a command it leaves alone
    candidates = _candidates(name)
    if not candidates and name != "rm":
        return None  # most commands: decided before the environment is looked at
    if cmd.variables:
        env = script_environment(env or {}, env or {}, cmd.variables)
    if prefix_words:
        env = dict(env or {})
        for word in prefix_words:
            name, _, _ = word.raw.partition("=")
            if word.value is not None:
                env[name] = word.value.partition("=")[2]
            else:
                env.pop(name, None)
    elif env is None:
        env = {}
    directory = _directory(cmd.cwd, home, workdir)
    for tool, launcher in candidates:
        if _launched(words, launcher):
            return _recognise_tool(
                tool, cmd, words[len(launcher) :], prefix_words, env, home, user, directory
            )
    if first.rpartition("/")[2] == "rm":
        return _recognise_rm(cmd, words[1:], env, home, user, directory)
    return None


def script_environment(
    env: Mapping[str, str],
    inherited: Mapping[str, object],
    variables: tuple[tuple[str, str, str | None], ...],
) -> dict[str, str]:
    """The environment of a command when earlier commands of its script set, exported or
    unset ``variables`` (``Command.variables``): ``env`` is the environment the script
    started with (known values only), ``inherited`` names the variables it got (a shell
    assignment to one of those changes the environment: the shell got it exported).

    A variable whose value is not known after the script (``export A=$(pwd)``, an export in
    an ``if``) is not dropped, which would make the tool's default cache folder look right:
    a cache location variable gets the text ``${NAME}`` so the cache folder shows that it
    cannot be resolved, as the folder from ``ENV PIP_CACHE_DIR=$UNKNOWN`` does (``$`` in the
    path). Other unknown variables (``PIP_NO_CACHE_DIR``...) are left out rather than read
    as set.
    """
    from rewriter.analyse.shell.variables import environment

    out: dict[str, str] = {}
    for name, value in environment(variables, env, inherited).items():
        if value is not None:
            out[name] = value
        elif name in _CACHE_VARIABLE_SET:
            out[name] = "${" + name + "}"
    return out


def recognises_name(name: str) -> bool:
    """False when :func:`recognise` returns None for every command whose first word's
    basename is ``name``, whatever its arguments and environment: no wrapper (``sudo``...),
    no launcher of a tool, not ``rm``. Callers skip most commands (``echo``, ``mkdir``) with
    it before building recognise's arguments."""
    return name in _UNWRAPPED or name == "rm" or bool(_candidates(name))


def cache_dir(
    cache: Cache,
    *,
    env: Mapping[str, str],
    home: str,
    user: str,
    directory: str | None = None,
    options: Sequence[_Option] = (),
) -> str | None:
    """The absolute directory of ``cache`` (None when it is relative and cwd is unknown).

    A path that starts with a variable dfopt cannot resolve (``${CACHE}/pip``) is returned as
    it is: it may well be absolute once the variable is set, so joining it to the working
    directory would show users a folder (``/${CACHE}/pip``) that the build never uses.
    """
    path = _cache_location(cache, env, user, options)
    path = _expand_home(path, home)
    if path.startswith("$"):
        return path
    if not path.startswith("/"):
        if directory is None:
            return None
        path = posixpath.join(directory, path)
    return posixpath.normpath(path)


# -- reading the command line -----------------------------------------------------------------


def _basename(path: str) -> str:
    """``posixpath.basename`` for a str, without its generic-path overhead."""
    return path.rpartition("/")[2]


def _unwrap(words: list[Word], prefixes: list[Word]) -> tuple[list[Word], list[Word]]:
    """Drop ``sudo``/``env``/``exec``... in front of the real command; collect ``A=b`` words.

    A shell running a script file (``sh ./mvnw package``) is dropped too: the script is the
    command (see ``SCRIPT_SHELLS``).
    """
    prefixes = list(prefixes)
    while words:
        name = _basename(words[0].value or "")
        if name in SCRIPT_SHELLS:
            script_at = _script_operand(words, SCRIPT_SHELLS[name])
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


#: First words ``_unwrap`` may drop: any other command is its own first word, with its
#: assignments as the prefix words.
_UNWRAPPED = frozenset(WRAPPERS) | frozenset(SCRIPT_SHELLS)


def _script_operand(words: list[Word], value_options: frozenset[str]) -> int | None:
    """Index of the script file a shell runs (``sh -e ./gradlew build`` -> 2), or None when it
    runs no file: ``-c``/``-s``, nothing after the options, or a word dfopt cannot read."""
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


def _launched(words: list[Word], launcher: tuple[str, ...]) -> bool:
    """Whether ``words`` start with ``launcher`` past its first part (``-m pip``), which
    ``_candidates`` has already matched against the command's basename (``words`` is never
    empty)."""
    if len(launcher) == 1:
        return True  # the first part is all there is, and it matched
    if len(words) < len(launcher):
        return False
    return all(w.value == part for w, part in zip(words[1:], launcher[1:], strict=False))


# -- which tools a command name can launch ----------------------------------------------------


def _build_launcher_index() -> tuple[
    dict[str, list[tuple[int, Tool, tuple[str, ...]]]],
    tuple[tuple[int, str, Tool, tuple[str, ...]], ...],
]:
    """Every launcher of ``TOOLS``, numbered in table order, split by its first part: a plain
    name (``npm``, ``uv``, ``corepack``) is a dict key; a glob (``python*``, ``pip3.*``) is kept
    in a short list that ``_candidates`` matches once per new basename.

    Why the numbers: the table's order decides between launchers that both match (``uv pip``
    before ``uv``), so candidates are handed out in that order.
    """
    exact: dict[str, list[tuple[int, Tool, tuple[str, ...]]]] = {}
    globs: list[tuple[int, str, Tool, tuple[str, ...]]] = []
    order = 0
    for tool in TOOLS:
        for launcher in tool.launchers:
            head = launcher[0]
            if any(ch in head for ch in "*?["):
                globs.append((order, head, tool, launcher))
            else:
                exact.setdefault(head, []).append((order, tool, launcher))
            order += 1
    return exact, tuple(globs)


_EXACT_LAUNCHERS, _GLOB_LAUNCHERS = _build_launcher_index()


@lru_cache(maxsize=4096)
def _candidates(name: str) -> tuple[tuple[Tool, tuple[str, ...]], ...]:
    """The (tool, launcher) pairs whose first part matches the command basename ``name``, in
    table order. Cached: a corpus calls a few dozen distinct commands thousands of times, so
    each name pays for the glob patterns once and every later command only checks the
    launchers it can start (usually none or one)."""
    found = [(order, tool, launcher) for order, tool, launcher in _EXACT_LAUNCHERS.get(name, ())]
    found.extend(
        (order, tool, launcher)
        for order, pattern, tool, launcher in _GLOB_LAUNCHERS
        if fnmatch.fnmatchcase(name, pattern)
    )
    found.sort(key=lambda item: item[0])
    return tuple((tool, launcher) for _, tool, launcher in found)


def _scan(
    words: list[Word], value_options: frozenset[str], single_dash_long: bool = False
) -> tuple[list[Word], list[_Option]]:
    """Split arguments into positionals and options, pairing options with their values.

    With ``single_dash_long`` (go, maven, gradle) ``-modcache`` is one option, not ``-m -o ...``.
    """
    positionals: list[Word] = []
    options: list[_Option] = []
    k = 0
    while k < len(words):
        word = words[k]
        value = word.value
        k += 1
        if value is None or not value.startswith("-") or value == "-":
            positionals.append(word)
            continue
        if value == "--":
            positionals.extend(words[k:])
            break
        if value.startswith("--") or single_dash_long:
            name, eq, attached = value.partition("=")
            if eq and (value.startswith("--") or name in value_options):
                options.append(_Option(name, attached, word, None))
                continue
        else:
            name = value[:2]
            attached = value[2:]
            if attached and name in value_options:
                options.append(_Option(name, attached.removeprefix("="), word, None))
                continue
            if attached and not value[1:].isalpha():  # -Dkey=value, -Xmx1g: a flag of its own
                options.append(_Option(value, None, word, None))
                continue
            if attached:  # combined short flags: -yq
                options.extend(_Option("-" + ch, None, word, None) for ch in value[1:])
                continue
        if value in value_options and k < len(words):
            options.append(_Option(value, words[k].value, word, words[k]))
            k += 1
        else:
            options.append(_Option(value, None, word, None))
    return positionals, options


def _subcommand(tool: Tool, positionals: list[Word]) -> tuple[str | None, Sub | None, int]:
    """Return (name, spec, number of positionals it used)."""
    values = [w.value for w in positionals]
    if tool.goals:
        best: tuple[str | None, Sub | None] = (None, None)
        for value in values:
            sub = tool.subcommands.get(value or "")
            if sub and (best[1] is None or _KIND_STRENGTH[sub.kind] > _KIND_STRENGTH[best[1].kind]):
                best = (value, sub)
        return best[0], best[1], len(values)
    for size in _SUBCOMMAND_SIZES.get(id(tool)) or (3, 2, 1):
        if size == 1:  # the common case, without building a one-word key
            first = values[0] if values else None
            if first is not None and first in tool.subcommands:
                return first, tool.subcommands[first], 1
            continue
        if len(values) >= size:
            head = values[:size]
            if None in head:
                continue
            key = " ".join(head)  # type: ignore[arg-type]
            if key in tool.subcommands:
                return key, tool.subcommands[key], size
    if not values and tool.default_sub:
        return tool.default_sub, tool.subcommands[tool.default_sub], 0
    return values[0] if values else None, None, min(1, len(values))


def _subcommand_sizes(tool: Tool) -> tuple[int, ...]:
    """The word counts (3, 2 or 1, longest first) of ``tool``'s subcommand names: a key of
    another length can never match, so ``_subcommand`` does not build it (apt-get has only
    one-word subcommands)."""
    sizes = {len(key.split(" ")) for key in tool.subcommands}
    return tuple(size for size in (3, 2, 1) if size in sizes)


#: ``_subcommand_sizes`` of each table tool, by ``id`` (the table's tools live as long as the
#: module; a tool from elsewhere tries every size).
_SUBCOMMAND_SIZES: dict[int, tuple[int, ...]] = {
    id(tool): _subcommand_sizes(tool) for tool in TOOLS
}


def _fixed_dir(cache: Cache) -> str | None:
    """The directory of a cache nothing can move (no flag, variable or root default, and an
    absolute default, as apt's ``/var/cache/apt``), else None: ``cache_dir`` of such a cache
    is its normalised default whatever the environment, HOME, user, directory or options."""
    if cache.flags or cache.env or cache.env_options or cache.root_default is not None:
        return None
    if not cache.default.startswith("/"):
        return None
    return posixpath.normpath(cache.default)


#: ``_fixed_dir`` of each table cache that has one, by ``id`` (see ``_SUBCOMMAND_SIZES``).
_FIXED_DIRS: dict[int, str] = {
    id(c): d for tool in TOOLS for c in tool.caches if (d := _fixed_dir(c)) is not None
}


# -- one tool ---------------------------------------------------------------------------------


def _recognise_tool(
    tool: Tool,
    cmd: Command,
    args: list[Word],
    prefix_words: list[Word],
    env: dict[str, str],
    home: str,
    user: str,
    directory: str | None,
) -> PackageAction:
    positionals, options = _scan(args, tool.value_options, tool.single_dash_long)
    flags = {o.name for o in options} if options else _NO_FLAGS
    name, sub, used = _subcommand(tool, positionals)
    packages = tuple(positionals[used:]) if not tool.goals else ()
    if tool.dir_options and options:
        for option in options:
            if option.name in tool.dir_options and option.value and directory is not None:
                directory = posixpath.normpath(posixpath.join(directory, option.value))
            elif option.name in tool.dir_options:
                directory = None
    if sub is None:
        return PackageAction(
            tool.tool,
            tool.ecosystem,
            OTHER,
            cmd,
            name,
            packages=packages,
            directory=directory,
            cache_defeaters=_defeaters(tool, cmd, options, prefix_words, env, None),
        )
    kind = sub.with_packages_kind if packages and sub.with_packages_kind else sub.kind
    manifests: Sequence[str] = sub.manifests
    optional: Sequence[str] = sub.optional
    if flags:
        needs_sources = sub.needs_sources and flags.isdisjoint(sub.no_source_flags)
        lockfile = sub.lockfile or not flags.isdisjoint(sub.lockfile_flags)
        offline = not flags.isdisjoint(sub.offline_flags)
    else:  # (what the lines above give without options)
        needs_sources, lockfile, offline = sub.needs_sources, sub.lockfile, False
    downloads = sub.downloads and not offline
    caches = tool.caches if sub.caches is None else [c for c in tool.caches if c.name in sub.caches]
    adjust = _ADJUSTERS.get(id(tool), _adjust_any)
    if adjust is not None:
        kind, manifests, optional, needs_sources, lockfile, downloads = adjust(
            tool, name, sub, used, positionals, packages, options, flags, env,
            kind, manifests, optional, needs_sources, lockfile, downloads,
        )  # fmt: skip
    # A call that goes offline some other way (go's -mod=vendor, GOPROXY=off) still builds
    # with its caches; only an offline flag of a tool that never reads its cache offline
    # (pip --no-index) leaves them unused.
    uses_cache = downloads or (sub.downloads and (not offline or sub.offline_reads_cache))
    if kind == CLEANUP:
        defeated = _cleanup_targets(tool, name, flags, caches)
        caches = [c for c in tool.caches if c.name in defeated]
        if not defeated:
            kind = OTHER
    lockfile_alternative = sub.lockfile_alternative and not lockfile and not packages
    cache_dirs: list[str] = []
    for c in caches:
        d = _FIXED_DIRS.get(id(c)) or cache_dir(
            c, env=env, home=home, user=user, directory=directory, options=options
        )
        if d and d not in cache_dirs:
            cache_dirs.append(d)
    defeaters = _defeaters(tool, cmd, options, prefix_words, env, caches)
    if kind == CLEANUP:
        defeaters += tuple(
            CacheDefeater(c.name, f"`{name}` empties the {c.name} cache", cmd.start, cmd.end,
                          command=cmd)
            for c in caches
        )  # fmt: skip
    return PackageAction(
        tool.tool,
        tool.ecosystem,
        kind,
        cmd,
        name,
        lockfile and kind in _LOCKFILE_KINDS,
        lockfile_alternative,
        _unique(manifests),
        _unique(optional),
        needs_sources,
        tuple(cache_dirs),
        defeaters,
        downloads,
        uses_cache and bool(cache_dirs),
        packages,
        directory,
    )


#: Kinds whose ``installs_from_lockfile`` may be true.
_LOCKFILE_KINDS = frozenset({DEPENDENCY_INSTALL, DOWNLOAD, BUILD})


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    """``items`` without repeats, in order, as a tuple (one item needs no dict)."""
    if len(items) < 2:
        return tuple(items)
    return tuple(dict.fromkeys(items))


#: What ``_recognise_tool`` may change for one tool: (kind, manifests, optional,
#: needs_sources, lockfile, downloads) after the subcommand's own values.
_Adjusted = tuple[str, "Sequence[str]", "Sequence[str]", bool, bool, bool]


def _adjust_python(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """pip, uv, poetry, pipenv: local paths need the sources; ``-r`` files are manifests;
    PIP_REQUIRE_HASHES pins (pip); ``uv pip sync req.txt`` reads its arguments."""
    if tool.ecosystem == "python" and name in ("install", "sync", "download", "wheel"):
        manifests, optional = list(manifests), list(optional)
        needs_sources, local = _python_locals(positionals[used:], options, needs_sources)
        if local:
            optional.extend(p for p in _PYTHON_PROJECT if p not in optional)
        manifests.extend(
            o.value for o in options if o.name in tool.manifest_flags and o.value is not None
        )
        if tool.tool == "pip" and env.get("PIP_REQUIRE_HASHES", "").lower() in _TRUE:
            lockfile = True
        if tool.tool == "uv" and name == "sync" and not sub.manifests:  # uv pip sync req.txt
            manifests.extend(w.value for w in packages if w.value is not None)
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_go(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    kind, manifests, optional, needs_sources, downloads = _go_adjust(
        name,
        packages,
        options,
        env,
        kind,
        list(manifests),
        list(optional),
        needs_sources,
        downloads,
    )
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_cargo(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """``cargo install NAME`` installs a tool; ``--manifest-path`` names the manifest."""
    if name == "install" and "--path" not in flags and packages:
        kind, manifests, optional, needs_sources = DEPENDENCY_INSTALL, [], [], False
    if "--manifest-path" in flags:
        manifests = [o.value for o in options if o.name == "--manifest-path" and o.value]
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_maven(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """``mvn -f other/pom.xml``: that file is the manifest."""
    if "-f" in flags or "--file" in flags:
        manifests = [o.value for o in options if o.name in ("-f", "--file") and o.value]
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_bundler(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """BUNDLE_FROZEN/BUNDLE_DEPLOYMENT install from the lockfile."""
    if any(env.get(v, "").lower() in _TRUE for v in ("BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT")):
        lockfile = True
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_node(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """A global install (``npm install -g``) reads no project file."""
    if options and (
        flags & _GLOBAL_FLAGS
        or any(o.name == "--location" and o.value == "global" for o in options)
    ):
        manifests, optional, needs_sources = [], [], False
    return kind, manifests, optional, needs_sources, lockfile, downloads


def _adjust_any(
    tool: Tool, name: str | None, sub: Sub, used: int, positionals: list[Word],
    packages: tuple[Word, ...], options: list[_Option], flags: frozenset[str] | set[str],
    env: Mapping[str, str], kind: str, manifests: Sequence[str], optional: Sequence[str],
    needs_sources: bool, lockfile: bool, downloads: bool,
) -> _Adjusted:  # fmt: skip
    """Every adjustment whose tool test passes, in the table's order: for a tool that is not
    in the table (``_ADJUSTERS`` picks the one that can apply to each table tool)."""
    values = (kind, manifests, optional, needs_sources, lockfile, downloads)
    context = (tool, name, sub, used, positionals, packages, options, flags, env)
    if tool.ecosystem == "python":
        values = _adjust_python(*context, *values)
    elif tool.tool == "go":
        values = _adjust_go(*context, *values)
    elif tool.tool == "cargo":
        values = _adjust_cargo(*context, *values)
    elif tool.tool == "mvn":
        values = _adjust_maven(*context, *values)
    elif tool.tool == "bundle":
        values = _adjust_bundler(*context, *values)
    if tool.ecosystem == "node":
        values = _adjust_node(*context, *values)
    return values


def _adjuster_for(tool: Tool) -> Callable[..., _Adjusted] | None:
    """The one adjustment that can apply to ``tool`` (None: none can), as ``_adjust_any``
    would choose it."""
    if tool.ecosystem == "python":
        return _adjust_python
    by_name = _BY_NAME.get(tool.tool)
    if tool.ecosystem == "node":
        return _adjust_node if by_name is None else _adjust_any
    return by_name


_BY_NAME: dict[str, Callable[..., _Adjusted]] = {
    "go": _adjust_go, "cargo": _adjust_cargo, "mvn": _adjust_maven, "bundle": _adjust_bundler
}  # fmt: skip


#: ``_adjuster_for`` each table tool, by ``id`` (see ``_SUBCOMMAND_SIZES``); another tool
#: takes ``_adjust_any``.
_ADJUSTERS: dict[int, Callable[..., _Adjusted] | None] = {id(t): _adjuster_for(t) for t in TOOLS}


def _python_locals(
    args: list[Word], options: list[_Option], needs_sources: bool
) -> tuple[bool, bool]:
    """pip/uv: a local path (``.``, ``./pkg``, ``-e .``, a wheel) means the sources are needed."""
    candidates = [w.value for w in args] + [
        o.value for o in options if o.name in ("-e", "--editable")
    ]
    local = False
    for value in candidates:
        if value is None:
            continue
        if "://" in value or value.startswith("git+"):
            continue
        base = value.split("[", 1)[0]
        is_path = base in (".", "..") or "/" in base
        if is_path or base.endswith((".whl", ".tar.gz", ".zip")):
            local = True
    return needs_sources or local, local


def _go_adjust(
    name: str | None,
    packages: tuple[Word, ...],
    options: list[_Option],
    env: Mapping[str, str],
    kind: str,
    manifests: list[str],
    optional: list[str],
    needs_sources: bool,
    downloads: bool,
) -> tuple[str, list[str], list[str], bool, bool]:
    """``go install tool@v1`` installs a tool (no module needed); vendoring stops downloads."""
    if (
        name in ("install", "get", "run")
        and packages
        and all("@" in (w.value or "") for w in packages)
    ):
        return DEPENDENCY_INSTALL, [], [], False, True
    mod_flags = [o.value for o in options if o.name == "-mod"] + [
        o.name.partition("=")[2] for o in options if o.name.startswith("-mod=")
    ]
    goflags = env.get("GOFLAGS", "")
    if "vendor" in mod_flags or "-mod=vendor" in goflags.split() or env.get("GOPROXY") == "off":
        downloads = False
        optional = [*optional, "vendor/"]
    return kind, manifests, optional, needs_sources, downloads


def _cleanup_targets(tool: Tool, name: str | None, flags: set[str], caches: Sequence[Cache]):
    """Which caches a cleanup subcommand really empties (``go clean`` only with flags)."""
    if tool.tool == "go":
        chosen = set()
        if "-modcache" in flags:
            chosen.add("go-mod")
        if "-cache" in flags:
            chosen.add("go-build")
        return chosen
    return {c.name for c in caches}


def _defeaters(
    tool: Tool,
    cmd: Command,
    options: list[_Option],
    prefix_words: list[Word],
    env: Mapping[str, str],
    caches: Sequence[Cache] | None,
) -> tuple[CacheDefeater, ...]:
    if not options and not prefix_words and not tool.defeat_env:
        return ()  # what the loops below find: nothing to look at
    found: list[CacheDefeater] = []
    for option in options:
        cache = tool.defeat_flags.get(option.name)
        if cache is not None:
            found.append(
                CacheDefeater(
                    cache,
                    f"`{option.word.raw}` disables the {cache} cache",
                    option.word.start,
                    option.word.end,
                    word=option.word,
                    command=cmd,
                )
            )
    in_prefix = set()
    for word in prefix_words:
        name, _, _ = word.raw.partition("=")
        in_prefix.add(name)
        cache = tool.defeat_env.get(name)
        if cache is not None and _defeating_value(name, env.get(name)):
            found.append(
                CacheDefeater(
                    cache,
                    f"`{word.raw}` disables the {cache} cache",
                    word.start,
                    word.end,
                    word=word,
                    command=cmd,
                )
            )
    for name, cache in tool.defeat_env.items():
        if name not in in_prefix and _defeating_value(name, env.get(name)):
            found.append(
                CacheDefeater(cache, f"{name} in the environment disables the {cache} cache",
                              None, None)
            )  # fmt: skip
    return tuple(found)


def _defeating_value(name: str, value: str | None) -> bool:
    """pip disables its cache for any boolean value of PIP_NO_CACHE_DIR, even "false"."""
    if value is None or value == "":
        return False
    if name == "PIP_NO_CACHE_DIR":
        return True
    return value.lower() in _TRUE


# -- paths ------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _directory(cwd: str | None, home: str, workdir: str) -> str | None:
    """The absolute directory a command runs in (a function of strings: cached)."""
    if cwd is None:
        return None
    cwd = _expand_home(cwd, home)
    return posixpath.normpath(posixpath.join(workdir or "/", cwd))


def _expand_home(path: str, home: str) -> str:
    if path == "~" or path.startswith("~/"):
        return home.rstrip("/") + path[1:] if home != "/" else "/" + path[2:]
    return path


def _is_root(user: str) -> bool:
    name = user.split(":", 1)[0]
    return name in ("", "root", "0")


def _cache_location(
    cache: Cache, env: Mapping[str, str], user: str, options: Sequence[_Option]
) -> str:
    for flag in cache.flags:
        for option in options:
            if flag.endswith("=") and option.name.startswith(flag):
                return option.name[len(flag) :]
            if option.name == flag and option.value:
                return option.value
        if flag.endswith("="):
            for var in cache.env_options:
                for item in env.get(var, "").split():
                    if item.startswith(flag):
                        return item[len(flag) :]
    for entry in cache.env:
        var, _, sub = entry.partition("/")
        value = env.get(var)
        if value:
            if var == "GOPATH":
                value = value.split(":", 1)[0]
            return posixpath.join(value, sub) if sub else value
    if cache.root_default and _is_root(user):
        return cache.root_default
    return cache.default


#: Every variable a cache location reads (``Cache.env`` entries and ``Cache.env_options``).
_CACHE_VARIABLES: tuple[str, ...] = tuple(
    sorted(
        {entry.partition("/")[0] for tool in TOOLS for c in tool.caches for entry in c.env}
        | {var for tool in TOOLS for c in tool.caches for var in c.env_options}
    )
)

_KnownCache = tuple[str, str, "Tool | None", tuple[str, ...]]


class _CacheIndex:
    """The known caches of one image (see ``_known_caches``), and the same list cut by the
    first part of each path: a removed path whose first part has no glob can only touch the
    caches under that part (and one at ``/``, whose parts are empty), so ``_recognise_rm``
    compares it with those alone, in the same order."""

    __slots__ = ("all", "by_head", "rootless")

    def __init__(self, caches: tuple[_KnownCache, ...]) -> None:
        self.all = caches
        #: The caches at ``/`` (no parts): under every head.
        self.rootless = tuple(c for c in caches if not c[3])
        self.by_head = {
            head: tuple(c for c in caches if not c[3] or c[3][0] == head)
            for head in {c[3][0] for c in caches if c[3]}
        }

    def candidates(self, parts: tuple[str, ...]) -> tuple[_KnownCache, ...]:
        """The caches ``_overlaps(parts, cache)`` may be true for, in order."""
        head = parts[0] if parts else "*"
        if "*" in head or "?" in head or "[" in head:
            return self.all
        return self.by_head.get(head, self.rootless)


def _known_caches(
    env: Mapping[str, str], home: str, user: str, directory: str | None
) -> _CacheIndex:
    """Every cache location for this image: (absolute path, cache name, tool, path parts).

    The locations depend on nothing but the values of ``_CACHE_VARIABLES``, ``home``, ``user``
    and ``directory``, so they are computed once per distinct combination of those.
    """
    values = tuple(map(env.get, _CACHE_VARIABLES))
    return _known_caches_for(values, home, user, directory)


@lru_cache(maxsize=256)
def _known_caches_for(
    values: tuple[str | None, ...], home: str, user: str, directory: str | None
) -> _CacheIndex:
    env = {
        var: value for var, value in zip(_CACHE_VARIABLES, values, strict=True) if value is not None
    }
    found: list[_KnownCache] = []
    for tool in TOOLS:
        for cache in tool.caches:
            path = cache_dir(cache, env=env, home=home, user=user, directory=directory)
            if path is not None:
                found.append((path, cache.name, tool, _parts(path)))
    found.extend((path, name, None, _parts(path)) for path, name in EXTRA_CLEANUP_PATHS)
    return _CacheIndex(tuple(found))


#: ``_CACHE_VARIABLES`` as a set (``script_environment``).
_CACHE_VARIABLE_SET = frozenset(_CACHE_VARIABLES)


def _parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split("/") if p)


def _overlaps(target: tuple[str, ...], cache: tuple[str, ...]) -> bool:
    """Whether removing ``target`` (may end in a glob) touches ``cache`` (both as ``_parts``).

    A part without ``*``, ``?`` or ``[`` matches only itself, so it is compared directly
    rather than through ``fnmatchcase``.
    """
    for t, c in zip(target, cache, strict=False):
        if "*" in t or "?" in t or "[" in t:
            if not fnmatch.fnmatchcase(c, t):
                return False
        elif t != c:
            return False
    return True


def _recognise_rm(
    cmd: Command,
    args: list[Word],
    env: Mapping[str, str],
    home: str,
    user: str,
    directory: str | None,
    indexed: bool = True,
) -> PackageAction | None:
    """``rm`` of a cache folder (or of a path above one) as a cleanup of that cache.

    ``indexed=False`` compares every path with every known cache (the definition the tests
    hold the head index of ``_CacheIndex`` to)."""
    positionals, _ = _scan(args, frozenset())
    index = _known_caches(env, home, user, directory)
    expand_env = {"HOME": home, **env}
    defeaters: list[CacheDefeater] = []
    tools: dict[str, Tool | None] = {}
    for word in positionals:
        path = word.expand(expand_env, home)
        if path is None:
            continue
        if not path.startswith("/"):
            if directory is None:
                continue
            path = posixpath.join(directory, path)
        path = posixpath.normpath(path)
        if path == "/":
            continue
        hit: set[str] = set()
        path_parts = _parts(path)
        caches = index.candidates(path_parts) if indexed else index.all
        for _, name, tool, cache_parts in caches:
            if name not in hit and _overlaps(path_parts, cache_parts):
                hit.add(name)
                defeaters.append(
                    CacheDefeater(
                        name,
                        f"`rm {word.raw}` empties the {name} cache",
                        word.start,
                        word.end,
                        word=word,
                        command=cmd,
                        path=path,
                    )
                )
                tools[name] = tool or tools.get(name)
    if not defeaters:
        return None
    owners = {(t.tool if t else _EXTRA_OWNER.get(n, n)) for n, t in tools.items()}
    tool_name = owners.pop() if len(owners) == 1 else "rm"
    ecosystem = next((t.ecosystem for t in tools.values() if t and t.tool == tool_name), "")
    if not ecosystem:
        ecosystem = {"apt-get": "deb", "apk": "apk"}.get(tool_name, "")
    return PackageAction(
        tool=tool_name,
        ecosystem=ecosystem,
        kind=CLEANUP,
        command=cmd,
        subcommand="rm",
        cache_defeaters=tuple(defeaters),
        directory=directory,
    )


_EXTRA_OWNER = {"apt-lists": "apt-get", "apt": "apt-get", "apk": "apk"}
