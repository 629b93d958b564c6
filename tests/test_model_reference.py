"""Rewritten model functions give what they gave before (``tests/model_reference.py``).

``_copy_step`` builds the expander only for a COPY with flags, heredocs or words that are not
plain, and decides ``broad`` without a context by one set test. Held here to the code as it
was, field by field, over every corpus and conformance Dockerfile (with and without a build
context) and over generated COPY/ADD lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter import ParseError, parse
from rewriter.analyse.model import _copy_step, build_model
from tests.conftest import corpus_dockerfiles
from tests.model_reference import copy_step


def _same_copies(model) -> int:
    checked = 0
    for ins in model.tree.instructions:
        if model._names.get(ins) not in ("copy", "add") or ins not in model._states:
            continue
        state = model.state_of(ins)
        current, reference = _copy_step(model, ins, state), copy_step(model, ins, state)
        assert current._values() == reference._values(), ins.to_source()
        assert (current.broad, current.context_files) == (reference.broad, reference.context_files)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory):
    from rewriter.analyse.context import scan_context

    root: Path = tmp_path_factory.mktemp("ctx")
    for name in ("web/package.json", "web/index.js", "docs/a.md", "src/go.mod", "a", "b.txt"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    (root / ".dockerignore").write_text("docs\n")
    return scan_context(root)


def test_corpus_copies_equal_the_reference(context) -> None:
    checked = 0
    for _, text in corpus_dockerfiles(parseable=True):
        tree = parse(text)
        checked += _same_copies(build_model(tree))
        _same_copies(build_model(tree, context=context, build_args={"A": "web"}))
    assert checked > 300


_FLAGS = ["--from=0", "--from=build", "--from=$X", "--chown=$U:$G", "--chown=app", "--chmod=755",
          "--link", "--link=false", "--link=true", "--parents", "--exclude=*.md", "--exclude=$X",
          "--chmod=$M", "--chmod=${M}",
          '--chown="a b"']  # fmt: skip
_WORDS = [".", "./", "*", "a", "b.txt", "web", "web/", "/", "$A", "${A}/b", "'q'", "http://x/y",
          "https://x", "git@h:r", "<<EOF", "<<-EOF", "dest/", "/abs", "src", "\\$A",
          "${A:-d}"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(
    keyword=st.sampled_from(["COPY", "ADD"]),
    flags=st.lists(st.sampled_from(_FLAGS), max_size=3),
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4),
    json=st.booleans(),
    escape=st.sampled_from(["\\", "`"]),
)
def test_generated_copies_equal_the_reference(keyword, flags, words, json, escape, context):
    args = '["' + '", "'.join(w.replace('"', "") for w in words) + '"]' if json else " ".join(words)
    heredoc = "\nhello\nEOF" if any("<<" in w for w in words) and not json else ""
    text = (
        f"# escape={escape}\nARG A=web\nFROM alpine AS build\nARG A\nENV U=app M=644\nWORKDIR /w\n"
        f"{keyword} {' '.join(flags)} {args}{heredoc}\n"
    )
    try:
        tree = parse(text)
    except ParseError:  # a generated line the parser refuses: nothing to compare
        return
    _same_copies(build_model(tree))
    _same_copies(build_model(tree, context=context))


def _actions(models) -> list:
    return [
        (command.command, command.cwd, command.action)
        for model in models
        for step in model.runs()
        for command in step.commands
    ]


def test_remembered_actions_equal_fresh_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_recognised`` remembers actions on the (cached) Script: every corpus file built twice
    over one parse cache, and with other build args and another user, gives the actions
    ``recognise`` gives afresh."""
    from rewriter.analyse import model as model_module
    from rewriter.analyse.shell import parse_shell

    trees = [parse(text) for _, text in corpus_dockerfiles(parseable=True)]
    variants = [{}, {"build_args": {"NODE_ENV": "production", "PIP_NO_CACHE_DIR": "1"}}]
    parse_shell.cache_clear()
    remembered = [
        _actions(build_model(tree, **kwargs) for tree in trees)
        for kwargs in variants * 2  # the second time over, every answer is remembered
    ]
    monkeypatch.setattr(model_module, "_REMEMBER_ACTIONS", False)
    parse_shell.cache_clear()
    fresh = [_actions(build_model(tree, **kwargs) for tree in trees) for kwargs in variants * 2]
    assert remembered == fresh
    assert sum(a is not None for _, _, a in fresh[0]) > 300


def test_remembered_actions_follow_the_context() -> None:
    """The same script text under another HOME, user, WORKDIR or environment is recognised
    for that context, not answered from another's memo."""
    text = (
        "FROM node:20 AS a\nRUN npm ci\n"
        "FROM node:20 AS b\nUSER app\nRUN npm ci\n"
        "FROM node:20 AS c\nENV npm_config_cache=/c\nRUN npm ci\n"
        "FROM node:20 AS d\nWORKDIR /w\nRUN npm ci --prefix sub\nRUN npm ci --prefix sub\n"
    )
    dirs = [
        (*step.commands[0].action.cache_dirs, step.commands[0].action.directory)
        for step in build_model(parse(text)).runs()
    ]
    assert dirs == [
        ("/root/.npm", "/"),
        ("/home/app/.npm", "/"),
        ("/c", "/"),
        ("/root/.npm", "/w/sub"),
        ("/root/.npm", "/w/sub"),
    ]


def _absolute_reference(path: str, workdir: str) -> str:
    """``_absolute`` before its shortcut for a path that is absolute and clean already."""
    import posixpath

    if not path:
        return workdir
    if path.startswith("$"):
        return posixpath.normpath(path)
    joined = path if path.startswith("/") else posixpath.join(workdir or "/", path)
    cleaned = posixpath.normpath(joined)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


@settings(max_examples=3000, deadline=None)
@given(
    path=st.text(alphabet="/.a$~\\ ", max_size=9),
    workdir=st.sampled_from(["/", "/app", "", "/a/../b", "C:\\\\", "$HOME/x"]),
)
def test_absolute_equals_the_reference(path: str, workdir: str) -> None:
    from rewriter.analyse.model import _absolute

    assert _absolute(path, workdir) == _absolute_reference(path, workdir)


def test_lazy_end_states_equal_states_taken_at_the_end_of_each_walk() -> None:
    """``Stage.end_state`` is built from the stage's scope when first read: the same as a
    snapshot taken right after the stage's walk (nothing changes that scope later)."""
    from rewriter.analyse import model as model_module

    class _Eager(model_module._Builder):
        def _walk_stage(self, stage, global_scope) -> None:
            super()._walk_stage(stage, global_scope)
            assert stage.end_state is not None  # (read now: built now)

    checked = 0
    for _, text in corpus_dockerfiles(parseable=True):
        tree = parse(text)
        for build_args in (None, {"A": "1"}):
            lazy = build_model(tree, build_args=build_args)
            eager = _Eager(tree, None, build_args).run()
            for a, b in zip(lazy.stages, eager.stages, strict=True):
                assert a._pending_end is not None and b._pending_end is None
                assert a.end_state._values()[2:] == b.end_state._values()[2:]  # (after ins, stage)
                assert a.end_state.instruction is b.end_state.instruction
                assert a.end_state.stage is a and b.end_state.stage is b
                checked += 1
    assert checked > 300


def test_scope_of_sets_what_init_and_assignments_set() -> None:
    """``_Scope.of`` names every slot: the same scope as ``_Scope()`` with the values
    assigned (a new slot must be added there too)."""
    from rewriter.analyse.model import _Scope

    values = {
        "variables": {"A": None},
        "known": {"B": "1"},
        "args": {"C": None},
        "env": {"D": "2"},
        "workdir": "/w",
        "user": "u",
        "shell": ("sh",),
        "env_complete": True,
    }
    made = _Scope.of(**values)
    reference = _Scope()
    for name, value in values.items():
        setattr(reference, name, value)
    for name in _Scope.__slots__:
        assert getattr(made, name) == getattr(reference, name), name
