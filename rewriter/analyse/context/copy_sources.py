"""What a COPY/ADD instruction copies out of the build context.

Why model BuildKit here instead of globbing: the fixes ask precise questions ("does
``COPY . .`` bring ``package.json``?", "does ``COPY package*.json ./`` match anything, or would
the build fail?"), and the answers follow BuildKit's rules, not a shell's:

* a source is cleaned as a path under ``/`` of the context: a trailing ``/`` is dropped and
  ``../x`` means ``x`` (the context root clamps it);
* only what `.dockerignore` lets through exists; an excluded literal source fails the build,
  exactly like a missing one;
* a source without ``*``, ``?`` or ``[`` must exist; symlinks along it (and at its end) are
  followed, but never out of the context;
* with a wildcard, the path splits at the first segment that has one: the literal folder
  before it must exist (else the build fails), and every entry below it whose relative path
  matches the rest (Go ``filepath.Match``, so ``*`` stays inside one segment) is copied; a
  matching folder is copied whole and not searched further; matching nothing is *not* an error;
* a folder source copies its contents, recursively, with symlinks inside it kept as links.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from rewriter.analyse.context import gopath
from rewriter.analyse.context.dockerignore import DockerIgnore, IgnorePattern
from rewriter.analyse.context.scan import BuildContext, scan_context
from rewriter.records import Record

__all__ = ["CopyResolution", "SourceResolution", "copies_path", "resolve_copy_sources"]

_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
_MAX_LINK_HOPS = 40
_NO_FILES: frozenset[str] = frozenset()


class SourceResolution(Record):
    """The verdict for one COPY/ADD source.

    ``path`` is the cleaned context-relative source (``.`` for the root). ``matches`` are the
    context entries it names (after globbing and following symlinks); ``files`` every file or
    symlink it copies. ``unlisted`` are paths it copies whose content the scan did not list
    (``node_modules``, a truncated or unreadable part), so ``files`` is then a lower bound.
    ``would_fail`` means the build stops at this instruction; ``matched_nothing`` that nothing
    is copied (for a wildcard that is allowed). ``pattern_excluded`` is BuildKit's
    ``CopyIgnoredFile`` test: `.dockerignore` matches the source text itself or a parent of it.
    """

    __slots__ = (
        "excluded_by",
        "files",
        "matched_nothing",
        "matches",
        "path",
        "pattern_excluded",
        "reason",
        "remote",
        "source",
        "unlisted",
        "wildcard",
        "would_fail",
    )

    def __init__(
        self,
        source: str,
        path: str,
        remote: bool = False,
        wildcard: bool = False,
        matches: tuple[str, ...] = (),
        files: frozenset[str] = frozenset(),
        unlisted: tuple[str, ...] = (),
        matched_nothing: bool = False,
        would_fail: bool = False,
        pattern_excluded: bool = False,
        excluded_by: IgnorePattern | None = None,
        reason: str | None = None,
    ):
        self.source = source
        self.path = path
        self.remote = remote
        self.wildcard = wildcard
        self.matches = matches
        self.files = files
        self.unlisted = unlisted
        self.matched_nothing = matched_nothing
        self.would_fail = would_fail
        self.pattern_excluded = pattern_excluded
        self.excluded_by = excluded_by
        self.reason = reason


class CopyResolution(Record):
    """All sources of one instruction. ``complete`` is False when some answer is a lower bound
    (opaque folders, or a scan that was truncated)."""

    __slots__ = ("complete", "files", "sources", "unlisted")

    def __init__(
        self,
        sources: tuple[SourceResolution, ...],
        files: frozenset[str],
        unlisted: tuple[str, ...],
        complete: bool,
    ):
        self.sources = sources
        self.files = files
        self.unlisted = unlisted
        self.complete = complete

    @property
    def would_fail(self) -> bool:
        """Whether any source makes the build fail."""
        return any(source.would_fail for source in self.sources)

    @property
    def matched_nothing(self) -> bool:
        """Whether the instruction copies nothing at all from the context."""
        return not self.files and not self.unlisted


class _SentTree:
    """The context as BuildKit receives it: listed entries minus what `.dockerignore` drops.

    Built once per scan and ignore file; it also keeps the answers already given for a list
    of sources (the model and several rules ask about the same COPY).
    """

    def __init__(self, context: BuildContext, ignore: DockerIgnore | None) -> None:
        self.context = context
        self.ignore = ignore
        # follow() only has work to do when the scan met a symlink.
        self.has_links = bool(context.symlinks)
        self.files: set[str] = set()
        self.dirs: set[str] = {"."}
        self.opaque: set[str] = set()
        self.resolutions: dict[tuple[str, ...], CopyResolution] = {}
        self.resolver: _Resolver | None = None
        self._children: dict[str, list[str]] | None = None
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

    def _add_parents(self, path: str) -> None:
        head = path.rpartition("/")[0]
        while head and head not in self.dirs:
            self.dirs.add(head)
            head = head.rpartition("/")[0]

    @property
    def children(self) -> dict[str, list[str]]:
        """Each folder's sent entries, sorted; built when a folder copy or a glob first needs
        it (most sources name one file, which the sets answer)."""
        if self._children is None:
            children: dict[str, list[str]] = {}
            for path in self.files | self.dirs:
                if path != ".":
                    parent = path.rpartition("/")[0] or "."
                    children.setdefault(parent, []).append(path)
            for names in children.values():
                names.sort()
            self._children = children
        return self._children

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.dirs

    def follow(self, path: str) -> str:
        """Resolve symlinks in every component of ``path``, clamped to the context root."""
        if not self.has_links:
            return path  # ``path`` is clean: without links it resolves to itself
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
            target = gopath.clean(f"/{base}/{link.target}").lstrip("/")
            parts = ([] if target == "" else target.split("/")) + parts
            done = []
        return "/".join(done) or "."

    def under(self, folder: str) -> tuple[set[str], set[str]]:
        """Every sent file below ``folder`` and every opaque folder at or below it."""
        if folder == "." and self.files.isdisjoint(self.dirs):
            # Each sent entry's parents were added to ``dirs``, so the walk below would reach
            # every file and opaque folder from the root (no path is both a file and a
            # folder to stop it): ``COPY . .`` needs no folder index.
            return set(self.files), set(self.opaque)
        files: set[str] = set()
        opaque: set[str] = set()
        children = self.children
        stack = [folder]
        while stack:
            current = stack.pop()
            if current in self.opaque:
                opaque.add(current)
            for child in children.get(current, ()):
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
    tree = trees.get(ignore)
    if tree is None:
        tree = trees[ignore] = _SentTree(context, ignore)
    return tree


def _relative(path: str, base: str) -> str:
    return path if base == "." else path[len(base) + 1 :]


def _split_wildcards(path: str) -> tuple[str, str]:
    """Split at the first segment with a wildcard: (literal folder, pattern below it)."""
    if "*" not in path and "?" not in path and "[" not in path:
        return path, ""  # no segment can hold a wildcard
    parts = [] if path == "." else path.split("/")
    for index, part in enumerate(parts):
        if gopath.has_wildcards(part):
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
        if self.ignore is None:
            return f"{path} does not exist in the build context", None
        context = self.tree.context
        holder = next((u.path for u in context.unlisted if path.startswith(u.path + "/")), None)
        if context.has(path) or holder is not None:
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
        path = gopath.clean("/" + source).lstrip("/") or "."
        # The fields every verdict for this source shares; each outcome adds its own and
        # builds the SourceResolution once (``dataclasses.replace`` on a frozen class is slow).
        verdict = {
            "source": source,
            "path": path,
            "pattern_excluded": (
                self.ignore.matches_or_parent_matches(path) if self.ignore is not None else False
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
        # Positional (the most common verdict in a lint run): source, path, remote, wildcard,
        # matches, files, unlisted, matched_nothing, would_fail, pattern_excluded,
        # excluded_by, reason.
        return SourceResolution(
            verdict["source"],
            verdict["path"],
            False,
            verdict.get("wildcard", False),
            (),
            _NO_FILES,
            (),
            True,
            True,
            verdict["pattern_excluded"],
            pattern,
            reason,
        )

    def _literal(self, verdict: dict[str, Any]) -> SourceResolution:
        path = verdict["path"]
        resolved = self.tree.follow(path)
        if not self.tree.exists(resolved):
            return self._not_found(verdict, resolved)
        files, unlisted = self.copy_entry(path)
        return SourceResolution(  # positional, in field order (see _not_found)
            verdict["source"],
            path,
            False,
            False,
            (path,),
            frozenset(files),
            tuple(sorted(unlisted)),
            not files and not unlisted,
            False,
            verdict["pattern_excluded"],
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
        children = tree.children
        stack = [folder] if folder in tree.dirs else []
        while stack:
            current = stack.pop()
            if current in tree.opaque:
                unlisted.add(current)
                continue
            for child in children.get(current, ()):
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


def resolve_copy_sources(
    context: BuildContext | str | os.PathLike[str],
    sources: Sequence[str],
    ignore: DockerIgnore | Literal["context"] | None = "context",
) -> CopyResolution:
    """Resolve COPY/ADD ``sources`` (already variable-expanded) against the build context.

    ``context`` is a scan result or a folder (scanned here). ``ignore="context"`` applies the
    `.dockerignore` the scan used; pass a :class:`DockerIgnore` or None to override.
    """
    if not isinstance(context, BuildContext):
        context = scan_context(Path(context))
    active = context.dockerignore if ignore == "context" else ignore
    tree = _sent_tree(context, active)
    key = tuple(sources)
    known = tree.resolutions.get(key)
    if known is not None:  # the same scan, ignore file and sources: the same answer
        return known
    resolver = tree.resolver
    if resolver is None:
        resolver = tree.resolver = _Resolver(tree, active)
    results = tuple([resolver.resolve(source) for source in key])
    if len(results) == 1:  # the usual COPY: its one source's sets are already the answer
        files, unlisted = results[0].files, results[0].unlisted
    else:
        files = frozenset().union(*(result.files for result in results))
        unlisted = tuple(sorted({d for result in results for d in result.unlisted}))
    complete = not context.truncated and not unlisted
    resolution = tree.resolutions[key] = CopyResolution(results, files, unlisted, complete)
    return resolution


def copies_path(resolution: CopyResolution, rel_path: str) -> bool:
    """Whether the instruction copies the context path ``rel_path`` (a file, or anything
    below a folder). Inside an unlisted folder the answer is True when that folder is copied:
    check ``resolution.complete`` when "maybe" matters."""
    path = gopath.clean("/" + rel_path).lstrip("/") or "."
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
