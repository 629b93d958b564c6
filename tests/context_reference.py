"""The context scan and COPY source resolution as they were before their fast paths.

Why keep them: the fast scan (lazy manifest parsing, one listing of the root for the ignore
file, a lighter walk) and the fast COPY resolution (clean-path and no-symlink shortcuts, lazy
folder index, cached answers) must give exactly these results; tests/test_context_fast_paths.py
compares the two over every corpus context folder and hypothesis-generated trees. This is the
straightforward code of round 3's start, kept verbatim apart from the names.
"""

# ruff: noqa
from __future__ import annotations

import functools
import operator
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from rewriter.analyse.context import gopath
from rewriter.analyse.context.copy_sources import CopyResolution, SourceResolution
from rewriter.analyse.context.dockerignore import (
    DockerIgnore,
    IgnorePattern,
    IgnoreState,
    _normalise,
    find_dockerignore,
)
from rewriter.analyse.context.manifests import (
    InstallHook,
    Manifest,
    choose_package_managers,
    classify,
    classify_dir,
    read_manifest,
)
from rewriter.analyse.context.requirements import RequirementsFile, resolve_requirements
from rewriter.analyse.context.scan import (
    BuildContext,
    IgnorablePath,
    Symlink,
    UnlistedDir,
    DEFAULT_MANIFEST_DEPTH,
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_SECONDS,
    _OPAQUE_DIRS,
    _USUALLY_IGNORED_DIRS,
    _VENV_NAMES,
)

_NAME = operator.attrgetter("name")
_PATH = type(Path())
_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
_MAX_LINK_HOPS = 40


def _clean(path: str) -> str:
    """Return the shortest equivalent of a slash path, exactly as Go's ``path.Clean`` does.

    Repeated slashes collapse, ``.`` elements go, ``x/..`` pairs cancel, ``..`` at the root of
    a rooted path is dropped, and an empty result becomes ``.`` (or ``/``).
    """
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    body = "/".join(parts)
    if rooted:
        return "/" + body
    return body or "."


def _has_wildcards(path: str) -> bool:
    """Whether a COPY source contains ``*``, ``?`` or ``[`` not escaped by a backslash.

    BuildKit uses this test to decide between a literal path (which must exist) and a glob
    (which may match nothing).
    """
    i = 0
    while i < len(path):
        char = path[i]
        if char == "\\":
            i += 2
            continue
        if char in "*?[":
            return True
        i += 1
    return False


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
    def __init__(
        self, root: Path, ignore: DockerIgnore | None, budget: _Budget, manifest_depth: int
    ) -> None:
        self.root = root
        self.root_text = str(root)
        self.ignore = ignore
        self.budget = budget
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

    def _entries(self, rel_dir: str) -> Iterator[os.DirEntry[str]] | None:
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
        return iter(entries)

    def _excluded(self, state: IgnoreState | None) -> bool:
        return state is not None and state.excluded

    def walk(self) -> None:
        stack: list[tuple[str, IgnoreState | None]] = [("", None)]
        while stack:
            rel_dir, parent_state = stack.pop()
            entries = self._entries(rel_dir)
            if entries is None:
                continue
            subdirs: list[tuple[str, IgnoreState | None]] = []
            for entry in entries:
                if not self.budget.take():
                    return
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    is_link = entry.is_symlink()
                    is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                except OSError as error:
                    self.notes.append(f"{rel}: cannot stat ({error.strerror or error})")
                    continue
                state = self.ignore.enter(rel, parent_state, is_dir=is_dir) if self.ignore else None
                if is_link:
                    self._symlink(rel, entry)
                elif is_dir:
                    if self._directory(rel, entry, state):
                        subdirs.append((rel, state))
                else:
                    self._file(rel, entry.name, state)
            stack.extend(reversed(subdirs))

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

    def _file(self, rel: str, name: str, state: IgnoreState | None) -> None:
        self.files.add(rel)
        self.plain_files.add(rel)
        if _is_env_file(name):
            self.ignorable.append(IgnorablePath(rel, "env-file", self._excluded(state)))
        if rel.count("/") <= self.manifest_depth:
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
        if rel not in self.plain_files and self._inside(path) is None:
            self.notes.append(f"{rel}: not read, it resolves outside the context")
            return None
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read(limit)
        except OSError as error:
            self.notes.append(f"{rel}: unreadable, skipped ({error.strerror or error})")
            return None


def reference_scan_context(
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
    if not os.path.isdir(root):
        raise NotADirectoryError(f"build context {str(root)!r} is not a folder")
    notes: list[str] = []
    if ignore == "auto":
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
    scanner = _Scanner(root, ignore, budget, manifest_depth)
    scanner.walk()

    manifests: list[Manifest] = []
    hooks: list[InstallHook] = []
    for rel, (kind, ecosystem, role, implied) in scanner.candidates:
        if kind.endswith("/"):
            manifests.append(Manifest(rel, kind, ecosystem, role, implied, is_dir=True))
            continue
        manifest, found_hooks = read_manifest(
            rel, kind, ecosystem, role, implied, scanner.read, scanner.notes
        )
        manifests.append(manifest)
        hooks.extend(found_hooks)

    requirements: list[RequirementsFile] = []
    for manifest in manifests:
        if manifest.kind != "requirements.txt":
            continue
        resolved = resolve_requirements(
            manifest.path,
            read=lambda rel: scanner.read(rel, 2_000_000),
            exists=lambda rel: rel in scanner.files,
        )
        requirements.append(resolved)
        hooks.extend(
            InstallHook(path, "requirements-local", line) for path, line in resolved.local_sources
        )
    # A file included by another one is not a separate entry point for the folder's choice.
    included = {path for r in requirements for path in r.closure[1:]}
    closures = {r.path: r.closure for r in requirements if r.path not in included}
    choices = choose_package_managers(manifests, closures)

    truncated = budget.stop_message is not None
    return BuildContext(
        root=root,
        files=frozenset(scanner.files),
        dirs=frozenset(scanner.dirs),
        symlinks=tuple(scanner.symlinks),
        unlisted=tuple(scanner.unlisted),
        manifests=tuple(manifests),
        requirements=tuple(requirements),
        package_managers=choices,
        install_hooks=tuple(dict.fromkeys(hooks)),
        ignorable=tuple(scanner.ignorable),
        dockerignore=ignore,
        notes=tuple(notes + scanner.notes),
        truncated=truncated,
        message=budget.stop_message,
        entries_seen=min(budget.seen, max_files),
        elapsed=time.monotonic() - started,
        manifest_depth=manifest_depth,
    )


class _SentTree:
    """The context as BuildKit receives it: listed entries minus what `.dockerignore` drops."""

    def __init__(self, context: BuildContext, ignore: DockerIgnore | None) -> None:
        self.context = context
        self.ignore = ignore
        self.files: set[str] = set()
        self.dirs: set[str] = {"."}
        self.opaque: set[str] = set()
        self.children: dict[str, list[str]] = {}
        for path in context.files:
            if ignore is None or not ignore.is_excluded(path):
                self.files.add(path)
                self._add_parents(path)
        for path in context.dirs:
            if ignore is None or not ignore.is_excluded(path, is_dir=True):
                self.dirs.add(path)
                self._add_parents(path)
        for unlisted in context.unlisted:
            if ignore is not None and ignore.excludes_subtree(unlisted.path):
                continue
            self.opaque.add(unlisted.path)
            self.dirs.add(unlisted.path)
            self._add_parents(unlisted.path)
        for path in self.files | self.dirs:
            if path != ".":
                parent = path.rpartition("/")[0] or "."
                self.children.setdefault(parent, []).append(path)
        for names in self.children.values():
            names.sort()

    def _add_parents(self, path: str) -> None:
        head = path.rpartition("/")[0]
        while head and head not in self.dirs:
            self.dirs.add(head)
            head = head.rpartition("/")[0]

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.dirs

    def follow(self, path: str) -> str:
        """Resolve symlinks in every component of ``path``, clamped to the context root."""
        parts = [] if path == "." else path.split("/")
        done: list[str] = []
        hops = 0
        while parts:
            done.append(parts.pop(0))
            current = "/".join(done)
            link = self.context.symlink(current)
            if link is None or current not in self.files:
                continue
            hops += 1
            if hops > _MAX_LINK_HOPS:
                break
            base = "" if link.target.startswith("/") else "/".join(done[:-1])
            target = _clean(f"/{base}/{link.target}").lstrip("/")
            parts = ([] if target == "" else target.split("/")) + parts
            done = []
        return "/".join(done) or "."

    def under(self, folder: str) -> tuple[set[str], set[str]]:
        """Every sent file below ``folder`` and every opaque folder at or below it."""
        files: set[str] = set()
        opaque: set[str] = set()
        stack = [folder]
        while stack:
            current = stack.pop()
            if current in self.opaque:
                opaque.add(current)
            for child in self.children.get(current, ()):
                if child in self.files:
                    files.add(child)
                else:
                    stack.append(child)
        return files, opaque


def _sent_tree(context: BuildContext, ignore: DockerIgnore | None) -> _SentTree:
    """The sent tree of ``context`` under ``ignore``, built once per scan and ignore file.

    Kept on the scan result itself (a scan is never changed after it is made, so the tree
    cannot go stale, and it goes away with the scan); ignore files compare by identity.
    Hashing the whole scan for a global cache cost more than the look-up saved.
    """
    trees = context._sent_trees
    tree = trees.get(("reference", ignore))
    if tree is None:
        tree = trees[("reference", ignore)] = _SentTree(context, ignore)
    return tree


def _relative(path: str, base: str) -> str:
    return path if base == "." else path[len(base) + 1 :]


def _split_wildcards(path: str) -> tuple[str, str]:
    """Split at the first segment with a wildcard: (literal folder, pattern below it)."""
    parts = [] if path == "." else path.split("/")
    for index, part in enumerate(parts):
        if _has_wildcards(part):
            return "/".join(parts[:index]) or ".", "/".join(parts[index:])
    return path, ""


class _Resolver:
    def __init__(self, tree: _SentTree, ignore: DockerIgnore | None) -> None:
        self.tree = tree
        self.ignore = ignore

    def copy_entry(self, path: str) -> tuple[set[str], set[str]]:
        """Files and opaque folders copied for one named entry (a file, link or folder)."""
        tree = self.tree
        resolved = tree.follow(path)
        if resolved in tree.files:
            return {path, resolved}, set()
        if resolved in tree.dirs:
            return tree.under(resolved)
        return set(), set()

    def missing_reason(self, path: str) -> tuple[str, IgnorePattern | None]:
        context = self.tree.context
        holder = next((u.path for u in context.unlisted if path.startswith(u.path + "/")), None)
        if self.ignore is not None and (context.has(path) or holder is not None):
            decision = self.ignore.decide(path, is_dir=path in context.dirs)
            if decision.excluded:
                where = f" (line {decision.pattern.line})" if decision.pattern else ""
                if context.has(path):
                    return f"{path} is excluded by .dockerignore{where}", decision.pattern
                return (
                    f"{path} is inside {holder}, which .dockerignore excludes{where}",
                    decision.pattern,
                )
        return f"{path} does not exist in the build context", None

    def resolve(self, source: str) -> SourceResolution:
        if source.startswith(_REMOTE_PREFIXES):
            return SourceResolution(
                source, source, remote=True, reason="remote source, not from the build context"
            )
        path = _clean("/" + source).lstrip("/") or "."
        # The fields every verdict for this source shares; each outcome adds its own and
        # builds the SourceResolution once (``dataclasses.replace`` on a frozen class is slow).
        verdict = {
            "source": source,
            "path": path,
            "pattern_excluded": (
                reference_matches_or_parent_matches(self.ignore, path)
                if self.ignore is not None
                else False
            ),
        }
        base, pattern = _split_wildcards(path)
        if not pattern:
            return self._literal(verdict)
        return self._glob({**verdict, "wildcard": True}, base, pattern)

    def _not_found(self, verdict: dict[str, Any], path: str) -> SourceResolution:
        """``path`` (the source, or a glob's literal folder) is absent from what is sent."""
        holder = self._inside_opaque(path)
        if holder is not None or self.tree.context.truncated:
            return SourceResolution(
                **verdict,
                unlisted=(holder or path,),
                reason=f"{path} is in a part of the context that was not listed",
            )
        reason, pattern = self.missing_reason(path)
        return SourceResolution(
            **verdict, matched_nothing=True, would_fail=True, excluded_by=pattern, reason=reason
        )

    def _literal(self, verdict: dict[str, Any]) -> SourceResolution:
        path = verdict["path"]
        resolved = self.tree.follow(path)
        if not self.tree.exists(resolved):
            return self._not_found(verdict, resolved)
        files, unlisted = self.copy_entry(path)
        return SourceResolution(
            **verdict,
            matches=(path,),
            files=frozenset(files),
            unlisted=tuple(sorted(unlisted)),
            matched_nothing=not files and not unlisted,
        )

    def _inside_opaque(self, path: str) -> str | None:
        for folder in self.tree.opaque:
            if path == folder or path.startswith(folder + "/"):
                return folder
        return None

    def _glob(self, verdict: dict[str, Any], base: str, pattern: str) -> SourceResolution:
        tree = self.tree
        folder = tree.follow(base)
        if not tree.exists(folder):
            return self._not_found(verdict, folder)
        try:
            gopath.validate_glob(pattern)
        except gopath.BadPattern:
            # BuildKit ignores filepath.Match's error here, so nothing matches.
            return SourceResolution(
                **verdict,
                matched_nothing=True,
                reason=f"malformed pattern {pattern!r}: BuildKit matches nothing",
            )
        matches: list[str] = []
        unlisted: set[str] = set()
        # `*` and `?` stay inside one segment, so deeper entries cannot match, unless a
        # [...] class (which may match "/") is in the pattern.
        depth = pattern.count("/") if "[" not in pattern else None
        stack = [folder] if folder in tree.dirs else []
        while stack:
            current = stack.pop()
            if current in tree.opaque:
                unlisted.add(current)
                continue
            for child in tree.children.get(current, ()):
                rel = _relative(child, folder)
                if gopath.match(pattern, rel):
                    matches.append(child)
                elif child in tree.dirs and (depth is None or rel.count("/") < depth):
                    stack.append(child)
        files: set[str] = set()
        for match in sorted(matches):
            got_files, got_unlisted = self.copy_entry(match)
            files |= got_files
            unlisted |= got_unlisted
        return SourceResolution(
            **verdict,
            matches=tuple(sorted(matches)),
            files=frozenset(files),
            unlisted=tuple(sorted(unlisted)),
            matched_nothing=not matches,
        )


def reference_resolve_copy_sources(
    context: BuildContext | str | os.PathLike[str],
    sources: Sequence[str],
    ignore: DockerIgnore | Literal["context"] | None = "context",
) -> CopyResolution:
    """Resolve COPY/ADD ``sources`` (already variable-expanded) against the build context.

    ``context`` is a scan result or a folder (scanned here). ``ignore="context"`` applies the
    `.dockerignore` the scan used; pass a :class:`DockerIgnore` or None to override.
    """
    if not isinstance(context, BuildContext):
        context = reference_scan_context(Path(context))
    active = context.dockerignore if ignore == "context" else ignore
    resolver = _Resolver(_sent_tree(context, active), active)
    results = tuple(resolver.resolve(source) for source in sources)
    files = frozenset().union(*(result.files for result in results))
    unlisted = tuple(sorted({d for result in results for d in result.unlisted}))
    complete = not context.truncated and not unlisted
    return CopyResolution(results, files, unlisted, complete)


def reference_copies_path(resolution: CopyResolution, rel_path: str) -> bool:
    """Whether the instruction copies the context path ``rel_path`` (a file, or anything
    below a folder). Inside an unlisted folder the answer is True when that folder is copied:
    check ``resolution.complete`` when "maybe" matters."""
    path = _clean("/" + rel_path).lstrip("/") or "."
    if path == ".":
        return not resolution.matched_nothing
    if path in resolution.files:
        return True
    prefix = path + "/"
    if any(name.startswith(prefix) for name in resolution.files):
        return True
    return any(
        path == d or path.startswith(d + "/") or d.startswith(prefix) for d in resolution.unlisted
    )


def reference_matches_or_parent_matches(ignore: DockerIgnore, rel_path: str) -> bool:
    """``DockerIgnore.matches_or_parent_matches`` without its shared list of parents."""
    path = _normalise(rel_path)
    matched = False
    for pattern in ignore._active:
        if pattern.exclusion != matched:
            continue
        if pattern.matches_path_or_parent(path):
            matched = not pattern.exclusion
    return matched
