"""Lossless round trip and BuildKit's reading of the tricky corners of the syntax."""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.parser.dump import dump_buildkit
from tests.conftest import CORPUS

EDGE_CASES = {
    "crlf": "FROM alpine:3.20\r\nRUN echo a \\\r\n  && echo b\r\n",
    "bom": "\ufeffFROM alpine\nRUN true\n",
    "no-final-newline": "FROM alpine\nRUN true",
    "tabs-and-trailing-space": "FROM\talpine  \n\tRUN\techo hi \t\n",
    "lower-case-keywords": "from alpine as build\nrun echo hi\ncopy . /src\n",
    "comment-inside-continuation": "FROM a\nRUN echo 1 \\\n# a comment \\\n  && echo 2\n",
    "empty-line-inside-continuation": "FROM a\nRUN echo 1 \\\n\n   \n  && echo 2\n",
    "trailing-whitespace-after-backslash": "FROM a\nRUN echo 1 \\  \t\n  echo 2\n",
    "continuation-at-eof": "FROM a\nRUN echo 1 \\\n",
    "continuation-at-eof-no-newline": "FROM a\nRUN echo 1 \\",
    "backtick-escape": "# escape=`\nFROM a\nRUN echo 1 `\n  && echo 2\nCOPY C:\\src C:\\dst\n",
    "directives-all": "# syntax=docker/dockerfile:1\n# escape=\\\n# check=skip=all\nFROM a\n",
    "directive-after-instruction-is-a-comment": "FROM a\n# escape=`\nRUN echo \\\n  hi\n",
    "heredoc-run": "FROM a\nRUN <<EOF\necho hi\nEOF\n",
    "heredoc-chomp": "FROM a\nRUN <<-EOT\n\techo hi\n\tEOT\n",
    "heredoc-quoted": "FROM a\nRUN <<'EOF'\necho $HOME\nEOF\n",
    "heredoc-several": "FROM a\nRUN <<A cat /dev/stdin - <<B\na\nA\nb\nB\n",
    "heredoc-copy": "FROM a\nCOPY <<EOF /etc/conf\nx=1\nEOF\n",
    "heredoc-add-fd": "FROM a\nADD 3<<EOF /x\ndata\nEOF\n",
    "heredoc-spaces-after-operator": "FROM a\nRUN <<  EOF\necho\nEOF\n",
    "heredoc-onbuild": "FROM a\nONBUILD RUN <<EOF\necho\nEOF\n",
    "heredoc-crlf": "FROM a\r\nRUN <<EOF\r\necho\r\nEOF\r\n",
    "json-forms": 'FROM a\nCMD ["a", "b"]\nENTRYPOINT [ "x" ]\nRUN ["sh", "-c", "true"]\n',
    "invalid-json-falls-back": (
        "FROM a\nCMD ['single', 'quotes']\nCMD [\"a\"]x\nCMD [\"unterminated\n"
    ),
    "flags": (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok true\n"
        "COPY --from=build --chown=app:app --chmod=755 --link /a /b\n"
        "ADD --checksum=sha256:abc --keep-git-dir=true https://x/y.tgz /z\n"
        "COPY --exclude=*.md --parents a/ b/\n"
        "RUN --network=none --security=insecure true\n"
        "HEALTHCHECK --interval=5s --start-interval=1s CMD curl -f http://x/\n"
        "COPY --bare -- --weird /dst\n"
    ),
    "env-label-forms": 'FROM a\nENV A=1 B="two words" C=3\nENV LEGACY value with spaces\n'
    'LABEL a=b "c d"="e f"\n',
    "arg-forms": "ARG VERSION=1\nARG NAME\nFROM a:${VERSION}\nARG X Y=2\n",
    "every-instruction": (
        'FROM a\nMAINTAINER me\nEXPOSE 80/tcp 443\nVOLUME /data /logs\nVOLUME ["/x"]\n'
        'USER app:app\nWORKDIR /app\nSTOPSIGNAL SIGTERM\nSHELL ["/bin/bash", "-c"]\n'
        "HEALTHCHECK NONE\nONBUILD COPY --from=x a b\nFROBNICATE whatever\n"
    ),
    "leading-backslash-line": "\\\nFROM a\n",
    "indented-comments": "  # indented\nFROM a\n   # also\n",
    "carriage-return-mid-line": "FROM a\rRUN b\n",
}


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
