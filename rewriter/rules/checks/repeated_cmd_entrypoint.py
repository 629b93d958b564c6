"""DF402 repeated-cmd-entrypoint: a stage sets CMD, ENTRYPOINT or HEALTHCHECK more than once."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_ONCE = ("cmd", "entrypoint", "healthcheck")


class RepeatedCmdEntrypoint(Rule):
    """Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect.

    ## What it does
    Finds a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the same kind in the same
    stage overrides.

    ## Why it matters
    Each of these instructions replaces the previous value: the earlier ones do nothing. They
    are usually left over from an edit, and a reader may believe the first one is what runs.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "manage.py", "migrate"]
    CMD ["gunicorn", "app:app"]
    ```
    Only `gunicorn` runs. Keep one `CMD` (run the migration from an entrypoint script or a
    separate job).

    ## Fix
    None: deleting an instruction is never automatic, and which one was meant is for you to
    decide.
    """

    code = "DF402"
    name = "repeated-cmd-entrypoint"
    severity = Severity.WARNING
    hadolint = ("DL4003", "DL4004")
    buildkit = ("MultipleInstructionsDisallowed",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have(*_ONCE):
            return
        for stage in ctx.model.stages:
            by_name: dict[str, list] = {name: [] for name in _ONCE}
            for inst in stage.body:  # one pass over the stage for the three names
                same = by_name.get(inst.name)
                if same is not None:
                    same.append(inst)
            for name in _ONCE:
                found = by_name[name]
                for inst in found[:-1]:
                    last = found[-1]
                    yield ctx.finding(
                        self,
                        inst,
                        f"Multiple {name.upper()} instructions in stage '{stage.label}': only the "
                        f"last one (line {last.start_line}) takes effect",
                    )
