"""DF407 undefined-variable: ``$NAME`` where BuildKit expands it and nothing defines it."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext


class UndefinedVariable(Rule):
    """Variables should be defined before they are used.

    ## What it does
    Finds variable references in the instructions BuildKit expands itself (`FROM`, `COPY`,
    `ADD`, `ENV`, `WORKDIR`, `USER`, `LABEL`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, `ARG`
    defaults, mount options) that no `ARG` or `ENV` in scope defines. In `FROM`, only global
    `ARG`s (declared before the first `FROM`) and the platform `ARG`s count. Inside a stage
    built on an external image, whose own environment dfopt cannot see, a name is reported only
    when the mistake is clear: the name is declared elsewhere in the file (typically a global
    `ARG` not re-declared in the stage) or is a near-miss of a defined name.

    ## Why it matters
    An undefined variable expands to an empty string without any error: `COPY app-$VERSION.jar`
    copies `app-.jar`, `FROM node:${NODE}` pulls `node:` (an error) and `WORKDIR $APP_HOME`
    becomes `/`. The most common cause is a global `ARG` used inside a stage: global ARGs are
    only visible to `FROM` unless the stage says `ARG NAME` again.

    ## Example
    ```dockerfile
    ARG VERSION=1.4
    FROM alpine:3.20
    COPY app-$VERSION.tar.gz /tmp/
    ```
    Use instead:
    ```dockerfile
    ARG VERSION=1.4
    FROM alpine:3.20
    ARG VERSION
    COPY app-$VERSION.tar.gz /tmp/
    ```

    ## Fix
    None: whether an `ARG` is missing or the name is misspelt is for the author to say.
    """

    code = "DF407"
    name = "undefined-variable"
    severity = Severity.WARNING
    buildkit = ("UndefinedVar", "UndefinedArgInFrom")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        model = ctx.model
        declared_anywhere: set[str] | None = None  # read at the first undefined name
        for stage in model.stages:
            for inst in stage.instructions:
                state = model.state_of(inst)
                for name in state.undefined_names:
                    if inst.name == "from":
                        hint = _did_you_mean(name, set(model.global_scope))
                        yield ctx.finding(
                            self,
                            inst,
                            f"FROM uses '${name}', which is not a global ARG (declare "
                            f"'ARG {name}' before the first FROM){hint}",
                        )
                        continue
                    defined = set(state.variables)
                    hint = _did_you_mean(name, defined)
                    if declared_anywhere is None:
                        declared_anywhere = _declared_names(ctx)
                    if name in model.global_args:
                        yield ctx.finding(
                            self,
                            inst,
                            f"'${name}' is a global ARG, which is not visible inside a stage: "
                            f"add 'ARG {name}' to stage '{stage.label}'",
                        )
                    elif state.env_complete or hint or name in declared_anywhere:
                        where = (
                            " (it is declared in another stage)"
                            if name in declared_anywhere and not hint
                            else hint
                        )
                        yield ctx.finding(
                            self,
                            inst,
                            f"Usage of undefined variable '${name}'{where}",
                        )


def _did_you_mean(name: str, candidates: set[str]) -> str:
    import difflib  # only for an undefined variable: not at start-up (difflib pulls in heapq)

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return f" (did you mean ${close[0]}?)" if close else ""


def _declared_names(ctx: RuleContext) -> set[str]:
    """Every name an ARG or ENV declares anywhere in the file."""
    return {d.name for _, decls in ctx.declared for d in decls}
