"""The recogniser's precomputed shortcuts give what the general code gives.

``_FIXED_DIRS`` holds the directory of each table cache that nothing can move (apt, dnf, yum):
``_recognise_tool`` reads it instead of calling ``cache_dir``. ``_SUBCOMMAND_SIZES`` tells
``_subcommand`` which subcommand lengths a tool has, so it skips keys that cannot match. Both
are checked here against the general path, over every table tool and generated inputs.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.packages import cache_dir
from rewriter.analyse.packages.recognise import (
    _FIXED_DIRS,
    _KIND_STRENGTH,
    _SUBCOMMAND_SIZES,
    _Option,
    _subcommand,
)
from rewriter.analyse.packages.specs import TOOLS, Sub, Tool
from rewriter.analyse.shell import Word

_CACHES = [c for tool in TOOLS for c in tool.caches]
_FIXED = [c for c in _CACHES if id(c) in _FIXED_DIRS]
_FLAGS = sorted({f for c in _CACHES for f in c.flags} | {"--cache-dir", "-o", "--prefix"})
_VARIABLES = sorted(
    {entry.partition("/")[0] for c in _CACHES for entry in c.env}
    | {var for c in _CACHES for var in c.env_options}
    | {"HOME", "PATH"}
)
_PATHS = st.sampled_from(["/", "/root", "/home/app", "/x/../y", "rel", "~", "~/c", "", "/a//b/"])


def _word(value: str | None) -> Word:
    return Word(raw=value or "$X", value=value, start=0, end=len(value or "$X"), parts=())


def test_fixed_dirs_cover_the_caches_nothing_moves() -> None:
    assert {c.name for c in _FIXED} >= {"apt", "apt-lists", "dnf", "yum"}
    for cache in _CACHES:
        movable = cache.flags or cache.env or cache.env_options or cache.root_default
        assert (id(cache) in _FIXED_DIRS) == (not movable and cache.default.startswith("/"))


@settings(max_examples=400, deadline=None)
@given(
    env=st.dictionaries(st.sampled_from(_VARIABLES), _PATHS, max_size=6),
    home=_PATHS,
    user=st.sampled_from(["root", "0", "app", "1000:1000", ""]),
    directory=st.one_of(st.none(), _PATHS),
    options=st.lists(st.tuples(st.sampled_from(_FLAGS), st.one_of(st.none(), _PATHS)), max_size=4),
)
def test_fixed_dirs_equal_cache_dir(env, home, user, directory, options) -> None:
    opts = [_Option(name, value, _word(name), None) for name, value in options]
    for cache in _FIXED:
        general = cache_dir(cache, env=env, home=home, user=user, directory=directory, options=opts)
        assert _FIXED_DIRS[id(cache)] == general


def _reference_subcommand(tool: Tool, positionals: list[Word]):
    """``_subcommand`` as it was: every key length from 3 words down to 1."""
    values = [w.value for w in positionals]
    if tool.goals:
        best: tuple[str | None, Sub | None] = (None, None)
        for value in values:
            sub = tool.subcommands.get(value or "")
            if sub and (best[1] is None or _KIND_STRENGTH[sub.kind] > _KIND_STRENGTH[best[1].kind]):
                best = (value, sub)
        return best[0], best[1], len(values)
    for size in (3, 2, 1):
        if len(values) >= size and None not in values[:size]:
            key = " ".join(v for v in values[:size] if v is not None)
            if key in tool.subcommands:
                return key, tool.subcommands[key], size
    if not values and tool.default_sub:
        return tool.default_sub, tool.subcommands[tool.default_sub], 0
    return values[0] if values else None, None, min(1, len(values))


_SUB_WORDS = sorted(
    {part for tool in TOOLS for key in tool.subcommands for part in key.split(" ")}
    | {"x", "", "-y"}
)


def test_every_table_tool_has_its_sizes() -> None:
    assert set(_SUBCOMMAND_SIZES) == {id(tool) for tool in TOOLS}
    assert _SUBCOMMAND_SIZES[id(TOOLS[0])] == (1,)  # apt-get: one-word subcommands only


@settings(max_examples=1500, deadline=None)
@given(
    tool=st.sampled_from(TOOLS),
    values=st.lists(st.one_of(st.none(), st.sampled_from(_SUB_WORDS)), max_size=5),
)
def test_subcommand_equals_trying_every_length(tool: Tool, values: list[str | None]) -> None:
    positionals = [_word(v) for v in values]
    assert _subcommand(tool, positionals) == _reference_subcommand(tool, positionals)


def test_subcommand_of_every_key_equals_trying_every_length() -> None:
    for tool in TOOLS:
        for key in tool.subcommands:
            positionals = [_word(v) for v in [*key.split(" "), "pkg"]]
            assert _subcommand(tool, positionals) == _reference_subcommand(tool, positionals)
