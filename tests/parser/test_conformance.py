"""BuildKit's own parser test data: every case must parse, dump and round-trip as BuildKit does.

The data lives in ``../shared/conformance/buildkit-parser`` (absent from a user's clone: then these
tests skip).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import ParseError, parse
from rewriter.parser.dump import dump_buildkit
from tests.conftest import SHARED

PARSER_DATA = SHARED / "conformance" / "buildkit-parser"


def _cases(folder: str) -> list[Path]:
    base = PARSER_DATA / folder
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", _cases("testfiles"), ids=lambda p: p.name)
def test_buildkit_testfile_dumps_exactly_like_buildkit_head(case: Path, shared_dir) -> None:
    tree = parse(_read(case / "Dockerfile"))
    assert dump_buildkit(tree) == _read(case / "result")


@pytest.mark.parametrize("case", _cases("testfiles"), ids=lambda p: p.name)
def test_buildkit_testfile_round_trips_byte_for_byte(case: Path, shared_dir) -> None:
    source = _read(case / "Dockerfile")
    assert parse(source).to_source() == source


@pytest.mark.parametrize("case", _cases("testfiles-negative"), ids=lambda p: p.name)
def test_buildkit_negative_case_is_rejected_with_a_location(case: Path, shared_dir) -> None:
    with pytest.raises(ParseError) as info:
        parse(_read(case / "Dockerfile"))
    assert info.value.line >= 1 and info.value.column >= 1
    assert info.value.message


def test_instruction_line_spans_match_buildkit(shared_dir) -> None:
    tree = parse(_read(PARSER_DATA / "testfile-line" / "Dockerfile"))
    spans = [(i.start_line, i.end_line) for i in tree.instructions]
    assert spans == [(5, 5), (11, 12), (17, 31)]


def test_conformance_data_is_present_when_shared_is(shared_dir) -> None:
    # Guards against the parametrised tests silently collecting nothing.
    assert len(_cases("testfiles")) >= 30
    assert len(_cases("testfiles-negative")) >= 4
