"""Parse BuildKit's ``--progress=plain`` log into one record per build step.

Tests ask questions such as "did ``npm ci`` run or was it CACHED?" and "what did the stand-in print
while it ran?"; the plain log answers them, but its lines interleave steps (``#7 ...``), repeat a
step's header when output switches between steps, and prefix output with a timestamp. This module
turns it into ordered :class:`Step` records. The format is Docker 20.10's built-in BuildKit:

    #8 [build 3/5] RUN npm ci
    #8 sha256:46cb...
    #8 0.185 standin-npm: cache hit 0/4 (/root/.npm)
    #8 DONE 0.3s          (or "#8 CACHED", or "#8 ERROR: ...")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"^#(\d+) (.*)$")
_OUTPUT = re.compile(r"^\d+\.\d+ ?(.*)$")
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")
_STAGE = re.compile(
    r"^\[(?:(?P<stage>[^\]]*?) )?(?P<index>\d+)/(?P<count>\d+)\] (?P<instr>.*)$", re.S
)
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse whitespace runs: BuildKit prints a continued RUN with the line breaks removed."""
    return _SPACE.sub(" ", text).strip()


@dataclass
class Step:
    """One vertex of the build as BuildKit reports it.

    ``name`` is the header exactly as printed (``[build 2/4] RUN npm ci``, ``[internal] load
    build context``); ``instruction`` drops the ``[stage i/n]`` prefix; ``stage`` is the stage name
    (``None`` for an unnamed stage) and ``internal`` marks BuildKit's own steps (context transfer,
    metadata, export). BuildKit prints RUN with ARG/ENV values already substituted.
    """

    id: int
    name: str
    instruction: str
    stage: str | None
    internal: bool
    cached: bool = False
    duration: float | None = None
    output: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ran(self) -> bool:
        """True when the step executed in this build (it was neither CACHED nor skipped)."""
        return not self.cached and (self.duration is not None or self.error is not None)

    @property
    def text(self) -> str:
        """The step's output as one string."""
        return "\n".join(self.output)


def _make_step(step_id: int, name: str) -> Step:
    match = _STAGE.match(name)
    if match:
        return Step(step_id, name, match["instr"], match["stage"], internal=False)
    return Step(step_id, name, name, None, internal=True)


def parse_progress(log: str) -> list[Step]:
    """Steps in the order BuildKit first mentioned them."""
    steps: dict[int, Step] = {}
    for raw in log.splitlines():
        match = _LINE.match(raw)
        if not match:
            continue
        step_id, rest = int(match[1]), match[2]
        step = steps.get(step_id)
        if step is None:
            steps[step_id] = _make_step(step_id, rest)
            continue
        if rest == step.name or rest.startswith("sha256:"):
            continue
        if rest == "CACHED":
            step.cached = True
        elif done := _DONE.match(rest):
            step.duration = float(done[1])
        elif rest.startswith("ERROR"):
            step.error = rest.partition(":")[2].strip() or rest
        elif out := _OUTPUT.match(rest):
            step.output.append(out[1])
    return list(steps.values())
