"""DF105's fix on the real BuildKit: a lone `RUN apt-get update` (or `apk update`) moved into the
install's RUN builds an image with the same files as the original, and an edit of the install
line now refreshes the index in the same step (the point of the fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source

from .harness import build, diff_images, make_context, unique_token

ONLY = Config(select=("DF105",))

CASES = {
    "apt": (
        "FROM debian:bookworm-slim\n# refresh the index\nRUN apt-get update\n"
        "ENV DEBIAN_FRONTEND=noninteractive\n"
        "RUN apt-get install -y --no-install-recommends curl \\\n    ca-certificates\n",
        "apt-get update && apt-get install",
    ),
    "apk": (
        "FROM alpine:3.20\nRUN apk update\nLABEL org.example=1\nRUN apk add curl\n",
        "apk update && apk add curl",
    ),
}


@pytest.mark.buildkit
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_merged_run_builds_the_same_files(name: str, tmp_path: Path) -> None:
    original, merged = CASES[name]
    fixed = fix_source(original, config=ONLY).output
    assert merged in fixed and fixed.count("RUN ") == original.count("RUN ") - 1
    context = make_context(tmp_path, {"README": name})
    before = build(original, context)
    assert before.ok, before.log
    after = build(fixed, context)
    assert after.ok, after.log
    difference = diff_images(before.tag, after.tag)
    assert difference.equal, str(difference)
    # the install edited later (a unique edit: the engine keeps its cache between runs): the
    # fixed file updates the index in that same step
    edited = fixed.replace(merged, f"true {unique_token()} && {merged}")
    again = build(edited, context)
    assert again.ok, again.log
    assert not again.cached(merged), "the edited install ran against a cached index"
