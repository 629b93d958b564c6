"""Differential tests against the real Go parser (PyPI ``dockerfile``, BuildKit v0.12.5).

On every case both parsers must agree on accepting or rejecting, on instruction names, flags,
values, JSON form, heredocs and line spans. Where BuildKit head (which we follow) differs from
v0.12.5 the generator avoids the construct or the comparison normalises it (see
``../shared/conformance/README.md``).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewriter import ParseError, parse
from tests.conftest import CORPUS

dockerfile = pytest.importorskip("dockerfile", reason="the `dockerfile` oracle is not installed")

pytestmark = pytest.mark.oracle


def _ours(source: str):
    out = []
    for inst in parse(source).instructions:
        flags = tuple(f.text for f in inst.flags)
        sub = None
        syntax = inst.syntax
        if inst.children:
            syntax = inst.children[0]
            sub = syntax.keyword.upper()
        values = list(syntax.values)
        if syntax.children:  # nested ONBUILD: the binding shows the wrapper node's empty value
            values = [""]
        if syntax.name in ("env", "label"):
            values = [v for k, v in enumerate(values) if k % 3 != 2]  # v0.12.5: no separators
        out.append(
            (
                inst.keyword.upper(),
                sub,
                inst.json or bool(inst.children and inst.children[0].json),
                inst.start_line,
                inst.end_line,
                flags,
                tuple(v.split("\0")[0] for v in values),  # the binding passes C strings
                # the binding reports no heredocs for ONBUILD (it reads them off the inner node)
                () if inst.children else tuple((h.name, h.content) for h in inst.heredocs),
            )
        )
    return out


def _theirs(source: str):
    return [
        (
            c.cmd.upper(),
            c.sub_cmd.upper() if c.sub_cmd else None,
            c.json,
            c.start_line,
            c.end_line,
            tuple(c.flags),
            tuple(c.value),
            tuple((h.name, h.content) for h in c.heredocs),
        )
        for c in dockerfile.parse_string(source)
    ]


def _json_then_text_at_head(mine: tuple, other: tuple) -> bool:
    """``CMD ["a"] x``: v0.12.5 reads the JSON and drops the rest; head falls back to shell form.

    For the list forms (COPY, ADD, VOLUME) head then splits the text on whitespace, so the JSON
    prefix is looked for in the re-joined words.
    """
    text = " ".join(mine[6])
    if mine[2] or not other[2] or not text.startswith("["):
        return False
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return False
    return bool(text[end:].strip())


def assert_agree(source: str) -> None:
    try:
        theirs = _theirs(source)
    except dockerfile.GoParseError:
        theirs = None
    try:
        ours = _ours(source)
    except ParseError:
        ours = None
    assert (ours is None) == (theirs is None), f"accept/reject differ for {source!r}"
    if ours is not None:
        theirs = [
            mine if _json_then_text_at_head(mine, other) else other
            for mine, other in zip(ours, theirs, strict=False)
        ] + theirs[len(ours) :]
        assert ours == theirs
        assert parse(source).to_source() == source


def _corpus_files():
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and "Dockerfile" in p.name)


#: Corpus cases that show where BuildKit head (which dfopt follows) and v0.12.5 differ.
HEAD_ONLY = {"parse/heredoc-spaces-after-operator/Dockerfile"}  # `<<  EOF` is a heredoc at head


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_agrees_with_go_parser(path) -> None:
    if path.relative_to(CORPUS).as_posix() in HEAD_ONLY:
        pytest.skip("BuildKit head and v0.12.5 differ here by design; dfopt follows head")
    assert_agree(path.read_bytes().decode("utf-8"))


def test_conformance_files_agree_with_go_parser(shared_dir) -> None:
    base = shared_dir / "conformance" / "buildkit-parser" / "testfiles"
    skipped_for_version_differences = {"escape-with-syntax"}  # flag escaping changed after 0.12.5
    for case in sorted(base.iterdir()):
        if case.name not in skipped_for_version_differences:
            assert_agree((case / "Dockerfile").read_bytes().decode("utf-8"))


# -- generated Dockerfiles ---------------------------------------------------------------------

_word = st.text(alphabet="abcXYZ019_./:-$={}@", min_size=1, max_size=8)
_quoted = st.builds(lambda w, q: f"{q}{w} {w}{q}", _word, st.sampled_from(["'", '"']))
_arg = st.one_of(_word, _word, _quoted, st.just("\\ "), st.just('\\"'))
_space = st.sampled_from([" ", "  ", "\t", " \t"])
_eol = st.sampled_from(["\n", "\n", "\r\n"])
_keyword = st.sampled_from(
    [
        "FROM",
        "RUN",
        "run",
        "Copy",
        "ADD",
        "ENV",
        "LABEL",
        "ARG",
        "CMD",
        "ENTRYPOINT",
        "EXPOSE",
        "VOLUME",
        "USER",
        "WORKDIR",
        "SHELL",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "ONBUILD",
        "MAINTAINER",
        "FROBNICATE",
    ]
)
_flag = st.builds(
    lambda n, v: f"--{n}={v}", st.sampled_from(["mount", "from", "chown", "x"]), _word
)


@st.composite
def _instruction(draw) -> str:
    keyword = draw(_keyword)
    parts = [keyword]
    if draw(st.booleans()):
        parts += draw(st.lists(_flag, max_size=2))
    if keyword in ("ENV", "LABEL") and draw(st.booleans()):
        args = [
            f"{draw(_word).replace('=', '')}k={draw(_arg)}" for _ in range(draw(st.integers(1, 3)))
        ]
    elif keyword in ("CMD", "RUN", "ENTRYPOINT", "SHELL", "VOLUME") and draw(st.booleans()):
        items = draw(st.lists(_word, max_size=3))
        args = ["[" + ", ".join(f'"{i}"' for i in items) + "]"]
    else:
        args = draw(st.lists(_arg, min_size=1, max_size=4))
    parts += args
    sep = draw(_space)
    text = sep.join(parts)
    if draw(st.integers(0, 3)) == 0:  # split into continuation lines
        cut = draw(st.integers(1, len(text)))
        middle = draw(st.sampled_from(["", "# note\n", "\n", "  \n", "#\n"]))
        text = text[:cut] + " \\" + draw(_eol) + middle + "  " + text[cut:]
    if keyword == "RUN" and draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(["EOF", "END", "'EOF'"]))
        bare = name.strip("'")
        text = (
            f"RUN cat <<{name}" + draw(_eol) + draw(st.sampled_from(["", "hi\n", "a\nb\n"])) + bare
        )
    return text + draw(_eol)


@st.composite
def _dockerfile(draw) -> str:
    head = draw(st.sampled_from(["", "# syntax=docker/dockerfile:1\n", "# escape=`\n", "\ufeff"]))
    body = draw(
        st.lists(
            st.one_of(_instruction(), st.sampled_from(["# comment\n", "\n", "   \n"])),
            min_size=0,
            max_size=8,
        )
    )
    text = head + "".join(body)
    if text.endswith("\n") and draw(st.booleans()):
        text = text[:-1]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dockerfile())
def test_generated_dockerfiles_agree_with_go_parser(source: str) -> None:
    assert_agree(source)


def _deep(depth: int, open_: str = "[", close: str = "]") -> str:
    return open_ * depth + close * depth


@pytest.mark.parametrize("keyword", ["CMD", "RUN", "ENTRYPOINT", "COPY", "VOLUME", "SHELL"])
@pytest.mark.parametrize(
    "arguments",
    [
        _deep(998),  # Python's decoder still copes
        _deep(1_500),  # past Python's recursion limit: the explicit-stack decoder
        _deep(9_999),  # Go decodes it: an array that is not of strings
        _deep(10_000),
        _deep(10_001),  # past Go's limit: not JSON, so shell form
        _deep(20_000),
        '["a", ' + _deep(3_000) + "]",
        '["a", ' + '{"k": ' * 3_000 + "1" + "}" * 3_000 + "]",
        '{"k": ' * 3_000 + "1" + "}" * 3_000,  # an object, not an array: shell form
        _deep(3_000)[:-1],  # one bracket short: invalid, shell form
        "[" * 3_000 + '"a"' + "]" * 3_000,
        "[" * 3_000 + "1," + "]" * 3_000,  # a trailing comma inside: invalid
    ],
    ids=lambda a: f"{a[:12]}..{a[-6:]}({len(a)})",
)
def test_deeply_nested_json_arguments_agree_with_go_parser(keyword: str, arguments: str) -> None:
    """Nesting past Python's recursion limit is neither a crash nor a different answer."""
    assert_agree(f"FROM a\n{keyword} {arguments}\n")


def test_heredoc_marker_nested_past_pythons_recursion_limit_agrees_with_go_parser() -> None:
    depth = 400  # three frames a level: past Python's default limit (the Go binding is slow here)
    marker = "${A:-" * depth + "EOF" + "}" * depth
    assert_agree(f"FROM a\nRUN cat <<{marker}\nhi\nEOF\n")
    assert_agree(f"FROM a\nRUN cat <<{marker}\nhi\n{marker}\n")
