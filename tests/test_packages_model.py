"""Matching cache paths part by part agrees with fnmatch."""

from __future__ import annotations

import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.packages.recognise import _overlaps, _parts

_PART = st.sampled_from(["a", "b", "cache", "*", "?", "a*", "[ab]", "[!a]", "*.lock", "[", "x?"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4))
def test_overlaps_matches_fnmatch_part_by_part(target: list[str], cache: list[str]) -> None:
    expected = all(fnmatch.fnmatchcase(c, t) for t, c in zip(target, cache, strict=False))
    t, c = _parts("/" + "/".join(target)), _parts("/" + "/".join(cache))
    assert _overlaps(t, c) == expected
