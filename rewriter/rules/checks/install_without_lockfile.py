"""DF108 install-without-lockfile."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Applicability, Edit, Finding, Fix, Rule, Severity
from rewriter.rules.context import RuleContext

#: tool -> lockfiles that commit the project to it
_LOCKFILES = {
    "npm": ("package-lock.json", "npm-shrinkwrap.json"),
    "yarn": ("yarn.lock",),
    "pnpm": ("pnpm-lock.yaml",),
}


class InstallWithoutLockfile(Rule):
    """`npm install` / `yarn install` / `pnpm install` ignore the lockfile the project has.

    ## What it does
    When dfopt knows the build context and it holds a lockfile (`package-lock.json`,
    `yarn.lock`, `pnpm-lock.yaml`), finds installs of the project's dependencies that may
    re-resolve versions instead of installing exactly what the lockfile says.

    ## Why it matters
    The image then gets whatever versions are newest at build time: two builds of the same
    commit can differ, a bad release breaks a build that worked yesterday, and the lockfile can
    be rewritten inside the image. Lockfile mode fails loudly when `package.json` and the
    lockfile disagree, and is usually faster.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm install
    ```
    Use instead:
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN npm ci
    ```

    ## Fix
    Unsafe (it changes how dependencies are resolved, and fails when the lockfile is out of
    date): `npm install` becomes `npm ci`; `yarn install` gets `--frozen-lockfile` (Yarn 2+:
    `--immutable`); `pnpm install` gets `--frozen-lockfile`.
    """

    code = "DF108"
    name = "install-without-lockfile"
    severity = Severity.WARNING
    fixes = (Applicability.UNSAFE,)
    hadolint = ()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        context = ctx.build_context
        if context is None:
            return
        for run in ctx.model.runs():
            for command in run.commands:
                action = command.action
                if action is None or not action.lockfile_mode_available:
                    continue
                if not _has_lockfile_mode(action):
                    continue
                lockfiles = [f for f in _LOCKFILES.get(action.tool, ()) if context.has(f)]
                if not lockfiles:
                    continue
                fix = _fix(ctx, command, action, berry=context.has(".yarnrc.yml"))
                yield ctx.finding(
                    self,
                    run.instruction,
                    f"`{action.tool} {action.subcommand or 'install'}` may ignore {lockfiles[0]}: "
                    "install in lockfile mode",
                    fix=fix,
                )


def _has_lockfile_mode(action) -> bool:
    """Whether the subcommand has a lockfile mode dfopt can switch on.

    ``npm install`` has ``npm ci``; the others need one of their subcommand's lockfile flags.
    ``yarn workspaces focus`` has none (Yarn rejects ``--immutable`` there, yarnpkg/berry#6277)
    although the package table offers a lockfile alternative for it: asking for lockfile mode
    would be a false positive, and adding the flag a broken command that re-fires forever.
    """
    if action.tool == "npm":
        return True
    from rewriter.analyse.packages import TOOLS

    tool = next((t for t in TOOLS if t.tool == action.tool), None)
    sub = tool.subcommands.get(action.subcommand or "") if tool else None
    return sub is not None and bool(sub.lockfile_flags)


def _subcommand_end(words, subcommand: str | None):
    """The last word of ``subcommand`` (``install``; ``focus`` of ``workspaces focus``)."""
    parts = (subcommand or "").split()
    if not parts:
        return None
    values = [w.value for w in words]
    for i in range(1, len(words) - len(parts) + 1):
        if values[i : i + len(parts)] == parts:
            return words[i + len(parts) - 1]
    return None


def _fix(ctx: RuleContext, command, action, *, berry: bool) -> Fix | None:
    words = command.command.words
    sub = _subcommand_end(words, action.subcommand)
    if action.tool == "npm":
        if sub is None:
            return None
        start, end, text, title = sub.start, sub.end, "ci", "Use `npm ci`"
    else:
        flag = "--immutable" if (action.tool == "yarn" and berry) else "--frozen-lockfile"
        anchor = sub or words[0]
        start, end, text, title = anchor.end, anchor.end, " " + flag, f"Add `{flag}`"
    span = command.script.file_span(start, end)
    if span is None:
        return None
    return Fix(title, (Edit(span[0], span[1], text),), Applicability.UNSAFE)
