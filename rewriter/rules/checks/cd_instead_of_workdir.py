"""DF404 cd-instead-of-workdir: a RUN that starts with ``cd DIR`` and runs everything there."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_CHAINS = ("&&", ";", "\n")


class CdInsteadOfWorkdir(Rule):
    """Use WORKDIR instead of starting a RUN with `cd`.

    ## What it does
    Finds a shell-form `RUN` whose first command is `cd DIR` and whose remaining commands all
    run in `DIR` (`RUN cd /app && npm ci && npm run build`). A `cd` later in the script, or one
    the script leaves again, is not reported: there it is ordinary shell.

    ## Why it matters
    `WORKDIR /app` says where the stage works once, in a place every later instruction (and a
    reader) can see, and creates the directory if needed. A `cd` at the start of each `RUN`
    repeats that knowledge and is easy to forget in the next `RUN`, which then silently runs
    somewhere else.

    ## Example
    ```dockerfile
    RUN cd /app && npm ci
    ```
    Use instead:
    ```dockerfile
    WORKDIR /app
    RUN npm ci
    ```

    ## Fix
    None: `WORKDIR` also changes the directory of every later instruction, `CMD` and
    `ENTRYPOINT` included, so where to put it is a decision for the author.
    """

    code = "DF404"
    name = "cd-instead-of-workdir"
    severity = Severity.INFO
    hadolint = ("DL3003",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for run in ctx.model.runs():
            if not run.scripts or run.scripts[0].origin != "shell":
                continue
            script = run.scripts[0].script
            commands = [c for c in script.commands if c.known]
            if len(commands) < 2 or not script.ok:
                continue
            first = commands[0]
            argv = first.argv
            if first.name != "cd" or first.depth or first.connector is not None or len(argv) != 2:
                continue
            target = argv[1]
            if target is None or target in ("-", "") or target.startswith("-"):
                continue
            rest = commands[1:]
            if rest[0].connector not in _CHAINS:
                continue
            if any(c.cwd is None or _norm(c.cwd) != _norm(target) for c in rest):
                continue
            span = run.scripts[0].file_span(first.start, first.end)
            where = span if span else run.instruction
            yield ctx.finding(
                self,
                where,
                f"RUN starts with 'cd {target}' and runs everything there: use WORKDIR "
                f"{target} instead",
            )


def _norm(path: str) -> str:
    return path.rstrip("/") or "/"
