"""`.dockerignore` semantics as BuildKit applies them.

The expected values were written from reading moby/patternmatcher and tonistiigi/fsutil, and
each one was checked against the real Go code while writing these tests (a throw-away harness,
not part of the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.analyse.context import gopath
from rewriter.analyse.context.dockerignore import DockerIgnore, find_dockerignore


def excluded(patterns: str, path: str, is_dir: bool = False) -> bool:
    return DockerIgnore.parse(patterns).is_excluded(path, is_dir)


# --- reading the file ----------------------------------------------------------------------


def test_hash_is_a_comment_only_in_the_first_column():
    ignore = DockerIgnore.parse("# comment\n  # not a comment\n")
    assert [p.text for p in ignore.patterns] == ["# not a comment"]
    assert ignore.is_excluded("# not a comment")


def test_blank_lines_and_surrounding_whitespace_are_dropped():
    ignore = DockerIgnore.parse("\n   \n\t node_modules \t\n\n")
    assert [p.text for p in ignore.patterns] == ["node_modules"]


def test_each_pattern_keeps_its_source_line_number():
    ignore = DockerIgnore.parse("# header\n\nnode_modules\n\n!node_modules/keep\n")
    assert [(p.line, p.source) for p in ignore.patterns] == [
        (3, "node_modules"),
        (5, "!node_modules/keep"),
    ]


def test_byte_order_mark_and_crlf_line_ends_are_ignored():
    ignore = DockerIgnore.parse(b"\xef\xbb\xbf*.log\r\nbuild\r\n")
    assert [p.text for p in ignore.patterns] == ["*.log", "build"]
    assert ignore.is_excluded("x.log")


def test_patterns_are_cleaned_like_go_path_clean():
    ignore = DockerIgnore.parse("docs/\nfoo/../bar\n./baz\n/qux\n//twice\na//b/./c\n..\n../up")
    assert [p.text for p in ignore.patterns] == [
        "docs",
        "bar",
        "baz",
        "qux",
        "twice",
        "a/b/c",
        "..",
        "../up",
    ]


def test_exception_marker_tolerates_spaces_and_a_leading_slash():
    ignore = DockerIgnore.parse("*\n!  /kept")
    assert ignore.patterns[1].exclusion and ignore.patterns[1].text == "kept"
    assert not ignore.is_excluded("kept")


def test_a_lone_exclamation_mark_breaks_the_build():
    ignore = DockerIgnore.parse("node_modules\n!\n")
    assert any("illegal exclusion pattern" in e for e in ignore.errors)
    assert ignore.is_excluded("node_modules")


@pytest.mark.parametrize("pattern", ["[", "[]", "[a-]", "[-a]", "a\\", "x/[^]"])
def test_malformed_glob_is_reported_as_a_build_error(pattern):
    ignore = DockerIgnore.parse(pattern)
    assert ignore.errors and ignore.patterns[0].error == "syntax error in pattern"


def test_an_inverted_class_range_is_a_regexp_error_not_a_match():
    ignore = DockerIgnore.parse("file[z-a]")
    assert ignore.patterns[0].regex_error
    assert ignore.errors
    assert not ignore.is_excluded("filez")


def test_a_line_longer_than_64k_stops_buildkit():
    ignore = DockerIgnore.parse("a\n" + "x" * 70_000 + "\nb\n")
    assert any("64 KiB" in e for e in ignore.errors)


def test_from_file_reads_bytes_and_remembers_the_path(tmp_path: Path):
    path = tmp_path / ".dockerignore"
    path.write_bytes(b"*.pyc\n")
    ignore = DockerIgnore.from_file(path)
    assert ignore.path == path and ignore.is_excluded("a/../b.pyc")


# --- single-pattern matching -----------------------------------------------------------------

MATCHES = [
    # (pattern, path, excluded)
    ("*", "file.go", True),
    ("*.go", "file.go", True),
    ("*.go", "dir/file.go", False),  # `*` does not cross "/"
    ("*/*.go", "dir/file.go", True),
    ("?", "é", True),  # one character, not one byte
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("abc?def", "abc/def", False),
    ("abc.def", "abcXdef", False),  # "." is literal
    ("a(b)c+d{e}|$", "a(b)c+d{e}|$", True),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    ("a[!x]", "a!", True),  # "!" is not a negation in Go classes
    ("a[!x]", "ay", False),
    ("a\\*b", "a*b", True),
    ("a\\*b", "axb", False),
    ("\\a", "a", False),  # a Go regexp escape: BEL, not "a"
    ("\\d", "5", True),
    ("\\d", "d", False),
    ("**", "anything/at/all", True),
    ("**/foo", "foo", True),
    ("**/foo", "a/b/foo", True),
    ("**/foo", "a/b/foo/inner", True),
    ("**foo", "barfoo", True),  # a leading ** makes the rest a plain suffix test
    ("**foo", "food", False),
    ("**/*.txt", "file.txt", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/a/b", True),
    ("dir/**", "dir", False),  # the folder itself is not matched
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a**b", "ax/b", True),
    ("a**b", "axb", False),  # ** inside a name must end at a "/"
    ("a**/*.txt", "a/dir/file.txt", True),
    ("*/temp*", "somedir/temporary.txt", True),
    ("*/temp*", "a/b/temp.c", False),
    ("temp?", "tempa", True),
    ("temp?", "temp", False),
    (".*", ".env", True),
    (".*", "env", False),
    ("docs", "docs/README.md", True),  # a folder pattern excludes what is below it
    ("a*", "ab/c", True),  # ...also through a glob
    ("..", "x", False),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), MATCHES)
def test_pattern_matches_like_patternmatcher(pattern, path, expected):
    assert excluded(pattern, path) is expected


# --- several patterns: order, exceptions, the walk -----------------------------------------


def test_last_matching_pattern_wins():
    assert not excluded("*.go\n!fileutils.go", "fileutils.go")
    assert excluded("!fileutils.go\n*.go", "fileutils.go")


def test_exception_reincludes_a_file_inside_an_excluded_folder():
    ignore = DockerIgnore.parse("docs\n!docs/README.md")
    assert not ignore.is_excluded("docs/README.md")
    assert ignore.is_excluded("docs/other.md")
    assert ignore.is_excluded("docs", is_dir=True)


def test_exception_with_a_glob_makes_the_walk_enter_the_folder():
    ignore = DockerIgnore.parse("data\n!data/*.csv")
    assert not ignore.is_excluded("data/a.csv")
    assert ignore.is_excluded("data/b.txt")
    assert ignore.is_excluded("data/sub/c.csv")
    assert not ignore.excludes_subtree("data")


def test_excluded_folder_is_skipped_when_no_exception_points_inside_it():
    ignore = DockerIgnore.parse("node_modules\n!src/keep")
    assert ignore.excludes_subtree("node_modules")
    decision = ignore.decide("node_modules/pkg/index.js")
    assert decision.excluded and decision.via_parent == "node_modules"
    assert decision.pattern is not None and decision.pattern.line == 1


def test_exception_for_a_parent_of_an_excluded_folder_does_not_reach_into_it():
    # "!a" is not evaluated for "a" (nothing was excluded yet), so the walk does not
    # remember it when it meets a/b; BuildKit then skips a/b entirely.
    ignore = DockerIgnore.parse("a/b\n!a")
    assert ignore.is_excluded("a/b/c")
    assert not ignore.matches_or_parent_matches("a/b/c")


def test_repeated_pattern_after_an_exception_does_not_carry_over_to_children():
    # For "dir" the second "dir" line is skipped (already excluded), so it is not remembered;
    # dir/sub is re-included by the exception and nothing excludes dir/sub/x again.
    ignore = DockerIgnore.parse("dir\n!dir/sub\ndir")
    assert not ignore.is_excluded("dir/sub/x")
    assert ignore.is_excluded("dir/other")


def test_ignore_everything_then_allow_list():
    ignore = DockerIgnore.parse("**\n!package.json\n!src/\n")
    assert not ignore.is_excluded("package.json")
    assert not ignore.is_excluded("src/a/b.js")
    assert ignore.is_excluded("Dockerfile")
    assert ignore.is_excluded("lib/x")


def test_allow_list_with_a_later_exclusion_inside_it():
    ignore = DockerIgnore.parse("*\n!src\nsrc/**/*.test.js")
    assert not ignore.is_excluded("src/a.js")
    assert ignore.is_excluded("src/a.test.js")
    assert ignore.is_excluded("src/x/b.test.js")


def test_decision_names_the_reincluding_line():
    ignore = DockerIgnore.parse("*.md\n!README*.md\nREADME-secret.md")
    decision = ignore.decide("README.md")
    assert not decision.excluded and decision.pattern is not None
    assert decision.pattern.line == 2 and decision.pattern.exclusion
    assert ignore.decide("README-secret.md").pattern.line == 3


def test_paths_are_normalised_before_matching():
    ignore = DockerIgnore.parse("build")
    assert ignore.is_excluded("./build/x")
    assert ignore.is_excluded("/build")
    assert not ignore.is_excluded(".")


def test_matches_or_parent_matches_checks_the_text_of_a_copy_source():
    ignore = DockerIgnore.parse("**")
    assert ignore.matches_or_parent_matches(".")
    assert DockerIgnore.parse("*.json").matches_or_parent_matches("package*.json")


def test_no_patterns_excludes_nothing():
    ignore = DockerIgnore.parse("# only a comment\n")
    assert ignore.patterns == () and not ignore.is_excluded("anything")


# --- which file BuildKit reads ---------------------------------------------------------------


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path):
    (tmp_path / ".dockerignore").write_text("a\n")
    (tmp_path / "app.Dockerfile").write_text("FROM scratch\n")
    specific = tmp_path / "app.Dockerfile.dockerignore"
    specific.write_text("")
    assert find_dockerignore(tmp_path, tmp_path / "app.Dockerfile") == specific
    assert find_dockerignore(tmp_path, tmp_path / "other.Dockerfile") == tmp_path / ".dockerignore"


def test_default_dockerfile_also_has_a_specific_ignore_file(tmp_path: Path):
    (tmp_path / ".dockerignore").write_text("a\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("b\n")
    assert find_dockerignore(tmp_path) == tmp_path / "Dockerfile.dockerignore"


def test_specific_ignore_file_lives_beside_a_dockerfile_outside_the_context(tmp_path: Path):
    context, elsewhere = tmp_path / "ctx", tmp_path / "docker"
    context.mkdir()
    elsewhere.mkdir()
    (elsewhere / "Dockerfile.dockerignore").write_text("x\n")
    found = find_dockerignore(context, elsewhere / "Dockerfile")
    assert found == elsewhere / "Dockerfile.dockerignore"


def test_no_ignore_file_at_all(tmp_path: Path):
    assert find_dockerignore(tmp_path) is None
    (tmp_path / ".dockerignore").mkdir()
    assert find_dockerignore(tmp_path) is None


# --- Go path helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cleaned"),
    [
        ("", "."),
        ("a//b/./c/", "a/b/c"),
        ("//a", "/a"),
        ("/../x", "/x"),
        ("../../x", "../../x"),
        ("a/../..", ".."),
        ("a/..", "."),
    ],
)
def test_clean_follows_go_path_clean(path, cleaned):
    assert gopath.clean(path) == cleaned


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*.json", "package.json", True),
        ("*", "a/b", False),
        ("a[/]b", "a/b", True),  # a class may match the separator
        ("[^a]", "/", True),
        ("\\[x]", "[x]", True),
        ("[\\]]", "]", True),
        ("[z-a]", "m", False),
    ],
)
def test_filepath_match(pattern, name, expected):
    assert gopath.match(pattern, name) is expected


@pytest.mark.parametrize("pattern", ["[", "[]a]", "a\\", "[a-", "ok*[x"])
def test_filepath_match_rejects_malformed_patterns(pattern):
    with pytest.raises(gopath.BadPattern):
        gopath.match(pattern, "anything")


@pytest.mark.parametrize(
    ("source", "wild"), [("a*", True), ("a\\*", False), ("x/[ab]", True), ("plain/path", False)]
)
def test_wildcard_detection_respects_escapes(source, wild):
    assert gopath.has_wildcards(source) is wild
