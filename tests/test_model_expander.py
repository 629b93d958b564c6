"""The model's one-pass word expander gives what the two-pass definition gives.

The definition: list the referenced names leniently, expand with ``keep_unset`` only when
some name has no known value, and expand again without it when a name is undefined (BuildKit
fails ``${X:?msg}`` there). ``_Expander.word`` does one strict ``keep_unset`` pass instead.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.expand import ExpansionError, LexerOptions, expand, referenced_names
from rewriter.analyse.model import _Expanded, _expander_for, _Scope


def _two_pass(text: str, scope: _Scope, escape: str, extra: frozenset[str]) -> _Expanded:
    if not any(ch in text for ch in "$'\"" + escape):
        return _Expanded(text, [])
    names = referenced_names(text, escape) if "$" in text else []
    variables = scope.variables
    undefined = [
        n for n in names if n not in variables and n not in scope.declared and n not in extra
    ]
    keep = any(variables.get(n) is None for n in names)
    try:
        options = LexerOptions(keep_unset=True) if keep else LexerOptions()
        result = expand(text, scope.known, escape, options=options)
        if undefined:
            expand(text, scope.known, escape)
    except ExpansionError as exc:
        return _Expanded(text, undefined, str(exc))
    return _Expanded(result.value, undefined)


_PIECES = [
    "$A", "$B", "$E", "$U", "${A}", "${B}", "${U}", "${E:-d}", "${U:-$A}", "${B-x}", "${A:+y}",
    "${U+$B}", "${U?}", "${E:?m}", "${B:?}", "${A#?}", "${A%%*}", "${A/1/2}", "${U//x/$A}",
    "${A:=x}", "${}", "${:x}", "${A", "$1", "$@", "$", "{", "}", "'", '"', "\\", "`", " ",
    "a", "/", "${A:-${U?}}", "${D}", "$D", "${D:-x}", "[", "*",
]  # fmt: skip
_words = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
_VALUES = {"A": "1", "B": None, "E": "", "D": None}


@settings(max_examples=2000, deadline=None)
@given(
    _words,
    st.sets(st.sampled_from(list(_VALUES))),
    st.sets(st.sampled_from(["D", "U", "Z"])),
    st.sets(st.sampled_from(["U", "Z"])),
    st.sampled_from(["\\", "`"]),
)
def test_one_pass_expander_equals_the_two_pass_definition(
    text: str, defined: set[str], declared: set[str], extra: set[str], escape: str
) -> None:
    scope = _Scope()
    for name in sorted(defined):
        scope.set_variable(name, _VALUES[name])
    scope.declared = frozenset(declared)
    expected = _two_pass(text, scope, escape, frozenset(extra))
    assert _expander_for(escape).word(text, scope, frozenset(extra)) == expected


def test_env_nested_thousands_of_levels_deep_is_read_like_a_shallow_one() -> None:
    from rewriter import parse
    from rewriter.analyse.model import build_model

    def read(depth: int) -> tuple:
        def nest(name: str, inner: str) -> str:
            return ("${" + name + ":-") * depth + inner + "}" * depth

        tree = parse(f"FROM a\nENV A={nest('B', 'x')}\nARG D=d\nENV E={nest('D', 'z')}\nRUN true\n")
        model = build_model(tree)
        first, last = model.state_of(tree.instructions[1]), model.state_of(tree.instructions[-1])
        a = last.env["A"]
        return (a == nest("B", "x"), last.env["E"], first.undefined_names, first.errors)

    assert read(1) == (True, "d", ("B",), ())
    assert read(3_000) == read(1)
