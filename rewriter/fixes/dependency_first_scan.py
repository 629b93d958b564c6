"""Find the pieces of the dependency-first problem: broad COPYs and dependency steps per stage.

Why a module of its own: the rule and the rewrite ask the same questions ("which COPY brings
the whole source tree, and into which folder?", "which RUN installs dependencies, where, with
which tool?"), and both must agree exactly. Everything here reads the build model's per-
instruction state (WORKDIR, variables, USER) and parses RUN scripts with the shared shell
parser; nothing edits text.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

from rewriter.analyse.context import gopath
from rewriter.analyse.expand import ExpansionError, expand
from rewriter.analyse.packages import (
    BUILD,
    CLEANUP,
    DEPENDENCY_INSTALL,
    DOWNLOAD,
    INDEX_UPDATE,
    recognise,
)
from rewriter.analyse.shell import parse_shell
from rewriter.records import Record

if TYPE_CHECKING:
    from rewriter.analyse.packages import PackageAction
    from rewriter.analyse.shell import Command, Script
    from rewriter.parser import Instruction

#: Ecosystems whose installs read manifests that can be copied first.
REWRITABLE = frozenset({"node", "python", "go", "maven", "gradle", "ruby"})
#: Ecosystems whose *build* step downloads dependencies, so a download step can go first.
BUILD_DOWNLOADS = frozenset({"go", "maven", "gradle"})
#: Ecosystems dfopt recognises but has no rewrite for (reported without a fix).
REPORT_ONLY = frozenset({"php", "rust"})
_NOT_PLAIN = re.compile(r"[$'\"\s]")

#: Commands that neither read the sources nor write files the sources could replace.
HARMLESS_COMMANDS = frozenset(
    {"cd", "set", "true", ":", "echo", "printf", "export", "corepack", "nproc"}
)  # nproc: `bundle install --jobs $(nproc)`
#: Instructions that change nothing a RUN or a COPY sees (image metadata only).
METADATA = frozenset(
    {"label", "expose", "cmd", "entrypoint", "healthcheck", "stopsignal", "maintainer", "onbuild"}
)


class BroadCopy(Record):
    """A COPY/ADD that brings a whole context folder (``source``) into ``directory``.

    ``dest`` is the destination as written; ``directory`` is it resolved against WORKDIR.
    ``sources`` counts the instruction's sources (a rewrite needs exactly one).
    """

    __slots__ = ("dest", "directory", "inst", "source", "sources")

    def __init__(self, inst: Instruction, source: str, dest: str, directory: str, sources: int):
        self.inst = inst
        self.source = source
        self.dest = dest
        self.directory = directory
        self.sources = sources


class DependencyStep(Record):
    """One RUN whose first manifest-reading package command is ``action``.

    ``commands`` are all the RUN's simple commands (with their recognised actions, None for
    others), so callers can tell whether the RUN does anything besides installing.
    ``state`` is the build state the RUN runs in (its variables, known or not: bundler reads
    its settings from ``BUNDLE_*`` variables), None when the caller has none.
    """

    __slots__ = ("action", "commands", "inst", "script", "state")

    def __init__(
        self,
        inst: Instruction,
        action: PackageAction,
        script: Script,
        commands: tuple[tuple[Command, Any], ...],
        state: Any = None,
    ):
        self.inst = inst
        self.action = action
        self.script = script
        self.commands = commands
        self.state = state

    @property
    def directory(self) -> str | None:
        return self.action.directory

    @property
    def text(self) -> str:
        """The install command as written (for messages)."""
        cmd = self.action.command
        return " ".join(w.raw for w in cmd.words)

    @property
    def manifest_path(self) -> str | None:
        """Absolute path of the first file the step reads (``/app/package.json``)."""
        action = self.action
        names = action.manifests or action.optional_manifests
        if self.directory is None or not names:
            return None
        return posixpath.normpath(posixpath.join(self.directory, names[0].rstrip("*/")))

    @property
    def is_build(self) -> bool:
        return self.action.kind == BUILD


def known_dir(path: str | None) -> str | None:
    """A directory only when it holds no unresolved variable."""
    if path is None or "$" in path:
        return None
    return path


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def clean_source(source: str) -> str:
    """A COPY source as BuildKit reads it: relative to the context root, cleaned."""
    return gopath.clean("/" + source).lstrip("/") or "."


def expand_known(word: str, state: Any, escape: str) -> str | None:
    """Expand ``word`` with the variables in effect; None when one of them is unknown."""
    if _is_plain(word, escape):
        return word  # no variable, quote or escape: expansion leaves it as it is

    try:
        result = expand(word, state.known_variables(), escape)
    except ExpansionError:  # BuildKit would reject it: not ours to guess a value
        return None
    return None if result.unmatched else result.value


def _is_plain(word: str, escape: str) -> bool:
    """Whether ``word`` has nothing BuildKit's word expansion would change (tested against
    ``expand`` over the corpus and generated words)."""
    return escape not in word and not _NOT_PLAIN.search(word)


def broad_copy(inst: Instruction, state: Any, context: Any, escape: str) -> BroadCopy | None:
    """The broad copy ``inst`` performs, or None (``--from``, heredocs, URLs, single files)."""
    if inst.name not in ("copy", "add") or inst.heredocs or len(inst.values) < 2:
        return None
    if any(f.name == "from" for f in inst.flags):
        return None
    words = [expand_known(v, state, escape) for v in inst.values]
    if any(w is None for w in words):
        return None
    *sources, dest = [w for w in words if w is not None]
    folders: list[str] = []
    for raw, value in zip(inst.values[:-1], sources, strict=True):
        if "://" in value or value.startswith("git@"):
            return None
        if gopath.has_wildcards(value):
            continue
        path = clean_source(value)
        is_folder = path == "." or raw.rstrip("\"'").endswith("/")
        if not is_folder and context is not None:
            is_folder = path in context.dirs
        if is_folder:
            folders.append(path)
    if not folders:
        return None
    workdir = known_dir(state.workdir)
    if dest.startswith("/"):
        directory = posixpath.normpath(dest)
    elif workdir is None:
        return None
    else:
        directory = posixpath.normpath(posixpath.join(workdir, dest))
    if directory.startswith("//"):
        directory = "/" + directory.lstrip("/")
    return BroadCopy(inst, folders[0], inst.values[-1], directory, len(sources))


def dependency_step(inst: Instruction, state: Any, run: Any = None) -> DependencyStep | None:
    """The RUN's first dependency step (install, download, or a downloading build).

    ``run`` is the model's ``RunStep`` of ``inst`` when the caller has it: the actions the
    model recognised with the same arguments are reused instead of recognised again.
    """
    if inst.name != "run" or inst.json or inst.heredocs or not inst.args:
        return None
    if known_dir(state.workdir) is None:  # no step then, whatever the commands are
        return None
    script = parse_shell(inst.args)
    env: dict[str, str] | None = None  # read for the first command the model did not recognise
    workdir = known_dir(state.workdir) or "/"
    home = state.home or "/root"
    known = _model_actions(run, script, state)
    commands: list[tuple[Command, Any]] = []
    chosen = None
    for cmd in script.commands:
        if id(cmd) in known:
            action = known[id(cmd)]
        else:
            if env is None:
                env = state.known_variables()
            action = recognise(cmd, env=env, home=home, user=state.user, workdir=workdir)
        commands.append((cmd, action))
        if chosen is None and action is not None and _is_dependency(action):
            chosen = action
    if chosen is None:
        return None
    return DependencyStep(inst, chosen, script, tuple(commands), state)


def _model_actions(run: Any, script: Script, state: Any) -> dict[int, Any]:
    """Actions the model recognised for ``script``'s commands, by ``id`` of the command.

    The model calls ``recognise`` with the same environment and user, with ``home=state.home``
    and ``workdir=state.workdir`` for the commands of the RUN's own script, and only when the
    command is known, has words and a known cwd. Its action is reused only where all of that
    makes its call the one :func:`dependency_step` would make (same command object, a known
    HOME, a WORKDIR without variables); every other command is recognised again.
    """
    if run is None or run.state is not state or not run.scripts:
        return {}
    if not state.home or not state.workdir or known_dir(state.workdir) is None:
        return {}
    main = run.scripts[0]
    if main.script is not script:
        return {}
    return {
        id(rc.command): rc.action
        for rc in run.commands
        if rc.script is main and rc.cwd is not None and rc.command.known and rc.command.words
    }


def _is_dependency(action: PackageAction) -> bool:
    if action.ecosystem not in REWRITABLE | REPORT_ONLY:
        return False
    if action.kind in (DEPENDENCY_INSTALL, DOWNLOAD):
        return bool(action.manifests or (action.needs_sources and action.optional_manifests))
    if action.kind == BUILD:
        return action.ecosystem in BUILD_DOWNLOADS and action.downloads
    return False


def harmless(cmd: Command, action: Any) -> bool:
    """Whether a command may run before the sources arrive without changing the image."""
    if not cmd.known:
        return False
    for redirect in cmd.redirects:
        target = redirect.target.value or ""
        if redirect.heredoc is None and not (target == "/dev/null" or target.isdigit()):
            return False
    if action is not None:
        if action.manifests:  # a second install would need its own manifests copied too
            return False
        if action.kind in (DEPENDENCY_INSTALL, DOWNLOAD, INDEX_UPDATE, CLEANUP):
            return not action.needs_sources
        return action.subcommand == "config"
    return cmd.name in HARMLESS_COMMANDS


def mounts(inst: Instruction) -> list[dict[str, str]]:
    """The RUN's ``--mount`` options as dicts (``type`` defaults to bind, as in BuildKit)."""
    found = []
    for value in inst.flag_values("mount"):
        options: dict[str, str] = {"type": "bind"}
        for item in value.split(","):
            key, _, val = item.partition("=")
            options[key.strip().lower()] = val.strip()
        found.append(options)
    return found
