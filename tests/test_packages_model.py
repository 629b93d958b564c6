"""``new_action`` builds the same PackageAction as the dataclass, and matching cache paths."""

from __future__ import annotations

import dataclasses
import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.analyse.packages import model
from rewriter.analyse.packages.model import CacheDefeater, PackageAction, new_action
from rewriter.analyse.packages.recognise import _overlaps, _parts
from rewriter.analyse.shell import parse_shell


def test_new_action_builds_the_dataclass() -> None:
    command = parse_shell("npm ci --cache /c").commands[0]
    defeater = CacheDefeater("npm", "why", 1, 2, command=command)
    values = {
        "tool": "npm",
        "ecosystem": "node",
        "kind": "dependency-install",
        "command": command,
        "subcommand": "ci",
        "installs_from_lockfile": True,
        "lockfile_mode_available": False,
        "manifests": ("package.json",),
        "optional_manifests": (".npmrc",),
        "needs_sources": False,
        "cache_dirs": ("/root/.npm",),
        "cache_defeaters": (defeater,),
        "downloads": True,
        "uses_cache": True,
        "packages": command.words[1:2],
        "directory": "/app",
    }
    names = tuple(f.name for f in dataclasses.fields(PackageAction))
    assert sorted(PackageAction.__slots__) == sorted(names)
    assert sorted(names) == sorted(model._PackageActionFields.__slots__)
    assert names == tuple(values)
    fast, slow = new_action(**values), PackageAction(**values)
    assert type(fast) is PackageAction
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert new_action("pip", "python", "other", command) == PackageAction(
        "pip", "python", "other", command
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.kind = "build"  # type: ignore[misc]


_PART = st.sampled_from(["a", "b", "cache", "*", "?", "a*", "[ab]", "[!a]", "*.lock", "[", "x?"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4))
def test_overlaps_matches_fnmatch_part_by_part(target: list[str], cache: list[str]) -> None:
    expected = all(fnmatch.fnmatchcase(c, t) for t, c in zip(target, cache, strict=False))
    t, c = _parts("/" + "/".join(target)), _parts("/" + "/".join(cache))
    assert _overlaps(t, c) == expected
