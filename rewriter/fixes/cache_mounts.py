"""Plan and write ``RUN --mount=type=cache`` for a package manager's cache (DF107's fix).

Why this is more than "add a flag": a cache mount is only a *safe* rewrite (same image, faster
builds) when every one of these holds, and each was seen to fail in real builds:

* the mount target is a literal path (Docker 20.10's built-in frontend does not expand
  ``${VAR}`` in mount options: the mount would land in a folder literally named ``${VAR}``);
* the target is where the tool really caches *for this image*: its USER, HOME and ENV; and a
  non-root tool can write to it (``uid=``/``gid=``, so the uid must be known);
* nothing in the image needs the files that now stay in the mount. For a pure download cache
  (apt, apk, npm, pip...) that holds unless some command reads the folder. For a *store* (Go's
  module cache, Maven's ``~/.m2``, Gradle's caches, Cargo's registry, NuGet's packages), and
  for a cache some RUN installs from offline (``npm ci --offline``), other steps read the
  downloaded files, so every RUN of the stage's family (its base stages and the stages built on
  them) that uses it gets the same mount, in one fix, or none does. apt's package lists are
  read by later installs: they are mounted only as :mod:`rewriter.fixes.apt_lists` allows;
* the mount hides nothing the image already has there: Poetry's cache folder holds its
  virtualenvs and the Gradle user home holds settings (``gradle.properties``), so only their
  download sub-folders are mounted;
* a mount owned by a non-root user is unsafe: BuildKit before 0.11 leaves its target in the
  image as an empty root-owned folder when the image had none (:attr:`MountPlan.unsafe_reason`);
* words that defeat or waste the cache in the same RUN go (``--no-cache-dir``,
  ``PIP_NO_CACHE_DIR=1``, ``npm cache clean --force``, ``rm -rf /var/lib/apt/lists/*``) and
  everything else stays byte for byte;
* Debian and Ubuntu images delete downloaded ``.deb`` files through
  ``/etc/apt/apt.conf.d/docker-clean``. Deleting that file for good (the usual advice) changes
  the image: later layers and derived images would start keeping ``.deb`` files. The fix moves it
  aside for the duration of the RUN and puts it back at the end, so the image keeps it;
* apk only caches packages with a cache folder configured and, with a cold cache, needs a fresh
  index: ``--no-cache`` becomes ``--cache-dir=/var/cache/apk --update-cache``.

When a guard fails, :func:`plan_cache_mounts` returns a :class:`Refusal` whose ``reason`` the
rule puts in its message, so the user learns why no fix was offered.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rewriter.records import FieldOrder, Record
from rewriter.rules.base import Edit

if TYPE_CHECKING:
    from rewriter.analyse.model import BuildModel, RunCommand, RunStep
    from rewriter.analyse.packages import PackageAction
    from rewriter.analyse.shell import Command, Script, TextEdit

__all__ = [
    "STORE_CACHES",
    "CacheMount",
    "MountPlan",
    "Refusal",
    "mount_edits",
    "plan_cache_mounts",
    "wanted_caches",
]

#: Caches whose files later steps read (the cache *is* the install): all-or-nothing per stage.
STORE_CACHES = frozenset({"go-mod", "maven", "gradle", "cargo-registry", "cargo-git", "nuget"})
#: Caches that are never mounted: they hold the build output, not downloads.
NEVER_MOUNTED = frozenset({"cargo-target"})
#: Caches of system package managers: shared by parallel builds, so ``sharing=locked``; they run
#: as root (or through sudo), so no ``uid``.
_SYSTEM = {"apt": "/var/cache/apt", "apt-lists": "/var/lib/apt/lists", "apk": "/var/cache/apk"}
_LOCKED = frozenset({"apt", "apt-lists", "apk", "dnf", "yum", "microdnf"})
_SYSTEM_ECOSYSTEMS = frozenset({"deb", "apk", "rpm"})
#: Caches of which only some sub-folders are mounted, because the folder holds more than
#: downloads: Poetry keeps its virtualenvs under its cache folder, and the Gradle user home holds
#: settings the build reads (a ``gradle.properties`` the image ships, ``init.d`` scripts). For
#: Gradle, ``wrapper`` (the distributions ``gradlew`` downloads) only when the RUN uses the
#: wrapper.
_MOUNTED_PARTS = {"poetry": ("cache", "artifacts"), "gradle": ("caches", "wrapper")}
_WRAPPER_PARTS = {"gradle": "wrapper"}
#: The kinds of step that fill a cache (an index update alone is DF105's business).
_FILLING = frozenset({"dependency-install", "download", "build"})
#: Users official images create, by image name: (uid, gid).
_IMAGE_USERS = {
    ("node", "node"): (1000, 1000),
    ("gradle", "gradle"): (1000, 1000),
    ("distroless", "nonroot"): (65532, 65532),
}
_BUILD_TOOLS = frozenset({"go", "mvn", "mvnw", "gradle", "gradlew", "cargo", "dotnet"})
_DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"
_DOCKER_CLEAN_AWAY = "/etc/apt/docker-clean.dfopt"
_KEEP_CACHE = "/etc/apt/apt.conf.d/dfopt-keep-cache"
APT_PREFIX = f"mv {_DOCKER_CLEAN} {_DOCKER_CLEAN_AWAY} 2>/dev/null;"
APT_SUFFIX = f"{{ [ ! -e {_DOCKER_CLEAN_AWAY} ] || mv {_DOCKER_CLEAN_AWAY} {_DOCKER_CLEAN}; }}"
APT_BINARY_PREFIX = f"echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > {_KEEP_CACHE};"
APT_BINARY_SUFFIX = f"rm -f {_KEEP_CACHE}"
APK_CACHE_FLAGS = "--cache-dir=/var/cache/apk --update-cache"


class CacheMount(FieldOrder, Record):
    """One ``--mount=type=cache`` flag to add (ordered by its fields, as a dataclass was)."""

    __slots__ = ("gid", "sharing", "target", "uid")

    def __init__(
        self,
        target: str,
        sharing: str | None = None,
        uid: int | None = None,
        gid: int | None = None,
    ):
        self.target = target
        self.sharing = sharing
        self.uid = uid
        self.gid = gid

    def flag(self) -> str:
        parts = ["type=cache", f"target={self.target}"]
        if self.sharing:
            parts.append(f"sharing={self.sharing}")
        if self.uid is not None:
            parts.append(f"uid={self.uid}")
        if self.gid is not None:
            parts.append(f"gid={self.gid}")
        return "--mount=" + ",".join(parts)


class Refusal(Record):
    """Why no fix is offered (said in the finding's message)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class RunPlan(Record, eq="mutable"):
    """What one RUN needs: mounts, words/commands to drop, text to wrap its script in."""

    __slots__ = ("caches", "mounts", "notes", "prefix", "removals", "replacements", "run", "suffix")

    def __init__(
        self,
        run: RunStep,
        mounts: list[CacheMount] | None = None,
        removals: list[TextEdit] | None = None,
        replacements: list[TextEdit] | None = None,
        prefix: list[str] | None = None,
        suffix: list[str] | None = None,
        caches: list[str] | None = None,
        notes: list[str] | None = None,
    ):
        # None stands for an empty list in every list field.
        self.run = run
        self.mounts = [] if mounts is None else mounts
        self.removals = [] if removals is None else removals
        self.replacements = [] if replacements is None else replacements
        self.prefix = [] if prefix is None else prefix
        self.suffix = [] if suffix is None else suffix
        self.caches = [] if caches is None else caches  # cache names, for the title
        self.notes = [] if notes is None else notes  # what the user should know (Fix.notes)


class MountPlan(Record, eq="mutable"):
    """The RUNs a fix edits (the first is the one the finding is about)."""

    __slots__ = ("runs",)

    def __init__(self, runs: list[RunPlan]):
        self.runs = runs

    @property
    def mounts(self) -> list[CacheMount]:
        return self.runs[0].mounts

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(n for p in self.runs for n in p.notes))

    @property
    def unsafe_reason(self) -> str | None:
        """Why the fix may change the image, or None when it is safe.

        A cache mount whose target folder is missing from the image leaves an empty folder
        there; BuildKit before 0.11 (Docker before 23) creates it owned by root, so a non-root
        USER can no longer write where the original image let it (moby/buildkit#3153). dfopt
        cannot see whether the base image has the folder, so a mount owned by a non-root user
        (``uid=``) makes the fix unsafe.
        """
        owned = [m for p in self.runs for m in p.mounts if m.uid is not None]
        if not owned:
            return None
        targets = ", ".join(dict.fromkeys(m.target for m in owned))
        return (
            f"Docker before 23 (BuildKit before 0.11) leaves {targets} in the image as an empty "
            f"folder owned by root when the image did not have it, so the non-root USER could "
            f"no longer write there when the container runs (npm logs, pip caches...). Apply "
            f"this fix only if every builder runs Docker 23 or later, or create the folder as "
            f"that user in an earlier step."
        )


# -- which caches a RUN fills -------------------------------------------------------------------


class WantedCache(Record):
    """A cache one command of the RUN fills, at ``path``, not yet behind a mount."""

    __slots__ = ("command", "name", "path")

    def __init__(self, name: str, path: str, command: RunCommand):
        self.name = name
        self.path = path
        self.command = command


def _cache_names(action: PackageAction) -> list[tuple[str, str]]:
    """Pair each of ``action.cache_dirs`` with the cache's name in the tool table."""
    tool = _tool_index()[0][(action.tool, action.ecosystem)]
    names = [c.name for c in tool.caches]
    dirs = list(action.cache_dirs)
    if action.subcommand and len(dirs) != len(names):
        sub = tool.subcommands.get(action.subcommand)
        if sub is not None and sub.caches is not None:
            names = [n for n in names if n in sub.caches]
    if len(names) != len(dirs):
        return []
    return list(zip(names, dirs, strict=True))


def wanted_caches(run: RunStep, model: BuildModel | None = None) -> list[WantedCache]:
    """Caches the RUN's install/download/build commands fill that no mount covers yet.

    Yarn has two caches in the tool table (Yarn 1 and Berry); with ``model`` the one the
    project uses is chosen from the hints :func:`_yarn_berry` reads, else Yarn 1's. A command
    that neither downloads nor installs from its cache (``PackageAction.uses_cache``: ``pip
    install --no-index /wheels/*.whl``) wants none. apt's package lists are wanted only when
    :func:`~rewriter.fixes.apt_lists.lists_kept_reason` lets them leave the image (never
    without ``model``).
    """
    from rewriter.fixes.apt_lists import lists_kept_reason

    found: dict[str, WantedCache] = {}
    berry: bool | None = None  # read the hints only for a RUN that has a Yarn cache
    for command in run.commands:
        action = command.action
        if action is None or action.kind not in _FILLING or not action.uses_cache:
            continue
        for name, path in _cache_names(action):
            if name in NEVER_MOUNTED or path in found:
                continue
            if name in ("yarn", "yarn-berry"):
                if berry is None:
                    berry = model is not None and _yarn_berry(model, run)
                if name == ("yarn" if berry else "yarn-berry"):
                    continue
            if name == "apt-lists":
                path = _SYSTEM["apt-lists"]
                if model is None or lists_kept_reason(model, run, command) is not None:
                    continue
            if _covered(run, name, path, command.command):
                continue
            found[path] = WantedCache(name, path, command)
    return list(found.values())


def mount_targets(name: str, path: str, command: Command) -> list[str]:
    """The folders DF107 mounts for cache ``name`` at ``path`` (see ``_MOUNTED_PARTS``), for
    the shell ``command`` that uses it."""
    parts = _MOUNTED_PARTS.get(name)
    if parts is None:
        return [path]
    wrapper = _WRAPPER_PARTS.get(name)
    if wrapper is not None and not _runs_wrapper(command):
        parts = tuple(p for p in parts if p != wrapper)
    return [posixpath.join(path, part) for part in parts]


def _runs_wrapper(command: Command) -> bool:
    """Whether the command runs Gradle through its wrapper script (``./gradlew``)."""
    return any(
        posixpath.basename(w.value or "") in ("gradlew", "gradlew.bat") for w in command.words
    )


def _covered(run: RunStep, name: str, path: str, command: Command) -> bool:
    """Whether mounts already cover the cache: the whole folder, or every part the fix mounts
    (its own fix must count as done, or DF107 re-fires on what it wrote)."""
    if covering_mount(run, path) is not None:
        return True
    targets = mount_targets(name, path, command)
    return targets != [path] and all(covering_mount(run, t) is not None for t in targets)


def store_covered(run: RunStep, action: PackageAction) -> bool | None:
    """Whether a cache mount covers the dependency store (Go modules, ``~/.m2``, the Gradle
    caches...) that ``action`` downloads into; None when it uses no store."""
    stores = [(n, p) for n, p in _cache_names(action) if n in STORE_CACHES]
    if not stores:
        return None
    return all(_covered(run, name, path, action.command) for name, path in stores)


def covering_mount(run: RunStep, path: str) -> Any | None:
    """A mount of the RUN whose target is ``path`` or a folder above it."""
    for mount in run.mounts:
        if not mount.target or mount.type not in ("cache", "bind", "tmpfs"):
            continue
        target = _absolute(mount.target, run.state.workdir)
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return mount
    return None


# -- planning -----------------------------------------------------------------------------------


def plan_cache_mounts(
    model: BuildModel,
    run: RunStep,
    *,
    legacy_builder: bool = False,
    wanted: list[WantedCache] | None = None,
) -> MountPlan | Refusal:
    """Plan the fix for ``run`` (and, for store caches, the other RUNs that must match).

    ``wanted`` is ``wanted_caches(run, model)`` when the caller has already computed it.
    """
    if legacy_builder:
        return Refusal("the file must also build with the legacy builder, which has no --mount")
    if wanted is None:
        wanted = wanted_caches(run, model)
    first = _plan_run(model, run, wanted)
    if isinstance(first, Refusal):
        return first
    plans = [first]
    store = {w.name for w in wanted if w.name in STORE_CACHES} | _read_offline(model, run, wanted)
    if store:
        group = _store_group(model, run, store, wanted)
        if isinstance(group, Refusal):
            return group
        for other in group:
            plan = _plan_run(model, other)
            if isinstance(plan, Refusal):
                line = other.instruction.start_line
                return Refusal(f"the RUN on line {line} uses the same cache and {plan.reason}")
            plans.append(plan)
    return MountPlan(plans)


def _plan_run(
    model: BuildModel, run: RunStep, wanted: list[WantedCache] | None = None
) -> RunPlan | Refusal:
    if wanted is None:
        wanted = wanted_caches(run, model)
    if not wanted:
        return RunPlan(run)
    ins = run.instruction
    if ins.json or ins.heredocs or len(run.scripts) != 1 or run.scripts[0].origin != "shell":
        return Refusal("only shell-form RUNs without here-documents are rewritten")
    script = run.scripts[0]
    if not script.script.ok or not script.pieces:
        return Refusal("the RUN's shell code could not be fully parsed")
    for mount in run.mounts:
        for w in wanted:
            if mount.target and _absolute(mount.target, run.state.workdir).startswith(
                w.path.rstrip("/") + "/"
            ):
                return Refusal(f"a mount at {mount.target} is already inside {w.path}")
    state = run.state
    plan = RunPlan(run)
    needs_owner = False
    for w in wanted:
        action = w.command.action
        reason = _unresolvable(w, state)
        if reason:
            return Refusal(reason)
        env_defeat = [d for d in action.cache_defeaters if d.start is None]
        if env_defeat:
            return Refusal(f"{env_defeat[0].reason}: remove that ENV first")
        if w.name == "yarn-berry":
            return Refusal(
                "Yarn Berry's Plug'n'Play loads packages from its cache, which a mount would "
                "leave out of the image"
            )
        if action.tool == "apt-get" and _has_option(w.command, ("-d", "--download-only")):
            return Refusal("`--download-only` keeps the packages in the cache for a later step")
        system = action.ecosystem in _SYSTEM_ECOSYSTEMS
        needs_owner = needs_owner or (not system and not state.is_root)
        sharing = "locked" if w.name in _LOCKED else None
        for target in mount_targets(w.name, w.path, w.command.command):
            if any(m.target == target for m in plan.mounts):
                continue
            plan.mounts.append(CacheMount(target, sharing))
        plan.caches.append(w.name)
    reader = _reads_cache_folder(model, run, [m.target for m in plan.mounts])
    if reader:
        return Refusal(reader)
    lists_note = _apt_lists_note(model, run, wanted)
    if lists_note:
        plan.notes.append(lists_note)
    if needs_owner:
        owner = user_ids(model, run)
        if owner is None:
            return Refusal(
                f"the uid of USER {state.user} is unknown, and a cache mount must be owned by "
                "the user that writes to it (uid=, gid=)"
            )
        uid, gid = owner
        plan.mounts = [
            m if m.sharing == "locked" else CacheMount(m.target, m.sharing, uid, gid)
            for m in plan.mounts
        ]
    removal = _defeater_edits(run, plan, {w.name for w in wanted}, {w.path for w in wanted})
    if isinstance(removal, Refusal):
        return removal
    if any(w.name == "apt" for w in wanted):
        plan.prefix.append(APT_PREFIX)
        plan.suffix.append(APT_SUFFIX)
        if any(
            c.action is not None and c.action.tool == "apt-get" and c.command.name == "apt"
            for c in run.commands
        ):
            plan.prefix.append(APT_BINARY_PREFIX)
            plan.suffix.append(APT_BINARY_SUFFIX)
        if _mentions(script.script.text, ("exit", "exec")):
            return Refusal("the script may exit early, before the apt hook is put back")
    plan.mounts.sort(key=lambda m: m.target)
    return plan


def _apt_lists_note(model: BuildModel, run: RunStep, wanted: list[WantedCache]) -> str | None:
    """Why apt's package lists are not mounted along with its download cache, if they are
    not (the user may wonder why only /var/cache/apt is)."""
    from rewriter.fixes.apt_lists import LISTS, lists_kept_reason

    if not any(w.name == "apt" for w in wanted) or any(w.name == "apt-lists" for w in wanted):
        return None
    for w in wanted:
        if w.name == "apt":
            reason = lists_kept_reason(model, run, w.command)
            if reason:
                return f"The package lists ({LISTS}) stay in the image, unmounted: {reason}."
    return None


#: Cache folders the fix writes into ``target=`` as they are. BuildKit splits flags on spaces
#: (and on the bytes 0x85 and 0xA0 of UTF-8 text), removes quotes and escapes from them, splits
#: the mount option on commas as CSV and expands its values, so anything else would mount a
#: different folder, break the flag, or make the next pass see another folder (no end).
_LITERAL_TARGET = re.compile(r"[A-Za-z0-9/._+@%:=~^&*()\[\]{}<>|;?!#-]+")


def _unresolvable(w: WantedCache, state: Any) -> str | None:
    """Why the cache folder cannot be trusted as a literal path, or None."""
    if "$" in w.path or not w.path.startswith("/"):
        return f"the {w.name} cache folder ({w.path}) depends on values dfopt cannot resolve"
    if not _LITERAL_TARGET.fullmatch(w.path):
        return (
            f"the {w.name} cache folder ({w.path!r}) has characters a --mount option cannot "
            "hold as they are (space, comma, quote, escape or non-ASCII)"
        )
    for cache in _tool_index()[1].get(w.name, ()):
        for entry in cache.env:
            var = entry.partition("/")[0]
            if var in state.variables and state.variables[var] is None:
                return f"the {w.name} cache folder depends on {var}, whose value is unknown"
        uses_home = cache.default.startswith("~") and not any(
            state.variables.get(e.partition("/")[0]) for e in cache.env
        )
        if uses_home and state.home is None:
            return f"HOME of USER {state.user} is unknown, so the {w.name} cache folder is too"
    return None


@functools.cache
def _tool_index() -> tuple[dict[tuple[str, str], Any], dict[str, list[Any]]]:
    """The tool table (``TOOLS``, constant data) indexed once: the first tool of each (tool,
    ecosystem) pair, and every cache of each name in table order. DF107 looked both up with a
    scan of the whole table for each command and each wanted cache."""
    from rewriter.analyse.packages import TOOLS

    tools: dict[tuple[str, str], Any] = {}
    caches: dict[str, list[Any]] = {}
    for tool in TOOLS:
        tools.setdefault((tool.tool, tool.ecosystem), tool)
        for cache in tool.caches:
            caches.setdefault(cache.name, []).append(cache)
    return tools, caches


def _yarn_berry(model: BuildModel, run: RunStep) -> bool:
    """Hints that the project uses Yarn 2+ (Berry): the context, corepack, ``--immutable``."""
    context = model.context
    if context is not None:
        choice = context.package_manager(".", "node")
        if choice is not None and "berry" in str(getattr(choice, "manager", "")):
            return True
        if context.has(".yarnrc.yml"):
            return True
    stage = run.stage
    for ins in stage.instructions if stage else []:
        text = ins.args
        if ".yarnrc.yml" in text or "corepack" in text or "yarn set version" in text:
            return True
        if "--immutable" in text:
            return True
    return False


def _has_option(command: RunCommand, names: tuple[str, ...]) -> bool:
    return any((w.value or "") in names for w in command.command.words)


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?:^|[\s;&|(]){w}(?:$|[\s;&|)])", text) for w in words)


def _reads_cache_folder(model: BuildModel, run: RunStep, paths: list[str]) -> str | None:
    """A command (this RUN or a later one in the stage) that reads a folder being mounted."""
    at, readers = _readers(model)
    start, stage = at.get(run, len(at)), run.stage
    for position, step, command, values in readers:
        if position < start or step.stage is not stage:
            continue
        for value in values:
            for path in paths:
                if value == path or value.startswith(path.rstrip("/") + "/"):
                    line = step.instruction.start_line
                    return (
                        f"`{command.command.name}` on line {line} reads {path}, which the "
                        "mount would keep out of the image"
                    )
    return None


@functools.lru_cache(maxsize=4)
def _readers(
    model: BuildModel,
) -> tuple[dict[RunStep, int], list[tuple[int, RunStep, Any, list[str]]]]:
    """Each RUN's position in file order, and the commands that may read a cache folder (not
    the package steps that fill, update or clean one), in file order with their RUN and the
    absolute paths their arguments name (words whose value is unknown are left out).

    Computed once per model: DF107 asks for every RUN it plans, and scanning every later RUN
    (expanding its words again) each time made long Dockerfiles cubic. (A model does not change
    once built; the cache keeps the last few alive, compared by identity.)"""
    runs = model.runs()
    readers = []
    for position, step in enumerate(runs):
        env: dict[str, str] | None = None  # built on the first word that needs it
        for command in step.commands:
            action = command.action
            if action is not None and action.kind in (*_FILLING, "cleanup", "index-update"):
                continue
            values = []
            for word in command.command.words[1:]:
                value = word.value
                if value is None:
                    if env is None:
                        env = {"HOME": step.state.home or "", **step.state.known_variables()}
                    value = word.expand(env, step.state.home)
                if value:
                    values.append(_absolute(value, command.cwd or step.state.workdir))
            readers.append((position, step, command, values))
    return {step: position for position, step in enumerate(runs)}, readers


def _family(model: BuildModel, run: RunStep) -> set[Any]:
    """The stages that share the RUN's files: its stage's root ancestor (following FROM
    <stage>) and every stage built on that root, directly or through others. A RUN that fills
    a store in a base stage and one that reads it in a derived (or sibling) stage must get the
    same mount: with it on one side only, the mount hides what the other expects."""
    stage = run.stage
    if stage is None:
        return set()
    root, seen = stage, {id(stage)}
    while root.base_stage is not None and id(root.base_stage) not in seen:
        root = root.base_stage
        seen.add(id(root))
    stages = {root}
    changed = True
    while changed:
        changed = False
        for other in model.stages:
            if other.base_stage in stages and other not in stages:
                stages.add(other)
                changed = True
    return stages


def _read_offline(model: BuildModel, run: RunStep, wanted: list[WantedCache]) -> set[str]:
    """Names of the wanted caches that some RUN of the family installs from *offline*
    (``npm ci --offline``, ``pnpm install --offline``): like a store, that RUN needs the files
    the others put in the cache, so they all get the mount or none does."""
    offline = _offline_cache_dirs(model)
    paths = {w.path: w.name for w in wanted}
    return {paths[d] for stage in _family(model, run) for d in offline.get(stage, ()) if d in paths}


@functools.lru_cache(maxsize=4)
def _offline_cache_dirs(model: BuildModel) -> dict[Any, set[str]]:
    """Per stage, the cache folders its RUNs install from without downloading (computed once
    per model, like :func:`_readers`)."""
    found: dict[Any, set[str]] = {}
    for other in model.runs():
        for command in other.commands:
            action = command.action
            if action is None or action.kind not in _FILLING or action.downloads:
                continue
            if action.uses_cache:
                found.setdefault(other.stage, set()).update(action.cache_dirs)
    return found


def _store_group(
    model: BuildModel, run: RunStep, names: set[str], run_wanted: list[WantedCache]
) -> list[RunStep] | Refusal:
    """The other RUNs of the stage's family (see :func:`_family`) that use the same store;
    ``run_wanted`` is ``wanted_caches(run, model)``."""
    stages = _family(model, run)
    if not stages:
        return []
    wanted = [w for w in run_wanted if w.name in names]
    paths = {w.path for w in wanted}
    names_by_path = {w.path: w.name for w in wanted}
    group: list[RunStep] = []
    for other in model.runs():
        if other is run or other.stage not in stages:
            continue
        for command in other.commands:
            action = command.action
            shared = set(action.cache_dirs) & paths if action is not None else set()
            if any(not _covered(other, names_by_path[d], d, command.command) for d in shared):
                group.append(other)
                break
    for st in (s for s in model.stages if s in stages):  # file order: the same line every run
        for ins in st.instructions:
            words = {posixpath.basename(w) for v in ins.values for w in v.split()}
            if ins.name in ("cmd", "entrypoint") and words & _BUILD_TOOLS:
                return Refusal(
                    f"line {ins.start_line} runs the build tool when the container starts, and it "
                    "would need the cached files in the image"
                )
    targets = {t for w in wanted for t in mount_targets(w.name, w.path, w.command.command)}
    for copy in model.copies():
        if copy.from_stage in stages and any(
            _under(_absolute(src, "/"), targets) for src in copy.sources
        ):
            return Refusal(
                f"line {copy.instruction.start_line} copies files out of the cache folder"
            )
    return group


def _overlaps(edit: Any, edits: list[Any]) -> bool:
    """Whether ``edit`` overlaps one of ``edits`` (touching ends do not overlap)."""
    return any(edit.start < other.end and other.start < edit.end for other in edits)


def _defeater_edits(
    run: RunStep, plan: RunPlan, names: set[str], paths: set[str]
) -> Refusal | None:
    """Fill ``plan.removals``/``replacements`` with the edits that drop cache defeaters."""
    from rewriter.analyse.shell import TextEdit, remove_command, remove_word

    script = run.scripts[0].script
    removed_commands: set[int] = set()
    for command in run.commands:
        action = command.action
        if action is None:
            continue
        defeaters = [d for d in action.cache_defeaters if d.start is not None]
        mine = [d for d in defeaters if d.defeats in names or (d.path and _under(d.path, paths))]
        if not mine:
            continue
        # A cleanup subcommand (`npm cache clean`) goes whole; an `rm` only when every path
        # it removes is a folder being mounted (else just those words go).
        whole = action.kind == "cleanup" and _only_paths_removed(command, mine)
        if whole:
            edit = remove_command(script, command.command)
            if edit is not None and _overlaps(edit, plan.removals):  # (`C0 && C && b`)
                edit = remove_command(script, command.command, following=True)
            if edit is None or _overlaps(edit, plan.removals):
                return Refusal(
                    f"`{_short(command.command, script)}` cannot be removed without changing "
                    "what else runs"
                )
            plan.removals.append(edit)
            removed_commands.add(id(command.command))
            continue
        words_done: set[int] = set()
        for d in mine:
            # one word can defeat several caches (`rm -rf /var/cache` empties apt's and apk's;
            # `rm *` in / empties every one): it is removed once
            if d.word is None or d.word.start in words_done:
                continue
            words_done.add(d.word.start)
            if action.tool == "apk" and d.word.value == "--no-cache":
                plan.replacements.append(TextEdit(d.word.start, d.word.end, APK_CACHE_FLAGS))
            else:
                plan.removals.append(remove_word(script, d.word))
    if any(w for w in plan.caches if w == "apk") and not any(
        e.text == APK_CACHE_FLAGS for e in plan.replacements
    ):
        for command in run.commands:
            action = command.action
            if action is not None and action.tool == "apk" and action.kind in _FILLING:
                sub = next((w for w in command.command.words if w.value == "add"), None)
                if sub is not None:
                    plan.replacements.append(TextEdit(sub.end, sub.end, " " + APK_CACHE_FLAGS))
    remaining = [c for c in script.commands if c.known and id(c) not in removed_commands]
    if not remaining:
        return Refusal("removing the cache cleanup would leave the RUN empty")
    return None


def _only_paths_removed(command: RunCommand, mine: Sequence[Any]) -> bool:
    """An ``rm`` whose every path argument is a cache being mounted."""
    if command.command.name != "rm":
        return True
    words = {id(d.word) for d in mine if d.word is not None}
    paths = [w for w in command.command.words[1:] if not (w.value or "").startswith("-") or w.glob]
    return all(id(w) in words for w in paths)


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _short(command: Any, script: Script) -> str:
    return script.text[command.start : command.end]


# -- users ----------------------------------------------------------------------------------------


def user_ids(model: BuildModel, run: RunStep) -> tuple[int, int | None] | None:
    """(uid, gid) of the RUN's USER when dfopt can know them, else None."""
    user = run.state.user
    name, _, group = user.partition(":")
    gid: int | None = int(group) if group.isdigit() else None
    if name.isdigit():
        return int(name), gid if gid is not None else (int(name) if not group else None)
    stage = run.stage
    created = _created_users(model, run)
    if name in created:
        uid, created_gid = created[name]
        return uid, gid if gid is not None else created_gid
    if stage is not None:
        from rewriter.analyse.images import parse_image_ref

        ref = parse_image_ref(stage.root_image)
        image = "distroless" if ref.path.startswith("distroless/") else ref.name
        known = _IMAGE_USERS.get((image, name))
        if known is not None:
            return known[0], gid if gid is not None else known[1]
    return None


def _created_users(model: BuildModel, run: RunStep) -> dict[str, tuple[int, int | None]]:
    """Users created with an explicit uid by earlier RUNs of the stage and its bases."""
    stages = []
    stage = run.stage
    while stage is not None:
        stages.append(stage)
        stage = stage.base_stage
    groups: dict[str, int] = {}
    users: dict[str, tuple[int, int | None]] = {}
    for step in model.runs():
        if step.stage not in stages or step is run:
            continue
        for command in step.commands:
            tool = command.command.name
            values = [w.value for w in command.command.words[1:]]
            if tool in ("groupadd", "addgroup"):
                gid = _option(values, ("-g", "--gid"))
                names = [v for v in values if v and not v.startswith("-") and v != gid]
                if gid and gid.isdigit() and names:
                    groups[names[-1]] = int(gid)
            elif tool in ("useradd", "adduser"):
                options, names = _split_options(values, _USERADD_VALUE_OPTIONS)
                uid = options.get("-u") or options.get("--uid")
                group = next(
                    (options[k] for k in ("-g", "--gid", "--ingroup") if k in options), None
                )
                if uid and uid.isdigit() and names:
                    gid_value = None
                    if group and group.isdigit():
                        gid_value = int(group)
                    elif group in groups:
                        gid_value = groups[group]
                    elif names[0] in groups:
                        gid_value = groups[names[0]]
                    users[names[0]] = (int(uid), gid_value)
    return users


_USERADD_VALUE_OPTIONS = frozenset(
    {"-u", "--uid", "-g", "--gid", "-G", "--groups", "--ingroup", "-d", "-h", "--home",
     "--home-dir", "-s", "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-e", "-f",
     "-K"}
)  # fmt: skip


def _split_options(
    values: list[str | None], value_options: frozenset[str]
) -> tuple[dict[str, str], list[str]]:
    """Options with their values, and the positional words, of a useradd-like command."""
    options: dict[str, str] = {}
    positionals: list[str] = []
    i = 0
    while i < len(values):
        value = values[i] or ""
        if value in value_options and i + 1 < len(values):
            options[value] = values[i + 1] or ""
            i += 2
            continue
        if value.startswith("--") and "=" in value:
            key, _, rest = value.partition("=")
            options[key] = rest
        elif not value.startswith("-") and value:
            positionals.append(value)
        i += 1
    return options, positionals


def _option(values: list[str | None], names: tuple[str, ...]) -> str | None:
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in names and i + 1 < len(values):
            return values[i + 1]
        for name in names:
            if name.startswith("--") and value.startswith(name + "="):
                return value.split("=", 1)[1]
    return None


# -- writing --------------------------------------------------------------------------------------


def mount_edits(source: str, escape: str, plan: RunPlan) -> list[Edit] | Refusal:
    """File edits for one RUN: new mount lines, removed words, the apt wrapper."""
    from rewriter.analyse.shell import TextEdit, apply_edits, parse_shell

    run = plan.run
    ins = run.instruction
    script = run.scripts[0]
    text = script.script.text
    ending = _line_ending(ins, source)
    indent = _continuation_indent(ins)
    cont = f" {escape}{ending}{indent}"
    leading = any(line.text.lstrip(" \t").startswith("&&") for line in ins.lines[1:])

    text_edits: list[TextEdit] = list(plan.removals) + list(plan.replacements)
    if plan.suffix:
        if any(c.connector == "&" for c in script.script.commands):
            # `apt-get install x & other`: the suffix would run while apt may still be working
            return Refusal("a command runs in the background: the apt hook could come back first")
        last_end = _end_of_last_item(script.script, plan.removals)
        if last_end is None:
            return Refusal("the end of the RUN's script could not be found")
        tail = "".join(
            ch
            for i, ch in enumerate(text[last_end:], last_end)
            if not any(r.start <= i < r.end for r in plan.removals)
        )
        if tail.strip(" \t\n"):
            return Refusal("the RUN's script does not end with a command the fix can follow")
        joined = " && ".join(plan.suffix)
        glue = f"{cont}&& " if leading else f" &&{cont}"
        text_edits.append(TextEdit(last_end, last_end, glue + joined))
    new_text = apply_edits(text, text_edits)
    check = parse_shell(new_text)
    if not check.ok:
        return Refusal("the rewritten script would not parse")

    edits: list[Edit] = []
    flags = "".join(m.flag() + cont for m in plan.mounts)
    prefix = "".join(p + cont for p in plan.prefix)
    args_at = script.file_offset(0)
    if args_at is None:
        return Refusal("the RUN's script is not verbatim in the file")
    flags_at = ins.new_flag_offset()
    if flags_at == args_at:
        edits.append(Edit.insert(args_at, flags + prefix))
    else:  # the flags end with `--`: the mounts go before it, the prefix into the script
        edits.append(Edit.insert(flags_at, flags))
        if prefix:
            edits.append(Edit.insert(args_at, prefix))
    for edit in _merge(text_edits):
        span = script.file_span(edit.start, edit.end)
        if span is None:
            return Refusal("the RUN's script is not verbatim in the file")
        start, end = span
        if edit.start == edit.end:
            end = start
        if _crosses_comment(ins, start, end):
            return Refusal("the words to remove are split by a comment line, which must stay")
        piece = edit.text.replace("\n", ending) if ending == "\r\n" else edit.text
        edits.append(Edit(start, end, piece))
    return edits


def _merge(edits: list[TextEdit]) -> list[TextEdit]:
    """Join an insertion with a removal that starts at the same place (one file edit)."""
    from rewriter.analyse.shell import TextEdit

    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[TextEdit] = []
    for edit in ordered:
        if out and out[-1].start == edit.start and (out[-1].start == out[-1].end):
            prev = out.pop()
            out.append(TextEdit(edit.start, edit.end, prev.text + edit.text))
        elif out and out[-1].end == edit.start and edit.start == edit.end:
            prev = out.pop()
            out.append(TextEdit(prev.start, prev.end, prev.text + edit.text))
        else:
            out.append(edit)
    return out


#: Compound commands a suffix can follow with ``&&`` (``{ ...; } && suffix``); a function
#: definition runs nothing, and ``$( )``/``sh -c`` bodies end inside their own command.
_FOLLOWABLE = frozenset(
    (
        "brace_group",
        "subshell",
        "if_clause",
        "for_clause",
        "while_clause",
        "until_clause",
        "case_clause",
    )
)


def _end_of_last_item(script: Script, removals: list[TextEdit]) -> int | None:
    """Where the script's last top-level item that stays ends: a simple command, or a compound
    command (with its redirections) around the commands it holds; the suffix goes there."""
    ends = []
    for c in script.commands:
        if not c.known or any(r.start <= c.start and c.end <= r.end for r in removals):
            continue
        if c.depth == 0:
            ends.append(c.end)
        elif c.enclosing and c.enclosing[0].kind in _FOLLOWABLE:
            ends.append(c.enclosing[0].end)
    return max(ends, default=None)


def _line_ending(ins: Any, source: str) -> str:
    """The RUN's own line ending; the file's when the RUN is a last line without one (a CRLF
    file must not get LF continuation lines)."""
    first = ins.lines[0].text
    if first.endswith("\n"):
        return "\r\n" if first.endswith("\r\n") else "\n"
    newline = source.find("\n")
    return "\r\n" if newline > 0 and source[newline - 1] == "\r" else "\n"


def _continuation_indent(ins: Any) -> str:
    for line in ins.lines[1:]:
        if line.kind == "CONT":
            body = line.text.rstrip("\r\n")
            return body[: len(body) - len(body.lstrip(" \t"))] or "    "
    return "    "


def _crosses_comment(ins: Any, start: int, end: int) -> bool:
    return any(
        line.kind in ("CONT_COMMENT", "CONT_EMPTY") and start < line.offset < end
        for line in ins.lines
    )


def _absolute(path: str, workdir: str) -> str:
    joined = path if path.startswith("/") else posixpath.join(workdir or "/", path)
    return posixpath.normpath(joined)
