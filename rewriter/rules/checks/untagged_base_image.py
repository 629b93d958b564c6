"""DF406 untagged-base-image: FROM an image without a tag, or with ``latest``."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.analyse.images import parse_image_ref
from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class UntaggedBaseImage(Rule):
    """Base images should be pinned to a version tag (or a digest), not `latest`.

    ## What it does
    Finds `FROM` lines whose image (after expanding global `ARG` defaults) has no tag, or the
    tag `latest`, and no `@sha256:` digest. `scratch` and references to earlier stages are not
    images and are ignored; so is an image whose tag comes from a variable without a default.

    ## Why it matters
    `latest` (which is what no tag means) moves: the same Dockerfile builds on a different
    OS, language version or package set from one week to the next, so builds stop being
    reproducible and break without any change to the repository. A cached `latest` also hides
    that the build is out of date until the cache is cleared.

    ## Example
    ```dockerfile
    FROM python
    ```
    Use instead:
    ```dockerfile
    FROM python:3.12-slim-bookworm
    ```

    ## Fix
    None: choosing a base image version is never automatic.
    """

    code = "DF406"
    name = "untagged-base-image"
    severity = Severity.WARNING
    hadolint = ("DL3006", "DL3007")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.model.stages:
            if stage.base_stage is not None or not stage.base:
                continue
            image = stage.base
            if image.lower() == "scratch" or "$" in image:
                continue
            if _names_a_stage(ctx, stage, image):
                continue
            ref = parse_image_ref(image)
            if ref.digest:
                continue
            if ref.tag is None:
                message = (
                    f"Base image '{image}' has no tag, so it means '{image}:latest': pin a "
                    f"version tag"
                )
            elif ref.tag.lower() == "latest":
                message = f"Base image '{image}' uses the moving 'latest' tag: pin a version tag"
            else:
                continue
            yield ctx.finding(self, stage.from_instruction, message)


def _names_a_stage(ctx: RuleContext, stage, image: str) -> bool:
    """True when ``image`` spells an earlier stage name in another case (a mistake DF408 and
    BuildKit report; it is not an untagged image)."""
    return any(s.name and s.name.lower() == image.lower() for s in ctx.model.stages[: stage.index])
