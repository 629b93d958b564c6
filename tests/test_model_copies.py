"""COPY/ADD steps: sources and destination after expansion, flags, broad copies, context files."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import parse
from rewriter.analyse.model import build_model


def copies_of(text: str, **kwargs):
    return build_model(parse(text), **kwargs).copies()


def test_sources_and_destination_are_expanded_and_resolved():
    text = "FROM node\nWORKDIR /app\nARG SRC=web\nCOPY $SRC/package.json ${SRC}/yarn.lock ./\n"
    (step,) = copies_of(text)
    assert step.sources == ["web/package.json", "web/yarn.lock"]
    assert (step.dest, step.destination) == ("./", "/app/")
    assert step.from_context and not step.broad


def test_json_form_sources():
    (step,) = copies_of('FROM node\nWORKDIR /srv\nCOPY ["a b.txt", "c", "dst"]\n')
    assert step.sources == ["a b.txt", "c"]
    assert step.destination == "/srv/dst"


def test_flags_are_read():
    text = (
        "FROM alpine AS b\nFROM alpine\n"
        "COPY --from=b --chown=app:app --chmod=644 --link --exclude=*.md /src /dst\n"
    )
    (step,) = copies_of(text)
    assert (step.from_, step.chown, step.chmod, step.link) == ("b", "app:app", "644", True)
    assert step.exclude == ["*.md"]
    assert step.from_stage is not None and step.from_stage.name == "b"
    assert not step.from_context and not step.broad


def test_link_false_is_not_set():
    (step,) = copies_of("FROM alpine\nCOPY --link=false a /a\n")
    assert not step.link


def test_heredoc_sources():
    (step,) = copies_of("FROM alpine\nCOPY <<EOF /etc/motd\nhello\nEOF\n")
    assert step.sources == [] and [d.name for d in step.heredoc_sources] == ["EOF"]
    assert step.destination == "/etc/motd"


def test_add_urls():
    (step,) = copies_of("FROM alpine\nADD https://example.com/x.tgz /tmp/\n")
    assert step.is_add and step.urls == ["https://example.com/x.tgz"]


@pytest.mark.parametrize("source", [".", "./", "*", "./*"])
def test_whole_context_copies_are_broad(source):
    (step,) = copies_of(f"FROM node\nCOPY {source} /app/\n")
    assert step.broad


def test_single_file_copy_is_not_broad():
    (step,) = copies_of("FROM node\nCOPY package.json /app/\n")
    assert not step.broad


def test_context_folder_with_manifest_is_broad_and_files_are_listed(tmp_path: Path):
    from rewriter.analyse.context import scan_context

    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text("{}")
    (tmp_path / "web" / "index.js").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("")
    (tmp_path / ".dockerignore").write_text("docs\n")
    context = scan_context(tmp_path)
    text = "FROM node\nCOPY web /app\nCOPY docs/a.md /d\nCOPY . /all\n"
    web, docs, everything = copies_of(text, context=context)
    assert web.broad and web.context_files == ["web/index.js", "web/package.json"]
    assert not docs.broad and docs.context_files == []
    assert everything.broad
    assert "web/package.json" in everything.context_files
    assert "docs/a.md" not in everything.context_files


def test_without_context_files_are_unknown():
    (step,) = copies_of("FROM node\nCOPY . .\n")
    assert step.context_files is None


def test_copy_of_instruction_lookup():
    tree = parse("FROM node\nCOPY a /a\nRUN true\n")
    model = build_model(tree)
    assert model.copy_of(tree.instructions[1]).sources == ["a"]
    assert model.copy_of(tree.instructions[2]) is None
    assert model.run_of(tree.instructions[2]).instruction is tree.instructions[2]
