"""DF102 broad-copy-without-dockerignore."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class BroadCopyWithoutDockerignore(Rule):
    """`COPY . .` (or another whole-folder copy) with no `.dockerignore` in the build context.

    ## What it does
    When dfopt knows the build context, finds COPY/ADD instructions that copy the whole context
    or a whole folder of it while the context has no `.dockerignore` (nor a
    `<Dockerfile>.dockerignore` next to the Dockerfile).

    ## Why it matters
    Everything in the folder is sent to the builder and copied into the image: `.git`,
    `node_modules`, virtualenvs, build output, local `.env` files with secrets. Any change to any
    of them (a `git fetch`, an editor's swap file) invalidates the COPY and every step after it.

    ## Example
    ```dockerfile
    COPY . .
    ```
    with no `.dockerignore` next to it. Add one: `dfopt new --dockerignore-only` writes one from
    what the folder holds (leaving visible every file the Dockerfiles there copy by name), or:
    ```
    .git
    node_modules
    ```

    ## Fix
    None: the fix is a new file, not an edit of the Dockerfile.
    """

    code = "DF102"
    name = "broad-copy-without-dockerignore"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        context = ctx.build_context
        if context is None or context.dockerignore is not None:
            return
        for copy in ctx.model.copies():
            if not copy.from_context or copy.urls or not copy.broad:
                continue
            shown = " ".join(copy.sources)
            yield ctx.finding(
                self,
                copy.instruction,
                f"`{copy.instruction.keyword} {shown}` copies the whole folder and the build "
                "context has no .dockerignore (`dfopt new --dockerignore-only` writes one)",
            )
