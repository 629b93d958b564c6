"""DF109's fix: move a per-build ARG/ENV (``GIT_COMMIT``, ``BUILD_DATE``) below the installs.

::

    FROM node:20                     FROM node:20
    ARG GIT_COMMIT                   COPY package*.json ./
    COPY package*.json ./      ->    RUN npm ci
    RUN npm ci                       ARG GIT_COMMIT
    LABEL revision=$GIT_COMMIT       LABEL revision=$GIT_COMMIT

Why it is unsafe: every ARG and ENV in scope is in each later RUN's environment, and a program
may read one without naming it (an install script that reads ``process.env.VERSION``). The fix
goes below the last install and no further, so what comes after it sees the value as before.

Why it is strict: it moves the whole instruction, so every name it declares must be a
per-build one, set nowhere before it in the stage (an earlier ARG, or an ENV of the base
stage, would keep it in the install's environment); nothing it passes over may name the
variable (``$GIT_COMMIT`` in a RUN, a COPY, an ENV...), and a RUN it passes over may only run
package-manager commands (installs, index updates, downloads, cache cleanups) and a few
builtins: a build (``npm run build``, ``make``) or a script may well read the value from its
environment. The comment lines directly above the
instruction move with it.
"""

from __future__ import annotations

import re
from typing import Any

from rewriter.fixes.dependency_first_edits import comment_block_start
from rewriter.rules.base import Applicability, Edit, Fix

#: Package-manager kinds a passed-over RUN may run (not ``build``: builds read their env).
_PACKAGE_KINDS = frozenset({"dependency-install", "download", "index-update", "cleanup"})
#: Builtins and tools that ignore an unknown environment variable.
_QUIET = frozenset({"set", "true", ":", "echo", "printf", "mkdir", "rm", "ln", "chmod", "chown"})
_QUIET |= {"useradd", "groupadd", "adduser", "addgroup", "corepack"}


def volatile_move_fix(
    ctx: Any, ins: Any, names: list[str], target: Any
) -> tuple[Fix | None, str | None]:
    """The fix moving ``ins`` (an ARG/ENV declaring ``names``, all per-build) to just after
    the RunStep ``target`` (the stage's last install after it), or None and why not."""
    earlier = ctx.model.state_of(ins).variables
    for name in names:
        if name in earlier:  # an earlier ARG/ENV of the stage, or its base stage's ENV
            return (
                None,
                f"{name} is set before line {ins.start_line} too: moving this one would not help",
            )
    body = target.stage.body
    between = body[body.index(ins) + 1 : body.index(target.instruction) + 1]
    reference = re.compile(r"\$\{?(?:" + "|".join(map(re.escape, names)) + r")\b")
    for inst in between:
        if reference.search(inst.to_source()):
            return None, f"line {inst.start_line} uses {names[0]}"
        if inst.name in ("arg", "env") and set(declared_names(inst)) & set(names):
            return None, f"line {inst.start_line} declares {names[0]} again"
        if inst.name == "run":
            reason = _run_blocker(ctx.model.run_of(inst), inst)
            if reason is not None:
                return None, reason
        elif inst.name in ("shell", "onbuild"):
            return None, f"`{inst.keyword}` on line {inst.start_line} comes before the install"
    start = comment_block_start(ctx.tree, ins)  # a comment about the value moves with it
    moved = ctx.source[start : ins.end_offset]
    at = target.instruction.end_offset
    if not target.instruction.to_source().endswith("\n"):  # the file's last line: add one
        ending = "\r\n" if moved.endswith("\r\n") else "\n"
        moved = ending + moved.rstrip("\r\n")
    edits = (Edit.delete(start, ins.end_offset), Edit.insert(at, moved))
    title = (
        f"Move `{ins.keyword} {names[0]}` below the install on line {target.instruction.start_line}"
    )
    return Fix(title, edits, Applicability.UNSAFE), None


def _run_blocker(step: Any, inst: Any) -> str | None:
    """Why a RUN the fix passes over may read the variable from its environment."""
    if step is None or inst.json or not step.commands:
        return f"the RUN on line {inst.start_line} may read it from its environment"
    for run_command in step.commands:
        command, action = run_command.command, run_command.action
        if action is not None and action.kind in _PACKAGE_KINDS:
            continue
        if command.known and action is None and command.name in _QUIET:
            continue
        words = " ".join(w.raw for w in command.words) or "a command"
        return f"`{words}` on line {inst.start_line} may read it from its environment"
    return None


def declared_names(ins: Any) -> list[str]:
    """The names an ARG or ENV declares (``rewriter.analyse.secrets.declarations``)."""
    from rewriter.analyse.secrets import declarations

    return [d.name for d in declarations(ins)]
