"""`.dockerignore` with the semantics BuildKit really applies.

Why not ``fnmatch``/gitignore rules: BuildKit reads the file with ``moby/patternmatcher``'s
``ignorefile`` reader, compiles every pattern to a Go regular expression, and filters the context
while it walks it (``tonistiigi/fsutil``). Several visible behaviours follow only from that
machinery, and a fix that decides "is `package-lock.json` in the context?" must reproduce them:

* a line is a comment only when ``#`` is its very first character; patterns are trimmed, cleaned
  like Go's ``path.Clean`` (so ``a/../b`` is ``b``) and lose one leading ``/``;
* ``*`` and ``?`` never cross ``/``; ``**`` matches any number of folders; a trailing ``/**``
  matches the folder's contents but not the folder; a leading ``**`` makes the rest a plain
  suffix test (``**foo`` also matches ``barfoo``); ``\\x`` is a Go-regexp escape;
* a pattern matching a folder excludes everything below it; the last matching pattern wins, and
  ``!`` patterns re-include;
* the walk keeps one "parent matched" flag per pattern, and a pattern that was skipped for the
  parent (because it could not change the answer there) is not inherited by the children;
* an excluded folder is not even entered when no ``!`` pattern could re-include something inside
  it (only literal ``!`` patterns are checked; one with a glob forces the walk to enter).

``Dockerfile.dockerignore`` (``<Dockerfile name>.dockerignore`` next to the Dockerfile) replaces
the context's ``.dockerignore`` when it exists, as in BuildKit's Dockerfile frontend.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from rewriter.analyse.context import gopath, goregex
from rewriter.records import Record

__all__ = [
    "DockerIgnore",
    "IgnoreDecision",
    "IgnorePattern",
    "IgnoreState",
    "find_dockerignore",
]

# Go's unicode.IsSpace: what strings.TrimSpace removes (Python's str.strip also removes the
# information separators U+001C..U+001F, which Go keeps).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# bufio.Scanner refuses longer lines ("token too long"), which makes BuildKit fail the build.
_MAX_LINE_BYTES = 64 * 1024
# Characters that make fsutil walk into an excluded folder instead of skipping it.
_GLOB_CHARS = "*[]?^\\"
# Characters patternmatcher escapes because they are regexp syntax but not glob syntax.
_REGEX_ONLY_SPECIALS = ".+()|{}$"

EXACT, PREFIX, SUFFIX, REGEXP = "exact", "prefix", "suffix", "regexp"
_PATH = type(Path())


def _go_trim(text: str) -> str:
    return text.strip(_GO_SPACE)


class IgnorePattern(Record):
    """One effective `.dockerignore` pattern.

    ``text`` is the pattern as BuildKit matches it (cleaned, without ``!``); ``line`` is the
    1-based line of the file it came from and ``raw`` that line, for findings that point at it.
    ``error`` is set when BuildKit rejects the pattern while reading the file (the build fails);
    ``regex_error`` when Go cannot compile the pattern's regular expression, which BuildKit
    only finds out (and fails the build) when the walk first needs that pattern. Either way the
    pattern never matches here.
    """

    __slots__ = ("_regex", "error", "exclusion", "kind", "line", "raw", "regex_error", "text")

    def __init__(
        self,
        text: str,
        exclusion: bool,
        line: int,
        raw: str,
        kind: str = EXACT,
        error: str | None = None,
        regex_error: str | None = None,
        _regex: re.Pattern[str] | None = None,  # compiled form; not compared, not in the repr
    ):
        self.text = text
        self.exclusion = exclusion
        self.line = line
        self.raw = raw
        self.kind = kind
        self.error = error
        self.regex_error = regex_error
        self._regex = _regex

    def _values(self) -> tuple[object, ...]:
        # Equality and hashing leave the compiled regex out (it follows from the text).
        return (
            self.text,
            self.exclusion,
            self.line,
            self.raw,
            self.kind,
            self.error,
            self.regex_error,
        )

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields[:-1])
        return f"{self.__class__.__qualname__}({fields})"

    @property
    def source(self) -> str:
        """The pattern as it would be written back: ``!`` + text for an exception."""
        return ("!" if self.exclusion else "") + self.text

    def matches(self, path: str) -> bool:
        """Whether this pattern alone matches the cleaned, slash-separated relative ``path``."""
        if self.error is not None or self.regex_error is not None:
            return False
        if self.kind == EXACT:
            return path == self.text
        if self.kind == PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind == SUFFIX:
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        assert self._regex is not None
        return self._regex.match(path) is not None

    def matches_path_or_parent(self, path: str) -> bool:
        """Whether this pattern matches ``path`` or one of the folders above it."""
        if self.matches(path):
            return True
        parts = path.split("/")
        return any(self.matches("/".join(parts[:k])) for k in range(1, len(parts)))

    @property
    def without_trailing_glob(self) -> str:
        """The pattern minus a final ``/**`` or ``/*`` (fsutil's folder-skip heuristic)."""
        text = self.text
        if text.endswith("/**"):
            text = text[:-3]
        if text.endswith("/*"):
            text = text[:-2]
        return text


def _compile(text: str) -> tuple[str, str | None]:
    """Classify ``text`` and build its Go regexp the way patternmatcher does.

    Returns (kind, go_regex); the regex is None unless the kind is ``regexp``.
    """
    kind = EXACT
    out = ["^"]
    pos = 0
    token = 0
    while pos < len(text):
        char = text[pos]
        pos += 1
        if char == "*":
            if pos < len(text) and text[pos] == "*":
                pos += 1
                if pos < len(text) and text[pos] == "/":
                    pos += 1
                if pos >= len(text):
                    if kind == EXACT:
                        kind = PREFIX
                    else:
                        out.append(".*")
                        kind = REGEXP
                else:
                    out.append("(.*/)?")
                    kind = REGEXP
                if token == 0:
                    kind = SUFFIX
            else:
                out.append("[^/]*")
                kind = REGEXP
        elif char == "?":
            out.append("[^/]")
            kind = REGEXP
        elif char in _REGEX_ONLY_SPECIALS:
            out.append("\\" + char)
        elif char == "\\":
            if pos < len(text):
                out.append("\\" + text[pos])
                pos += 1
                kind = REGEXP
            else:
                out.append("\\")
        elif char in "[]":
            out.append(char)
            kind = REGEXP
        else:
            out.append(char)
        token += 1
    if kind != REGEXP:
        return kind, None
    return kind, "".join(out) + "$"


def _make_pattern(text: str, line: int, raw: str) -> IgnorePattern:
    """Apply patternmatcher's own clean-up and checks to one line's pattern."""
    text = gopath.clean(_go_trim(text))
    exclusion = text.startswith("!")
    if exclusion:
        if len(text) == 1:
            return IgnorePattern(text, True, line, raw, error='illegal exclusion pattern: "!"')
        text = text[1:]
    try:
        gopath.validate_glob(text)
    except gopath.BadPattern:
        return IgnorePattern(text, exclusion, line, raw, error="syntax error in pattern")
    kind, go_regex = _compile(text)
    regex = None
    if go_regex is not None:
        try:
            # The caller silences re's FutureWarning (e.g. "possible nested set") around all
            # the patterns of a file at once.
            regex = re.compile(goregex.translate(go_regex), re.DOTALL | re.ASCII)
        except goregex.GoRegexError as error:
            return IgnorePattern(text, exclusion, line, raw, kind, regex_error=str(error))
    return IgnorePattern(text, exclusion, line, raw, kind, _regex=regex)


def _split_lines(text: str) -> list[str]:
    """Split like Go's bufio.ScanLines: on LF, dropping one CR before it, no empty last line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class IgnoreState(Record):
    """Where the context walk stands after one entry.

    ``parent_matched`` holds, per pattern, whether it matched this entry or (through the
    parent chain) a folder above it; children are evaluated against it. ``skip_subtree`` is set
    for an excluded folder that BuildKit does not enter at all.
    """

    __slots__ = ("decider", "excluded", "parent_matched", "skip_subtree")

    def __init__(
        self,
        excluded: bool,
        skip_subtree: bool,
        parent_matched: tuple[bool, ...],
        decider: int | None,
    ):
        self.excluded = excluded
        self.skip_subtree = skip_subtree
        self.parent_matched = parent_matched
        self.decider = decider


class IgnoreDecision(Record):
    """Whether a path is left out of the context, and which pattern (line) decided it."""

    __slots__ = ("excluded", "path", "pattern", "via_parent")

    def __init__(
        self,
        path: str,
        excluded: bool,
        pattern: IgnorePattern | None,
        via_parent: str | None = None,
    ):
        self.path = path
        self.excluded = excluded
        self.pattern = pattern
        self.via_parent = via_parent


def _normalise(rel_path: str) -> str:
    path = gopath.clean(rel_path.replace(os.sep, "/") if os.sep != "/" else rel_path)
    return path.lstrip("/") or "."


class DockerIgnore:
    """The patterns of one `.dockerignore` file and BuildKit's verdict on context paths."""

    def __init__(
        self,
        patterns: Sequence[IgnorePattern],
        *,
        path: Path | None = None,
        errors: Sequence[str] = (),
    ) -> None:
        self.path = path
        self.patterns: tuple[IgnorePattern, ...] = tuple(patterns)
        self._active = tuple(p for p in self.patterns if p.error is None)
        self._errors = (
            tuple(errors)
            + tuple(
                f"line {p.line}: {p.error}: {p.raw.strip()!r}" for p in self.patterns if p.error
            )
            + tuple(
                f"line {p.line}: cannot be compiled ({p.regex_error}), BuildKit fails the build"
                f" when it evaluates it: {p.raw.strip()!r}"
                for p in self.patterns
                if p.regex_error
            )
        )
        exceptions = [p for p in self._active if p.exclusion]
        self.has_exceptions = bool(exceptions)
        self._prefix_only_exceptions = all(
            not any(c in _GLOB_CHARS for c in p.without_trailing_glob) for p in exceptions
        )
        self._exception_prefixes = tuple(p.without_trailing_glob + "/" for p in exceptions)
        self._dir_states: dict[str, IgnoreState] = {}

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | bytes, *, path: Path | None = None) -> DockerIgnore:
        """Parse `.dockerignore` content (``str`` or raw ``bytes``) as BuildKit reads it."""
        errors: list[str] = []
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="surrogateescape")
        patterns: list[IgnorePattern] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            cls._parse_lines(text, patterns, errors)
        return cls(patterns, path=path, errors=errors)

    @staticmethod
    def _parse_lines(text: str, patterns: list[IgnorePattern], errors: list[str]) -> None:
        for number, line in enumerate(_split_lines(text), start=1):
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            if len(line.encode("utf-8", errors="surrogateescape")) >= _MAX_LINE_BYTES:
                errors.append(f"line {number}: longer than 64 KiB: BuildKit cannot read the file")
                break
            if line.startswith("#"):
                continue
            pattern = _go_trim(line)
            if not pattern:
                continue
            invert = pattern.startswith("!")
            if invert:
                pattern = _go_trim(pattern[1:])
            if pattern:
                pattern = gopath.clean(pattern)
                if len(pattern) > 1 and pattern.startswith("/"):
                    pattern = pattern[1:]
            if invert:
                pattern = "!" + pattern
            patterns.append(_make_pattern(pattern, number, line))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> DockerIgnore:
        """Read and parse a `.dockerignore` file."""
        file_path = path if path.__class__ is _PATH else Path(path)
        with open(file_path, "rb", buffering=0) as handle:  # unbuffered: read whole at once
            data = handle.readall()
        return cls.parse(data, path=file_path)

    @classmethod
    def from_patterns(cls, lines: Iterable[str]) -> DockerIgnore:
        """Build from pattern lines (one per item), as if they were the file's lines."""
        return cls.parse("\n".join(lines))

    # -- inspection -----------------------------------------------------------------------

    @property
    def errors(self) -> tuple[str, ...]:
        """Problems that make BuildKit reject this file (the build fails with any of them)."""
        return self._errors

    def __repr__(self) -> str:
        where = f" {str(self.path)!r}" if self.path else ""
        return f"<DockerIgnore{where} {len(self.patterns)} patterns>"

    # -- the context walk -----------------------------------------------------------------

    def enter(self, rel_path: str, parent: IgnoreState | None, *, is_dir: bool) -> IgnoreState:
        """Evaluate one walk entry given its parent folder's state (None at the top level).

        This is the per-entry step of BuildKit's filtered walk; :meth:`is_excluded` replays it
        along a path's folders, and the context scan calls it directly while walking.
        """
        inherited = parent.parent_matched if parent is not None else None
        matched = False
        decider: int | None = None
        flags = [False] * len(self._active)
        for index, pattern in enumerate(self._active):
            hit = inherited[index] if inherited is not None else False
            if not hit:
                if pattern.exclusion != matched:
                    # Cannot change the verdict: BuildKit does not evaluate it, and does not
                    # record it for the children either.
                    continue
                if inherited is None:
                    hit = pattern.matches_path_or_parent(rel_path)
                else:
                    hit = pattern.matches(rel_path)
            flags[index] = hit
            if hit:
                matched = not pattern.exclusion
                decider = index
        skip = matched and is_dir and self._skips_folder(rel_path)
        return IgnoreState(matched, skip, tuple(flags), decider)

    def _skips_folder(self, rel_dir: str) -> bool:
        if not self._prefix_only_exceptions:
            return False
        if not self.has_exceptions:
            return True
        prefix = rel_dir + "/"
        return not any(candidate.startswith(prefix) for candidate in self._exception_prefixes)

    def _folder_state(self, rel_dir: str) -> IgnoreState | None:
        """State of a folder on the walk, or None when an ancestor was skipped (cached)."""
        cached = self._dir_states.get(rel_dir)
        if cached is not None:
            return cached
        head, _, _ = rel_dir.rpartition("/")
        parent = None
        if head:
            parent = self._folder_state(head)
            if parent is None or parent.skip_subtree:
                return None
        state = self.enter(rel_dir, parent, is_dir=True)
        self._dir_states[rel_dir] = state
        return state

    def decide(self, rel_path: str, is_dir: bool = False) -> IgnoreDecision:
        """Whether BuildKit leaves ``rel_path`` out of the context, and because of which line.

        ``rel_path`` is relative to the context (``./`` and a leading ``/`` are accepted).
        For a folder, "excluded" means the folder entry itself; children re-included by a
        ``!`` pattern are still sent.
        """
        path = _normalise(rel_path)
        if path == "." or path.startswith("../") or path == "..":
            return IgnoreDecision(path, False, None)
        head, _, _ = path.rpartition("/")
        parent: IgnoreState | None = None
        if head:
            parts = head.split("/")
            for depth in range(1, len(parts) + 1):
                folder = "/".join(parts[:depth])
                state = self._folder_state(folder)
                # Folders are checked top-down, so the first skipped one is found here
                # before any deeper folder could report "an ancestor was skipped" (None).
                assert state is not None
                if state.skip_subtree:
                    # The walk never reaches `path`: the skipped folder's pattern decides.
                    return IgnoreDecision(
                        path, True, self._pattern(state.decider), via_parent=folder
                    )
                parent = state
        state = self.enter(path, parent, is_dir=is_dir)
        return IgnoreDecision(path, state.excluded, self._pattern(state.decider))

    def _pattern(self, index: int | None) -> IgnorePattern | None:
        return None if index is None else self._active[index]

    def is_excluded(self, rel_path: str, is_dir: bool = False) -> bool:
        """Whether BuildKit leaves ``rel_path`` (relative to the context) out of the context."""
        return self.decide(rel_path, is_dir).excluded

    def excludes_subtree(self, rel_dir: str) -> bool:
        """Whether nothing at all below ``rel_dir`` reaches BuildKit (the folder is skipped)."""
        path = _normalise(rel_dir)
        if path == ".":
            return False
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            state = self._folder_state("/".join(parts[:depth]))
            if state is None or state.skip_subtree:
                return True
        return False

    def matches_or_parent_matches(self, rel_path: str) -> bool:
        """Pattern-only verdict for a path string, without the walk's per-pattern memory.

        This is the test BuildKit's ``CopyIgnoredFile`` check applies to a COPY source as
        written (it may contain wildcards, which are then compared as plain text).
        """
        path = _normalise(rel_path)
        parents: list[str] | None = None  # the folders above ``path``, made once if needed
        matched = False
        for pattern in self._active:
            if pattern.exclusion != matched:
                continue
            if pattern.matches(path):
                matched = not pattern.exclusion
                continue
            if parents is None:
                parts = path.split("/")
                parents = ["/".join(parts[:k]) for k in range(1, len(parts))]
            if any(pattern.matches(parent) for parent in parents):
                matched = not pattern.exclusion
        return matched


def find_dockerignore(
    context_dir: str | os.PathLike[str], dockerfile_path: str | os.PathLike[str] | None = None
) -> Path | None:
    """Return the ignore file BuildKit would use for this build, or None.

    ``<Dockerfile>.dockerignore`` beside the Dockerfile wins (even when empty); otherwise the
    context's ``.dockerignore``. Without ``dockerfile_path`` the Dockerfile is
    ``<context>/Dockerfile``, as for ``docker build <context>``.
    """
    if dockerfile_path is None:
        # The common case, tested on plain strings: building Paths costs more than the stats.
        folder = os.fspath(context_dir)
        for name in ("Dockerfile.dockerignore", ".dockerignore"):
            if os.path.isfile(os.path.join(folder, name)):
                return Path(context_dir) / name
        return None
    context = Path(context_dir)
    dockerfile = Path(dockerfile_path)
    specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if specific.is_file():
        return specific
    generic = context / ".dockerignore"
    if generic.is_file():
        return generic
    return None
