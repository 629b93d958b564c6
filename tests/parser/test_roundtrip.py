"""Lossless round trip and BuildKit's reading of the tricky corners of the syntax."""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.parser.dump import dump_buildkit
from tests.conftest import CORPUS

PARSE_CORPUS = CORPUS / "parse"


def _read(path) -> str:
    return path.read_bytes().decode("utf-8")


#: ``corpus/parse/<case>/Dockerfile``: one case per corner of the syntax (CRLF, BOM, backtick
#: escape, heredocs, continuations...), each with BuildKit's dump in ``expected.buildkit``.
EDGE_CASES = {
    case.name: _read(case / "Dockerfile")
    for case in sorted(PARSE_CORPUS.iterdir())
    if (case / "Dockerfile").is_file()
}


@pytest.mark.parametrize("case", sorted(EDGE_CASES), ids=str)
def test_parse_corpus_case_dumps_as_expected(case: str) -> None:
    expected = _read(PARSE_CORPUS / case / "expected.buildkit")
    assert dump_buildkit(parse(EDGE_CASES[case])) == expected


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_case_round_trips_byte_for_byte(source: str) -> None:
    assert parse(source).to_source() == source


def _corpus_files() -> list:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and "Dockerfile" in p.name)


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_dockerfile_round_trips(path) -> None:
    source = path.read_bytes().decode("utf-8")
    assert parse(source).to_source() == source


def test_continuation_joins_lines_and_skips_comment_and_empty_lines() -> None:
    tree = parse(
        EDGE_CASES["comment-inside-continuation"] + EDGE_CASES["empty-line-inside-continuation"][7:]
    )
    run = tree.instructions[1]
    assert run.values == ["echo 1   && echo 2"]
    assert (run.start_line, run.end_line) == (2, 4)


def test_backtick_escape_continues_lines_and_leaves_backslashes_alone() -> None:
    tree = parse(EDGE_CASES["backtick-escape"])
    assert tree.escape == "`"
    run, copy = tree.instructions[1], tree.instructions[2]
    assert run.values == ["echo 1   && echo 2"]
    assert copy.values == ["C:\\src", "C:\\dst"]


def test_directive_after_an_instruction_is_only_a_comment() -> None:
    tree = parse(EDGE_CASES["directive-after-instruction-is-a-comment"])
    assert tree.escape == "\\" and tree.directives == []
    assert tree.instructions[1].values == ["echo   hi"]


def test_heredocs_are_read_with_their_names_and_bodies() -> None:
    tree = parse(EDGE_CASES["heredoc-several"])
    run = tree.instructions[1]
    assert [(h.name, h.content) for h in run.heredocs] == [("A", "a\n"), ("B", "b\n")]
    assert (run.start_line, run.end_line) == (2, 6)
    quoted = parse(EDGE_CASES["heredoc-quoted"]).instructions[1].heredocs[0]
    assert quoted.expand is False
    chomp = parse(EDGE_CASES["heredoc-chomp"]).instructions[1].heredocs[0]
    assert chomp.chomp and chomp.content == "\techo hi\n"
    assert parse(EDGE_CASES["heredoc-add-fd"]).instructions[1].heredocs[0].fd == 3


def test_heredoc_with_spaces_after_operator_is_a_heredoc_as_at_buildkit_head() -> None:
    run = parse(EDGE_CASES["heredoc-spaces-after-operator"]).instructions[1]
    assert [h.name for h in run.heredocs] == ["EOF"]


def test_json_form_is_decided_like_buildkit() -> None:
    tree = parse(EDGE_CASES["json-forms"] + "CMD ['x']\nCMD [\"a\"]x\n")
    forms = [(i.json, i.values) for i in tree.instructions[1:]]
    assert forms == [
        (True, ["a", "b"]),
        (True, ["x"]),
        (True, ["sh", "-c", "true"]),
        (False, ["['x']"]),
        (False, ['["a"]x']),
    ]


def test_flags_are_split_from_arguments_with_their_offsets() -> None:
    tree = parse(EDGE_CASES["flags"])
    copy = tree.instructions[7]
    assert [f.text for f in copy.flags] == ["--bare"]
    assert copy.values == ["--weird", "/dst"]
    run = tree.instructions[1]
    assert run.flag_values("mount") == ["type=cache,target=/root/.cache", "type=secret,id=tok"]
    first = run.flags[0]
    start, end = run.file_span(first.start, first.end)
    assert tree.to_source()[start:end] == "--mount=type=cache,target=/root/.cache"


def test_logical_offsets_map_back_across_continuations() -> None:
    source = "FROM a\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    run = parse(source).instructions[1]
    index = run.logical.text.index("apt-get install")
    start, _ = run.file_span(index, index + 1)
    assert source[start : start + len("apt-get install")] == "apt-get install"


def test_onbuild_wraps_its_instruction() -> None:
    tree = parse(EDGE_CASES["every-instruction"])
    assert dump_buildkit(tree).splitlines()[10] == '(onbuild (copy ["--from=x"] "a" "b"))'


def test_env_and_label_pairs_follow_buildkit_head_dump() -> None:
    tree = parse(EDGE_CASES["env-label-forms"])
    assert tree.instructions[1].values == ["A", "1", "=", "B", '"two words"', "=", "C", "3", "="]
    assert tree.instructions[2].values == ["LEGACY", "value with spaces", ""]


def test_keyword_keeps_its_case_as_written() -> None:
    tree = parse(EDGE_CASES["lower-case-keywords"])
    assert [i.keyword for i in tree.instructions] == ["from", "run", "copy"]
    assert [i.name for i in tree.instructions] == ["from", "run", "copy"]
