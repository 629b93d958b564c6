"""The explicit-stack JSON decoder used past Python's recursion limit decodes like json.loads.

``go_json_array`` hands input nested deeper than ``json.loads`` can go to ``_decode_deep_json``
(BuildKit's Go decoder accepts up to 10,000 levels). Deep cases are compared with the Go parser
in ``test_oracle.py``; here the decoder is held to ``json.loads`` on every document both can read.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.parser.gotext import GO_JSON_MAX_DEPTH, _decode_deep_json, go_json_array

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)
_SPACE = st.sampled_from(["", " ", "\t", "\n", "\r\n", "  "])


def _reference(text: str) -> object:
    """json.loads as go_json_array calls it (NaN/Infinity rejected); None when it refuses."""

    def reject(name: str) -> None:
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=reject)
    except ValueError:
        return None


def _go_strings(value: object) -> object:
    """What Go makes of a decoded value: lone surrogates become U+FFFD, at every level."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_go_strings(v) for v in value]
    if isinstance(value, dict):
        return {_go_strings(k): _go_strings(v) for k, v in value.items()}
    return value


@settings(max_examples=300, deadline=None)
@given(_VALUES, _SPACE, st.booleans())
def test_decodes_documents_like_json_loads(value: object, space: str, ascii_only: bool) -> None:
    text = space + json.dumps(value, ensure_ascii=ascii_only, indent=None) + space
    assert _decode_deep_json(text) == _go_strings(_reference(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE+-tfnrulasx\\ \n', max_size=30))
def test_refuses_what_json_loads_refuses(text: str) -> None:
    expected = _reference(text)
    got = _decode_deep_json(text)
    assert (got is None) == (expected is None) or (expected is None and got is None)
    if expected is not None:
        assert got == _go_strings(expected)


def test_nesting_past_pythons_limit_is_decoded_up_to_gos_limit() -> None:
    deep = "[" * 5_000 + '"x"' + "]" * 5_000
    value = go_json_array(deep)
    for _ in range(4_999):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == ["x"]
    at_limit = "[" * GO_JSON_MAX_DEPTH + "]" * GO_JSON_MAX_DEPTH
    assert go_json_array(at_limit) is not None
    past = "[" * (GO_JSON_MAX_DEPTH + 1) + "]" * (GO_JSON_MAX_DEPTH + 1)
    assert go_json_array(past) is None
