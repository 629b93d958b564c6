"""Version ranges -> image release lines (engines.node, requires-python, poetry constraints)."""

from __future__ import annotations

import pytest

from rewriter.scaffold.detect.versions import (
    choose_line,
    line_allowed,
    parse_npm_range,
    parse_python_spec,
)

NODE_LINES = [[18], [20], [22], [24]]
PY_LINES = [[3, m] for m in range(8, 14)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">=18", [22]),
        ("^20.11.0", [20]),
        ("20.x", [20]),
        ("~18.17", [18]),
        ("18 || 20", [20]),
        (">=16 <21", [20]),
        ("18 - 20", [20]),
        ("<=20", [20]),
        (">20", [22]),
        ("*", [22]),
        ("v18.17.1", [18]),
    ],
)
def test_npm_range_picks_preferred_or_newest_allowed_line(spec, expected):
    intervals = parse_npm_range(spec)
    assert intervals is not None
    assert choose_line(intervals, NODE_LINES, [22]) == expected


def test_npm_range_without_any_image_line_gives_none():
    assert choose_line(parse_npm_range("^12"), NODE_LINES, [22]) is None


def test_npm_range_that_is_not_a_range_is_unparseable():
    assert parse_npm_range("latest-and-greatest") is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">=3.9", [3, 12]),
        (">=3.9,<3.12", [3, 11]),
        ("~=3.10", [3, 12]),
        ("~=3.10.4", [3, 10]),
        ("==3.11.*", [3, 11]),
        ("^3.10", [3, 12]),  # poetry caret
        ("~3.10", [3, 10]),  # poetry tilde
        (">=3.10, !=3.12.*", [3, 13]),
        (">3.11", [3, 12]),
        ("<3.10", [3, 9]),
    ],
)
def test_python_spec_picks_preferred_or_newest_allowed_line(spec, expected):
    intervals = parse_python_spec(spec)
    assert intervals is not None
    assert choose_line(intervals, PY_LINES, [3, 12]) == expected


def test_python_not_equal_without_wildcard_does_not_exclude_a_line():
    assert line_allowed(parse_python_spec(">=3.11,!=3.12.1"), [3, 12])


def test_exclusive_upper_bound_at_line_start_excludes_that_line():
    assert not line_allowed(parse_python_spec("<3.12"), [3, 12])
    assert line_allowed(parse_python_spec("<3.12"), [3, 11])
