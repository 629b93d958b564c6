"""DF408 stage-name-casing: upper-case stage names and an ``AS`` whose case differs from FROM."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriter.parser import Instruction
from rewriter.rules.base import Applicability, Edit, Finding, Fix, Rule, Severity
from rewriter.rules.context import RuleContext

_WORD = re.compile(r"\S+")


class StageNameCasing(Rule):
    """Stage names should be lower case, and `AS` should match the case of `FROM`.

    ## What it does
    Finds stage names with upper-case letters (`FROM golang AS Builder`) and `FROM ... AS name`
    lines whose `AS` keyword is not written in the same case as `FROM` (`FROM x as y`).

    ## Why it matters
    BuildKit lower-cases stage names when it reads them, so `Builder`, `builder` and `BUILDER`
    all name the same stage: writing them in capitals suggests a distinction that does not
    exist. Mixing `FROM` with `as` is only a readability problem, but `docker build --check`
    reports both (StageNameCasing, FromAsCasing), so a clean file keeps CI quiet.

    ## Example
    ```dockerfile
    FROM golang:1.22 as Builder
    COPY --from=Builder /out/app /app
    ```
    Use instead:
    ```dockerfile
    FROM golang:1.22 AS builder
    COPY --from=builder /out/app /app
    ```

    ## Fix
    Safe. `as` is re-cased to match `FROM`; a stage name is lower-cased where it is defined and
    wherever a `FROM`, `COPY --from` or `RUN --mount=from=` names it. BuildKit lower-cases names
    itself (for `--target` too), so the build is the same.
    """

    code = "DF408"
    name = "stage-name-casing"
    severity = Severity.STYLE
    fixes = (Applicability.SAFE,)
    buildkit = ("StageNameCasing", "FromAsCasing")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for inst in ctx.tree.instructions:
            if inst.name != "from":
                continue
            words = _from_words(inst)
            if len(words) != 3 or words[1][2].lower() != "as":
                continue
            as_word, name_word = words[1], words[2]
            wanted = _as_case(inst.keyword)
            if wanted is not None and as_word[2] != wanted:
                start, end = inst.file_span(as_word[0], as_word[1])
                yield ctx.finding(
                    self,
                    (start, end),
                    f"'{as_word[2]}' and '{inst.keyword}' keywords' casing do not match",
                    fix=Fix(f"Write '{wanted}'", (Edit(start, end, wanted),)),
                )
            name = name_word[2]
            if name != name.lower():
                start, end = inst.file_span(name_word[0], name_word[1])
                edits = [Edit(start, end, name.lower())]
                edits += _reference_edits(ctx, name)
                yield ctx.finding(
                    self,
                    (start, end),
                    f"Stage name '{name}' should be lower case: BuildKit reads it as "
                    f"'{name.lower()}'",
                    fix=Fix(f"Rename the stage to '{name.lower()}'", tuple(sorted(edits))),
                )


def _as_case(keyword: str) -> str | None:
    """The spelling of AS that matches ``keyword``; None when FROM itself is mixed case."""
    if keyword == keyword.lower():
        return "as"
    if keyword == keyword.upper():
        return "AS"
    return None  # BuildKit leaves mixed-case FROM to its instruction-casing check


def _from_words(inst: Instruction) -> list[tuple[int, int, str]]:
    """FROM's argument words with their logical-line offsets (FROM arguments are never quoted)."""
    base = inst.syntax.args_start
    return [(base + m.start(), base + m.end(), m.group()) for m in _WORD.finditer(inst.args)]


def _reference_edits(ctx: RuleContext, name: str) -> list[Edit]:
    """Edits re-casing every reference to stage ``name`` written exactly as ``name``.

    References in other casings already resolve to the same stage; they are left alone so the
    fix never touches text it does not need to.
    """
    edits: list[Edit] = []
    for inst in ctx.tree.instructions:
        if inst.name == "from":
            words = _from_words(inst)
            if words and words[0][2] == name:
                edits.append(Edit(*inst.file_span(words[0][0], words[0][1]), name.lower()))
        for flag in inst.flags:
            if inst.name in ("copy", "add") and flag.name == "from" and flag.value == name:
                raw = inst.logical.text[flag.start : flag.end]
                at = raw.rfind(name)
                if at >= 0 and raw.endswith(name):
                    s, e = inst.file_span(flag.start + at, flag.start + at + len(name))
                    edits.append(Edit(s, e, name.lower()))
            elif inst.name == "run" and flag.name == "mount" and flag.value:
                raw = inst.logical.text[flag.start : flag.end]
                for match in re.finditer(r"(?i)(?<=from=)" + re.escape(name) + r"(?=,|$|\")", raw):
                    if match.group() == name:
                        s, e = inst.file_span(flag.start + match.start(), flag.start + match.end())
                        edits.append(Edit(s, e, name.lower()))
    return edits
