"""DF105 apt-update-in-own-run."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Applicability, Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_INDEXED = ("apt-get", "apk", "dnf", "yum", "microdnf")


class AptUpdateInOwnRun(Rule):
    """A package index update runs in its own RUN, apart from the install that needs it.

    ## What it does
    Finds a RUN that updates a package index (`apt-get update`, `apk update`, `dnf makecache`)
    without installing anything, when a later RUN of the same stage installs with that tool.

    ## Why it matters
    BuildKit caches the update layer by its command text, which never changes. When the install
    line changes weeks later, the install re-runs against the *old* cached index: packages that
    were since removed from the mirror give "404 Not Found" or "Unable to locate package", and
    security updates are silently missed. Updating and installing in one RUN keeps them in step.

    ## Example
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```
    Use instead:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix
    Safe: the update moves to the start of the install's RUN, joined with `&&`, as written
    (`RUN apt-get update -qq && apt-get install -y curl`), and its own RUN goes. Offered only
    when the update is its RUN's only command, on one line and without flags; nothing between
    the two RUNs but LABEL, EXPOSE, CMD, ENTRYPOINT and similar metadata, or ENV/ARG that set no
    proxy or package-tool option; the install's RUN joins its commands with `&&` (so a failed
    update still fails it, as before) and sets no `--network`. Otherwise the message says why.
    """

    code = "DF105"
    name = "apt-update-in-own-run"
    severity = Severity.WARNING
    fixes = (Applicability.SAFE,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rewriter.fixes.index_update_merge import index_update_fix

        runs = ctx.model.runs()
        for index, run in enumerate(runs):
            actions = run.actions  # a list built on each access: read it once
            updated = {a.tool for a in actions if a.kind == "index-update"}
            if not updated:  # nothing below can be reported for this RUN
                continue
            installed = {a.tool for a in actions if a.kind == "dependency-install"}
            for tool in sorted(t for t in updated - installed if t in _INDEXED):
                later = next(
                    (
                        r
                        for r in runs[index + 1 :]
                        if r.stage is run.stage
                        and any(
                            a.tool == tool and a.kind == "dependency-install" for a in r.actions
                        )
                    ),
                    None,
                )
                if later is None:
                    continue
                fix, why = index_update_fix(run, later)
                yield ctx.finding(
                    self,
                    run.instruction,
                    f"the `{tool}` index update is cached apart from the install on line "
                    f"{later.instruction.start_line}: update and install in the same RUN"
                    + (f"; not fixed: {why}" if why else ""),
                    fix=fix,
                )


def _installs(action, tool: str) -> bool:
    return action.tool == tool and action.kind == "dependency-install"
