"""DF405 maintainer-deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.rules.base import Applicability, Edit, Finding, Fix, Rule, Severity
from rewriter.rules.context import RuleContext


class MaintainerDeprecated(Rule):
    """MAINTAINER is deprecated; use a label.

    ## What it does
    Finds `MAINTAINER` instructions.

    ## Why it matters
    `MAINTAINER` has been deprecated since Docker 1.13: it sets the image's legacy `Author` field,
    which registries and scanners ignore. The OCI label `org.opencontainers.image.authors` (or a
    plain `maintainer` label) is what tools read.

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```
    Use instead:
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```

    ## Fix
    Unsafe: the instruction is replaced by the label, which changes the image's metadata (the
    `Author` field is no longer set).
    """

    code = "DF405"
    name = "maintainer-deprecated"
    severity = Severity.INFO
    fixes = (Applicability.UNSAFE,)
    hadolint = ("DL4000",)
    buildkit = ("MaintainerDeprecated",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have("maintainer"):
            return
        for inst in ctx.tree.instructions:
            if inst.name != "maintainer":
                continue
            fix = None
            if inst.start_line == inst.end_line and inst.values:
                author = _double_quoted(inst.values[0], ctx.tree.escape)
                keyword = "LABEL" if inst.keyword.isupper() else inst.keyword[:0] + "label"
                first = inst.lines[0].text
                body_end = inst.start_offset + len(first.rstrip("\r\n"))
                start = inst.start_offset + (len(first) - len(first.lstrip(" \t")))
                fix = Fix(
                    "Replace MAINTAINER with an OCI authors label",
                    (
                        Edit(
                            start,
                            body_end,
                            f'{keyword} org.opencontainers.image.authors="{author}"',
                        ),
                    ),
                    Applicability.UNSAFE,
                )
            yield ctx.finding(self, inst, "MAINTAINER is deprecated: use a LABEL", fix=fix)


def _double_quoted(text: str, escape: str) -> str:
    """``text`` as the inside of a double-quoted LABEL value that BuildKit reads back as ``text``.

    MAINTAINER takes its text literally, but LABEL expands variables: ``$`` is escaped as well as
    ``"`` and the escape character, with the file's escape character (a backtick under
    ``# escape=`` ```), the three characters BuildKit unescapes inside double quotes.
    """
    return "".join(escape + char if char in ('"', "$", escape) else char for char in text)
