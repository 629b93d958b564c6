"""Text for the dependency-first rewrite: new COPY/RUN lines in the file's style, and the move.

Why the move is done on the broad COPY and not on the install: moving ``COPY . .`` down to just
after the install keeps the install RUN, and every ENV/ARG/USER between them, exactly where and
as it was (byte for byte); the comment lines directly above the COPY travel with it. The new
lines copy their neighbours' keyword case, indentation, flags and line ending.
"""

from __future__ import annotations

import posixpath
import shlex
from typing import TYPE_CHECKING

from rewriter.parser import Comment, Dockerfile, Instruction
from rewriter.rules.base import Edit

if TYPE_CHECKING:
    from rewriter.fixes.dependency_first_inputs import Inputs
    from rewriter.fixes.dependency_first_scan import BroadCopy, DependencyStep

#: Flags of the broad COPY that the manifest COPY repeats.
KEPT_FLAGS = ("chown", "chmod", "link")
#: Flags a broad COPY may carry for the rewrite to stay exact (``--exclude`` could drop a
#: manifest; ``--parents`` changes where files land).
ALLOWED_FLAGS = frozenset(KEPT_FLAGS)


def line_ending(inst: Instruction, source: str = "") -> str:
    """The instruction's line ending; the file's (``source``) when it is a last line without
    one, so that a CRLF file never gets LF lines."""
    first = inst.lines[0].text
    if first.endswith("\n") or not source:
        return "\r\n" if first.endswith("\r\n") else "\n"
    newline = source.find("\n")
    return "\r\n" if newline > 0 and source[newline - 1] == "\r" else "\n"


def indentation(inst: Instruction) -> str:
    text = inst.lines[0].text
    return text[: len(text) - len(text.lstrip(" \t"))]


def styled(keyword: str, like: str) -> str:
    """``keyword`` in the case of ``like`` (``copy`` next to ``run``, ``COPY`` next to ``RUN``)."""
    if like.islower():
        return keyword.lower()
    if like.isupper():
        return keyword.upper()
    return keyword.capitalize()


def flag_text(inst: Instruction, names: tuple[str, ...]) -> list[str]:
    """The raw text of the instruction's flags called ``names`` (as written, quotes kept)."""
    line = inst.logical.text
    return [line[f.start : f.end] for f in inst.flags if f.name in names]


def _dest_dir(dest: str) -> str:
    return dest if dest.endswith("/") else dest + "/"


def _sub_dest(dest: str, folder: str) -> str:
    base = dest.rstrip("/")
    if base in ("", "."):
        return f"./{folder}/" if base == "." else f"/{folder}/"
    return f"{base}/{folder}/"


def manifest_copies(copy: BroadCopy, inputs: Inputs) -> list[str]:
    """The COPY lines (without line ending) that bring ``inputs`` to the broad COPY's place."""
    keyword = styled("COPY", copy.inst.keyword)
    flags = flag_text(copy.inst, KEPT_FLAGS)
    dest = copy.dest
    by_folder: dict[str, list[str]] = {}
    for name in inputs.files:
        folder, _, _ = name.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    lines: list[str] = []
    for folder, names in by_folder.items():
        sources = [_source(copy, n) for n in names]
        target = _sub_dest(dest, folder) if folder else _dest_dir(dest)
        lines.append(" ".join([keyword, *flags, *sources, target]))
    for name in inputs.dirs:
        lines.append(" ".join([keyword, *flags, _source(copy, name), _sub_dest(dest, name)]))
    return lines


def _source(copy: BroadCopy, name: str) -> str:
    return name if copy.source == "." else posixpath.join(copy.source, name)


def download_run(step: DependencyStep, command: str, workdir: str | None) -> str:
    """A RUN line for ``command`` with the build step's non-bind mounts and network flag.

    When the build changes folder itself (``RUN cd /src && go build``), the download must run
    in that same folder: ``workdir`` is the WORKDIR the new line runs in, and a ``cd`` to the
    build's folder goes first when they differ. Without it the download would not find the
    manifests, and the build would still look undownloaded on the next pass.
    """
    inst = step.inst
    keyword = styled("RUN", inst.keyword)
    line = inst.logical.text
    flags = [
        line[f.start : f.end]
        for f in inst.flags
        if (f.name == "mount" and "type=bind" not in (f.value or "") and _typed(f.value))
        or f.name == "network"
    ]
    prefixes = [w.raw for w in step.action.command.assignments]
    cd = []
    if step.directory is not None and step.directory != (workdir or "/"):
        cd = ["cd", shlex.quote(step.directory), "&&"]
    return " ".join([keyword, *flags, *cd, *prefixes, command])


def _typed(value: str | None) -> bool:
    """A mount with an explicit non-bind type (an untyped mount is a bind mount)."""
    return value is not None and any(
        part.strip().lower().startswith("type=") for part in value.split(",")
    )


def comment_block_start(tree: Dockerfile, inst: Instruction) -> int:
    """The offset where the comment lines directly above ``inst`` begin (its own start if none)."""
    nodes = tree.nodes
    index = next(i for i, node in enumerate(nodes) if node is inst)
    start = inst.start_offset
    while index > 0 and isinstance(nodes[index - 1], Comment):
        index -= 1
        start = nodes[index].offset
    return start


def insert_before(tree: Dockerfile, copy: BroadCopy, lines: list[str]) -> tuple[Edit, ...]:
    """Insert ``lines`` before the broad COPY (and the comments that belong to it)."""
    eol = line_ending(copy.inst)
    indent = indentation(copy.inst)
    at = comment_block_start(tree, copy.inst)
    return (Edit.insert(at, "".join(f"{indent}{line}{eol}" for line in lines)),)


def move_after(
    tree: Dockerfile, source: str, copy: BroadCopy, step: DependencyStep, lines: list[str]
) -> tuple[Edit, ...]:
    """Put ``lines`` where the broad COPY was and move the COPY (with its comments) after
    the install RUN."""
    eol = line_ending(copy.inst, source)
    indent = indentation(copy.inst)
    start = comment_block_start(tree, copy.inst)
    block = source[start : copy.inst.end_offset]
    replacement = "".join(f"{indent}{line}{eol}" for line in lines)
    end = step.inst.end_offset
    if source[:end].endswith("\n"):
        moved = block
    else:  # the install is the file's last line, without a line ending
        moved = eol + block[: -len(eol)] if block.endswith(eol) else eol + block
    return (Edit(start, copy.inst.end_offset, replacement), Edit.insert(end, moved))
