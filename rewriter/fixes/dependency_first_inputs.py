"""Which files a dependency step reads, per ecosystem, and whether copying only them is safe.

Why per ecosystem and why so many refusals: "copy the manifests first" is only a safe rewrite
when the install reads nothing else. npm runs ``postinstall`` scripts, pip follows ``-r`` includes
and builds ``-e .``, poetry installs the project itself, ``go.mod`` may ``replace`` a module with a
local folder, a Maven reactor needs every child ``pom.xml``. With the build context at hand
these are checked file by file and the exact existing files are copied; without it, only
patterns that cannot fail (``package-lock.json*``) are used, and the ecosystems whose inputs
cannot be known from the command line get an UNSAFE fix.

Every refusal is a :class:`Refusal` whose text completes the sentence "not fixed: ...".
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rewriter.records import Record
from rewriter.rules.base import Applicability

if TYPE_CHECKING:
    from rewriter.fixes.dependency_first_scan import BroadCopy, DependencyStep


class Inputs(Record):
    """What to copy before the step: paths relative to the install folder.

    ``files`` may hold COPY globs (``package-lock.json*``) when the context is unknown;
    ``dirs`` are folders copied whole to the same relative place. ``required`` are the names
    an earlier COPY must already provide for the step to count as "manifests copied first".
    """

    __slots__ = ("applicability", "dirs", "files", "notes", "required")

    def __init__(
        self,
        files: tuple[str, ...],
        dirs: tuple[str, ...] = (),
        required: tuple[str, ...] = (),
        applicability: Applicability = Applicability.SAFE,
        notes: tuple[str, ...] = (),
    ):
        self.files = files
        self.dirs = dirs
        self.required = required
        self.applicability = applicability
        self.notes = notes

    @property
    def names(self) -> tuple[str, ...]:
        return self.files + self.dirs


class Refusal(Record):
    """Why the file is left alone (a finding without a fix)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class NotNeeded(Record):
    """The step does not download anything that a cache could keep (``go build`` with vendor)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = "vendored"):
        self.reason = reason


class _Context(Record, eq="mutable"):
    """The build context as far as this module needs it: existence, exclusion, content."""

    __slots__ = ("data", "notes", "source")

    def __init__(self, data: Any, source: str, notes: list[str] | None = None):
        self.data = data
        self.source = source  # the broad COPY's context folder
        self.notes = [] if notes is None else notes  # None: empty

    def rel(self, name: str) -> str:
        return name if self.source == "." else f"{self.source}/{name}"

    def _excluded(self, rel: str, is_dir: bool) -> bool:
        ignore = self.data.dockerignore
        return bool(ignore is not None and ignore.is_excluded(rel, is_dir))

    def sent_file(self, name: str) -> bool:
        rel = self.rel(name)
        return rel in self.data.files and not self._excluded(rel, False)

    def sent_dir(self, name: str) -> bool:
        rel = self.rel(name)
        return rel in self.data.dirs and not self._excluded(rel, True)

    def sent(self, name: str) -> bool:
        return self.sent_file(name) or self.sent_dir(name)

    def excluded(self, name: str) -> bool:
        rel = self.rel(name)
        return (rel in self.data.files or rel in self.data.dirs) and self._excluded(
            rel, rel in self.data.dirs
        )

    def read(self, name: str, limit: int = 2_000_000) -> str | None:
        root = Path(self.data.root).resolve()
        path = (root / self.rel(name)).resolve()
        if root != path and root not in path.parents:
            return None
        if not path.is_file():  # absent, a folder, or a FIFO that would block the read
            return None
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read(limit)
        except OSError:
            return None


def moved_file(context: Any, copy: BroadCopy, step: DependencyStep) -> Callable[[str], bool | None]:
    """``moved(name)``: whether the file ``name`` of the copied folder reaches a RUN between
    ``copy`` and ``step`` only while the COPY stays above it: the COPY brings it (present, not
    excluded by .dockerignore) and the manifest COPY the fix writes for ``step`` does not (an
    install's ``.npmrc`` comes with its manifests). None for every name without a context."""
    if context is None:
        return lambda name: None
    ctx = _Context(context, copy.source)
    carried: tuple[str, ...] = ()
    if step.action.ecosystem == "node" and step.action.tool in _NODE_GLOBS:
        tool = step.action.tool
        flavour = _yarn_flavour(ctx, _words(step)) if tool == "yarn" else tool
        carried = _NODE_FILES[flavour]
    return lambda name: ctx.sent_file(name) and name not in carried


def usable_context(context: Any) -> Any | None:
    """The scan result when it can answer "does this file exist?" (not truncated)."""
    if context is None or getattr(context, "truncated", False):
        return None
    return context


def plan_inputs(
    step: DependencyStep, copy: BroadCopy, context: Any
) -> Inputs | Refusal | NotNeeded:
    """The files to copy before ``step`` (which runs where ``copy`` puts its folder)."""
    ecosystem = step.action.ecosystem
    planner = _PLANNERS.get(ecosystem)
    if planner is None:
        return Refusal(f"dfopt has no dependency-first rewrite for `{step.action.tool}` yet")
    ctx = _Context(context, copy.source) if context is not None else None
    return planner(step, ctx)


def _words(step: DependencyStep) -> list[str]:
    return [w.value or w.raw for w in step.action.command.words]


def _missing(ctx: _Context, name: str) -> Refusal:
    if ctx.excluded(name):
        return Refusal(f"`.dockerignore` excludes {ctx.rel(name)}, so it cannot be copied first")
    return Refusal(f"{ctx.rel(name)} is not in the build context (is it generated by the build?)")


def _present(ctx: _Context, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if ctx.sent_file(n))


def _outputs_in_context(ctx: _Context, names: tuple[str, ...]) -> Refusal | None:
    """The install writes these into the project folder; a later ``COPY .`` would overwrite."""
    for name in names:
        if ctx.sent(name):
            return Refusal(
                f"the build context holds {ctx.rel(name)} (not in `.dockerignore`): copied after"
                " the install it would replace what the install wrote; add it to `.dockerignore`"
            )
    return None


# -- node -------------------------------------------------------------------------------------

_NODE_FILES = {
    "npm": ("package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
    "yarn1": ("package.json", "yarn.lock", ".yarnrc", ".npmrc"),
    "yarn-berry": ("package.json", "yarn.lock", ".yarnrc.yml"),
    "pnpm": ("package.json", "pnpm-lock.yaml", ".npmrc", ".pnpmfile.cjs"),
}
_BERRY_DIRS = (".yarn/releases", ".yarn/plugins", ".yarn/patches", ".yarn/cache")
_BERRY_OUTPUTS = (".pnp.cjs", ".pnp.loader.mjs", ".yarn/install-state.gz", ".yarn/unplugged")
_NODE_GLOBS = {
    "npm": ("package.json", "package-lock.json*", "npm-shrinkwrap.json*", ".npmrc*"),
    "yarn": ("package.json", "yarn.lock*", ".yarnrc*", ".npmrc*"),
    "pnpm": (
        "package.json",
        "pnpm-lock.yaml*",
        "pnpm-workspace.yaml*",
        ".npmrc*",
        ".pnpmfile.cjs*",
    ),
}
_YARN1_FLAGS = ("--frozen-lockfile", "--pure-lockfile")
_LOCK_KEEPING = {
    "npm": ("ci", "clean-install", "install-clean"),
    "yarn": ("--frozen-lockfile", "--pure-lockfile", "--immutable"),
    "pnpm": ("--frozen-lockfile",),
}
_LOCKFILES = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml"}


def _yarn_flavour(ctx: _Context, words: list[str]) -> str:
    lock = ctx.data.manifest(ctx.rel("yarn.lock")) if hasattr(ctx.data, "manifest") else None
    flavour = lock.fact("lockfile-format") if lock is not None else None
    if flavour in ("yarn1", "yarn-berry"):
        return flavour
    if ctx.sent_file(".yarnrc.yml") or "--immutable" in words:
        return "yarn-berry"
    return "yarn1"


def _writes_lockfile(tool: str, step: DependencyStep, words: list[str]) -> bool:
    keeping = _LOCK_KEEPING[tool]
    if tool == "npm":
        return step.action.subcommand not in keeping
    if tool == "pnpm" and step.action.subcommand == "fetch":
        return False
    return not any(flag in words for flag in keeping)


def _node(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    action = step.action
    tool = action.tool
    if tool not in _NODE_GLOBS:
        return Refusal(f"dfopt has no dependency-first rewrite for `{tool}` yet")
    words = _words(step)
    if action.packages:
        return Refusal(f"`{step.text}` adds packages to package.json, which `COPY` would undo")
    lock_note = (
        f"`{step.text}` may rewrite {_LOCKFILES[tool]}; after this fix the image keeps the"
        " context's copy instead"
    )
    writes_lock = _writes_lockfile(tool, step, words)
    if ctx is None:
        unsafe = writes_lock or (tool == "yarn" and not any(f in words for f in _YARN1_FLAGS))
        notes = (lock_note,) if writes_lock else ()
        if tool == "yarn" and not writes_lock and unsafe:
            notes = ("yarn berry may need .yarn/releases, which needs the build context",)
        if tool == "pnpm" and _corepack_may_pin("pnpm", "", step):
            unsafe, notes = True, (*notes, _PIN_NOTE.format(tool=tool))
        return Inputs(
            _NODE_GLOBS[tool],
            required=("package.json",),
            applicability=Applicability.UNSAFE if unsafe else Applicability.SAFE,
            notes=notes,
        )
    if not ctx.sent_file("package.json"):
        return _missing(ctx, "package.json")
    hooks = ctx.data.hooks_in(ctx.source) if hasattr(ctx.data, "hooks_in") else ()
    ignore_scripts = "--ignore-scripts" in words
    for hook in hooks:
        if hook.kind == "npm-script" and ignore_scripts:
            continue
        if hook.kind in ("npm-script", "local-dependency", "workspaces"):
            what = {
                "npm-script": "runs the install script",
                "local-dependency": "installs a local package",
                "workspaces": "installs workspace packages",
            }[hook.kind]
            return Refusal(f"{hook.path} {what} `{hook.detail}`, which may read other sources")
    package_json = ctx.read("package.json") or ""
    if "patchedDependencies" in package_json or '"patch:' in package_json:
        return Refusal(f"{ctx.rel('package.json')} applies patch files during the install")
    flavour = "npm" if tool == "npm" else ("pnpm" if tool == "pnpm" else _yarn_flavour(ctx, words))
    if tool == "pnpm" and ctx.sent_file("pnpm-workspace.yaml"):
        return Refusal("pnpm-workspace.yaml makes the install read every workspace package")
    outputs = ("node_modules",) + (_BERRY_OUTPUTS if flavour == "yarn-berry" else ())
    refusal = _outputs_in_context(ctx, outputs)
    if refusal is not None:
        return refusal
    files = _present(ctx, _NODE_FILES[flavour])
    if tool == "npm" and not {"package-lock.json", "npm-shrinkwrap.json"} & set(files):
        files += _present(ctx, ("yarn.lock",))  # npm 7+ reads it when it has no lockfile
    dirs = tuple(d for d in _BERRY_DIRS if ctx.sent_dir(d)) if flavour == "yarn-berry" else ()
    lock_present = any(ctx.sent_file(name) for name in (_LOCKFILES[tool], "npm-shrinkwrap.json"))
    notes = [lock_note] if writes_lock and lock_present else []
    yarn_path = flavour == "yarn-berry" and "yarnPath:" in (ctx.read(".yarnrc.yml") or "")
    if not yarn_path and _corepack_may_pin(flavour, package_json, step):
        notes.append(_PIN_NOTE.format(tool=tool))
    return Inputs(
        files,
        dirs,
        required=files + dirs,
        applicability=Applicability.UNSAFE if notes else Applicability.SAFE,
        notes=tuple(notes),
    )


#: Why a pnpm or Yarn 2+ install may change package.json (see ``_corepack_may_pin``).
_PIN_NOTE = (
    "corepack may write a `packageManager` field into package.json when it runs {tool}; after"
    " this fix the image keeps the context's package.json instead (set the field with"
    " `corepack use`, or COREPACK_ENABLE_AUTO_PIN=0, and the fix is safe)"
)


def _corepack_may_pin(flavour: str, package_json: str, step: DependencyStep) -> bool:
    """Whether corepack may add ``packageManager`` to package.json during the install.

    Why: pnpm and Yarn 2+ run through corepack's shims in the node images, and corepack
    0.26-0.32 pins the version it ran into a package.json that names none. The install then
    changes package.json, and the moved ``COPY . .`` puts the context's copy back: the image
    differs. A package.json that names its manager, or ``COREPACK_ENABLE_AUTO_PIN=0``, rules
    it out, as does a ``yarnPath`` (the caller checks it: that release runs, not corepack's).
    (Yarn 1 is a plain binary in the node images.)"""
    if flavour not in ("pnpm", "yarn-berry") or '"packageManager"' in package_json:
        return False
    variables = step.state.variables if step.state is not None else {}
    return variables.get("COREPACK_ENABLE_AUTO_PIN") != "0"


# -- python -----------------------------------------------------------------------------------

_FIND_LINKS = re.compile(r"^\s*(-f|--find-links)[\s=]+(?!\w+://)(\S+)", re.MULTILINE)


def _python(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    action = step.action
    tool, sub = action.tool, action.subcommand
    words = _words(step)
    if tool == "pip" or (tool == "uv" and _is_uv_pip(step)):
        return _pip(step, ctx, words)
    if tool == "poetry":
        return _poetry(step, ctx, words)
    if tool == "uv" and sub == "sync":
        return _uv(step, ctx, words)
    if tool == "pipenv":
        return _pipenv(step, ctx, words)
    return Refusal(f"dfopt has no dependency-first rewrite for `{step.text}` yet")


def _is_uv_pip(step: DependencyStep) -> bool:
    return any(w.value == "pip" for w in step.action.command.words[1:3])


def _image_relative(step: DependencyStep, path: str) -> str | None:
    """A path the command names, relative to its own folder (None when it leaves it)."""
    directory = step.directory or "/"
    absolute = posixpath.normpath(posixpath.join(directory, path))
    if absolute != directory and not absolute.startswith(directory.rstrip("/") + "/"):
        return None
    return posixpath.relpath(absolute, directory)


def _pip(step: DependencyStep, ctx: _Context | None, words: list[str]) -> Inputs | Refusal:
    action = step.action
    if action.needs_sources or not action.manifests:
        return Refusal(f"`{step.text}` installs a local package, which needs the sources")
    for i, word in enumerate(words):
        if word in ("-f", "--find-links", "-e", "--editable") or word.startswith(
            ("--find-links=", "--editable=")
        ):
            value = word.partition("=")[2] or (words[i + 1] if i + 1 < len(words) else "")
            if "://" not in value:
                return Refusal(f"`{step.text}` reads local files ({word} {value})".strip())
    names: list[str] = []
    for manifest in action.manifests:
        rel = _image_relative(step, manifest)
        if rel is None:
            return Refusal(f"{manifest} is outside the folder `COPY` writes to")
        names.append(rel)
    if ctx is None:
        return Inputs(
            tuple(names),
            required=tuple(names),
            applicability=Applicability.UNSAFE,
            notes=("without the build context, files that the requirements include with -r/-c"
                   " cannot be found: check them, or run dfopt with --context",),
        )  # fmt: skip
    from rewriter.analyse.context.requirements import resolve_requirements

    files: list[str] = []
    for name in names:
        if not ctx.sent_file(name):
            return _missing(ctx, name)
        resolved = resolve_requirements(
            ctx.rel(name),
            read=lambda rel: _read_rel(ctx, rel),
            exists=lambda rel: _sent_rel(ctx, rel),
        )
        if resolved.local_sources:
            path, line = resolved.local_sources[0]
            return Refusal(f"{path} installs a local package (`{line}`), which needs the sources")
        if resolved.missing:
            return Refusal(
                f"{resolved.missing[0]}, included by {name}, is not in the build context"
            )
        if resolved.outside_context or resolved.unresolved:
            bad = (resolved.outside_context + resolved.unresolved)[0]
            return Refusal(f"{name} includes `{bad}`, which dfopt cannot follow")
        for rel in resolved.closure:
            inside = _under_source(ctx, rel)
            if inside is None:
                return Refusal(f"{rel} is outside the folder the broad COPY copies")
            text = _read_rel(ctx, rel) or ""
            match = _FIND_LINKS.search(text)
            if match:
                return Refusal(f"{rel} reads local files (`{match.group(0).strip()}`)")
            if inside not in files:
                files.append(inside)
    return Inputs(tuple(files), required=tuple(files))


def _read_rel(ctx: _Context, rel: str) -> str | None:
    inside = _under_source(ctx, rel)
    return ctx.read(inside) if inside is not None else None


def _sent_rel(ctx: _Context, rel: str) -> bool:
    inside = _under_source(ctx, rel)
    return inside is not None and ctx.sent_file(inside)


def _under_source(ctx: _Context, rel: str) -> str | None:
    if ctx.source == ".":
        return rel
    prefix = ctx.source + "/"
    return rel[len(prefix) :] if rel.startswith(prefix) else None


def _toml(ctx: _Context, name: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(ctx.read(name) or "")
    except (tomllib.TOMLDecodeError, RecursionError):  # unreadable: as if absent
        return {}


def _has_path_dependency(tables: list[Any]) -> str | None:
    for table in tables:
        if not isinstance(table, dict):
            continue
        for dep, spec in table.items():
            if isinstance(spec, dict) and ("path" in spec or spec.get("workspace")):
                return str(dep)
    return None


def _lock_inputs(
    ctx: _Context | None, primary: str, optional: tuple[str, ...], notes: tuple[str, ...] = ()
) -> Inputs | Refusal:
    if ctx is None:
        return Inputs((primary, *(f"{o}*" for o in optional)), required=(primary,), notes=notes)
    if not ctx.sent_file(primary):
        return _missing(ctx, primary)
    files = (primary, *_present(ctx, optional))
    return Inputs(files, required=files, notes=notes)


def _poetry(step: DependencyStep, ctx: _Context | None, words: list[str]) -> Inputs | Refusal:
    no_root = any(w in words for w in ("--no-root", "--no-directory"))
    root_hint = (
        f"`{step.text}` also installs the project itself, which needs the sources: install with"
        " `--no-root` before `COPY`, then the project after it"
    )
    if ctx is None:
        if not no_root:
            return Refusal(root_hint)
        return _lock_inputs(None, "pyproject.toml", ("poetry.lock", "poetry.toml"))
    if not ctx.sent_file("pyproject.toml"):
        return _missing(ctx, "pyproject.toml")
    data = _toml(ctx, "pyproject.toml")
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if not no_root and poetry.get("package-mode", True) is not False:
        return Refusal(root_hint)
    if "--no-directory" not in words:
        groups = poetry.get("group", {}) if isinstance(poetry.get("group"), dict) else {}
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")] + [
            g.get("dependencies") for g in groups.values() if isinstance(g, dict)
        ]
        dep = _has_path_dependency(tables)
        if dep is not None:
            return Refusal(f"pyproject.toml installs `{dep}` from a local folder")
    refusal = _outputs_in_context(ctx, (".venv",))
    return refusal or _lock_inputs(ctx, "pyproject.toml", ("poetry.lock", "poetry.toml"))


def _uv(step: DependencyStep, ctx: _Context | None, words: list[str]) -> Inputs | Refusal:
    no_project = any(w in words for w in ("--no-install-project", "--only-deps"))
    hint = (
        f"`{step.text}` also installs the project itself, which needs the sources: run"
        " `uv sync --no-install-project` before `COPY`, then `uv sync` after it"
    )
    optional = ("uv.lock", "uv.toml", ".python-version")
    locked = any(w in words for w in ("--frozen", "--locked"))
    note = () if locked else ("`uv sync` without --locked or --frozen may rewrite uv.lock",)
    if ctx is None:
        if not no_project:
            return Refusal(hint)
        inputs = _lock_inputs(None, "pyproject.toml", optional)
        if not locked and isinstance(inputs, Inputs):
            return Inputs(inputs.files, required=inputs.required,
                          applicability=Applicability.UNSAFE, notes=note)  # fmt: skip
        return inputs
    if not ctx.sent_file("pyproject.toml"):
        return _missing(ctx, "pyproject.toml")
    data = _toml(ctx, "pyproject.toml")
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    uv = tool.get("uv", {}) if isinstance(tool.get("uv"), dict) else {}
    packaged = uv.get("package", "build-system" in data) is not False
    if not no_project and packaged:
        return Refusal(hint)
    if "workspace" in uv:
        return Refusal("pyproject.toml declares a uv workspace, whose members are sources too")
    dep = _has_path_dependency([uv.get("sources")])
    if dep is not None:
        return Refusal(f"pyproject.toml installs `{dep}` from a local folder")
    refusal = _outputs_in_context(ctx, (".venv",))
    if refusal is not None:
        return refusal
    inputs = _lock_inputs(ctx, "pyproject.toml", optional)
    if isinstance(inputs, Inputs) and not locked and ctx.sent_file("uv.lock"):
        return Inputs(inputs.files, required=inputs.required,
                      applicability=Applicability.UNSAFE, notes=note)  # fmt: skip
    return inputs


def _pipenv(step: DependencyStep, ctx: _Context | None, words: list[str]) -> Inputs | Refusal:
    if step.action.packages:
        return Refusal(f"`{step.text}` adds packages to the Pipfile, which `COPY` would undo")
    keeps_lock = step.action.subcommand == "sync" or any(
        w in words for w in ("--deploy", "--ignore-pipfile", "--skip-lock")
    )
    note = () if keeps_lock else (f"`{step.text}` may rewrite Pipfile.lock",)
    if ctx is not None:
        if not ctx.sent_file("Pipfile"):
            return _missing(ctx, "Pipfile")
        data = _toml(ctx, "Pipfile")
        dep = _has_path_dependency([data.get("packages"), data.get("dev-packages")])
        if dep is not None:
            return Refusal(f"the Pipfile installs `{dep}` from a local folder")
        refusal = _outputs_in_context(ctx, (".venv",))
        if refusal is not None:
            return refusal
    inputs = _lock_inputs(ctx, "Pipfile", ("Pipfile.lock",))
    lock_known = ctx is None or ctx.sent_file("Pipfile.lock")
    if isinstance(inputs, Inputs) and note and lock_known:
        return Inputs(inputs.files, required=inputs.required,
                      applicability=Applicability.UNSAFE, notes=note)  # fmt: skip
    return inputs


# -- go, maven, gradle ------------------------------------------------------------------------

_GO_ENV = frozenset(
    {"GOFLAGS", "GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GOSUMDB",
     "GOINSECURE", "GOTOOLCHAIN", "GOWORK", "GO111MODULE", "GOMODCACHE", "GOPATH"}
)  # fmt: skip
_LOCAL_REPLACE = re.compile(r"=>\s*(\.{1,2}/|/)", re.MULTILINE)


def _go(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    action = step.action
    words = _words(step)
    if action.packages and step.action.subcommand == "get":
        return Refusal(f"`{step.text}` changes go.mod, which `COPY` would undo")
    if any(w.startswith("-modfile") for w in words):
        return Refusal(f"`{step.text}` uses another go.mod (-modfile)")
    if ctx is None:
        return Inputs(("go.mod", "go.sum*"), required=("go.mod",))
    if not ctx.sent_file("go.mod"):
        return _missing(ctx, "go.mod")
    if ctx.sent_file("go.work"):
        return Refusal("go.work makes the build read other modules of the workspace")
    go_mod = ctx.read("go.mod") or ""
    if _LOCAL_REPLACE.search(go_mod):
        return Refusal("go.mod replaces a module with a local folder")
    if step.is_build and ctx.sent_file("vendor/modules.txt"):
        return NotNeeded()
    files = ("go.mod", *_present(ctx, ("go.sum",)))
    return Inputs(files, required=files)


def go_env_prefixes(step: DependencyStep) -> Refusal | None:
    """A build whose module settings come from ``NAME=value`` prefixes: the download step would
    need them too; dfopt copies prefixes, but refuses those it cannot see the value of."""
    for word in step.action.command.assignments:
        name = word.raw.partition("=")[0]
        if name in _GO_ENV and word.value is None:
            return Refusal(f"`{word.raw}` sets module options dfopt cannot read")
    return None


_MAVEN_REFUSED = ("-s", "--settings", "-gs", "--global-settings", "-f", "--file", "-pl",
                  "--projects", "-rf", "--resume-from")  # fmt: skip


def _launcher(step: DependencyStep) -> str:
    return next(
        (w.value or "" for w in step.action.command.words
         if posixpath.basename(w.value or "") in ("mvn", "mvnw", "gradle", "gradlew")),
        "",
    )  # fmt: skip


def _maven(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    words = _words(step)
    for word in words:
        if word.partition("=")[0] in _MAVEN_REFUSED:
            return Refusal(f"`{word}` makes Maven read files dfopt would not copy")
    wrapper = posixpath.basename(_launcher(step)) == "mvnw"
    if ctx is None:
        files = ("mvnw", "pom.xml") if wrapper else ("pom.xml",)
        return Inputs(
            files,
            (".mvn",) if wrapper else (),
            required=("pom.xml",),
            applicability=Applicability.UNSAFE,
            notes=("without the build context dfopt cannot check for modules or .mvn/: run it"
                   " with --context to make this fix safe",),
        )  # fmt: skip
    if not ctx.sent_file("pom.xml"):
        return _missing(ctx, "pom.xml")
    if "<modules>" in (ctx.read("pom.xml") or ""):
        return Refusal("pom.xml is a multi-module build: every module's pom.xml is needed")
    files = ("pom.xml",) + (("mvnw",) if ctx.sent_file("mvnw") else ())
    dirs = (".mvn",) if ctx.sent_dir(".mvn") else ()
    return Inputs(files, dirs, required=files + dirs)


_GRADLE_FILES = ("settings.gradle", "settings.gradle.kts", "build.gradle", "build.gradle.kts",
                 "gradle.properties", "gradlew")  # fmt: skip
_GRADLE_INCLUDE = re.compile(r"^\s*(include|includeBuild|includeFlat)\b", re.MULTILINE)


def _gradle(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    wrapper = posixpath.basename(_launcher(step)) == "gradlew"
    for word in _words(step):
        if word.partition("=")[0] in ("-b", "--build-file", "-c", "--settings-file", "-I",
                                      "--init-script"):  # fmt: skip
            return Refusal(f"`{word}` makes Gradle read files dfopt would not copy")
    if ctx is None:
        files = ("build.gradle*", "settings.gradle*", "gradle.properties*")
        return Inputs(
            files + (("gradlew",) if wrapper else ()),
            ("gradle",) if wrapper else (),
            required=files[:2] + (("gradlew",) if wrapper else ()),
            applicability=Applicability.UNSAFE,
            notes=("without the build context dfopt cannot check for subprojects or the gradle/"
                   " folder: run it with --context to make this fix safe",),
        )  # fmt: skip
    present = _present(ctx, _GRADLE_FILES)
    if not any(name.startswith(("build.gradle", "settings.gradle")) for name in present):
        return _missing(ctx, "build.gradle")
    for name in present:
        if name.startswith("settings.gradle") and _GRADLE_INCLUDE.search(ctx.read(name) or ""):
            return Refusal(f"{name} includes other projects, whose build files are sources too")
    dirs = tuple(d for d in ("gradle", "buildSrc") if ctx.sent_dir(d))
    return Inputs(present, dirs, required=present + dirs)


# -- ruby (bundler): see ``dependency_first_ruby`` ------------------------------------------


def _ruby(step: DependencyStep, ctx: _Context | None) -> Inputs | Refusal | NotNeeded:
    from rewriter.fixes.dependency_first_ruby import plan_bundler

    return plan_bundler(step, ctx)


_PLANNERS = {"node": _node, "python": _python, "go": _go, "maven": _maven, "gradle": _gradle,
             "ruby": _ruby}  # fmt: skip
