"""DF403 relative-workdir: the first WORKDIR of a stage is a relative path."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class RelativeWorkdir(Rule):
    """WORKDIR should be an absolute path.

    ## What it does
    Finds a relative `WORKDIR` (`WORKDIR app`) used before any absolute `WORKDIR` in its stage
    (or in the stages it is built `FROM`). Later relative `WORKDIR`s are fine: they resolve
    against a directory this file chose.

    ## Why it matters
    A relative `WORKDIR` is resolved against the base image's working directory, which this
    file does not control: `WORKDIR app` is `/app` on one image and `/go/app` on `golang`, and
    a new base image version may move it, changing where every later `COPY` and `RUN` happens.

    ## Example
    ```dockerfile
    FROM node:20
    WORKDIR app
    ```
    Use instead:
    ```dockerfile
    FROM node:20
    WORKDIR /app
    ```

    ## Fix
    None: the directory the build really uses depends on the base image, which dfopt cannot
    see; choose the absolute path you mean.
    """

    code = "DF403"
    name = "relative-workdir"
    severity = Severity.WARNING
    hadolint = ("DL3000",)
    buildkit = ("WorkdirRelativePath",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have("workdir"):
            return
        model = ctx.model
        absolute_set: dict[int, bool] = {}
        for stage in model.stages:
            seen = absolute_set.get(stage.base_stage.index, False) if stage.base_stage else False
            for inst in stage.body:
                if inst.name != "workdir" or not inst.values:
                    continue
                path = inst.values[0]
                if not seen and not _is_absolute(path, model.state_of(inst).variables):
                    yield ctx.finding(
                        self,
                        inst,
                        f"Relative WORKDIR '{path}' depends on the base image's working "
                        f"directory: use an absolute path",
                    )
                seen = True
            absolute_set[stage.index] = seen


def _is_absolute(path: str, variables) -> bool:
    """True for ``/x``, Windows ``C:\\x``, and paths starting with a variable (not knowable)."""
    text = path.strip("'\"")
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        return True
    if text.startswith("$"):
        name = text[1:].lstrip("{").split("}", 1)[0].split("/", 1)[0]
        value = variables.get(name)
        return value is None or value.startswith("/")
    return False
