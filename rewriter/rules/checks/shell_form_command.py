"""DF401 shell-form-command: CMD/ENTRYPOINT in shell form, so the program never gets signals."""

from __future__ import annotations

import json
from collections.abc import Iterator

from rewriter.parser import Instruction
from rewriter.rules.base import Applicability, Edit, Finding, Fix, Rule, Severity
from rewriter.rules.context import RuleContext

# Words that make a shell-form command mean more than "run this program with these arguments".
_SHELL_SYNTAX = set("|&;<>()$`\\*?[]{}~#\"'\n")


class ShellFormCommand(Rule):
    """CMD and ENTRYPOINT should use the JSON (exec) form.

    ## What it does
    Finds `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) in stages that do
    not choose their shell with a `SHELL` instruction.

    ## Why it matters
    The shell form runs `/bin/sh -c "node server.js"`: the shell is PID 1 and does not forward
    `SIGTERM`, so `docker stop` waits ten seconds and kills the program without a clean
    shutdown. A shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.

    ## Example
    ```dockerfile
    CMD node server.js
    ```
    Use instead:
    ```dockerfile
    CMD ["node", "server.js"]
    ```

    ## Fix
    Unsafe, and offered only when the command is a plain list of words (no variables, quotes,
    globs, redirections, `&&` or other shell syntax), so no shell feature is lost. It is unsafe
    because the program becomes PID 1 (signals now reach it, zombies are no longer reaped by a
    shell) and, for `ENTRYPOINT`, `docker run` arguments are now passed to it. An `ENTRYPOINT`
    is not rewritten when the stage also sets `CMD`: the exec form would append that `CMD` to
    the command line.
    """

    code = "DF401"
    name = "shell-form-command"
    severity = Severity.WARNING
    fixes = (Applicability.UNSAFE,)
    hadolint = ("DL3025",)
    buildkit = ("JSONArgsRecommended",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have("cmd", "entrypoint"):
            return
        model = ctx.model
        for stage in model.stages:
            chain = _stage_chain(stage)
            for inst in stage.body:
                if inst.name not in ("cmd", "entrypoint") or inst.json or not inst.args:
                    continue
                if _shell_chosen(chain, inst):
                    continue
                fix = self._fix(inst, stage)
                yield ctx.finding(
                    self,
                    inst,
                    f"{inst.keyword.upper()} in shell form runs under /bin/sh -c, which does not "
                    f"pass signals on: use the JSON form",
                    fix=fix,
                )

    def _fix(self, inst: Instruction, stage) -> Fix | None:
        words = _plain_words(inst.args)
        if not words or inst.start_line != inst.end_line:
            return None
        if inst.name == "entrypoint" and any(i.name == "cmd" for i in stage.body):
            return None
        if words[0] == "exec" and len(words) > 1:
            words = words[1:]
        args_start = inst.syntax.args_start
        start, end = inst.file_span(args_start, args_start + len(inst.args))
        text = "[" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"
        return Fix(
            f"Use the JSON form {text}",
            (Edit(start, end, text),),
            Applicability.UNSAFE,
        )


def _plain_words(args: str) -> list[str] | None:
    """The words of ``args`` when it is nothing but plain words on one line, else None."""
    if any(ch in _SHELL_SYNTAX for ch in args):
        return None
    words = args.split()
    if not words or "=" in words[0]:  # ``A=1 prog``: an assignment only a shell performs
        return None
    return words


def _stage_chain(stage) -> list:
    """The stage and the stages it is built FROM, nearest first."""
    chain = []
    while stage is not None:
        chain.append(stage)
        stage = stage.base_stage
    return chain


def _shell_chosen(chain: list, inst: Instruction) -> bool:
    """True when a SHELL instruction before ``inst`` (in its stage or a base stage) applies."""
    for stage in chain:
        for other in stage.body:
            if other is inst:
                break
            if other.name == "shell":
                return True
    return False
