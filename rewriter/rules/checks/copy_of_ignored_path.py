"""DF104 copy-of-ignored-path."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class CopyOfIgnoredPath(Rule):
    """COPY/ADD names a path that `.dockerignore` excludes.

    ## What it does
    When dfopt knows the build context, finds COPY/ADD sources that `.dockerignore` excludes
    (the source itself or a folder above it), as BuildKit's `CopyIgnoredFile` check does.

    ## Why it matters
    An excluded file is never sent to the builder. A literal source then fails the build with
    "not found", which is confusing because the file is right there; a wildcard source silently
    copies less than it seems to, and the image misses files.

    ## Example
    `.dockerignore` holds `*.lock`, and:
    ```dockerfile
    COPY package.json yarn.lock ./
    ```
    Re-include it with `!yarn.lock`, or stop copying it.

    ## Fix
    None: which of the two is right is the author's call.
    """

    code = "DF104"
    name = "copy-of-ignored-path"
    severity = Severity.ERROR
    buildkit = ("CopyIgnoredFile",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        context = ctx.build_context
        if context is None or context.dockerignore is None:
            return
        from rewriter.analyse.context import resolve_copy_sources

        for copy in ctx.model.copies():
            if not copy.from_context or not copy.sources:
                continue
            resolution = resolve_copy_sources(context, copy.sources)
            for source in resolution.sources:
                if source.remote or not source.pattern_excluded or source.path == ".":
                    continue
                pattern = source.excluded_by
                where = f" (line {pattern.line}: `{pattern.raw.strip()}`)" if pattern else ""
                effect = (
                    "the build fails: the file is never sent"
                    if source.would_fail
                    else "it copies nothing that .dockerignore excludes"
                )
                yield ctx.finding(
                    self,
                    copy.instruction,
                    f"{source.source} is excluded by .dockerignore{where}: {effect}",
                )
