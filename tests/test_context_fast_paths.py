"""The fast context scan and COPY resolution give exactly the straightforward results.

The reference is ``tests/context_reference.py`` (the code before its shortcuts). Compared here:
every field of the scan (manifests, notes and their order included), and every COPY verdict,
over every corpus context folder and over hypothesis-generated trees with symlinks, opaque
folders, manifests and `.dockerignore` files.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewriter.analyse.context import gopath
from rewriter.analyse.context import scan as scan_module
from rewriter.analyse.context.copy_sources import copies_path, resolve_copy_sources
from rewriter.analyse.context.dockerignore import DockerIgnore
from rewriter.analyse.context.scan import BuildContext, Symlink, UnlistedDir, scan_context
from tests.context_reference import (
    _clean,
    _has_wildcards,
    reference_copies_path,
    reference_matches_or_parent_matches,
    reference_resolve_copy_sources,
    reference_scan_context,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# Sources that exercise every branch of the resolver: the root, literals, missing paths,
# cleaning, globs in the first and a middle segment, classes, escapes and malformed patterns.
PROBE_SOURCES = [
    ".",
    "./",
    "/",
    "..",
    "a",
    "a/",
    "./a/../b",
    "//a//b/",
    "src",
    "src/",
    "src/a",
    "package.json",
    "package*.json",
    "*.json",
    "*",
    "*/*",
    "s*/a",
    "src/*",
    "[a-c]",
    "[^a]*",
    "a\\*",
    "[",
    "missing",
    "missing/*",
    "node_modules",
    "node_modules/x",
    "node_modules/*",
    "link",
    "link/a",
    "link/*",
    ".env",
    "requirements.txt",
    "venv/bin/activate",
    "https://example.com/x.tar.gz",
    "git@github.com:a/b.git",
]


def _corpus_context_dirs() -> list[Path]:
    return sorted({p.parent for p in CORPUS.rglob("*Dockerfile*") if p.is_file()})


def _listed_paths(context) -> list[str]:
    return sorted(context.files | context.dirs)


def _comparable(context) -> tuple:
    """Every field (forcing the lazy ones), the ignore file by its patterns (it compares by
    identity) and the time left out."""
    ignore = context.dockerignore
    patterns = None if ignore is None else (ignore.path, ignore.patterns, ignore.errors)
    return context.replace(elapsed=0.0, dockerignore=None), patterns


def _assert_same_scan(folder: Path, **options) -> tuple:
    fast = scan_context(folder, **options)
    reference = reference_scan_context(folder, **options)
    assert _comparable(fast) == _comparable(reference)
    return fast, reference


def _assert_same_resolutions(fast, reference, sources: list[str]) -> None:
    probes = [*sources, *_listed_paths(reference), *(p + "/" for p in reference.dirs)]
    for ignore in ("context", None):
        for source in probes:
            got = resolve_copy_sources(fast, [source], ignore)
            want = reference_resolve_copy_sources(reference, [source], ignore)
            assert got == want, source
            for path in (".", source):
                assert copies_path(got, path) == reference_copies_path(want, path)
        # Several sources at once, and the same question twice (a cached answer must agree).
        for _ in range(2):
            got = resolve_copy_sources(fast, sources, ignore)
            want = reference_resolve_copy_sources(reference, sources, ignore)
            assert got == want
        for path in _listed_paths(reference):
            assert copies_path(got, path) == reference_copies_path(want, path)


def _copy_sources_of(folder: Path) -> list[str]:
    """The words after COPY/ADD in the folder's Dockerfiles (a rough split is enough here)."""
    words: list[str] = []
    for dockerfile in folder.glob("*Dockerfile*"):
        try:
            text = dockerfile.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for line in text.splitlines():
            parts = line.split()
            if parts and parts[0].upper() in ("COPY", "ADD"):
                words.extend(p for p in parts[1:-1] if not p.startswith("-"))
    return words


def test_every_corpus_context_scans_and_resolves_like_the_reference():
    folders = _corpus_context_dirs()
    assert len(folders) > 100
    for folder in folders:
        fast, reference = _assert_same_scan(folder)
        _assert_same_resolutions(fast, reference, [*PROBE_SOURCES, *_copy_sources_of(folder)])


# --- generated trees -------------------------------------------------------------------------

NAMES = [
    "a",
    "b",
    "src",
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "setup.py",
    "go.mod",
    "app.csproj",
    ".env",
    ".env.example",
    "node_modules",
    ".git",
    "venv",
    "env",
    "pyvenv.cfg",
    "bin",
    "activate",
    "build",
    "target",
    ".mvn",
    "gradle",
    ".yarn",
    "releases",
    ".yarnrc.yml",
]
CONTENTS = [
    "",
    "{}",
    '{"scripts": {"postinstall": "x"}, "packageManager": "yarn@3.6.1"}',
    '{"dependencies": {"a": "file:../a"}, "workspaces": ["p/*"]}',
    "{not json",
    "[project]\nname = 'x'\n[build-system]\nbuild-backend = 'hatchling.build'\n",
    "[tool.poetry]\n",
    "not = [toml",
    "# yarn lockfile v1\n",
    "__metadata:\n  version: 6\n",
    "-r requirements-dev.txt\nflask\n",
    "-r ../out.txt\n-c a\n-e .\nrequests\n",
    "-r requirements.txt\n",
]
LINK_TARGETS = ["a", "src", "src/a", "../outside", "/etc", "missing", ".", "..", "b/../a"]
IGNORE_LINES = [
    "a",
    "b",
    "*.json",
    "!package.json",
    "src",
    "!src/a",
    "src/*",
    "**/b",
    "node_modules",
    "*",
    "!*",
    "# comment",
    "a/**",
    "[ab]",
    "!**/a",
    "\\*",
    "?",
    ".env*",
    "build/",
    "!build/keep",
    "[",
    "",
]

_segment = st.sampled_from(NAMES)
_rel = st.lists(_segment, min_size=1, max_size=4).map("/".join)
_entry = st.one_of(
    st.tuples(st.just("file"), _rel, st.sampled_from(CONTENTS)),
    st.tuples(st.just("dir"), _rel, st.just("")),
    st.tuples(st.just("link"), _rel, st.sampled_from(LINK_TARGETS)),
)
_tree = st.lists(_entry, max_size=14)
_ignore = st.one_of(st.none(), st.lists(st.sampled_from(IGNORE_LINES), max_size=6))
_sources = st.lists(
    st.one_of(st.sampled_from(PROBE_SOURCES), _rel, _rel.map(lambda p: p + "/*")), max_size=4
)


def _build(root: Path, entries, ignore_lines) -> None:
    """Create the entries in order; one that clashes with an earlier one is skipped."""
    for kind, rel, extra in entries:
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "file":
                path.write_text(extra)
            elif kind == "dir":
                path.mkdir(exist_ok=True)
            else:
                path.symlink_to(extra)
        except OSError:
            continue
    if ignore_lines is not None:
        (root / ".dockerignore").write_text("\n".join(ignore_lines) + "\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=_tree,
    ignore_lines=_ignore,
    sources=_sources,
    max_files=st.sampled_from([50_000, 3, 7]),
    depth=st.sampled_from([3, 0, 1]),
)
def test_generated_trees_scan_and_resolve_like_the_reference(
    tree, ignore_lines, sources, max_files, depth
):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "outside").write_text("-r ctx/a\n")
        root = Path(tmp) / "ctx"
        root.mkdir()
        _build(root, tree, ignore_lines)
        options = {"max_files": max_files, "manifest_depth": depth}
        fast, reference = _assert_same_scan(root, **options)
        _assert_same_resolutions(fast, reference, [*sources, *PROBE_SOURCES[:12]])
        # The Dockerfile-specific ignore file, and an explicit override, take other paths.
        (root / "Dockerfile.dockerignore").write_text("a\n!src\n")
        _assert_same_scan(root, **options)
        override = DockerIgnore.parse("src\n")
        fast, reference = _assert_same_scan(root, ignore=override, **options)
        _assert_same_resolutions(fast, reference, sources)
        _assert_same_scan(root, ignore=None, dockerfile=root / "src" / "Dockerfile")


@settings(max_examples=300, deadline=None)
@given(
    files=st.lists(_rel, max_size=8),
    dirs=st.lists(_rel, max_size=6),
    unlisted=st.lists(_rel, max_size=2),
    links=st.lists(st.tuples(_rel, st.sampled_from(LINK_TARGETS)), max_size=3),
    ignore_lines=_ignore,
    sources=_sources,
    truncated=st.booleans(),
)
def test_hand_made_contexts_resolve_like_the_reference(
    files, dirs, unlisted, links, ignore_lines, sources, truncated
):
    """The resolver on any BuildContext, not only on what a scan produces: folders missing
    from ``dirs``, a path that is both a file and a folder, links anywhere."""
    ignore = None if ignore_lines is None else DockerIgnore.parse("\n".join(ignore_lines))
    symlinks = tuple(Symlink(path, target, None) for path, target in links)

    def make() -> BuildContext:
        return BuildContext(
            root=Path("/nonexistent"),
            files=frozenset(files) | {link.path for link in symlinks},
            dirs=frozenset(dirs) | frozenset(unlisted),
            symlinks=symlinks,
            unlisted=tuple(UnlistedDir(path, "node_modules") for path in unlisted),
            manifests=(),
            requirements=(),
            package_managers=(),
            install_hooks=(),
            ignorable=(),
            dockerignore=ignore,
            notes=(),
            truncated=truncated,
            message=None,
            entries_seen=0,
            elapsed=0.0,
        )

    _assert_same_resolutions(make(), make(), [*sources, *PROBE_SOURCES[:12]])


def test_generated_tree_through_a_symlinked_root():
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        real.mkdir()
        _build(real, [("file", "package.json", CONTENTS[2]), ("link", "l", "../real/a")], ["b"])
        (real / "a").write_text(CONTENTS[10])
        (Path(tmp) / "alias").symlink_to(real, target_is_directory=True)
        fast, reference = _assert_same_scan(Path(tmp) / "alias")
        _assert_same_resolutions(fast, reference, PROBE_SOURCES)


def test_the_scan_reads_manifests_when_it_runs():
    """Manifests are parsed lazily, but their text is read during the scan: a later change of
    the file does not change the answer (the scan stays one snapshot)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "package.json").write_text(json.dumps({"packageManager": "pnpm@8"}))
        context = scan_context(root)
        (root / "package.json").write_text("{}")
        choice = context.package_manager(".", "node")
        assert choice is not None and choice.manager == "pnpm"


# --- Go path helpers ----------------------------------------------------------------------

_path_text = st.text(alphabet="ab./\\*?[", max_size=12)


@given(_path_text)
def test_clean_shortcut_equals_the_general_clean(path):
    assert gopath.clean(path) == _clean(path)
    assert gopath.clean("/" + path) == _clean("/" + path)


@given(_path_text)
def test_wildcard_shortcut_equals_the_general_test(path):
    assert gopath.has_wildcards(path) == _has_wildcards(path)


@given(
    st.lists(st.sampled_from(IGNORE_LINES), max_size=6),
    st.one_of(_rel, _path_text, st.sampled_from(PROBE_SOURCES)),
)
def test_pattern_only_verdict_equals_the_per_pattern_walk(lines, path):
    ignore = DockerIgnore.parse("\n".join(lines))
    assert ignore.matches_or_parent_matches(path) == reference_matches_or_parent_matches(
        ignore, path
    )


def test_generated_trees_use_real_symlinks():
    # Guard for the generated tests above: they are only meaningful where symlinks work.
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink("a", os.path.join(tmp, "l"))
        assert os.path.islink(os.path.join(tmp, "l"))


# --- reading manifests ----------------------------------------------------------------------

_bytes = st.lists(
    st.sampled_from(
        [
            b"a",
            b"\r",
            b"\n",
            b"\r\n",
            b"\xc3\xa9",
            b"\xc3",
            b"\xff",
            b"\xef\xbb\xbf",
            b"\xf0\x9f\x98\x80",
        ]
    ),
    max_size=12,
).map(b"".join)


@given(data=_bytes, limit=st.integers(min_value=0, max_value=14))
def test_light_text_read_equals_a_text_file_read(data, limit):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f")
        with open(path, "wb") as handle:
            handle.write(data)
        with open(path, encoding="utf-8", errors="replace") as handle:
            want = handle.read(limit)
        assert scan_module._read_text(path, limit) == want


def test_light_text_read_fails_like_a_text_file_read():
    with tempfile.TemporaryDirectory() as tmp:
        for path in (tmp, os.path.join(tmp, "missing")):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    handle.read(10)
            except OSError as error:
                want = error.strerror
            try:
                scan_module._read_text(path, 10)
            except OSError as error:
                got = error.strerror
            assert got == want
