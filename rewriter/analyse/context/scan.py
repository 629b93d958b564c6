"""A bounded scan of the build context folder.

Why bounded and careful: dfopt runs on whatever folder it is pointed at, which may hold a
``node_modules`` with 100,000 files, a symlink to ``/``, or files the user cannot read. The scan
lists the context the way BuildKit walks it (symlinks are entries, never followed; folders that
`.dockerignore` excludes outright are not entered), never descends into dependency or VCS folders
(it records them instead), stops at ``max_files`` entries or ``max_seconds`` with ``truncated``
set, and turns every read error into a note. Its result is a frozen value that rules and fixes
can share.

Why some of it is lazy: a lint run scans the context of every Dockerfile, and most runs never
ask about a manifest. The scan lists the folder and reads the manifest texts while it runs (so
it stays one snapshot, and read problems are found then), but parsing JSON/TOML, the
package-manager choice, install hooks and the notes that parsing adds wait until one of those
fields is read; they are then exactly what parsing at once gave.
"""

from __future__ import annotations

import functools
import operator
import os
import stat
import time
from pathlib import Path
from typing import Literal

from rewriter.analyse.context.dockerignore import DockerIgnore, IgnoreState, find_dockerignore
from rewriter.analyse.context.manifests import (
    CONTENT_LIMITS,
    InstallHook,
    Manifest,
    PackageManagerChoice,
    choose_package_managers,
    classify,
    classify_dir,
    read_manifest,
)
from rewriter.analyse.context.requirements import RequirementsFile, resolve_requirements
from rewriter.records import Record

__all__ = ["BuildContext", "IgnorablePath", "Symlink", "UnlistedDir", "scan_context"]

DEFAULT_MAX_FILES = 50_000
DEFAULT_MAX_SECONDS = 5.0
DEFAULT_MANIFEST_DEPTH = 3

# Folders never entered: their content is generated or fetched, and can be huge.
_OPAQUE_DIRS = {
    "node_modules": "node_modules",
    ".git": "git",
    ".hg": "vcs",
    ".svn": "vcs",
    "__pycache__": "pycache",
    ".gradle": "gradle-cache",
    ".tox": "python-cache",
    ".nox": "python-cache",
    ".mypy_cache": "python-cache",
    ".pytest_cache": "python-cache",
    ".ruff_cache": "python-cache",
}
# Entered (they may hold real sources), but reported as usually worth ignoring.
_USUALLY_IGNORED_DIRS = {
    "target": "target",
    "build": "build",
    "dist": "dist",
    ".idea": "ide",
    ".vscode": "ide",
}
_VENV_NAMES = {".venv", "venv", "env", ".env", "virtualenv"}
_NAME = operator.attrgetter("name")
# The ignore files find_dockerignore looks for in the context (first one that is a file wins).
_IGNORE_FILE_NAMES = ("Dockerfile.dockerignore", ".dockerignore")
_PATH = type(Path())


class Symlink(Record):
    """A symbolic link in the context. BuildKit sends it as a link, never its target.

    ``resolved`` is the context-relative path it points at, or None when it points outside
    the context (or nowhere resolvable); such links are never followed by the scan.
    """

    __slots__ = ("path", "resolved", "target")

    def __init__(self, path: str, target: str, resolved: str | None):
        self.path = path
        self.target = target
        self.resolved = resolved


class UnlistedDir(Record):
    """A folder whose content the scan did not list, and why.

    ``reason`` is a kind from the opaque-folder table (``node_modules``, ``git``, ``virtualenv``
    ...), ``dockerignore`` (excluded outright, so BuildKit does not send it either) or
    ``unreadable``.
    """

    __slots__ = ("path", "reason")

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason


class IgnorablePath(Record):
    """A folder or file that usually belongs in `.dockerignore`, and whether it is there."""

    __slots__ = ("excluded", "kind", "path")

    def __init__(self, path: str, kind: str, excluded: bool):
        self.path = path
        self.kind = kind
        self.excluded = excluded


class BuildContext(Record):
    """What dfopt knows about the build context after one scan.

    Paths are relative to ``root`` and use ``/``. ``files`` holds regular files and symlinks,
    ``dirs`` every folder seen (including unlisted ones). ``manifests`` covers the root and
    sub-folders down to the scan's ``manifest_depth``. ``truncated`` means the listing stopped
    early (``message`` says why) and anything not listed may still exist. ``manifests``,
    ``package_managers``, ``install_hooks`` and ``notes`` of a scan are parsed on first use;
    ``elapsed`` is the time of the listing and reading only.
    """

    __slots__ = (
        "_install_hooks",
        "_manifests",
        "_notes",
        "_package_managers",
        "_sent_trees",
        "_symlink_index",
        "_unparsed",
        "dirs",
        "dockerignore",
        "elapsed",
        "entries_seen",
        "files",
        "ignorable",
        "manifest_depth",
        "message",
        "requirements",
        "root",
        "symlinks",
        "truncated",
        "unlisted",
    )

    def __init__(
        self,
        root: Path,
        files: frozenset[str],
        dirs: frozenset[str],
        symlinks: tuple[Symlink, ...],
        unlisted: tuple[UnlistedDir, ...],
        manifests: tuple[Manifest, ...],
        requirements: tuple[RequirementsFile, ...],
        package_managers: tuple[PackageManagerChoice, ...],
        install_hooks: tuple[InstallHook, ...],
        ignorable: tuple[IgnorablePath, ...],
        dockerignore: DockerIgnore | None,
        notes: tuple[str, ...],
        truncated: bool,
        message: str | None,
        entries_seen: int,
        elapsed: float,
        manifest_depth: int = DEFAULT_MANIFEST_DEPTH,
    ):
        self.root = root
        self.files = files
        self.dirs = dirs
        self.symlinks = symlinks
        self.unlisted = unlisted
        self._manifests = manifests
        self.requirements = requirements
        self._package_managers = package_managers
        self._install_hooks = install_hooks
        self.ignorable = ignorable
        self.dockerignore = dockerignore
        self._notes = notes
        self.truncated = truncated
        self.message = message
        self.entries_seen = entries_seen
        self.elapsed = elapsed
        self.manifest_depth = manifest_depth
        # Not fields (not compared, not in the repr): link lookup by path, and the trees
        # copy_sources derives from this scan, per ignore file (filled on first use).
        self._symlink_index = {link.path: link for link in symlinks}
        self._sent_trees: dict[object, object] = {}
        # The manifest texts a scan read but has not parsed yet (None once parsed, or when
        # the values were given): most lint runs never ask for a manifest.
        self._unparsed: _Unparsed | None = None

    # The fields that come from parsing manifests: settled on first use.

    @property
    def manifests(self) -> tuple[Manifest, ...]:
        if self._unparsed is not None:
            self._settle()
        return self._manifests

    @property
    def package_managers(self) -> tuple[PackageManagerChoice, ...]:
        if self._unparsed is not None:
            self._settle()
        return self._package_managers

    @property
    def install_hooks(self) -> tuple[InstallHook, ...]:
        if self._unparsed is not None:
            self._settle()
        return self._install_hooks

    @property
    def notes(self) -> tuple[str, ...]:
        """Read and parse problems, in the order met (parse problems need the parse)."""
        if self._unparsed is not None:
            self._settle()
        return self._notes

    def _settle(self) -> None:
        unparsed = self._unparsed
        assert unparsed is not None
        manifests, choices, hooks, notes = unparsed.parse()
        self._manifests = manifests
        self._package_managers = choices
        self._install_hooks = hooks
        self._notes = notes
        self._unparsed = None

    def has(self, rel_path: str) -> bool:
        """Whether the file or folder exists in the context (as listed)."""
        return rel_path in self.files or rel_path in self.dirs

    def symlink(self, rel_path: str) -> Symlink | None:
        """The symlink at ``rel_path``, if that entry is one."""
        return self._symlink_index.get(rel_path)

    def manifest(self, rel_path: str) -> Manifest | None:
        """The manifest recorded at ``rel_path``, if any."""
        return next((m for m in self.manifests if m.path == rel_path), None)

    def manifests_in(self, directory: str = ".") -> tuple[Manifest, ...]:
        """Manifests directly in ``directory`` (``.`` is the context root)."""
        return tuple(m for m in self.manifests if m.directory == directory)

    def package_manager(
        self, directory: str = ".", ecosystem: str | None = None
    ) -> PackageManagerChoice | None:
        """The package-manager choice for a folder (and ecosystem, when several apply)."""
        for choice in self.package_managers:
            if choice.directory == directory and ecosystem in (None, choice.ecosystem):
                return choice
        return None

    def requirements_file(self, rel_path: str) -> RequirementsFile | None:
        """The resolved requirements file at ``rel_path``, if one was found."""
        return next((r for r in self.requirements if r.path == rel_path), None)

    def hooks_in(self, directory: str = ".") -> tuple[InstallHook, ...]:
        """Install hooks declared by manifests directly in ``directory``."""
        return tuple(
            h for h in self.install_hooks if (h.path.rpartition("/")[0] or ".") == directory
        )


class _Budget:
    """Counts entries and time; says when the scan must stop."""

    def __init__(self, max_files: int, max_seconds: float) -> None:
        self.max_files = max_files
        self.deadline = time.monotonic() + max_seconds
        self.max_seconds = max_seconds
        self.seen = 0
        self.stop_message: str | None = None

    def take(self) -> bool:
        self.seen += 1
        if self.seen > self.max_files:
            self.stop_message = (
                f"stopped after {self.max_files} entries (max_files); the rest of the context "
                "was not listed"
            )
            return False
        if time.monotonic() > self.deadline:
            self.stop_message = (
                f"stopped after {self.max_seconds:g} s (max_seconds) and {self.seen - 1} entries"
            )
            return False
        return True


def _is_virtualenv(path: str, name: str) -> bool:
    """A folder made by ``python -m venv``/virtualenv (it has ``pyvenv.cfg``, or is named like
    one and has ``bin/activate``)."""
    if os.path.isfile(os.path.join(path, "pyvenv.cfg")):
        return True
    return name in _VENV_NAMES and os.path.isfile(os.path.join(path, "bin", "activate"))


def _is_env_file(name: str) -> bool:
    return name == ".env" or (
        name.startswith(".env.")
        and not name.endswith((".example", ".sample", ".template", ".dist"))
    )


class _Scanner:
    def __init__(self, root: Path, ignore: DockerIgnore | None, manifest_depth: int) -> None:
        self.root = root
        self.root_text = str(root)
        self.ignore = ignore
        self.manifest_depth = manifest_depth
        self.files: set[str] = set()
        # Files the walk saw as regular files, reached through real folders only: their real
        # path is the real root + their relative path, always inside the context.
        self.plain_files: set[str] = set()
        self.dirs: set[str] = set()
        self.symlinks: list[Symlink] = []
        self.unlisted: list[UnlistedDir] = []
        self.ignorable: list[IgnorablePath] = []
        self.candidates: list[tuple[str, tuple[str, str, str, str | None]]] = []
        self.notes: list[str] = []

    # -- walking --------------------------------------------------------------------------

    def _entries(self, rel_dir: str) -> list[os.DirEntry[str]] | None:
        path = os.path.join(self.root_text, rel_dir) if rel_dir else self.root_text
        try:
            with os.scandir(path) as iterator:
                entries = sorted(iterator, key=_NAME)
        except OSError as error:
            self.notes.append(
                f"{rel_dir or '.'}: cannot list folder ({error.strerror or error}); BuildKit "
                "fails to send it unless .dockerignore excludes it"
            )
            if rel_dir:
                self.unlisted.append(UnlistedDir(rel_dir, "unreadable"))
            return None
        return entries

    def list_root(self) -> list[os.DirEntry[str]] | None:
        """The root's entries, sorted (None, with a note, when it cannot be listed)."""
        return self._entries("")

    def _excluded(self, state: IgnoreState | None) -> bool:
        return state is not None and state.excluded

    def walk(self, root_entries: list[os.DirEntry[str]] | None, budget: _Budget) -> None:
        """Walk the tree from the root's listing (made by :meth:`list_root`)."""
        ignore = self.ignore
        take = budget.take
        stack: list[tuple[str, IgnoreState | None]] = []
        entries = root_entries
        rel_dir, parent_state = "", None
        while True:
            if entries is not None:
                prefix = rel_dir + "/" if rel_dir else ""
                # How many "/" the entries' paths hold: manifests are looked for down to
                # manifest_depth.
                depth = rel_dir.count("/") + 1 if rel_dir else 0
                subdirs: list[tuple[str, IgnoreState | None]] = []
                for entry in entries:
                    if not take():
                        return
                    rel = prefix + entry.name
                    try:
                        is_link = entry.is_symlink()
                        is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                    except OSError as error:
                        self.notes.append(f"{rel}: cannot stat ({error.strerror or error})")
                        continue
                    state = (
                        ignore.enter(rel, parent_state, is_dir=is_dir)
                        if ignore is not None
                        else None
                    )
                    if is_link:
                        self._symlink(rel, entry)
                    elif is_dir:
                        if self._directory(rel, entry, state):
                            subdirs.append((rel, state))
                    else:
                        self._file(rel, entry, state, depth)
                stack.extend(reversed(subdirs))
            if not stack:
                return
            rel_dir, parent_state = stack.pop()
            entries = self._entries(rel_dir)

    def _directory(self, rel: str, entry: os.DirEntry[str], state: IgnoreState | None) -> bool:
        """Record a folder; return whether to descend into it."""
        self.dirs.add(rel)
        depth = rel.count("/")
        kind = _OPAQUE_DIRS.get(entry.name)
        if kind is None and _is_virtualenv(entry.path, entry.name):
            kind = "virtualenv"
        if kind is not None:
            self.ignorable.append(IgnorablePath(rel, kind, self._excluded(state)))
            self.unlisted.append(UnlistedDir(rel, kind))
            return False
        if entry.name in _USUALLY_IGNORED_DIRS and depth < self.manifest_depth:
            self.ignorable.append(
                IgnorablePath(rel, _USUALLY_IGNORED_DIRS[entry.name], self._excluded(state))
            )
        if depth <= self.manifest_depth:
            info = classify_dir(rel)
            if info is not None:
                self.candidates.append((rel, info))
        if state is not None and state.skip_subtree:
            self.unlisted.append(UnlistedDir(rel, "dockerignore"))
            return False
        return True

    def _file(
        self, rel: str, entry: os.DirEntry[str], state: IgnoreState | None, depth: int
    ) -> None:
        name = entry.name
        self.files.add(rel)
        try:
            regular = entry.is_file(follow_symlinks=False)  # from the listing: no extra stat
        except OSError:
            regular = False
        if regular:  # a FIFO, socket or device is read only after `read` has checked it
            self.plain_files.add(rel)
        if name.startswith(".env") and _is_env_file(name):
            self.ignorable.append(IgnorablePath(rel, "env-file", self._excluded(state)))
        if depth <= self.manifest_depth:
            info = classify(name)
            if info is not None:
                self.candidates.append((rel, info))

    def _symlink(self, rel: str, entry: os.DirEntry[str]) -> None:
        self.files.add(rel)
        try:
            target = os.readlink(entry.path)
        except OSError as error:
            self.notes.append(f"{rel}: cannot read symlink ({error.strerror or error})")
            return
        resolved = self._inside(entry.path)
        if resolved is None:
            self.notes.append(f"{rel}: symlink to {target!r} points outside the context")
        self.symlinks.append(Symlink(rel, target, resolved))
        if resolved is not None and rel.count("/") <= self.manifest_depth:
            info = classify(entry.name)
            if info is not None and os.path.isfile(entry.path):
                self.candidates.append((rel, info))

    @functools.cached_property
    def real_root(self) -> str:
        """The context's real path, resolved only when a symlink or a file read needs it."""
        return os.path.realpath(self.root_text)

    def _inside(self, path: str) -> str | None:
        """Context-relative real path of ``path``, or None if it leaves the context."""
        real = os.path.realpath(path)
        if real == self.real_root:
            return "."
        prefix = self.real_root.rstrip(os.sep) + os.sep
        if not real.startswith(prefix):
            return None
        return real[len(prefix) :].replace(os.sep, "/")

    # -- reading --------------------------------------------------------------------------

    def read(self, rel: str, limit: int) -> str | None:
        """Read at most ``limit`` characters of a context file, never leaving the context."""
        path = os.path.join(self.root_text, rel)
        # A plain file of the walk is inside by construction (the walk never follows a link),
        # which spares resolving every component of its path again.
        if rel not in self.plain_files:
            if self._inside(path) is None:
                self.notes.append(f"{rel}: not read, it resolves outside the context")
                return None
            try:
                regular = stat.S_ISREG(os.stat(path).st_mode)
            except OSError:
                regular = True  # absent or unreadable: the read below says why
            if not regular:  # reading a FIFO would wait for a writer forever
                self.notes.append(f"{rel}: not a regular file, skipped")
                return None
        try:
            return _read_text(path, limit)
        except OSError as error:
            self.notes.append(f"{rel}: unreadable, skipped ({error.strerror or error})")
            return None


def _read_text(path: str, limit: int) -> str:
    """``open(path, encoding="utf-8", errors="replace").read(limit)``, with less machinery.

    Why: for a small manifest, setting up a text file object (buffer, decoder, newline
    translation, a terminal check) costs more than the read. The bytes are read unbuffered
    and decoded in one go with the same universal-newline translation; a file of more than
    ``limit`` bytes (which might hold more than ``limit`` characters) goes through the text
    layer as before.
    """
    with open(path, "rb", buffering=0) as raw:
        data = raw.read(limit + 1)
        while data and len(data) <= limit:  # a short read is not the end of the file
            more = raw.read(limit + 1 - len(data))
            if not more:
                break
            data += more
    if len(data) > limit:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(limit)
    text = data.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class _Unparsed:
    """What a scan read for its manifests, parsed into the manifest fields on first use.

    The texts are read during the scan (so the scan stays one snapshot of the folder, and
    read problems are found while the files are as they were); parsing JSON and TOML, and
    choosing package managers, waits until something asks. ``parse`` gives exactly what
    parsing right away gave, notes in the same order: those of the walk, then for each
    manifest its read and parse problems, then those of the requirements files.
    """

    def __init__(
        self,
        candidates: list[tuple[str, tuple[str, str, str, str | None]]],
        texts: dict[str, tuple[str | None, list[str]]],
        notes_before: list[str],
        requirements: tuple[RequirementsFile, ...],
        requirement_hooks: list[InstallHook],
        notes_after: list[str],
    ) -> None:
        self.candidates = candidates
        self.texts = texts
        self.notes_before = notes_before
        self.requirements = requirements
        self.requirement_hooks = requirement_hooks
        self.notes_after = notes_after

    def parse(
        self,
    ) -> tuple[
        tuple[Manifest, ...],
        tuple[PackageManagerChoice, ...],
        tuple[InstallHook, ...],
        tuple[str, ...],
    ]:
        notes = list(self.notes_before)

        def replay(rel: str, limit: int) -> str | None:
            # The text read during the scan, and the problems reading it met, in their place.
            text, read_notes = self.texts[rel]
            notes.extend(read_notes)
            return text

        manifests: list[Manifest] = []
        hooks: list[InstallHook] = []
        for rel, (kind, ecosystem, role, implied) in self.candidates:
            if kind.endswith("/"):
                manifests.append(Manifest(rel, kind, ecosystem, role, implied, is_dir=True))
                continue
            manifest, found_hooks = read_manifest(
                rel, kind, ecosystem, role, implied, replay, notes
            )
            manifests.append(manifest)
            hooks.extend(found_hooks)
        hooks.extend(self.requirement_hooks)
        notes.extend(self.notes_after)
        # A file included by another one is not a separate entry point for the folder's choice.
        included = {path for r in self.requirements for path in r.closure[1:]}
        closures = {r.path: r.closure for r in self.requirements if r.path not in included}
        choices = choose_package_managers(manifests, closures)
        return tuple(manifests), choices, tuple(dict.fromkeys(hooks)), tuple(notes)


def _read_texts(
    scanner: _Scanner, candidates: list[tuple[str, tuple[str, str, str, str | None]]]
) -> dict[str, tuple[str | None, list[str]]]:
    """Read the manifests whose content matters, keeping each read's notes apart."""
    texts: dict[str, tuple[str | None, list[str]]] = {}
    for rel, (kind, _, _, _) in candidates:
        limit = CONTENT_LIMITS.get(kind)
        if limit is not None:
            scanner.notes = []
            texts[rel] = (scanner.read(rel, limit), scanner.notes)
    return texts


def _resolve_requirements(
    scanner: _Scanner, candidates: list[tuple[str, tuple[str, str, str, str | None]]]
) -> tuple[tuple[RequirementsFile, ...], list[InstallHook], list[str]]:
    """Follow every requirements file's includes (this reads files: done during the scan)."""
    scanner.notes = []
    requirements: list[RequirementsFile] = []
    hooks: list[InstallHook] = []
    for rel, (kind, _, _, _) in candidates:
        if kind != "requirements.txt":
            continue
        resolved = resolve_requirements(
            rel,
            read=lambda rel: scanner.read(rel, 2_000_000),
            exists=lambda rel: rel in scanner.files,
        )
        requirements.append(resolved)
        hooks.extend(
            InstallHook(path, "requirements-local", line) for path, line in resolved.local_sources
        )
    return tuple(requirements), hooks, scanner.notes


def _ignore_file_in(root: Path, entries: list[os.DirEntry[str]]) -> Path | None:
    """``find_dockerignore(root)`` answered from the root's listing (no stat per name).

    The listing says whether each name exists and, unless it is a symlink, its type;
    ``DirEntry.is_file`` follows a link as ``os.path.isfile`` does.
    """
    found = {entry.name: entry for entry in entries if entry.name in _IGNORE_FILE_NAMES}
    for name in _IGNORE_FILE_NAMES:
        entry = found.get(name)
        if entry is None:
            continue
        try:
            if entry.is_file():
                return root / name
        except OSError:
            continue
    return None


def scan_context(
    context_dir: str | os.PathLike[str],
    *,
    dockerfile: str | os.PathLike[str] | None = None,
    ignore: DockerIgnore | Literal["auto"] | None = "auto",
    max_files: int = DEFAULT_MAX_FILES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    manifest_depth: int = DEFAULT_MANIFEST_DEPTH,
) -> BuildContext:
    """List the build context and what its manifests imply.

    ``ignore="auto"`` reads the `.dockerignore` BuildKit would use for ``dockerfile`` (default
    ``<context>/Dockerfile``); pass a :class:`DockerIgnore` or None to override. Folders the
    ignore file excludes outright are not entered (BuildKit does not send them), but files it
    excludes are still listed, so that "exists but is ignored" can be reported.
    """
    started = time.monotonic()
    # A Path is immutable: the caller's own (the usual case) is used as it is.
    root = context_dir if context_dir.__class__ is _PATH else Path(context_dir)
    scanner = _Scanner(root, None, manifest_depth)
    # The root is listed first: a listing that works proves it is a folder, and it tells
    # which ignore file exists without a stat per candidate name.
    root_entries = scanner.list_root()
    if root_entries is None and not os.path.isdir(root):
        raise NotADirectoryError(f"build context {str(root)!r} is not a folder")
    notes: list[str] = []
    if ignore == "auto":
        if dockerfile is None and root_entries is not None:
            found = _ignore_file_in(root, root_entries)
        else:
            found = find_dockerignore(root, dockerfile)
        ignore = None
        if found is not None:
            try:
                ignore = DockerIgnore.from_file(found)
            except OSError as error:
                notes.append(f"{found}: unreadable, ignored ({error.strerror or error})")
    if ignore is not None:
        notes.extend(f"{ignore.path or '.dockerignore'}: {problem}" for problem in ignore.errors)

    budget = _Budget(max_files, max_seconds)
    scanner.ignore = ignore
    scanner.walk(root_entries, budget)
    notes.extend(scanner.notes)
    candidates = scanner.candidates
    texts = _read_texts(scanner, candidates)
    requirements, requirement_hooks, requirement_notes = _resolve_requirements(scanner, candidates)

    truncated = budget.stop_message is not None
    context = BuildContext(
        root=root,
        files=frozenset(scanner.files),
        dirs=frozenset(scanner.dirs),
        symlinks=tuple(scanner.symlinks),
        unlisted=tuple(scanner.unlisted),
        manifests=(),
        requirements=requirements,
        package_managers=(),
        install_hooks=(),
        ignorable=tuple(scanner.ignorable),
        dockerignore=ignore,
        notes=(),
        truncated=truncated,
        message=budget.stop_message,
        entries_seen=min(budget.seen, max_files),
        elapsed=time.monotonic() - started,
        manifest_depth=manifest_depth,
    )
    context._unparsed = _Unparsed(
        candidates, texts, notes, requirements, requirement_hooks, requirement_notes
    )
    return context
