"""May DF107 put apt's package lists (``/var/lib/apt/lists``) in a cache mount?

Why this needs its own answer: ``/var/cache/apt`` only holds downloaded ``.deb`` files, which
nothing reads after the install. The lists are different: ``apt-get install`` (and
``apt-cache``, ``apt-get source``...) *reads* them, so moving them into a mount takes them out
of the image, and a later step that installs without updating first then fails
(``E: Unable to locate package jq``). Real BuildKit showed it with a later exec-form RUN, which
the fix cannot give the mount.

The lists may go into a mount only when both hold:

1. the RUN fetches them itself (``apt-get update``) before it reads them: otherwise they come
   from an earlier layer, and a mount over the folder would hide them;
2. the RUN deletes them at its end (``rm -rf /var/lib/apt/lists/*``: the image never had them),
   or nothing after it reads them without the same mount: no later RUN of the stage or of a
   stage built on it, no ``COPY --from`` or bind mount of them, no CMD/ENTRYPOINT that runs apt.

:func:`lists_kept_reason` says why the lists must stay (None when they may be mounted); DF107
then mounts ``/var/cache/apt`` alone and says so in the fix's notes. An image other Dockerfiles
build on is outside what dfopt can see: it loses its lists only when the RUN deleted them.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rewriter.analyse.model import BuildModel, RunCommand, RunStep

__all__ = ["LISTS", "later_lists_reader", "lists_kept_reason"]

LISTS = "/var/lib/apt/lists"
#: Programs that read the package lists (``apt-get update`` only rewrites them).
_READERS = frozenset({"apt-get", "apt", "aptitude", "apt-cache"})
_APT_WORD = re.compile(r"(?:^|[\s\"'/;&|(`])(?:apt-get|apt|aptitude|apt-cache)(?:$|[\s\"',;&|)`])")


def lists_kept_reason(model: BuildModel, run: RunStep, command: RunCommand) -> str | None:
    """Why ``command`` (an apt install of ``run``) must leave the lists in the image, or None."""
    if not _updated_before(run, command):
        return (
            "this RUN reads lists an earlier step fetched (no `apt-get update` before the "
            "install), which a mount would hide"
        )
    if _deleted_after(run, command):
        return None
    return later_lists_reader(model, run)


def _updated_before(run: RunStep, command: RunCommand) -> bool:
    start = command.command.start
    return any(
        c.action is not None
        and c.action.tool == "apt-get"
        and c.action.kind == "index-update"
        and c.script is command.script
        and c.command.start < start
        for c in run.commands
    )


def _deleted_after(run: RunStep, command: RunCommand) -> bool:
    """``rm -rf /var/lib/apt/lists/*`` after the install, in the same script."""
    for other in run.commands:
        action = other.action
        if action is None or other.script is not command.script:
            continue
        if other.command.start <= command.command.start:
            continue
        for defeater in action.cache_defeaters:
            path = defeater.path
            if path is not None and (path == LISTS or path.startswith(LISTS + "/")):
                return True
    return False


def _later_stages(model: BuildModel, run: RunStep) -> list[Any]:
    """The RUN's stage and every stage built FROM it, directly or through others."""
    stage = run.stage
    found = [stage] if stage is not None else []
    changed = True
    while changed:
        changed = False
        for other in model.stages:
            if other.base_stage in found and other not in found:
                found.append(other)
                changed = True
    return found


def later_lists_reader(model: BuildModel, run: RunStep) -> str | None:
    """The first step after ``run`` that reads the lists without the same mount, described
    (DF106 uses it too: lists a later step installs from are not a leftover)."""
    stages = _later_stages(model, run)
    line = run.instruction.start_line
    for stage in stages:
        for ins in stage.instructions:
            if stage is run.stage and ins.start_line <= line:
                continue
            if ins.name == "run":
                step = model.run_of(ins)
                if step is not None and _run_reads(step):
                    return f"the RUN on line {ins.start_line} reads them without the same mount"
            elif ins.name in ("cmd", "entrypoint", "healthcheck") and _APT_WORD.search(
                " ".join(ins.values) if ins.json else ins.args
            ):
                return f"line {ins.start_line} runs apt when the container starts"
    for copy in model.copies():
        if copy.from_stage in stages and any(_under_lists(src) for src in copy.sources):
            return f"line {copy.instruction.start_line} copies them out of the stage"
    for step in model.runs():
        for mount in step.mounts:
            from_stage = model.stage_named(mount.from_) if mount.from_ else None
            if from_stage in stages and _under_lists(mount.source or "/"):
                return f"line {step.instruction.start_line} mounts them from the stage"
    return None


def _run_reads(step: RunStep) -> bool:
    """Whether a RUN reads the lists it finds in the image (not through a lists cache mount)."""
    if _same_mount(step):
        return False
    ins = step.instruction
    if not step.scripts or any(not s.script.ok for s in step.scripts):
        text = " ".join(ins.values) if ins.json else ins.args
        text += "".join("\n" + h.content for h in ins.heredocs)
        return bool(_APT_WORD.search(text)) or LISTS in text
    refreshed: set[int] = set()
    for command in step.commands:
        script = id(command.script)
        action = command.action
        if action is not None and action.tool == "apt-get" and action.kind == "index-update":
            refreshed.add(script)
            continue
        if command.command.name in _READERS and script not in refreshed:
            return True
        if command.command.name == "rm":
            continue
        for word in command.command.words[1:]:
            value = word.value
            if value is not None and posixpath.normpath(value).startswith("/var/lib/apt"):
                return True
    return False


def _same_mount(step: RunStep) -> bool:
    """A cache mount of the lists with the id DF107's mount has (its target)."""
    for mount in step.mounts:
        if mount.type != "cache" or not mount.target:
            continue
        target = posixpath.normpath(posixpath.join(step.state.workdir or "/", mount.target))
        if target == LISTS and (mount.cache_id or target) in (LISTS, mount.target):
            return True
    return False


def _under_lists(path: str) -> bool:
    """Whether ``path`` (maybe a glob) is the lists folder, inside it, or a folder above it."""
    path = posixpath.normpath("/" + path.lstrip("/"))
    if path in ("/", "/var", "/var/lib", "/var/lib/apt"):
        return True
    return path == LISTS or path.startswith(LISTS + "/")
