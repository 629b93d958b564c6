"""The model over every Dockerfile we have: it never raises, every instruction has a state, and
every command span it reports points at the command's own first and last characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import ParseError, parse
from rewriter.analyse.model import build_model, model_json


def _texts(folder: Path, pattern: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted(folder.glob(pattern)):
        try:
            text = path.read_bytes().decode("utf-8")
            parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        found.append((str(path.relative_to(folder)), text))
    return found


def _check(text: str) -> None:
    tree = parse(text)
    model = build_model(tree)
    for ins in tree.instructions:
        assert model.state_of(ins).instruction is ins
        assert model.state_of(ins).workdir
    for step in model.runs():
        for command in step.commands:
            span = command.span
            if span is None:
                continue
            script = command.script.script.text
            first, last = command.command.start, command.command.end - 1
            assert text[span[0]] == script[first]
            assert text[span[1] - 1] == script[last]
        for mount in step.mounts:
            assert text[slice(*mount.span)].startswith("--")
    model.copies()
    model_json(model)


def test_model_over_corpus(corpus_dir: Path):
    cases = _texts(corpus_dir, "**/Dockerfile*")
    assert cases
    for name, text in cases:
        try:
            _check(text)
        except AssertionError as exc:  # pragma: no cover - shows which file failed
            raise AssertionError(f"{name}: {exc}") from exc


def test_model_over_buildkit_testfiles(shared_dir: Path):
    folder = shared_dir / "conformance" / "buildkit-parser" / "testfiles"
    cases = _texts(folder, "*/Dockerfile")
    assert len(cases) > 20
    for name, text in cases:
        try:
            _check(text)
        except AssertionError as exc:  # pragma: no cover - shows which file failed
            raise AssertionError(f"{name}: {exc}") from exc


@pytest.mark.parametrize(
    "text",
    [
        "FROM\n",
        "FROM a AS\n",
        "FROM a as b c\n",
        "FROM ${}\n",
        "FROM alpine\nARG\nENV\nWORKDIR\nUSER\nSHELL []\nRUN\nCOPY\n",
        'FROM alpine\nRUN --mount= true\nRUN --mount=type=cache,"bad\ncsv true\n',
        "FROM alpine\nCOPY --from= a b\nCOPY --from=99 a b\n",
        "FROM alpine\nRUN ['not', 'json']\n",
        'FROM alpine\nRUN echo "unterminated\n',
        "# escape=`\nFROM alpine\nRUN echo a `\n  && echo b\n",
    ],
)
def test_odd_input_does_not_raise(text: str):
    try:
        parse(text)
    except ParseError:
        pytest.skip("the parser rejects it")
    _check(text)
