"""Unified diffs of what ``--fix`` would change (difflib), coloured with rich on a terminal.

Line endings are kept in the comparison, so a CRLF file shows CRLF-preserving edits as such.
Secret values that rules reported are masked before anything is displayed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from rewriter.parser.scanner import split_lines
from rewriter.rules.base import mask_text


def unified_diff(old: str, new: str, path: str, secrets: Iterable[str] = ()) -> str:
    lines = difflib.unified_diff(
        split_lines(old),  # only "\n" ends a line, as in the parser
        split_lines(new),
        fromfile=path if path.startswith("/") else f"a/{path}",
        tofile=path if path.startswith("/") else f"b/{path}",
    )
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return mask_text("".join(out), secrets)


def print_diff(text: str, *, color: bool, file) -> None:
    if not color:
        file.write(text)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file, force_terminal=True, highlight=False, soft_wrap=True)
    for line in text.splitlines():
        style = None
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        console.print(Text(line, style=style or ""))
