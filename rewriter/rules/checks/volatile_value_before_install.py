"""DF109 volatile-value-before-install."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriter.rules.base import Applicability, Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_VOLATILE = re.compile(
    r"^(?:BUILD_?(?:DATE|TIME|TIMESTAMP|NUMBER|ID|REF|SHA)|TIMESTAMP|DATE|"
    r"GIT_?(?:COMMIT|SHA|REF|HASH|REVISION|BRANCH|TAG)|COMMIT(?:_?(?:SHA|HASH|ID|REF))?|"
    r"VCS_?REF|REVISION|SOURCE_COMMIT|CI_COMMIT_SHA|CI_PIPELINE_ID|GITHUB_SHA|GITHUB_RUN_ID|"
    r"CACHE_?BUST(?:ER)?|(?:APP_|BUILD_|IMAGE_|RELEASE_|PROJECT_)?VERSION|RELEASE|SEMVER)$",
    re.IGNORECASE,
)
_INSTALLS = frozenset({"dependency-install", "download"})


class VolatileValueBeforeInstall(Rule):
    """A value that changes on every build is declared before the dependency install.

    ## What it does
    Finds, in a stage, an `ARG` or `ENV` named like a per-build value (`BUILD_DATE`,
    `GIT_COMMIT`, `VCS_REF`, `BUILD_NUMBER`, `VERSION`, `CACHEBUST`...) that comes before a RUN
    installing or downloading dependencies in the same stage.

    ## Why it matters
    Every ARG and ENV in scope is part of each later RUN's environment, so BuildKit's cache key
    for those RUNs changes whenever the value does: with a new commit or date on every CI build,
    the dependency install never hits the cache. Declared after the installs (just before the
    `LABEL` or the step that uses it), the value busts only what really depends on it. A global
    `ARG` before `FROM` is harmless until a stage re-declares it.

    ## Example
    ```dockerfile
    FROM node:20
    ARG GIT_COMMIT
    COPY package*.json ./
    RUN npm ci
    ```
    Use instead:
    ```dockerfile
    FROM node:20
    COPY package*.json ./
    RUN npm ci
    ARG GIT_COMMIT
    ```

    ## Fix
    Unsafe: the ARG or ENV (with the comment lines just above it) moves to just after the last
    install of the stage. A program may read an environment variable without naming it, so
    the RUNs it passes over could behave differently. Offered only when every name it declares
    is a per-build one, nothing it passes over names the variable or declares it again, and each
    RUN it passes over runs only package-manager commands (installs, index updates, downloads,
    cache cleanups) and simple builtins; a build or a script (`npm run build`, `make`,
    `./build.sh`) may read the value, so it blocks the fix, and the message says so.
    """

    code = "DF109"
    name = "volatile-value-before-install"
    severity = Severity.WARNING
    fixes = (Applicability.UNSAFE,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have("arg", "env"):
            return
        from rewriter.fixes.volatile_move import declared_names, volatile_move_fix

        model = ctx.model
        runs = model.runs()
        for stage in model.stages:
            for ins in stage.body:
                if ins.name not in ("arg", "env"):
                    continue
                names = declared_names(ins)
                volatile = [n for n in names if _VOLATILE.match(n)]
                if not volatile:
                    continue
                installs = [
                    r
                    for r in runs
                    if r.stage is stage
                    and r.instruction.start_line > ins.start_line
                    and any(a.kind in _INSTALLS for a in r.actions)
                ]
                if not installs:
                    continue
                if len(volatile) < len(names):
                    fix, why = None, f"the {ins.keyword} also declares {_other(names)}"
                else:
                    fix, why = volatile_move_fix(ctx, ins, volatile, installs[-1])
                yield ctx.finding(
                    self,
                    ins,
                    f"{ins.keyword} {volatile[0]} changes on every build and comes before the "
                    f"install on line {installs[0].instruction.start_line}, which then never "
                    "hits the cache: declare it after the installs"
                    + (f"; not fixed: {why}" if why else ""),
                    fix=fix,
                )


def _other(names: list[str]) -> str:
    return next(n for n in names if not _VOLATILE.match(n))
