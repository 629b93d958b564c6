"""The dependency-first rewrite: install dependencies before ``COPY . .`` copies the sources.

``find_problems(ctx)`` walks every stage and returns one :class:`Problem` per dependency step
that runs after a broad COPY of its project folder (and per install that runs before any COPY
of its manifest). A problem carries the :class:`~rewriter.rules.base.Fix` when every guard
holds, else the reason it leaves the file alone. Rule DF101 turns problems into findings.

The rewrite, for an install RUN (``npm ci``, ``pip install -r``, ``go mod download``...)::

    COPY . .                      COPY package.json package-lock.json ./
    RUN npm ci            ->      RUN npm ci
                                  COPY . .

(the manifest COPY takes the broad COPY's place, flags and destination; the broad COPY moves
to just after the install, so the install RUN and everything between them stay as written).
For a build that downloads as it compiles (``go build``, ``mvn package``, ``gradle build``), a
download step is inserted before the broad COPY instead, and the build stays where it is.

Guards, each a reason in the finding when it fails: the install runs in the folder the COPY
writes to; the RUN does nothing else that may need the sources; nothing between the COPY and
the install changes what either of them sees (COPY, a WORKDIR other than one into the COPY's
own absolute destination, VOLUME, ENV/ARG when the COPY uses variables, or a RUN other than a
system-package setup or a tool install from a registry, see ``dependency_first_system`` and
``dependency_first_tools``: such a RUN stays in place, between the manifest COPY and the
install); the inputs are known (see ``dependency_first_inputs``); no earlier RUN generates a
manifest.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from rewriter.analyse.packages import BUILD, DEPENDENCY_INSTALL, DOWNLOAD
from rewriter.fixes.dependency_first_edits import (
    ALLOWED_FLAGS,
    download_run,
    insert_before,
    manifest_copies,
    move_after,
)
from rewriter.fixes.dependency_first_inputs import (
    Inputs,
    NotNeeded,
    Refusal,
    go_env_prefixes,
    moved_file,
    plan_inputs,
    usable_context,
)
from rewriter.fixes.dependency_first_scan import (
    METADATA,
    REPORT_ONLY,
    BroadCopy,
    DependencyStep,
    broad_copy,
    clean_source,
    dependency_step,
    expand_known,
    harmless,
    is_within,
    known_dir,
    mounts,
)
from rewriter.fixes.dependency_first_system import system_run_blocker
from rewriter.records import Record
from rewriter.rules.base import Fix

if TYPE_CHECKING:
    from rewriter.parser import Instruction
    from rewriter.rules.context import RuleContext

COPIED_BEFORE_INSTALL = "copied-before-install"
INSTALL_BEFORE_MANIFEST = "install-before-manifest"

#: What runs between the broad COPY and the install without blocking the move.
_BETWEEN_OK = METADATA | {"user", "shell"}
_VARIABLES = frozenset({"env", "arg"})


class Problem(Record):
    """One dependency step in the wrong place; ``fix`` is None when the file is left alone."""

    __slots__ = ("at", "fix", "kind", "message", "reason")

    def __init__(
        self,
        kind: str,
        at: Instruction,
        message: str,
        fix: Fix | None = None,
        reason: str | None = None,
    ):
        self.kind = kind
        self.at = at
        self.message = message
        self.fix = fix
        self.reason = reason


def find_problems(ctx: RuleContext) -> list[Problem]:
    """Every dependency-first problem of the file, in file order."""
    context = _context(ctx)
    finder = _Finder(ctx, context)
    problems: list[Problem] = []
    for stage in ctx.model.stages:
        problems.extend(finder.stage(stage))
    return problems


def _context(ctx: RuleContext) -> Any:
    try:
        return usable_context(ctx.build_context)
    except (OSError, ValueError):  # an unreadable context must not hide the finding
        return None


def _enters(workdir: Instruction, copy: BroadCopy) -> bool:
    """Whether ``workdir`` only enters the broad COPY's own destination (``COPY . /app``,
    ``WORKDIR /app``). The manifest COPY creates that folder where the broad COPY did, so the
    WORKDIR finds it either way, and an absolute destination does not depend on the WORKDIR:
    the broad COPY may move below it. A relative destination would (``COPY . app`` after
    ``WORKDIR /app`` is ``/app/app``), as would a WORKDIR into another folder."""
    values = workdir.values
    if len(values) != 1 or "$" in values[0] or not values[0].startswith("/"):
        return False
    if "$" in copy.dest or not copy.dest.startswith("/"):
        return False
    return posixpath.normpath(values[0]) == posixpath.normpath(copy.directory)


def _first_line(inst: Instruction, limit: int = 48) -> str:
    text = " ".join(inst.lines[0].text.strip().rstrip("\\").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _names(inputs: Inputs) -> str:
    shown = [n.rstrip("*") for n in inputs.files] + [f"{d}/" for d in inputs.dirs]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


class _Finder:
    #: Read each COPY as it comes (the general path) instead of when a step needs the broad
    #: copies before it; tests set it to prove both find the same problems.
    read_every_copy = False

    def __init__(self, ctx: RuleContext, context: Any) -> None:
        self.ctx = ctx
        self.tree = ctx.tree
        self.model = ctx.model
        self.context = context
        self.escape = ctx.tree.escape

    def stage(self, stage: Any) -> list[Problem]:
        body: list[Instruction] = list(stage.body)
        problems: list[Problem] = []
        # COPY/ADD instructions seen so far; read as broad copies only when a dependency step
        # needs them (most stages have none): broad_copy depends on nothing that changes.
        copies: list[tuple[int, Instruction, Any]] = []
        broad: list[tuple[int, BroadCopy]] = []
        steps: list[tuple[int, DependencyStep]] = []
        handled: set[tuple[str, str]] = set()
        for index, inst in enumerate(body):
            name = inst.name
            if name in ("copy", "add"):
                copies.append((index, inst, self.model.state_of(inst)))
                if self.read_every_copy:
                    self._read_copies(copies, broad)
                continue
            if name != "run":  # only a RUN is a dependency step (``dependency_step`` says None)
                continue
            # ``run_of``: the model's own index, shared with the other rules
            step = dependency_step(inst, self.model.state_of(inst), self.model.run_of(inst))
            if step is None:
                continue
            steps.append((index, step))
            directory = known_dir(step.directory)
            manifest = step.manifest_path
            if directory is None or manifest is None:
                continue
            self._read_copies(copies, broad)
            pair = next(
                ((j, b) for j, b in reversed(broad) if is_within(manifest, b.directory)), None
            )
            if pair is None:
                problem = self.before_manifest(stage, body, index, step)
                if problem is not None:
                    problems.append(problem)
                continue
            j, copy = pair
            key = (step.action.ecosystem, directory)
            if key in handled:
                continue
            if (step.is_build or step.action.needs_sources) and any(
                k < j
                and not s.is_build
                and not s.action.needs_sources
                and (s.action.ecosystem, s.directory) == key
                for k, s in steps
            ):
                # The dependencies were installed before the COPY; this step builds or installs
                # the project itself (``pip install .`` after ``pip install -r``), so it must
                # come after the sources: that is the dependency-first layout, and what DF101's
                # own fix produces.
                continue
            problem = self.after_copy(body, j, copy, index, step)
            if problem is not None:
                handled.add(key)
                problems.append(problem)
        return problems

    def _read_copies(
        self, copies: list[tuple[int, Instruction, Any]], broad: list[tuple[int, BroadCopy]]
    ) -> None:
        """Move ``copies`` into ``broad`` (in file order), keeping those that copy a folder."""
        for index, inst, state in copies:
            found = broad_copy(inst, state, self.context, self.escape)
            if found is not None:
                broad.append((index, found))
        copies.clear()

    # -- the COPY comes first -------------------------------------------------------------------
    def after_copy(
        self, body: list[Instruction], j: int, copy: BroadCopy, i: int, step: DependencyStep
    ) -> Problem | None:
        if step.is_build and self._store_mounted(step):
            return None
        inputs = None
        reason = self._structure_reason(body, j, copy, i, step)
        if reason is None:
            planned = plan_inputs(step, copy, self.context)
            if isinstance(planned, NotNeeded):
                return None
            if isinstance(planned, Refusal):
                reason = planned.reason
            else:
                inputs = planned
        if inputs is not None and reason is None:
            reason = self._generated(body, j, copy, inputs)
        fix = None
        wanted = None
        if inputs is not None and reason is None:
            fix, wanted = self._fix(body, j, copy, step, inputs)
        message = self._message(copy, step, wanted, reason)
        return Problem(COPIED_BEFORE_INSTALL, copy.inst, message, fix, reason)

    def _store_mounted(self, step: DependencyStep) -> bool:
        """Whether the build RUN keeps its dependency store (Go modules, ``~/.m2``, the Gradle
        caches) in a cache mount. Then a download step before the COPY buys nothing: what it
        downloads would live only in that same mount (without the mount there, the build's
        mount would hide it), and the build already finds every download there after a source
        change. DF101 stays quiet rather than ask for a step that cannot help, which in
        multi-module Maven/Gradle builds cannot even be written reliably."""
        from rewriter.fixes.cache_mounts import store_covered

        run = self.model.run_of(step.inst)
        if run is None:
            return False
        action = next(
            (
                c.action
                for c in run.commands
                if c.action is not None and c.command.start == step.action.command.start
            ),
            None,
        )
        return action is not None and store_covered(run, action) is True

    def _structure_reason(
        self, body: list[Instruction], j: int, copy: BroadCopy, i: int, step: DependencyStep
    ) -> str | None:
        action = step.action
        if action.ecosystem in REPORT_ONLY:
            return f"dfopt has no dependency-first rewrite for `{action.tool}` yet"
        if step.directory != copy.directory:
            return (
                f"`{step.text}` runs in {step.directory}, not in {copy.directory} where the COPY"
                " puts the sources"
            )
        if copy.sources != 1:
            return "the COPY has several sources"
        for flag in copy.inst.flags:
            if flag.name not in ALLOWED_FLAGS:
                return f"the COPY's --{flag.name} flag would need the same on the manifest COPY"
        if copy.inst.json and any(c in copy.dest for c in " \t'\""):
            return "the COPY's destination needs quoting"
        between = body[j + 1 : i]
        copy_uses_variables = "$" in copy.inst.logical.text
        for inst in between:
            if inst.name in _BETWEEN_OK and not step.is_build:
                continue
            if inst.name in METADATA:
                continue
            if inst.name in _VARIABLES and not copy_uses_variables and not step.is_build:
                continue
            if inst.name == "workdir" and not step.is_build and _enters(inst, copy):
                continue
            why = None
            if inst.name == "run" and not step.is_build:
                why = system_run_blocker(
                    inst,
                    self.model.state_of(inst),
                    copy.directory,
                    _chown(copy.inst),
                    moved_file(self.context, copy, step),
                )
                if why is None:
                    continue  # it only sets up the system: the COPY may move below it
            return (
                f"`{_first_line(inst)}` (line {inst.start_line}) runs between the COPY and the"
                f" {'build' if step.is_build else 'install'}, and dfopt does not reorder it"
                + (f": {why}" if why else "")
            )
        if step.is_build:
            if any(m.get("type") == "bind" for m in mounts(step.inst)):
                return "the build RUN bind-mounts files: dfopt cannot tell what it reads"
            refusal = go_env_prefixes(step) if action.ecosystem == "go" else None
            return refusal.reason if refusal else None
        for cmd, other in step.commands:
            if other is action or (other is not None and other.command is action.command):
                continue
            if not harmless(cmd, other):
                text = " ".join(w.raw for w in cmd.words) or step.script.text[cmd.start : cmd.end]
                return (
                    f"the same RUN also runs `{text}`, which may need the sources: give it a RUN"
                    " of its own after the COPY"
                )
        return None

    def _generated(
        self, body: list[Instruction], j: int, copy: BroadCopy, inputs: Inputs
    ) -> str | None:
        """A manifest an earlier RUN may write (``RUN poetry export > requirements.txt``)."""
        names = [n.rstrip("*") for n in inputs.required or inputs.files[:1]]
        for inst in body[:j]:
            if inst.name != "run":
                continue
            for name in names:
                if posixpath.basename(name) in inst.args:
                    return f"`{_first_line(inst)}` (line {inst.start_line}) may write {name}"
        return None

    def _fix(
        self, body: list[Instruction], j: int, copy: BroadCopy, step: DependencyStep, inputs: Inputs
    ) -> tuple[Fix, Inputs]:
        """The fix, and the inputs it copies (those no earlier COPY brings already)."""
        provided = self._provided(body[:j], copy, inputs)
        if self.context is not None:
            wanted = Inputs(
                tuple(n for n in inputs.files if n not in provided),
                tuple(n for n in inputs.dirs if n not in provided),
            )
        elif all(n in provided for n in inputs.required):
            wanted = Inputs(())
        else:
            wanted = inputs
        lines = manifest_copies(copy, wanted) if wanted.names else []
        source = self.ctx.source
        if step.is_build:
            command = _download_command(step)
            workdir = known_dir(self.model.state_of(copy.inst).workdir)
            lines.append(download_run(step, command, workdir))
            edits = insert_before(self.tree, copy, lines)
            title = f"Download dependencies with `{command}` before `{_first_line(copy.inst)}`"
        else:
            edits = move_after(self.tree, source, copy, step, lines)
            title = f"Install dependencies before `{_first_line(copy.inst)}`"
        return Fix(title, edits, inputs.applicability, inputs.notes), wanted

    def _provided(self, before: list[Instruction], copy: BroadCopy, inputs: Inputs) -> set[str]:
        """Input names an earlier COPY already brings to the same place."""
        from rewriter.analyse.context import gopath

        found: set[str] = set()
        for inst in before:
            if inst.name not in ("copy", "add") or inst.heredocs or len(inst.values) < 2:
                continue
            if any(f.name == "from" for f in inst.flags):
                continue
            state = self.model.state_of(inst)
            words = [expand_known(v, state, self.escape) for v in inst.values]
            if any(w is None for w in words):
                continue
            *sources, dest = [w for w in words if w is not None]
            target = _resolve(known_dir(state.workdir), dest)
            if target is None:
                continue
            as_dir = dest.endswith("/") or len(sources) > 1 or target == copy.directory
            for raw in sources:
                pattern = clean_source(raw)
                for name in inputs.names:
                    context_path = clean_source(posixpath.join(copy.source, name.rstrip("*")))
                    try:
                        matches = gopath.match(pattern, context_path)
                    except ValueError:
                        matches = False
                    if not matches:
                        continue
                    bare = name.rstrip("*")
                    if name in inputs.dirs:
                        lands = target
                    elif as_dir or gopath.has_wildcards(raw):
                        lands = posixpath.join(target, posixpath.basename(bare))
                    else:
                        lands = target
                    if lands == posixpath.normpath(posixpath.join(copy.directory, bare)):
                        found.add(name)
        return found

    # -- the install comes before its manifest -------------------------------------------------
    def before_manifest(
        self, stage: Any, body: list[Instruction], i: int, step: DependencyStep
    ) -> Problem | None:
        action = step.action
        if action.kind not in (DEPENDENCY_INSTALL, DOWNLOAD) or not action.manifests:
            return None
        if stage.base_stage is not None or any(m.get("type") == "bind" for m in mounts(step.inst)):
            return None
        directory = step.directory or "/"
        primary = posixpath.basename(action.manifests[0])
        manifest = step.manifest_path or posixpath.join(directory, primary)
        for inst in body[:i]:
            if inst.name in ("copy", "add"):
                target = self._target(inst)
                if target is None or is_within(manifest, target):
                    return None  # an earlier COPY may bring it
            if inst.name == "run" and primary in inst.args:
                return None  # an earlier RUN may write it
        for inst in body[i + 1 :]:
            if inst.name not in ("copy", "add") or any(f.name == "from" for f in inst.flags):
                continue
            target = self._target(inst)
            if target is None:
                continue
            names = [posixpath.basename(clean_source(v)) for v in inst.values[:-1]]
            broad = broad_copy(inst, self.model.state_of(inst), self.context, self.escape)
            covers = broad is not None and is_within(manifest, broad.directory)
            brings = target in (posixpath.dirname(manifest), manifest) and any(
                _glob_match(n, primary) for n in names
            )
            if covers or brings:
                message = (
                    f"`{step.text}` runs before {primary} is copied into {directory} (line"
                    f" {inst.start_line}): it cannot read the project's dependencies; copy the"
                    " manifests before it"
                )
                return Problem(INSTALL_BEFORE_MANIFEST, step.inst, message)
        return None

    def _target(self, inst: Instruction) -> str | None:
        state = self.model.state_of(inst)
        if not inst.values:
            return None
        dest = expand_known(inst.values[-1], state, self.escape)
        return _resolve(known_dir(state.workdir), dest)

    # -- messages ------------------------------------------------------------------------------
    def _message(
        self, copy: BroadCopy, step: DependencyStep, inputs: Inputs | None, reason: str | None
    ) -> str:
        what = {
            BUILD: "downloads the dependencies as it builds",
            DOWNLOAD: "downloads the dependencies",
        }.get(step.action.kind, "installs the dependencies")
        head = (
            f"`{_first_line(copy.inst)}` copies the sources before `{step.text}`"
            f" (line {step.inst.start_line}) {what}: every source change re-runs it"
        )
        if reason is not None:
            return f"{head}; not fixed: {reason}"
        assert inputs is not None
        if step.is_build:
            return f"{head}; download them first with `{_download_command(step)}`"
        if inputs.names:
            return f"{head}; copy {_names(inputs)} first, install, then copy the rest"
        return f"{head}; the manifests are already copied: install before the COPY"


def _resolve(workdir: str | None, dest: str | None) -> str | None:
    if dest is None:
        return None
    if dest.startswith("/"):
        path = posixpath.normpath(dest)
    elif workdir is None:
        return None
    else:
        path = posixpath.normpath(posixpath.join(workdir, dest))
    return "/" + path.lstrip("/") if path.startswith("//") else path


def _chown(inst: Instruction) -> str | None:
    """The COPY's ``--chown`` value as written (None without one)."""
    return next((f.value or "" for f in inst.flags if f.name == "chown"), None)


def _glob_match(pattern: str, name: str) -> bool:
    from rewriter.analyse.context import gopath

    try:
        return gopath.match(pattern, name)
    except ValueError:
        return False


def _download_command(step: DependencyStep) -> str:
    """The command that fetches what ``step``'s build would download."""
    from rewriter.analyse.packages import TOOLS

    action = step.action
    words = list(action.command.words)
    launch_at = next(
        (k for k, w in enumerate(words)
         if posixpath.basename(w.value or "") in ("go", "mvn", "mvnw", "gradle", "gradlew")),
        0,
    )  # fmt: skip
    launcher = " ".join(w.raw for w in words[_script_shell_at(words, launch_at) : launch_at + 1])
    if action.ecosystem == "go":
        return f"{launcher} mod download"
    tool = next(t for t in TOOLS if t.tool == action.tool)
    options: list[str] = []
    rest = words[launch_at + 1 :]
    k = 0
    while k < len(rest):
        value = rest[k].value or rest[k].raw
        if value.startswith("-"):
            options.append(rest[k].raw)
            if value in tool.value_options and k + 1 < len(rest):
                options.append(rest[k + 1].raw)
                k += 1
        k += 1
    if action.ecosystem == "maven":
        batch = [] if {"-B", "--batch-mode"} & set(options) else ["-B"]
        return " ".join([launcher, *batch, *options, "dependency:go-offline"])
    daemon = [] if "--no-daemon" in options else ["--no-daemon"]
    return " ".join([launcher, *options, "dependencies", *daemon])


def _script_shell_at(words: list[Any], launch_at: int) -> int:
    """Where the launcher starts: at the shell that runs it (``sh ./mvnw``, ``bash -e
    ./gradlew``, so the download step runs the wrapper the same way, executable bit or not),
    else at the launcher itself."""
    from rewriter.analyse.packages.specs import SCRIPT_SHELLS

    k = launch_at - 1
    while k >= 0 and (words[k].value or "").startswith(("-", "+")):
        k -= 1
    if k >= 0 and posixpath.basename(words[k].value or "") in SCRIPT_SHELLS:
        return k
    return launch_at
