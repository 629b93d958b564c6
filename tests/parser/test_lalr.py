"""The grammar's automaton run by ``rewriter.parser.lalr`` builds what lark itself builds.

``parse`` runs grammars/dockerfile.lark's LALR tables with a small driver instead of lark's parser
(faster, and no lark import). lark stays the reference: these tests parse the same input both
ways and require the same tree (``repr`` shows every field of every node), over every Dockerfile
in the corpus and the BuildKit conformance files, over generated Dockerfiles, and over arbitrary
token sequences fed to the driver directly (including ones the scanner never produces, so that
accepting and rejecting are compared too). The table cache is checked for staleness here too.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Transformer
from lark.exceptions import UnexpectedInput

from rewriter import ParseError, parse
from rewriter import grammar as grammar_module
from rewriter.grammar import lalr_tables, load
from rewriter.parser.lalr import GrammarError, LalrParser
from rewriter.parser.lark_glue import LineLexer, LineToken, reference_parse, token_values
from tests.conftest import CORPUS, SHARED


def _outcome(parser, text: str) -> str:
    try:
        return repr(parser(text))
    except ParseError as exc:
        return f"error {exc.line}:{exc.column} {exc.message}"


def assert_same_tree(text: str) -> None:
    ours = _outcome(parse, text)
    assert ours == _outcome(reference_parse, text)
    if not ours.startswith("error"):
        assert parse(text).to_source() == text


def _files() -> list[Path]:
    paths = [p for p in CORPUS.rglob("*") if p.is_file() and "Dockerfile" in p.name]
    testfiles = SHARED / "conformance" / "buildkit-parser" / "testfiles"
    if testfiles.is_dir():
        paths += testfiles.glob("*/Dockerfile")
    return sorted(paths)


def _texts() -> list[str]:
    out = []
    for path in _files():
        try:
            out.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return out


def test_every_corpus_and_conformance_file_gives_lark_s_tree() -> None:
    texts = _texts()
    assert len(texts) > 100
    for text in texts:
        assert_same_tree(text)
        # BOM, CRLF and a missing final newline change the token stream: cover them too.
        assert_same_tree("\ufeff" + text.replace("\n", "\r\n").rstrip("\n"))


_LINES = [
    "FROM alpine AS base\n",
    "RUN echo hi\n",
    "run a \\\n",
    "  && b \\\n",
    "  c\n",
    "# a comment\n",
    "#\n",
    "\n",
    "   \n",
    "\t\\\n",
    "COPY <<A <<-B /dst\n",
    "RUN <<EOF cat\n",
    "ONBUILD RUN <<X\n",
    "A\n",
    "\tB\n",
    "B\n",
    "EOF\n",
    "X\n",
    "body line\n",
    "# syntax=docker/dockerfile:1\n",
    "# escape=`\n",
    "RUN a `\n",
    'CMD ["a", "b"]\n',
    "ENV A=1 B=2\n",
    "LABEL x\n",
    "HEALTHCHECK CMD true\n",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_LINES), max_size=14),
    st.sampled_from(["", "\ufeff"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_generated_dockerfiles_give_lark_s_tree(
    lines: list[str], bom: str, eol: str, chop: bool
) -> None:
    text = bom + "".join(lines).replace("\n", eol)
    if chop:
        text = text.rstrip("\r\n")
    assert_same_tree(text)


# -- the driver alone, on any token sequence --------------------------------------------------

_TERMINALS = [
    "BOM",
    "DIRECTIVE",
    "COMMENT",
    "BLANK",
    "INSTR",
    "CONT",
    "CONT_COMMENT",
    "CONT_EMPTY",
    "HEREDOC_LINE",
    "HEREDOC_END",
]
_RULES = ["start", "directive", "comment", "blank", "continuation", "heredoc", "instruction"]


class _Recorder:
    """Records every rule call as ``(rule, children)``: shows structure, splicing and order."""

    def __getattr__(self, name: str):
        if name not in _RULES:
            raise AttributeError(name)
        return lambda children: (name, list(children))


class _LarkRecorder(Transformer):
    def __default__(self, data, children, meta):
        return (str(data), list(children))


class _Number:
    """A token value lark can take positions from."""

    def __init__(self, number: int):
        self.number = number
        self.offset = number
        self.text = "x"

    def __repr__(self) -> str:
        return f"#{self.number}"


def _run_both(kinds: list[str]):
    values = [_Number(i + 1) for i in range(len(kinds))]
    try:
        ours = LalrParser(lalr_tables("dockerfile")).parse(kinds, values, _Recorder())
    except GrammarError as exc:
        ours = ("rejected", exc.index)
    tokens = [LineToken(kind, value) for kind, value in zip(kinds, values, strict=True)]
    try:
        tree = load("dockerfile", lexer=LineLexer).parse(tokens)
        theirs = _LarkRecorder(visit_tokens=False).transform(token_values(tree))
    except UnexpectedInput as exc:
        index = getattr(exc, "token", None)
        theirs = ("rejected", values.index(index.value) if index.type != "$END" else len(kinds))
    return repr(ours), repr(theirs)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TERMINALS), max_size=12))
def test_driver_accepts_rejects_and_builds_like_lark(kinds: list[str]) -> None:
    ours, theirs = _run_both(kinds)
    assert ours == theirs


@pytest.mark.parametrize(
    "kinds",
    [
        [],
        ["BOM", "DIRECTIVE", "DIRECTIVE", "INSTR", "CONT", "CONT_COMMENT", "CONT_EMPTY", "CONT"],
        ["INSTR", "HEREDOC_LINE", "HEREDOC_END", "HEREDOC_END", "COMMENT", "BLANK", "INSTR"],
        ["INSTR", "CONT", "HEREDOC_LINE", "HEREDOC_LINE", "HEREDOC_END", "INSTR"],
        ["COMMENT", "DIRECTIVE"],  # rejected: a directive after a comment
        ["CONT"],  # rejected: a continuation with no instruction
    ],
)
def test_driver_examples_like_lark(kinds: list[str]) -> None:
    ours, theirs = _run_both(kinds)
    assert ours == theirs


# -- the table cache ---------------------------------------------------------------------------


def test_table_cache_built_from_other_grammar_text_is_not_used(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(grammar_module, "_cache_dir", lambda: str(tmp_path))
    grammar_module.lalr_tables.cache_clear()
    try:
        fresh = lalr_tables("dockerfile")
        (cache_file,) = tmp_path.glob("dockerfile-lalr*.marshal")
        stale = dict(fresh, grammar=fresh["grammar"] + "// edited\n", actions=[])
        cache_file.write_bytes(marshal.dumps(stale))
        grammar_module.lalr_tables.cache_clear()
        assert lalr_tables("dockerfile") == fresh  # rebuilt from the grammar
        cache_file.write_bytes(b"not marshal data")
        grammar_module.lalr_tables.cache_clear()
        assert lalr_tables("dockerfile") == fresh
        assert marshal.loads(cache_file.read_bytes()) == fresh  # and the cache repaired
    finally:
        grammar_module.lalr_tables.cache_clear()


def test_tables_are_those_lark_computes_now(tmp_path, monkeypatch) -> None:
    """The cached automaton equals a fresh computation from grammars/dockerfile.lark."""
    cached = lalr_tables("dockerfile")
    text = Path(grammar_module.grammar_path("dockerfile")).read_text(encoding="utf-8")
    assert cached == grammar_module._build_tables(text)


# -- the driver on rule shapes the Dockerfile grammar does not use ---------------------------

_SHAPES = """
start: item* _tail?
?item: A B -> pair
     | A
     | group
     | C C D
     | solo
?group: C _inner D
?solo: E _more
_more: E*
_inner: (A | B)+
_tail: D D
%declare A B C D E
"""


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from("ABCDE"), max_size=10))
def test_driver_builds_like_lark_for_other_rule_shapes(kinds: list[str]) -> None:
    from lark import Lark

    class Recorder:
        def __getattr__(self, name: str):
            if name.startswith("__"):
                raise AttributeError(name)
            return lambda children: (name, list(children))

    values = [_Number(i + 1) for i in range(len(kinds))]
    tables = grammar_module._build_tables(_SHAPES)
    try:
        ours = repr(LalrParser(tables).parse(kinds, values, Recorder()))
    except GrammarError as exc:
        ours = f"rejected at {exc.index}"
    lark_parser = Lark(_SHAPES, parser="lalr", lexer=LineLexer)
    try:
        tree = lark_parser.parse([LineToken(k, v) for k, v in zip(kinds, values, strict=True)])
        theirs = repr(_LarkRecorder(visit_tokens=False).transform(token_values(tree)))
    except UnexpectedInput as exc:
        token = exc.token
        theirs = f"rejected at {len(kinds) if token.type == '$END' else values.index(token.value)}"
    assert ours == theirs


# -- feeding one token at a time (LalrState), on the shell grammar too -------------------------


def _terminals(name: str) -> list[str]:
    actions = lalr_tables(name)["actions"]
    return sorted({s for state in actions for s in state if s.isupper()})


class _Tuples:
    """Builds every named rule as ``(rule, children)``, like lark's tree without a transformer."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda children: (name, list(children))


def _lark_tuples(tree):
    from lark import Tree

    if isinstance(tree, Tree):
        return (str(tree.data), [_lark_tuples(c) for c in tree.children])
    return tree.value


@pytest.mark.parametrize("grammar", ["dockerfile", "shell"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_feeding_token_by_token_follows_lark(grammar: str, data) -> None:
    from lark import Token
    from lark.exceptions import UnexpectedToken

    terminals = _terminals(grammar)
    kinds = data.draw(st.lists(st.sampled_from(terminals), max_size=14))
    ours = LalrParser(lalr_tables(grammar)).start(_Tuples())
    theirs = load(grammar, lexer=LineLexer).parse_interactive().parser_state
    for index, kind in enumerate(kinds):
        for probe in [*terminals, "$END"]:  # what may come next, reductions included
            # (deep: lark's reductions extend the children lists of inlined rules in place)
            trial = theirs.copy(deepcopy_values=True)
            try:
                trial.feed_token(Token(probe, ""), probe == "$END")
                lark_accepts = True
            except UnexpectedToken:
                lark_accepts = False
            assert ours.accepts(probe) == lark_accepts, (kinds[:index], probe)
        snapshot = ours.copy()
        try:
            theirs.feed_token(Token(kind, index))
        except UnexpectedToken:
            with pytest.raises(GrammarError):
                ours.feed(kind, index)
            return
        ours.feed(kind, index)
        assert repr(snapshot.stack) != repr(ours.stack) or not snapshot.stack  # copy is apart
    try:
        tree = theirs.feed_token(Token("$END", ""), True)
    except UnexpectedToken:
        with pytest.raises(GrammarError):
            ours.end()
        return
    assert repr(ours.end()) == repr(_lark_tuples(tree))


def test_a_snapshot_is_not_changed_by_feeding_the_state_it_was_taken_from() -> None:
    state = LalrParser(lalr_tables("dockerfile")).start(_Tuples())
    for kind in ["INSTR", "COMMENT", "INSTR"]:
        state.feed(kind, kind.lower())
    snapshot = state.copy()
    before = repr(snapshot.stack)
    for kind in ["BLANK", "INSTR", "CONT"]:
        state.feed(kind, kind.lower())
    state.end()
    assert repr(snapshot.stack) == before
    assert repr(snapshot.end()) == repr(
        LalrParser(lalr_tables("dockerfile")).parse(
            ["INSTR", "COMMENT", "INSTR"], ["instr", "comment", "instr"], _Tuples()
        )
    )
