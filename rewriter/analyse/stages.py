"""Build stages: what each FROM starts, how stages refer to each other, which ones are built.

BuildKit builds only the target stage and the stages it reaches through ``FROM <stage>``,
``COPY --from=<stage or index>`` and ``RUN --mount=from=<stage>``; anything else is dead
weight that a rule may point out. Names compare case-insensitively (BuildKit lower-cases
``AS`` names); ``--from`` that names no stage is an external image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rewriter.parser import Instruction
from rewriter.records import Record

if TYPE_CHECKING:
    from rewriter.analyse.state import InstructionState


class Stage(Record, eq="identity"):
    """One build stage: a FROM and the instructions up to the next FROM."""

    __slots__ = (
        "_end_state",
        "_pending_end",
        "base",
        "base_raw",
        "base_stage",
        "depends_on",
        "family",
        "family_source",
        "from_instruction",
        "index",
        "instructions",
        "is_final",
        "name",
        "platform",
        "toolchains",
        "used",
    )

    def __init__(
        self,
        index: int,
        name: str | None,
        from_instruction: Instruction,
        base: str,
        base_raw: str,
        base_stage: Stage | None,
        platform: str | None,
        instructions: list[Instruction],
        family: str = "unknown",
        family_source: str = "none",
        toolchains: frozenset[str] = frozenset(),
        is_final: bool = False,
        used: bool = False,
        depends_on: list[Stage | str] | None = None,  # None: []
        end_state: InstructionState | None = None,
    ) -> None:
        #: 0-based position among the stages (what ``COPY --from=0`` refers to).
        self.index = index
        #: The ``AS`` name as written, or None. BuildKit compares names lower-cased: use
        #: :attr:`key`.
        self.name = name
        #: The FROM instruction that starts the stage.
        self.from_instruction = from_instruction
        #: The base image reference after expanding global ARGs (``node:20-alpine``), or the
        #: name of the earlier stage it builds on. Unknown variables stay as written
        #: (``node:${V}``).
        self.base = base
        #: The base as written in the FROM line.
        self.base_raw = base_raw
        #: The earlier stage this one is built FROM, if the base names one.
        self.base_stage = base_stage
        #: The ``--platform`` flag value after expanding global ARGs (None when absent).
        self.platform = platform
        #: Every instruction of the stage, FROM first.
        self.instructions = instructions
        #: OS family guessed from the image (debian, ubuntu, alpine, rhel, distroless, scratch,
        #: busybox, windows, unknown); inherited through ``base_stage``.
        self.family = family
        #: Where ``family`` comes from: ``image`` (name/tag), ``run`` (an unknown image whose
        #: RUNs call ``apk``/``apt-get``/``dnf``), ``none`` (unknown); a child stage copies its
        #: base's.
        self.family_source = family_source
        #: Toolchains the base image ships (node, python, go, java, jdk, jre, maven, gradle,
        #: rust, gcc, ...); inherited through ``base_stage``.
        self.toolchains = toolchains
        #: True for the stage ``docker build`` builds without ``--target`` (the last one).
        self.is_final = is_final
        #: True when the final stage reaches this one (itself included).
        self.used = used
        #: Stages (and, as str, external images) this stage needs: its base stage, ``COPY
        #: --from`` and ``RUN --mount=from=`` sources, in order of first use.
        self.depends_on = [] if depends_on is None else depends_on
        self._end_state = end_state
        #: ``(build, instruction, scope)``: ``end_state`` is ``build(instruction, self, scope)``,
        #: made on first read (the model sets it; few readers ever ask).
        self._pending_end: tuple[Any, ...] | None = None

    @property
    def end_state(self) -> InstructionState | None:
        """The state after the stage's last instruction (what a stage built FROM it
        inherits)."""
        pending = self._pending_end
        if pending is not None:
            build, instruction, scope = pending
            self._end_state = build(instruction, self, scope)
            self._pending_end = None
        return self._end_state

    @end_state.setter
    def end_state(self, state: InstructionState | None) -> None:
        self._end_state = state
        self._pending_end = None

    @property
    def key(self) -> str:
        """How BuildKit looks the stage up: the lower-cased name, or the index as text."""
        return self.name.lower() if self.name else str(self.index)

    @property
    def label(self) -> str:
        """A human name for messages: the ``AS`` name, or ``stage-<index>`` like BuildKit."""
        return self.name or f"stage-{self.index}"

    @property
    def root_image(self) -> str:
        """The external image at the bottom of the ``base_stage`` chain."""
        stage: Stage = self
        while stage.base_stage is not None:
            stage = stage.base_stage
        return stage.base

    @property
    def body(self) -> list[Instruction]:
        """The instructions after FROM."""
        return self.instructions[1:]

    def __repr__(self) -> str:
        return f"Stage({self.index}, {self.label!r}, base={self.base!r})"


def find_stage(
    stages: list[Stage], ref: str, *, by_index: bool, before: int | None = None
) -> Stage | None:
    """The stage ``ref`` names: an ``AS`` name (case-insensitive) or, with ``by_index``, a
    number. ``before`` limits the search to stages defined earlier (FROM can only use those).
    """
    candidates = stages if before is None else stages[:before]
    if by_index and ref.isdigit():
        index = int(ref)
        return stages[index] if index < len(stages) else None
    wanted = ref.lower()
    found = None
    for stage in candidates:
        if stage.name and stage.name.lower() == wanted:
            found = stage  # a later duplicate name wins, as BuildKit's name map does
    return found


def mark_used(final: Stage | None) -> None:
    """Set ``used`` on every stage the final stage reaches through ``depends_on``."""
    if final is None:
        return
    todo = [final]
    while todo:
        stage = todo.pop()
        if stage.used:
            continue
        stage.used = True
        for dep in stage.depends_on:
            if isinstance(dep, Stage):
                todo.append(dep)
