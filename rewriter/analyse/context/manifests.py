"""Dependency manifests and lockfiles: what they are, what they imply, which hooks they run.

Why a table plus a few small parsers: a fix that moves the dependency install before
``COPY . .`` must know which files the install reads (the manifests to copy first), which
package manager the lockfile commits the project to (``yarn.lock`` from yarn 1 and from yarn
berry need different commands and caches), and whether the install runs project code
(``postinstall`` scripts, ``file:`` dependencies, ``setup.py``, a PEP 517 build backend), in
which case copying only the manifests first would break the build and dfopt must not do it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping

from rewriter.records import Record

__all__ = [
    "InstallHook",
    "Manifest",
    "PackageManagerChoice",
    "choose_package_managers",
    "classify",
    "classify_dir",
    "read_manifest",
]

# name -> (ecosystem, role, implied package manager)
_FILES: dict[str, tuple[str, str, str | None]] = {
    "package.json": ("node", "manifest", None),
    "package-lock.json": ("node", "lockfile", "npm"),
    "npm-shrinkwrap.json": ("node", "lockfile", "npm"),
    "yarn.lock": ("node", "lockfile", "yarn"),
    ".yarnrc.yml": ("node", "config", "yarn-berry"),
    ".yarnrc": ("node", "config", None),
    "pnpm-lock.yaml": ("node", "lockfile", "pnpm"),
    "pnpm-workspace.yaml": ("node", "config", "pnpm"),
    "bun.lockb": ("node", "lockfile", "bun"),
    "bun.lock": ("node", "lockfile", "bun"),
    ".npmrc": ("node", "config", None),
    "pyproject.toml": ("python", "manifest", None),
    "poetry.lock": ("python", "lockfile", "poetry"),
    "poetry.toml": ("python", "config", "poetry"),
    "uv.lock": ("python", "lockfile", "uv"),
    "Pipfile": ("python", "manifest", "pipenv"),
    "Pipfile.lock": ("python", "lockfile", "pipenv"),
    "setup.py": ("python", "manifest", None),
    "setup.cfg": ("python", "manifest", None),
    "go.mod": ("go", "manifest", "go"),
    "go.sum": ("go", "lockfile", "go"),
    "go.work": ("go", "manifest", "go"),
    "go.work.sum": ("go", "lockfile", "go"),
    "pom.xml": ("maven", "manifest", "maven"),
    "mvnw": ("maven", "wrapper", "maven"),
    "build.gradle": ("gradle", "manifest", "gradle"),
    "build.gradle.kts": ("gradle", "manifest", "gradle"),
    "settings.gradle": ("gradle", "manifest", "gradle"),
    "settings.gradle.kts": ("gradle", "manifest", "gradle"),
    "gradle.properties": ("gradle", "config", "gradle"),
    "gradlew": ("gradle", "wrapper", "gradle"),
    "Gemfile": ("ruby", "manifest", "bundler"),
    "Gemfile.lock": ("ruby", "lockfile", "bundler"),
    "composer.json": ("php", "manifest", "composer"),
    "composer.lock": ("php", "lockfile", "composer"),
    "Cargo.toml": ("rust", "manifest", "cargo"),
    "Cargo.lock": ("rust", "lockfile", "cargo"),
}

# Folders that belong to a toolchain's manifests (copied with them).
_DIRS: dict[str, tuple[str, str, str | None]] = {
    ".mvn": ("maven", "wrapper", "maven"),
    "gradle": ("gradle", "wrapper", "gradle"),
    ".yarn/releases": ("node", "wrapper", "yarn-berry"),
}

_REQUIREMENTS = re.compile(r"^requirements.*\.txt$")
_NPM_HOOK_SCRIPTS = (
    "preinstall",
    "install",
    "postinstall",
    "prepublish",
    "preprepare",
    "prepare",
    "postprepare",
)
_DEPENDENCY_FIELDS = (
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
)
_LOCAL_SPEC = re.compile(r"^(file:|link:|workspace:|portal:|\.{1,2}/|/|~/)")
_BERRY_MARKER = re.compile(r"^__metadata:", re.MULTILINE)
_YARN1_MARKER = re.compile(r"^# yarn lockfile v1", re.MULTILINE)


class Manifest(Record):
    """One manifest, lockfile, tool config or wrapper found in the context.

    ``kind`` is the canonical file name (``requirements.txt`` for every ``requirements*.txt``,
    ``*.csproj`` for project files, ``.mvn/`` style names for folders). ``package_manager`` is
    what this file alone implies (``yarn1`` / ``yarn-berry`` for ``yarn.lock``). ``facts`` holds
    what the parsers learnt, as (name, value) pairs.
    """

    __slots__ = ("ecosystem", "facts", "is_dir", "kind", "package_manager", "path", "role")

    def __init__(
        self,
        path: str,
        kind: str,
        ecosystem: str,
        role: str,
        package_manager: str | None = None,
        is_dir: bool = False,
        facts: tuple[tuple[str, str], ...] = (),
    ):
        self.path = path
        self.kind = kind
        self.ecosystem = ecosystem
        self.role = role
        self.package_manager = package_manager
        self.is_dir = is_dir
        self.facts = facts

    @property
    def directory(self) -> str:
        """The context-relative folder holding it (``.`` for the context root)."""
        head = self.path.rpartition("/")[0]
        return head or "."

    def fact(self, name: str) -> str | None:
        """The first value recorded for ``name``, or None."""
        return next((value for key, value in self.facts if key == name), None)

    def facts_named(self, name: str) -> tuple[str, ...]:
        """Every value recorded for ``name``."""
        return tuple(value for key, value in self.facts if key == name)


class InstallHook(Record):
    """Something that makes a dependency install read more than the manifests.

    ``kind`` is one of ``npm-script`` (an install lifecycle script), ``local-dependency`` (a
    ``file:``/``link:``/``workspace:`` or path dependency), ``workspaces`` (the install reads the
    workspace packages), ``setup.py``, ``build-backend`` (``pip install .`` builds the project),
    ``poetry-root`` (``poetry install`` installs the project itself) and ``requirements-local``
    (a requirements line that installs a local folder).
    """

    __slots__ = ("detail", "kind", "path")

    def __init__(self, path: str, kind: str, detail: str):
        self.path = path
        self.kind = kind
        self.detail = detail


class PackageManagerChoice(Record):
    """The package manager a folder's files commit it to, and the files to copy first.

    ``lockfile`` is the file the choice rests on (None when there is none and a default or the
    ``packageManager`` field decided); ``files`` are the existing manifests the install reads,
    in copy order; ``conflicts`` names other lockfiles in the same folder that disagree.
    """

    __slots__ = ("conflicts", "directory", "ecosystem", "files", "lockfile", "manager", "reason")

    def __init__(
        self,
        directory: str,
        ecosystem: str,
        manager: str,
        lockfile: str | None,
        files: tuple[str, ...],
        reason: str,
        conflicts: tuple[str, ...] = (),
    ):
        self.directory = directory
        self.ecosystem = ecosystem
        self.manager = manager
        self.lockfile = lockfile
        self.files = files
        self.reason = reason
        self.conflicts = conflicts


def classify(name: str) -> tuple[str, str, str, str | None] | None:
    """(kind, ecosystem, role, implied manager) for a file name, or None if not a manifest."""
    info = _FILES.get(name)
    if info is not None:
        return (name, *info)
    if name.startswith("requirements") and _REQUIREMENTS.match(name):
        return ("requirements.txt", "python", "manifest", "pip")
    if name.endswith(".csproj"):
        return ("*.csproj", "dotnet", "manifest", "dotnet")
    return None


def classify_dir(rel_path: str) -> tuple[str, str, str, str | None] | None:
    """The same for a folder (``.mvn``, ``gradle``, ``.yarn/releases`` at any level)."""
    for suffix, info in _DIRS.items():
        if rel_path == suffix or rel_path.endswith("/" + suffix):
            return (suffix + "/", *info)
    return None


def _yarn_flavour(text: str | None) -> str | None:
    if text is None:
        return None
    if _BERRY_MARKER.search(text):
        return "yarn-berry"
    if _YARN1_MARKER.search(text):
        return "yarn1"
    return None


def _package_json_facts(
    path: str, data: Mapping[str, object]
) -> tuple[list[tuple[str, str]], list[InstallHook]]:
    facts: list[tuple[str, str]] = []
    hooks: list[InstallHook] = []
    scripts = data.get("scripts")
    if isinstance(scripts, Mapping):
        for name in _NPM_HOOK_SCRIPTS:
            command = scripts.get(name)
            if isinstance(command, str):
                facts.append(("install-script", name))
                hooks.append(InstallHook(path, "npm-script", f"{name}: {command}"))
    for field_name in _DEPENDENCY_FIELDS:
        deps = data.get(field_name)
        if not isinstance(deps, Mapping):
            continue
        for dep, spec in deps.items():
            if isinstance(spec, str) and _LOCAL_SPEC.match(spec):
                facts.append(("local-dependency", f"{dep}@{spec}"))
                hooks.append(InstallHook(path, "local-dependency", f"{field_name}.{dep}: {spec}"))
    workspaces = data.get("workspaces")
    if isinstance(workspaces, Mapping):
        workspaces = workspaces.get("packages")
    if isinstance(workspaces, list) and workspaces:
        globs = ", ".join(str(item) for item in workspaces)
        facts.append(("workspaces", globs))
        hooks.append(InstallHook(path, "workspaces", f"workspaces: {globs}"))
    manager = data.get("packageManager")
    if isinstance(manager, str):
        facts.append(("packageManager", manager))
    return facts, hooks


def _pyproject_facts(
    path: str, data: Mapping[str, object]
) -> tuple[list[tuple[str, str]], list[InstallHook]]:
    facts: list[tuple[str, str]] = []
    hooks: list[InstallHook] = []
    build_system = data.get("build-system")
    if isinstance(build_system, Mapping):
        facts.append(("build-system", "yes"))
        backend = build_system.get("build-backend")
        if isinstance(backend, str):
            facts.append(("build-backend", backend))
        hooks.append(
            InstallHook(
                path,
                "build-backend",
                f"pip install . builds the project with {backend or 'setuptools (legacy)'}",
            )
        )
    if isinstance(data.get("project"), Mapping):
        facts.append(("project", "yes"))
    tool = data.get("tool")
    if isinstance(tool, Mapping):
        poetry = tool.get("poetry")
        if isinstance(poetry, Mapping):
            facts.append(("tool.poetry", "yes"))
            if poetry.get("package-mode", True) is not False:
                hooks.append(
                    InstallHook(path, "poetry-root", "poetry install also installs the project")
                )
        if isinstance(tool.get("uv"), Mapping):
            facts.append(("tool.uv", "yes"))
    return facts, hooks


# The kinds whose content read_manifest reads, and how many characters it reads of each (a
# yarn.lock's flavour shows in its header). The scan reads these texts while it runs and
# parses them only when a manifest is asked for.
CONTENT_LIMITS = {"package.json": 2_000_000, "yarn.lock": 65_536, "pyproject.toml": 2_000_000}


def read_manifest(
    path: str,
    kind: str,
    ecosystem: str,
    role: str,
    implied: str | None,
    read: Callable[[str, int], str | None],
    notes: list[str],
) -> tuple[Manifest, list[InstallHook]]:
    """Build the :class:`Manifest` for one file, parsing the kinds whose content matters.

    ``read(path, limit)`` returns at most ``limit`` characters of a context file, or None when
    it cannot be read (the reader records why). Parse errors become notes, not exceptions:
    a broken manifest must not stop the analysis of the Dockerfile.
    """
    facts: list[tuple[str, str]] = []
    hooks: list[InstallHook] = []
    manager = implied
    if kind == "package.json":
        text = read(path, CONTENT_LIMITS[kind])
        if text is not None:
            try:
                data = json.loads(text)
            except ValueError as error:
                notes.append(f"{path}: not valid JSON ({error})")
            except RecursionError:
                notes.append(f"{path}: nested too deeply to read")
            else:
                if isinstance(data, Mapping):
                    facts, hooks = _package_json_facts(path, data)
    elif kind == "yarn.lock":
        flavour = _yarn_flavour(read(path, CONTENT_LIMITS[kind]))
        if flavour is not None:
            facts.append(("lockfile-format", flavour))
        manager = flavour or "yarn"
    elif kind == "pyproject.toml":
        text = read(path, CONTENT_LIMITS[kind])
        if text is not None:
            import tomllib  # lazy: only contexts with a pyproject pay for it

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                notes.append(f"{path}: not valid TOML ({error})")
            except RecursionError:
                notes.append(f"{path}: nested too deeply to read")
            else:
                facts, hooks = _pyproject_facts(path, data)
    elif kind == "setup.py":
        hooks.append(InstallHook(path, "setup.py", "pip install . runs setup.py"))
    return Manifest(path, kind, ecosystem, role, manager, False, tuple(facts)), hooks


# --- package-manager choice ---------------------------------------------------------------

_NODE_LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
)
_NODE_COPY_FIRST = {
    "npm": ("package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
    "yarn1": ("package.json", "yarn.lock", ".yarnrc", ".npmrc"),
    "yarn-berry": ("package.json", "yarn.lock", ".yarnrc.yml", ".yarn/releases/"),
    "pnpm": ("package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"),
    "bun": ("package.json", "bun.lock", "bun.lockb", "bunfig.toml", ".npmrc"),
}
_PYTHON_LOCKFILES = (
    ("poetry.lock", "poetry", ("pyproject.toml", "poetry.lock", "poetry.toml")),
    ("uv.lock", "uv", ("pyproject.toml", "uv.lock")),
    ("Pipfile.lock", "pipenv", ("Pipfile", "Pipfile.lock")),
)
_SIMPLE_ECOSYSTEMS = {
    "go": ("go", ("go.mod", "go.sum", "go.work", "go.work.sum"), "go.sum"),
    "maven": ("maven", ("pom.xml", "mvnw", ".mvn/"), None),
    "gradle": (
        "gradle",
        (
            "settings.gradle",
            "settings.gradle.kts",
            "build.gradle",
            "build.gradle.kts",
            "gradle.properties",
            "gradlew",
            "gradle/",
        ),
        None,
    ),
    "ruby": ("bundler", ("Gemfile", "Gemfile.lock"), "Gemfile.lock"),
    "php": ("composer", ("composer.json", "composer.lock"), "composer.lock"),
    "rust": ("cargo", ("Cargo.toml", "Cargo.lock"), "Cargo.lock"),
}


def _join(directory: str, name: str) -> str:
    return name if directory == "." else f"{directory}/{name}"


def _manager_from_field(value: str | None) -> str | None:
    """Map package.json's ``packageManager`` (``yarn@3.6.1``, ``pnpm@8``) to a manager name."""
    if not value or "@" not in value:
        return None
    name, _, version = value.partition("@")
    if name == "yarn":
        return "yarn1" if version.startswith("1.") or version == "1" else "yarn-berry"
    return name if name in ("npm", "pnpm", "bun") else None


def _node_choice(directory: str, by_name: Mapping[str, Manifest]) -> PackageManagerChoice | None:
    present = [(name, manager) for name, manager in _NODE_LOCKFILES if name in by_name]
    package_json = by_name.get("package.json")
    if not present and package_json is None:
        return None
    field = _manager_from_field(package_json.fact("packageManager") if package_json else None)
    families = {manager for _, manager in present}
    conflicts: tuple[str, ...] = ()
    if present:
        chosen = present[0]
        if len(families) > 1:
            preferred = field if field in families else None
            if field is not None and field.startswith("yarn") and "yarn" in families:
                preferred = "yarn"
            if preferred is not None:
                chosen = next(item for item in present if item[1] == preferred)
            conflicts = tuple(
                by_name[name].path for name, manager in present if manager != chosen[1]
            )
        lock_name, manager = chosen
        lockfile = by_name[lock_name]
        if manager == "yarn":
            manager = lockfile.package_manager if lockfile.package_manager != "yarn" else None
            if manager is None:
                berry_hint = ".yarnrc.yml" in by_name or field == "yarn-berry"
                manager = "yarn-berry" if berry_hint else "yarn1"
        reason = f"{lockfile.path} is {manager}'s lockfile"
        if conflicts:
            reason += f" (other lockfiles here: {', '.join(conflicts)})"
        lock_path: str | None = lockfile.path
    elif field is not None:
        manager, lock_path = field, None
        reason = f"no lockfile; packageManager field says {package_json.fact('packageManager')}"
    else:
        manager, lock_path = "npm", None
        reason = "no lockfile and no packageManager field: npm is the default"
    files = tuple(
        by_name[name.rstrip("/")].path
        for name in _NODE_COPY_FIRST[manager]
        if name.rstrip("/") in by_name
    )
    return PackageManagerChoice(directory, "node", manager, lock_path, files, reason, conflicts)


def _python_choice(
    directory: str, by_name: Mapping[str, Manifest], requirement_closure: Iterable[str]
) -> PackageManagerChoice | None:
    present = [item for item in _PYTHON_LOCKFILES if item[0] in by_name]
    pyproject = by_name.get("pyproject.toml")
    requirements = tuple(requirement_closure)
    if present:
        lock_name, manager, copy_first = present[0]
        conflicts = tuple(by_name[name].path for name, _, _ in present[1:])
        files = tuple(by_name[n].path for n in copy_first if n in by_name)
        reason = f"{by_name[lock_name].path} is {manager}'s lockfile"
        return PackageManagerChoice(
            directory, "python", manager, by_name[lock_name].path, files, reason, conflicts
        )
    if "Pipfile" in by_name:
        files = (by_name["Pipfile"].path,)
        reason = "Pipfile without Pipfile.lock"
        return PackageManagerChoice(directory, "python", "pipenv", None, files, reason)
    if pyproject is not None and pyproject.fact("tool.poetry"):
        reason = "pyproject.toml has [tool.poetry] but there is no poetry.lock"
        return PackageManagerChoice(directory, "python", "poetry", None, (pyproject.path,), reason)
    if requirements:
        reason = f"{requirements[0]} (pip requirements)"
        return PackageManagerChoice(directory, "python", "pip", None, requirements, reason)
    if pyproject is not None or "setup.py" in by_name:
        files = tuple(
            by_name[n].path for n in ("pyproject.toml", "setup.py", "setup.cfg") if n in by_name
        )
        reason = "a Python project without lockfile or requirements: pip installs it"
        return PackageManagerChoice(directory, "python", "pip", None, files, reason)
    return None


def choose_package_managers(
    manifests: Iterable[Manifest], requirement_closures: Mapping[str, tuple[str, ...]]
) -> tuple[PackageManagerChoice, ...]:
    """One choice per (folder, ecosystem) that has manifests.

    ``requirement_closures`` maps a requirements file's path to the files it reads (itself and
    its ``-r``/``-c`` includes); a folder's pip choice copies them all.
    """
    by_dir: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        directory = manifest.directory
        if manifest.kind == ".yarn/releases/":
            # It sits two folders below the project whose yarn it pins.
            directory = manifest.path[: -len(".yarn/releases")].rstrip("/") or "."
        by_dir.setdefault(directory, []).append(manifest)
    choices: list[PackageManagerChoice] = []
    for directory in sorted(by_dir):
        by_name: dict[str, Manifest] = {}
        for manifest in by_dir[directory]:
            by_name.setdefault(manifest.kind.rstrip("/"), manifest)
        node = _node_choice(directory, by_name)
        if node is not None:
            choices.append(node)
        closure: list[str] = []
        for path, files in sorted(requirement_closures.items()):
            if (path.rpartition("/")[0] or ".") == directory:
                closure.extend(f for f in files if f not in closure)
        python = _python_choice(directory, by_name, closure)
        if python is not None:
            choices.append(python)
        for ecosystem, (manager, names, lock) in _SIMPLE_ECOSYSTEMS.items():
            found = [by_name[n.rstrip("/")] for n in names if n.rstrip("/") in by_name]
            if not any(manifest.role == "manifest" for manifest in found):
                continue
            files = tuple(manifest.path for manifest in found)
            lock_path = _join(directory, lock) if lock and lock in by_name else None
            reason = f"{ecosystem} manifests in {directory}"
            choices.append(
                PackageManagerChoice(directory, ecosystem, manager, lock_path, files, reason)
            )
        csproj = [m.path for m in by_dir[directory] if m.kind == "*.csproj"]
        if csproj:
            choices.append(
                PackageManagerChoice(
                    directory, "dotnet", "dotnet", None, tuple(csproj), "a .csproj project file"
                )
            )
    return tuple(choices)
