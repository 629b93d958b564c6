"""What a rule is given: the tree, the build model, the build context and the settings.

The model and the context scan are built lazily and once per file, so a run that selects only
rules reading the tree never pays for them. ``finding()`` turns a node or a file span into a
:class:`Finding` with 1-based line/column positions.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rewriter.records import Record
from rewriter.rules.base import Finding, Fix, Rule

_NEWLINE = re.compile("\n")

if TYPE_CHECKING:
    from rewriter.parser import Dockerfile, Instruction


class Settings(Record):
    """Options that change what rules do (from config files and the command line)."""

    __slots__ = ("build_args", "legacy_builder")

    def __init__(
        self,
        legacy_builder: bool = False,  # the file must also build without BuildKit: no --mount fixes
        build_args: dict[str, str] | None = None,  # None: {}
    ):
        self.legacy_builder = legacy_builder
        self.build_args = {} if build_args is None else build_args


class RuleContext:
    """Everything a rule may read about one Dockerfile."""

    #: Let rules skip work a cheap test shows cannot find anything (see :meth:`may_have`).
    #: Tests turn it off to prove every such shortcut finds what the general path finds.
    fast_paths = True

    def __init__(
        self,
        source: str,
        tree: Dockerfile,
        *,
        path: str | None = None,
        context_dir: Path | None = None,
        settings: Settings | None = None,
    ):
        self.source = source
        self.tree = tree
        self.path = path
        self.context_dir = context_dir
        self.settings = settings or Settings()
        self._line_starts: list[int] | None = None  # built by the first ``position`` call

    # -- lazily computed views ----------------------------------------------------------------
    @functools.cached_property
    def build_context(self) -> Any | None:
        """The scanned build context, or None when there is no context folder to read."""
        if self.context_dir is None or not os.path.isdir(self.context_dir):
            return None
        from rewriter.analyse.context import scan_context

        return scan_context(self.context_dir)

    @functools.cached_property
    def model(self) -> Any:
        """The build model (stages, state per instruction, RUN commands, copies)."""
        from rewriter.analyse.model import build_model

        return build_model(
            self.tree, context=self.build_context, build_args=self.settings.build_args
        )

    @functools.cached_property
    def instruction_names(self) -> frozenset[str]:
        """The lower-case names of the file's instructions (one pass for every rule)."""
        return frozenset([ins.name for ins in self.tree.instructions])

    @functools.cached_property
    def declared(self) -> list[tuple[Instruction, list[Any]]]:
        """Each ARG and ENV instruction with the variables it declares, in file order
        (``rewriter.analyse.secrets.declarations``, read once for DF201 and DF407)."""
        from rewriter.analyse.secrets import declarations

        found = []
        for ins in self.tree.instructions:
            if ins.name in ("arg", "env"):  # ``declarations`` finds none in any other
                decls = declarations(ins)
                if decls:
                    found.append((ins, decls))
        return found

    def may_have(self, *names: str) -> bool:
        """False when the file has no instruction called any of ``names``: a rule about
        those instructions has nothing to check (always True with ``fast_paths`` off)."""
        if not self.fast_paths:
            return True
        return not self.instruction_names.isdisjoint(names)

    # -- positions -----------------------------------------------------------------------------
    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset."""
        starts = self._line_starts
        if starts is None:
            # Offsets where each physical line starts ("\n" alone ends a line, as in the
            # parser); only files with findings need them.
            starts = self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.source)]
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def finding(
        self,
        rule: Rule,
        where: Instruction | tuple[int, int],
        message: str,
        *,
        fix: Fix | None = None,
        secrets: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of ``rule`` at an instruction (its first line) or at a file span."""
        if isinstance(where, tuple):
            start, end = where
        else:
            start = where.start_offset + (
                len(where.lines[0].text) - len(where.lines[0].text.lstrip())
            )
            first = where.lines[0].text.rstrip("\r\n")
            end = where.start_offset + len(first)
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start))
        return Finding(
            code=rule.code,
            name=rule.name,
            severity=rule.severity,
            message=message,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            start=start,
            end=end,
            fix=fix,
            file=self.path,
            secrets=secrets,
        )
