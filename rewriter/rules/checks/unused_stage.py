"""DF303 unused-stage: a stage that neither the final stage nor a likely target needs."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: Stage names people build with ``--target``: such stages are entry points, not dead code.
_TARGET_NAMES = (
    r"^(?:test|tests|testing|unit|unittest|e2e|integration|lint|check|ci|dev|develop|"
    r"development|devcontainer|debug|local|docs|release|prod|production|export|artifacts?|"
    r"bin|binaries|dist|package|publish|bench|benchmark|coverage|vet|fmt|generate|tools?|"
    r"shell|standalone|minimal|runtime|final|image|app|server|worker|cli)(?:[-_.].*)?$"
)


@functools.cache
def _target_names() -> re.Pattern[str]:
    """:data:`_TARGET_NAMES` compiled on first use (only a file with an unused named stage
    needs it, and compiling it costs a start-up ~0.4 ms)."""
    return re.compile(_TARGET_NAMES)


class UnusedStage(Rule):
    """A build stage that nothing uses.

    ## What it does
    Finds stages that the final stage does not reach (through `FROM <stage>`,
    `COPY --from=<stage>` or `RUN --mount=from=<stage>`), and that are not reached from a
    stage whose name says it is built with `--target` either (`test`, `dev`, `debug`,
    `lint`, `release`...).

    ## Why it matters
    BuildKit skips stages the target does not need, so such a stage is never built by
    `docker build`: it is either dead code that misleads readers (and gets maintained for
    nothing), or a sign that a `COPY --from` names the wrong stage.

    ## Example
    ```dockerfile
    FROM golang:1.22 AS builder
    RUN go build -o /out/app .
    FROM golang:1.22 AS old-builder
    RUN go build -tags legacy -o /out/app .
    FROM gcr.io/distroless/static
    COPY --from=builder /out/app /app
    ```
    `old-builder` is never built.

    ## Fix
    None: deleting a stage is deleting instructions, which is never automatic.
    """

    code = "DF303"
    name = "unused-stage"
    severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        stages = ctx.model.stages
        if len(stages) < 2:
            return
        reached = {s for s in stages if s.used}
        todo = [
            s for s in stages if not s.used and s.name and _target_names().match(s.name.lower())
        ]
        while todo:
            stage = todo.pop()
            if stage in reached:
                continue
            reached.add(stage)
            todo.extend(d for d in stage.depends_on if not isinstance(d, str))
        for stage in stages:
            if stage in reached:
                continue
            yield ctx.finding(
                self,
                stage.from_instruction,
                f"Stage '{stage.label}' is not used by the final stage, so docker build never "
                f"builds it: remove it or build it with --target",
            )
