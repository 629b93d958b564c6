"""The build state each instruction runs in: variables, WORKDIR, USER, HOME, SHELL.

Rules ask "which HOME does this ``npm ci`` cache to?", "is ``$VERSION`` defined here?", "which
directory does ``COPY . .`` write to?". The answers depend on everything above the instruction
and on BuildKit's scoping rules, which differ from a shell's; :mod:`rewriter.analyse.model`
walks the file once and records one immutable :class:`InstructionState` per instruction.

Values follow one convention throughout: a mapping value of ``None`` means *defined, value
unknown* (a platform ARG such as ``TARGETARCH``, an ARG that only ``--build-arg`` sets, an ENV the
base image sets to something we cannot know). Unknown references stay in expanded text as
written (``/out/${TARGETARCH}``), so nothing pretends to know what it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rewriter.parser import Instruction
from rewriter.records import Record

if TYPE_CHECKING:
    from rewriter.analyse.stages import Stage

#: BuildKit's default shell for Linux images, used for shell-form RUN/CMD/ENTRYPOINT.
DEFAULT_SHELL: tuple[str, ...] = ("/bin/sh", "-c")
#: BuildKit's default shell for Windows images.
WINDOWS_SHELL: tuple[str, ...] = ("cmd", "/S", "/C")

#: ARGs BuildKit predefines in the global scope (visible to FROM; a stage sees them only after
#: re-declaring them with ``ARG NAME``). Their values depend on the builder and the target.
PLATFORM_ARGS: tuple[str, ...] = (
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
)
#: Every ARG BuildKit predefines in the global scope: the platform ARGs and ``TARGETSTAGE``
#: (the stage being built, dockerfile 1.x frontends).
PREDEFINED_ARGS: tuple[str, ...] = (*PLATFORM_ARGS, "TARGETSTAGE")
#: Proxy ARGs: usable in RUN without being declared; never in the image's history.
PROXY_ARGS: frozenset[str] = frozenset(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)


class ArgDecl(Record):
    """One name declared by an ``ARG`` instruction.

    ``default`` is the default as written (None when the ARG has none); ``value`` is the value
    in effect after BuildKit's rules (``--build-arg`` first, then the expanded default, then for
    a stage ARG without default the global ARG of the same name); None when unknown.
    ``from_build_arg`` says the value came from ``--build-arg``.
    """

    __slots__ = ("declared", "default", "from_build_arg", "instruction", "name", "value")

    def __init__(
        self,
        name: str,
        default: str | None,
        value: str | None,
        instruction: Instruction,
        from_build_arg: bool = False,
        declared: bool = True,  # False only for BuildKit's predefined platform ARGs
    ) -> None:
        self.name = name
        self.default = default
        self.value = value
        self.instruction = instruction
        self.from_build_arg = from_build_arg
        self.declared = declared


class InstructionState(Record, eq="identity"):
    """The state one instruction runs in (before its own effect is applied).

    For ``WORKDIR /app`` the state's ``workdir`` is the previous directory; read the next
    instruction's state, or :attr:`Stage.end_state`, for the state after it.
    """

    __slots__ = (
        "args",
        "env",
        "env_complete",
        "errors",
        "home",
        "instruction",
        "shell",
        "stage",
        "undefined_names",
        "user",
        "variables",
        "workdir",
    )

    def __init__(
        self,
        instruction: Instruction,
        stage: Stage | None,
        args: Mapping[str, str | None],
        env: Mapping[str, str | None],
        variables: Mapping[str, str | None],
        workdir: str,
        user: str,
        home: str | None,
        shell: tuple[str, ...],
        undefined_names: tuple[str, ...] = (),
        env_complete: bool = False,
        errors: tuple[str, ...] = (),
    ) -> None:
        self.instruction = instruction
        #: The stage the instruction belongs to; None for ARGs (and stray lines) before the
        #: first FROM.
        self.stage = stage
        #: ARGs in scope: global ARGs re-declared in this stage, stage ARGs and those inherited
        #: from a base stage. Value None: unknown. Before the first FROM: the global ARGs, with
        #: the predefined platform ARGs.
        self.args = args
        #: ENV in effect: set in this stage, inherited from the base stage, or known to be set
        #: by the base image (``GOPATH=/go`` for golang; ``PATH`` with an unknown value).
        self.env = env
        #: What a variable reference sees, as BuildKit's state env holds it (ARG and ENV
        #: merged; the later assignment wins). RUN commands see these as environment variables.
        self.variables = variables
        #: Absolute working directory (relative WORKDIRs resolved, default ``/``). May hold an
        #: unresolved ``${VAR}`` when a WORKDIR used an unknown variable.
        self.workdir = workdir
        #: The USER in effect as written after expansion (``app``, ``1000:1000``, ``root``).
        self.user = user
        #: The user's home: ENV HOME if set, ``/root`` for root/uid 0, ``/home/<name>`` for a
        #: named user (or the home a ``useradd -d`` in the stage gave it); None when unknown
        #: (numeric uid).
        self.home = home
        #: The shell for shell-form RUN/CMD/ENTRYPOINT (``SHELL`` changes it).
        self.shell = shell
        #: Variables this instruction references (in the words BuildKit expands) that nothing
        #: defines: not an ARG or ENV in scope, nor known base-image ENV. When the stage's base
        #: is an external image, its ENV is only partly known: check ``env_complete`` before
        #: reporting.
        self.undefined_names = undefined_names
        #: True when ``env`` lists every variable the image defines (stages built on
        #: ``scratch``).
        self.env_complete = env_complete
        #: Expansion errors BuildKit would fail the build with (``${X:?must be set}``...).
        self.errors = errors

    @property
    def user_name(self) -> str:
        """The user part of ``user`` (``app`` for ``app:staff``)."""
        return self.user.split(":", 1)[0]

    @property
    def is_root(self) -> bool:
        """True for ``root``/``0`` (also with any group)."""
        return self.user_name in ("root", "0", "")

    def known_variables(self) -> dict[str, str]:
        """Only the variables whose value is known (for ``Word.expand`` and recognisers)."""
        return {k: v for k, v in self.variables.items() if v is not None}


def home_for(user: str, env: Mapping[str, str | None], homes: Mapping[str, str]) -> str | None:
    """The HOME a process started as ``user`` gets: ENV HOME first, then the passwd guess.

    ``homes`` maps user names (and uids as text) created in the stage to their home folders.
    """
    if "HOME" in env:
        return env["HOME"]
    name = user.split(":", 1)[0]
    if name in ("root", "0", ""):
        return "/root"
    if name in homes:
        return homes[name]
    if name.isdigit() or "$" in name:
        return None
    return f"/home/{name}"
