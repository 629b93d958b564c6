"""DF103 dockerignore-missing-entries."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: Kinds of folder (from the context scan) that almost never belong in an image.
_KINDS = frozenset(
    {"node_modules", "git", "vcs", "virtualenv", "pycache", "target", "build", "dist",
     "gradle-cache", "python-cache"}
)  # fmt: skip


class DockerignoreMissingEntries(Rule):
    """`.dockerignore` misses folders that exist in the context and get copied.

    ## What it does
    When dfopt knows the build context and it has a `.dockerignore`, finds COPY/ADD
    instructions that copy folders such as `node_modules`, `.git`, `.venv`/`venv`,
    `__pycache__`, `target`, `dist`, `build` or `.gradle` because `.dockerignore` does not
    exclude them.

    ## Why it matters
    Those folders are generated, large and change all the time: they slow the context upload,
    bloat the image, can carry host-built binaries for the wrong platform, and invalidate the
    COPY (and every later step) whenever they change.

    ## Example
    A context with `node_modules/` and a `.dockerignore` holding only `.git`, and:
    ```dockerfile
    COPY . .
    ```
    Add `node_modules` to `.dockerignore`.

    ## Fix
    None: the fix is an edit of `.dockerignore`, not of the Dockerfile.
    """

    code = "DF103"
    name = "dockerignore-missing-entries"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        context = ctx.build_context
        if context is None or context.dockerignore is None:
            return
        missing = [p for p in context.ignorable if p.kind in _KINDS and not p.excluded]
        if not missing:
            return
        from rewriter.analyse.context import copies_path, resolve_copy_sources

        for copy in ctx.model.copies():
            if not copy.from_context or copy.urls or not copy.sources:
                continue
            resolution = resolve_copy_sources(context, copy.sources)
            copied = [p.path for p in missing if copies_path(resolution, p.path)]
            if copied:
                yield ctx.finding(
                    self,
                    copy.instruction,
                    f".dockerignore does not exclude {', '.join(copied)}, which this "
                    f"{copy.instruction.keyword} copies into the image",
                )
