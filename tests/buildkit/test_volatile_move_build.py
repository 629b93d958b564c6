"""DF109's fix on the real BuildKit: with `ARG GIT_COMMIT` moved below `npm ci`, a new commit no
longer re-runs the install, and the image holds the same files as the original's."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source

from .harness import build, diff_images, unique_token
from .samples import make_app

ORIGINAL = (
    "FROM node:20-slim\nWORKDIR /app\n# the commit CI builds\nARG GIT_COMMIT\n"
    "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
    "RUN echo $GIT_COMMIT > /app/REVISION\n"
)


@pytest.mark.buildkit
def test_a_new_commit_keeps_the_install_cached_after_the_move(tmp_path: Path) -> None:
    fixed = fix_source(ORIGINAL, config=Config(select=("DF109",)), unsafe=True).output
    assert fixed.index("RUN npm ci") < fixed.index("ARG GIT_COMMIT")
    context = make_app(tmp_path, "node-npm", changes={"README": unique_token()})
    first, second = unique_token(), unique_token()

    before = build(ORIGINAL, context, build_args={"GIT_COMMIT": first})
    after = build(fixed, context, build_args={"GIT_COMMIT": first})
    assert before.ok and after.ok, before.log + after.log
    difference = diff_images(before.tag, after.tag)
    assert difference.equal, str(difference)

    before_again = build(ORIGINAL, context, build_args={"GIT_COMMIT": second})
    after_again = build(fixed, context, build_args={"GIT_COMMIT": second})
    assert before_again.ok and after_again.ok, before_again.log + after_again.log
    assert not before_again.cached("npm ci"), "the original's install was CACHED: no proof"
    assert after_again.cached("npm ci"), f"the install ran again\n{after_again.log}"
    assert not after_again.cached("REVISION"), "the step that uses the commit must re-run"
