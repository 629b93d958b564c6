"""BuildKit word expansion: every line of BuildKit's own shell-lexer test data, plus the rules that
data does not pin down (unset vs empty, escape=backtick, nesting, patterns, error reasons)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.expand import (
    Expansion,
    ExpansionError,
    LexerOptions,
    expand,
    expand_word,
    expand_words,
    referenced_names,
    unmatched_names,
)
from rewriter.analyse.expand_pattern import (
    PatternError,
    compile_pattern,
    replace_all,
    replace_first,
    reverse_pattern,
    trim_prefix,
    trim_suffix,
)

# Collection needs the case list before fixtures exist, so it looks where ``shared_dir`` looks;
# every conformance test also requests ``shared_dir``, which skips when ../shared is absent.
_SHELL_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "conformance"
_SHELL_DATA = _SHELL_DATA / "buildkit-shell"
_ENV_VAR_TEST_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


@dataclass(frozen=True)
class _Case:
    line: int
    source: str
    expected: str | list[str]
    windows: bool = False
    env: tuple[tuple[str, str], ...] = ()


def _read_lines(name: str) -> list[str]:
    path = _SHELL_DATA / name
    if not path.is_file():
        return []
    return path.read_text(encoding="utf-8").splitlines()


def _env_var_cases() -> list[pytest.param]:
    """``P|input|expected`` lines; A lines run as both Unix and Windows, U/W as their own."""
    params = []
    for number, line in enumerate(_read_lines("envVarTest"), start=1):
        if line.startswith("#") or not line.strip():
            continue
        platform, source, expected = (part.strip() for part in line.strip().split("|"))
        assert platform in ("A", "U", "W"), f"line {number}: bad platform tag {platform!r}"
        modes = {"A": (False, True), "U": (False,), "W": (True,)}[platform]
        for windows in modes:
            case = _Case(number, source, expected, windows=windows)
            flavour = "windows" if windows else "unix"
            params.append(pytest.param(case, id=f"L{number}-{flavour}-{source}"))
    return params


def _words_cases() -> list[pytest.param]:
    """``input | w1,w2`` lines; ``ENV k=v`` lines extend the environment of later lines."""
    params = []
    env: dict[str, str] = {}
    for number, line in enumerate(_read_lines("wordsTest"), start=1):
        if line.startswith("#"):
            continue
        if line.startswith("ENV "):
            key, _, value = line[3:].lstrip(" ").partition("=")
            env[key] = value  # trailing spaces are part of the value
            continue
        source, expected = line.split("|")
        case = _Case(
            number,
            source.strip(),
            expected.lstrip(" ").split(","),
            env=tuple(env.items()),
        )
        params.append(pytest.param(case, id=f"L{number}-{source.strip()}"))
    return params


def _or_skip(params: list) -> list:
    """Keep one visibly skipped case when the data is absent, instead of an empty parameter set."""
    if params:
        return params
    reason = f"{_SHELL_DATA} is absent (only developer checkouts have ../shared)"
    return [pytest.param(None, id="shared-absent", marks=pytest.mark.skip(reason=reason))]


@pytest.mark.parametrize("case", _or_skip(_env_var_cases()))
def test_buildkit_env_var_line_expands_as_buildkit_does(shared_dir: Path, case: _Case) -> None:
    if case.expected == "error":
        with pytest.raises(ExpansionError):
            expand_word(case.source, _ENV_VAR_TEST_ENV, windows=case.windows)
    else:
        assert expand_word(case.source, _ENV_VAR_TEST_ENV, windows=case.windows) == case.expected


@pytest.mark.parametrize("case", _or_skip(_words_cases()))
def test_buildkit_words_line_splits_as_buildkit_does(shared_dir: Path, case: _Case) -> None:
    env = dict(case.env)
    if case.expected == ["error"]:
        with pytest.raises(ExpansionError):
            expand_words(case.source, env)
    else:
        assert expand_words(case.source, env) == case.expected


def test_conformance_files_are_all_collected(shared_dir: Path) -> None:
    env_lines = (shared_dir / "conformance/buildkit-shell/envVarTest").read_text("utf-8")
    data_lines = [ln for ln in env_lines.splitlines() if ln.strip() and not ln.startswith("#")]
    a_lines = sum(1 for ln in data_lines if ln.startswith("A|"))
    assert len(_env_var_cases()) == len(data_lines) + a_lines
    assert len(_words_cases()) >= 20


# --- unset versus set-but-empty -------------------------------------------------------------

_UNSET: dict[str, str] = {}
_EMPTY = {"V": ""}
_FULL = {"V": "val"}


@pytest.mark.parametrize(
    ("word", "unset", "empty", "full"),
    [
        ("${V-d}", "d", "", "val"),
        ("${V:-d}", "d", "d", "val"),
        ("${V+a}", "", "a", "a"),
        ("${V:+a}", "", "", "a"),
        ("${V?}", "error", "", "val"),
        ("${V:?}", "error", "error", "val"),
        ("$V", "", "", "val"),
        ("${V}", "", "", "val"),
    ],
)
def test_colon_forms_treat_empty_as_unset_and_plain_forms_do_not(
    word: str, unset: str, empty: str, full: str
) -> None:
    for env, expected in ((_UNSET, unset), (_EMPTY, empty), (_FULL, full)):
        if expected == "error":
            with pytest.raises(ExpansionError):
                expand_word(word, env)
        else:
            assert expand_word(word, env) == expected, (word, env)


def test_question_mark_error_says_unset_or_empty_or_uses_the_given_message() -> None:
    with pytest.raises(ExpansionError) as unset:
        expand_word("${A:?}", {})
    assert unset.value.reason == "A: is not allowed to be unset"
    with pytest.raises(ExpansionError) as empty:
        expand_word("${A:?}", {"A": ""})
    assert empty.value.reason == "A: is not allowed to be empty"
    with pytest.raises(ExpansionError) as custom:
        expand_word("${A?set A to $WHAT}", {"WHAT": "a tag"})
    assert custom.value.reason == "A: set A to a tag"
    assert custom.value.word == "${A?set A to $WHAT}"
    assert "A: set A to a tag" in str(custom.value)


# --- escapes and quotes ---------------------------------------------------------------------


def test_backtick_escape_replaces_backslash_everywhere() -> None:
    env = {"X": "1"}
    assert expand_word(r"C:\dir\$X", env, "`") == "C:\\dir\\1"
    assert expand_word("C:\\dir\\`$X", env, "`") == "C:\\dir\\$X"
    assert expand_word('"a`"b"', env, "`") == 'a"b'
    assert expand_word('"a\\"b', env, "`") == "a\\b"  # \ is literal, the " closes the quote
    assert expand_word("it`'s", env, "`") == "it's"
    assert expand_word("trailing`", env, "`") == "trailing"


def test_double_quotes_only_escape_dollar_quote_and_the_escape_itself() -> None:
    assert expand_word(r'"\$X \" \\ \t"', {"X": "1"}) == '$X " \\ \\t'


def test_single_quotes_keep_everything_literal() -> None:
    assert expand_word("'$X ${Y:-z} \\n'", {"X": "1"}) == "$X ${Y:-z} \\n"


def test_rejects_an_escape_character_the_directive_cannot_set() -> None:
    with pytest.raises(ValueError, match="escape"):
        expand_word("x", {}, "'")


# --- nesting and evaluation order -----------------------------------------------------------


def test_nested_default_takes_the_inner_expansion() -> None:
    assert expand_word("${A:-${B}}", {"B": "b"}) == "b"
    assert expand_word("${A:-${B:-${C}}}", {"C": "c"}) == "c"
    assert expand_word("${A:-${B}}", {"A": "a", "B": "b"}) == "a"
    assert expand_word("${A:+<${B}>}", {"A": "a", "B": "b"}) == "<b>"


def test_unused_default_word_is_still_expanded_and_can_fail() -> None:
    # BuildKit evaluates the modifier's word before looking at the variable.
    with pytest.raises(ExpansionError, match="B: is not allowed to be unset"):
        expand_word("${A:-${B?}}", {"A": "set"})


def test_quotes_inside_a_modifier_word_protect_the_closing_brace() -> None:
    assert expand_word("${A:-'}'}", {}) == "}"
    assert expand_word('${A:-"a}b"}', {}) == "a}b"
    assert expand_word("${A:-a\\}b}", {}) == "a}b"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("${A", "missing '}'"),
        ("${A:-x", "missing '}'"),
        ("${A:-'x", "missing '}'"),
        ("${", "missing '}'"),
        ("${}", "bad substitution"),
        ("${:-x}", "bad substitution"),
        ("${{A}", "bad substitution"),
        ("${A=x}", "unsupported modifier (=) in substitution"),
        ("${A:=x}", "unsupported modifier (:=) in substitution"),
        ("${A.b}", "unsupported modifier (.) in substitution"),
        ("${A:#x}", "unsupported modifier (:#) in substitution"),
        ("${A:%x}", "unsupported modifier (:%) in substitution"),
        ("${A/x", "missing '/' in ${}"),
        ("${A/x/y", "missing '}'"),
        ("'open", "unexpected end of statement while looking for matching single-quote"),
        ('"open', "unexpected end of statement while looking for matching double-quote"),
    ],
)
def test_malformed_words_fail_with_a_reason(word: str, reason: str) -> None:
    with pytest.raises(ExpansionError) as caught:
        expand_word(word, {"A": "a"})
    assert caught.value.reason == reason


def test_invalid_pattern_escape_is_an_error() -> None:
    with pytest.raises(ExpansionError, match=r"invalid pattern .*invalid escape"):
        expand_word("${A#\\x}", {"A": "abc"})


# --- pattern modifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("${P#*/}", "usr/local/bin/tool.tar.gz"),
        ("${P##*/}", "tool.tar.gz"),
        ("${P%.*}", "/usr/local/bin/tool.tar"),
        ("${P%%.*}", "/usr/local/bin/tool"),
        ("${P/bin/sbin}", "/usr/local/sbin/tool.tar.gz"),
        ("${P//l/L}", "/usr/LocaL/bin/tooL.tar.gz"),
        ("${P/#/x}", "/usr/local/bin/tool.tar.gz"),  # '#' is a literal here, and absent
        ("${P#nomatch}", "/usr/local/bin/tool.tar.gz"),
        ("${P%\\*}", "/usr/local/bin/tool.tar.gz"),
        ("${P#/usr?}", "local/bin/tool.tar.gz"),
        ("${UNSET#x}", ""),
    ],
)
def test_pattern_modifiers_trim_and_replace(word: str, expected: str) -> None:
    assert expand_word(word, {"P": "/usr/local/bin/tool.tar.gz"}) == expected


def test_expanded_pattern_starting_with_the_operator_becomes_greedy() -> None:
    # BuildKit checks for '##' after expanding the word, so $OP = "#*x" acts like ##*x.
    assert expand_word("${V#$OP}", {"V": "axbxc", "OP": "#*x"}) == "c"
    assert expand_word("${V#$OP}", {"V": "axbxc", "OP": "*x"}) == "bxc"


def test_replace_all_skips_an_empty_match_right_after_a_match_like_go() -> None:
    assert replace_all("abc", "*", "X") == "X"
    assert replace_all("", "*", "X") == "X"
    assert replace_all("abc", "", "-") == "-a-b-c-"
    assert replace_all("abc", "b*", "-") == "a-"


def test_replace_all_expands_go_template_references() -> None:
    assert replace_all("ab", "a", "[$0]") == "[a]b"
    assert replace_all("ab", "a", "[${0}]") == "[a]b"
    assert replace_all("ab", "a", "[$1$name]") == "[]b"
    assert replace_all("ab", "a", "[$$]") == "[$]b"
    assert replace_all("ab", "a", "[$]") == "[$]b"
    assert replace_all("ab", "a", "[${0]") == "[${0]b"
    assert replace_first("ab", "a", "[$0]") == "[$0]b"  # single replacement is literal


def test_pattern_translation_escapes_regex_syntax_and_rejects_bad_escapes() -> None:
    assert compile_pattern("a.b(c)*", greedy=True, anchored=True).match("a.b(c)zz")
    assert not compile_pattern("a.b", greedy=True, anchored=True).match("axb")
    assert compile_pattern("\\}\\/", greedy=True, anchored=True).match("}/")
    for bad in ("\\", "\\x", "\\\\\\"):
        with pytest.raises(PatternError):
            compile_pattern(bad, greedy=True, anchored=True)


def test_reverse_pattern_keeps_escape_pairs_together() -> None:
    assert reverse_pattern("a\\*c") == "c\\*a"
    assert reverse_pattern("ab\\") == "\\ba"
    assert reverse_pattern("\\\\b") == "b\\\\"


def test_trim_helpers_pick_shortest_or_longest() -> None:
    assert trim_prefix("aXbXc", "*X", longest=False) == "bXc"
    assert trim_prefix("aXbXc", "*X", longest=True) == "c"
    assert trim_suffix("aXbXc", "X*", longest=False) == "aXb"
    assert trim_suffix("aXbXc", "X*", longest=True) == "a"


# --- word splitting -------------------------------------------------------------------------


def test_words_split_on_expanded_whitespace_but_not_on_quoted_or_escaped_whitespace() -> None:
    env = {"PORTS": " 80/tcp\t443 "}
    assert expand_words("$PORTS 8080", env) == ["80/tcp", "443", "8080"]
    assert expand_words('"$PORTS" 8080', env) == [" 80/tcp\t443 ", "8080"]
    assert expand_words("a\\ b c", env) == ["a b", "c"]
    assert expand_words('"" x', env) == ["x"]
    assert expand_words("  ", env) == []


def test_words_split_on_unicode_spaces_go_accepts() -> None:
    assert expand_words("a\u3000b\xa0c", {}) == ["a", "b", "c"]
    assert expand_words("a\x1fb", {}) == ["a\x1fb"]  # Python's isspace says yes, Go's no


# --- windows --------------------------------------------------------------------------------


def test_windows_matches_names_case_insensitively_and_the_later_key_wins() -> None:
    assert expand_word("$path", {"PATH": "C:\\bin"}, windows=True) == "C:\\bin"
    assert expand_word("$path", {"PATH": "C:\\bin"}) == ""
    assert expand_word("$Path", {"Path": "first", "PATH": "later"}, windows=True) == "later"
    assert unmatched_names("$path $x", {"PATH": "p"}, windows=True) == ["x"]


# --- names ----------------------------------------------------------------------------------


def test_referenced_names_are_in_order_without_repeats() -> None:
    word = "${IMAGE:-${REGISTRY}/base}:${TAG:-latest} $TAG ${ARCH#x} ${P//a/$R}"
    assert referenced_names(word) == ["IMAGE", "REGISTRY", "TAG", "ARCH", "P", "R"]


def test_referenced_names_skip_quoted_and_escaped_dollars() -> None:
    assert referenced_names("'$A' \\$B \"$C\" $D") == ["C", "D"]
    assert referenced_names("`$A $B", "`") == ["B"]


def test_referenced_names_tolerate_malformed_words() -> None:
    assert referenced_names("${A:?} ${B") == ["A", "B"]
    assert referenced_names("$X ${") == ["X"]
    assert referenced_names("${A#\\x} $B") == ["A", "B"]
    assert referenced_names("${/a/b}") == []


def test_unmatched_names_count_empty_values_as_defined() -> None:
    assert unmatched_names("$A ${B:-x} ${C}", {"A": ""}) == ["B", "C"]
    assert unmatched_names("${A", {}) == ["A"]


def test_expand_reports_value_words_and_which_names_were_defined() -> None:
    result = expand("${A:-x} $B $A", {"B": "b c"})
    assert result == Expansion("x b c ", ("x", "b", "c"), ("B",), ("A",))


_KEEP = LexerOptions(keep_unset=True)


def test_keep_unset_leaves_unknown_references_in_place() -> None:
    env = {"KNOWN": "k"}
    assert expand("$KNOWN/$X/${Y}", env, options=_KEEP).value == "k/$X/${Y}"
    assert expand("${X:-$KNOWN}", env, options=_KEEP).value == "${X:-k}"
    assert expand("${X?}", env, options=_KEEP).value == "${X?}"
    assert expand("${X:zz}", env, options=_KEEP).value == "${X:zz}"
    assert expand("${X//a/b}", env, options=_KEEP).value == "${X//a/b}"
    assert expand("${KNOWN:-z}", env, options=_KEEP).value == "k"
    with pytest.raises(ExpansionError):
        expand("${KNOWN:zz}", env, options=_KEEP)


def test_raw_modes_keep_quotes_and_escapes_in_the_output() -> None:
    word = "'a b'" + "\\ " + '"c\\d\\$"'  # 'a b'\ "c\d\$"
    assert expand(word, {}) == Expansion("a b c\\d$", ("a b c\\d$",), (), ())
    assert expand(word, {}, options=LexerOptions(raw_quotes=True)).value == "'a b' \"c\\d$\""
    # raw escapes keep each escape; inside quotes a non-escaping one even comes out doubled
    raw_escapes = LexerOptions(raw_escapes=True)
    assert expand(word, {}, options=raw_escapes).value == "a b\\ c\\\\d\\$"


def test_skip_quotes_treats_quotes_as_ordinary_characters() -> None:
    result = expand("'$A' \"x y\"", {"A": "1"}, options=LexerOptions(skip_quotes=True))
    assert result.value == "'1' \"x y\""
    assert result.words == ("'1'", '"x', 'y"')


def test_heredoc_marker_keeps_the_blanks_after_double_angle_in_one_field() -> None:
    assert expand_words("cat << EOF", {}) == ["cat", "<< EOF"]
    assert expand_words("a < b", {}) == ["a", "<", "b"]
    assert expand_word("cat <<  EOF", {}) == "cat <<  EOF"


def test_field_reset_bug_mode_drops_the_field_prefix_before_a_modifier() -> None:
    bug = LexerOptions(field_reset_bug=True)
    assert expand("80${P:-80} 90", {}).words == ("8080", "90")
    assert expand("80${P:-80} 90", {}, options=bug).words == ("80", "90")
    assert expand("80${P:-80} 90", {}, options=bug).value == "8080 90"
    assert expand("80$P 90", {"P": "1"}, options=bug).words == ("801", "90")


# --- robustness -----------------------------------------------------------------------------

_WORD_TEXT = st.text(alphabet="ab $'\"\\{}:-+?#%/*`\t", max_size=24)


@settings(max_examples=400, deadline=None)
@given(_WORD_TEXT)
def test_any_word_either_expands_or_raises_expansion_error(word: str) -> None:
    env = {"a": "x y", "b": ""}
    try:
        value = expand_word(word, env)
    except ExpansionError:
        return
    assert isinstance(value, str)
    assert expand(word, env).value == value


@settings(max_examples=400, deadline=None)
@given(_WORD_TEXT, st.sampled_from(["\\", "`"]))
def test_referenced_names_never_raise(word: str, escape: str) -> None:
    assert isinstance(referenced_names(word, escape), list)


@given(st.text(alphabet="abc \t", max_size=20))
def test_plain_words_expand_to_themselves_and_split_on_whitespace(word: str) -> None:
    assert expand_word(word, {}) == word
    assert expand_words(word, {}) == word.split()


def test_expansion_is_fast_enough_for_whole_dockerfiles() -> None:
    env = {"BASE": "debian", "TAG": "12", "ARCH": "amd64"}
    word = "${REGISTRY:-docker.io}/library/${BASE}:${TAG}-${ARCH#x}"
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        expand_word(word, env)
    elapsed = time.perf_counter() - start
    assert expand_word(word, env) == "docker.io/library/debian:12-amd64"
    assert elapsed < 2.0, f"{runs / elapsed:.0f} expansions/s is far too slow"


@pytest.mark.parametrize("depth", [150, 3_000, 20_000])
def test_words_nested_thousands_of_levels_deep_expand_as_in_buildkit(depth: int) -> None:
    """Go grows its stack, so BuildKit expands any depth; so must we (and leave the
    interpreter's recursion limit as it was)."""
    limit = sys.getrecursionlimit()
    word = "${UNSET:-" * depth + "x" + "}" * depth
    assert expand_word(word, {}) == "x"
    assert expand_word('"' + word + '"', {"UNSET": "set"}) == "set"
    quoted = '"${UNSET:-' * depth + "x" + '}"' * depth
    assert expand_word(quoted, {}) == "x"
    assert referenced_names(word) == ["UNSET"]
    kept = expand(word, {}, options=LexerOptions(keep_unset=True)).value
    assert kept == word
    assert sys.getrecursionlimit() == limit


def test_deep_nesting_errors_are_still_errors() -> None:
    word = "${A:-" * 3_000 + "${B?gone}" + "}" * 3_000
    with pytest.raises(ExpansionError, match="B: gone"):
        expand_word(word, {})
