"""The build model: stages, ARG/ENV scopes, state per instruction, RUN commands and COPYs.

Rules must not re-derive BuildKit's semantics each on their own (and each slightly wrong), so
this module walks a parsed Dockerfile once, the way BuildKit dispatches it, and answers the
questions rules ask: which stage is this, which variables are in scope and with what value,
which directory and user does it run as, which package manager does this RUN call and where
does its cache live, what does this COPY bring in from the context.

Public API (all importable from this module)::

    build_model(tree, *, context=None, build_args=None) -> BuildModel
    BuildModel.stages / global_args / global_scope / final_stage / context / build_args
    BuildModel.state_of(ins) -> InstructionState      BuildModel.stage_of(ins) -> Stage | None
    BuildModel.runs() -> list[RunStep]                 BuildModel.copies() -> list[CopyStep]
    BuildModel.run_of(ins) / copy_of(ins) / stage_named(ref) / to_json()
    model_json(model) -> dict

``build_model`` does the cheap part eagerly (stages, scopes, references, reachability) and
parses RUN scripts only when :meth:`BuildModel.runs` is first called, so that rules that never
look at shell code cost nothing extra.

Reading BuildKit's rules (dockerfile2llb ``dispatch``), reproduced here:

* global ARGs (before the first FROM) are expanded in order with earlier global ARGs and the
  predefined platform ARGs; ``--build-arg`` replaces a default. FROM (image and ``--platform``)
  sees only this global scope.
* inside a stage, ``ARG NAME`` without default takes ``--build-arg NAME`` or, failing that, the
  global ARG's value; ``ARG NAME=default`` takes ``--build-arg`` or the default expanded in the
  stage. ARG values join the stage's environment (a later ENV/ARG of the same name wins).
* ENV expands every value with the variables as they were before the instruction
  (``ENV A=1 B=$A`` gives B the *old* A).
* a stage built ``FROM`` an earlier stage inherits its variables (ARGs included), WORKDIR, USER
  and SHELL.

An ARG without default that ``build_args`` does not set has an *unknown* value, not an empty
one: BuildKit would leave it unset, but a linter cannot know which ``--build-arg`` a build passes.
References to unknown or undefined variables stay in expanded text as written.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rewriter.analyse.expand import ExpansionError, LexerOptions, expand, referenced_names
from rewriter.analyse.expand_lexer import Lexer
from rewriter.analyse.images import (
    WINDOWS,
    guess_family,
    guess_toolchains,
    shared_image_defaults,
)
from rewriter.analyse.mounts import Mount, parse_mount
from rewriter.analyse.stages import Stage, find_stage, mark_used
from rewriter.analyse.state import (
    DEFAULT_SHELL,
    PREDEFINED_ARGS,
    WINDOWS_SHELL,
    ArgDecl,
    InstructionState,
    home_for,
)
from rewriter.parser import Dockerfile, Heredoc, Instruction
from rewriter.records import Record

if TYPE_CHECKING:
    from rewriter.analyse.shell import Command, Script

__all__ = [
    "ArgDecl",
    "BuildModel",
    "CopyStep",
    "InstructionState",
    "Mount",
    "RunCommand",
    "RunScript",
    "RunStep",
    "Stage",
    "build_model",
    "model_json",
]

#: Every predefined ARG with its value unknown (copied for each model's global scope).
_PREDEFINED_UNKNOWN: dict[str, str | None] = dict.fromkeys(PREDEFINED_ARGS)
_KEEP_UNSET = LexerOptions(keep_unset=True)
_PLAIN = LexerOptions()
#: ``${NAME:`` (any text without ``:`` or ``}`` between): see ``_Expander.word``.
#: Ecosystems of the OS package managers: what they do does not depend on the folder they run
#: in, so they are recognised even after a ``cd`` the model cannot follow.
_SYSTEM = frozenset({"deb", "apk", "rpm"})
_COLON_FORM = re.compile(r"\$\{[^:}]*:")
#: Instructions ``_Builder._apply`` looks at (the others change nothing it tracks).
_APPLIED = frozenset(
    {"arg", "env", "workdir", "user", "shell", "copy", "add", "expose", "volume", "stopsignal",
     "label", "run"}
)  # fmt: skip
#: Instructions that may read from another stage (through ``--from`` or ``--mount=from=``).
_READS_STAGES = frozenset({"copy", "add", "run"})
#: Instructions ``_Builder._apply`` only expands the words of (recording undefined names and
#: errors), without changing the scope.
_WORDS_ONLY = frozenset({"copy", "add", "expose", "volume", "stopsignal", "label"})
#: Instructions whose ``_Builder._apply`` may change the scope (the others only expand words).
_CHANGES_SCOPE = frozenset({"arg", "env", "workdir", "user", "shell", "run"})
#: Instructions whose words BuildKit expands (RUN, CMD, ENTRYPOINT, HEALTHCHECK are not).
_EXPANDED = frozenset(
    {"add", "copy", "env", "expose", "label", "stopsignal", "user", "volume", "workdir", "arg"}
)


# -- scope -----------------------------------------------------------------------------------


class _Scope:
    """The mutable state while walking one stage; snapshots become InstructionStates.

    Dicts are replaced, never mutated, once a snapshot shares them (copy on write), so a
    stage of 200 instructions does not copy its variables 200 times.
    """

    __slots__ = (
        "_home",
        "args",
        "declared",
        "env",
        "env_complete",
        "homes",
        "known",
        "shell",
        "user",
        "variables",
        "workdir",
    )

    def __init__(self) -> None:
        self.variables: dict[str, str | None] = {}
        self.known: dict[str, str] = {}
        self.args: dict[str, str | None] = {}
        self.env: dict[str, str | None] = {}
        self.declared: frozenset[str] = frozenset()
        self.workdir = "/"
        self.user = "root"
        self.shell: tuple[str, ...] = DEFAULT_SHELL
        self.homes: dict[str, str] = {}
        self.env_complete = False
        self._home: tuple[str, dict, dict, str | None] | None = None  # see ``home``

    def home(self) -> str | None:
        """``home_for`` the current user, ENV and homes (every snapshot asks).

        Remembered with the objects it was computed from: the dicts are replaced, never
        modified, so the same objects mean the same answer.
        """
        cached = self._home
        user, env, homes = self.user, self.env, self.homes
        if (
            cached is None
            or cached[0] is not user
            or cached[1] is not env
            or cached[2] is not homes
        ):
            cached = self._home = (user, env, homes, home_for(user, env, homes))
        return cached[3]

    @staticmethod
    def of(
        variables: dict[str, str | None],
        known: dict[str, str],
        args: dict[str, str | None],
        env: dict[str, str | None],
        workdir: str,
        user: str,
        shell: tuple[str, ...],
        env_complete: bool,
    ) -> _Scope:
        """A scope with these values, nothing declared and no home learnt (``_Scope()`` and
        the assignments, without making the values it would replace)."""
        scope = _Scope.__new__(_Scope)
        scope._home = None
        scope.args = args
        scope.declared = frozenset()
        scope.env = env
        scope.env_complete = env_complete
        scope.homes = {}
        scope.known = known
        scope.shell = shell
        scope.user = user
        scope.variables = variables
        scope.workdir = workdir
        return scope

    def copy(self) -> _Scope:
        """A scope sharing every value (the dicts are copied on write)."""
        other = _Scope.__new__(_Scope)
        other._home = self._home
        other.args = self.args
        other.declared = self.declared
        other.env = self.env
        other.env_complete = self.env_complete
        other.homes = self.homes
        other.known = self.known
        other.shell = self.shell
        other.user = self.user
        other.variables = self.variables
        other.workdir = self.workdir
        return other

    def set_variable(self, name: str, value: str | None) -> None:
        self.variables = {**self.variables, name: value}
        known = dict(self.known)
        if value is None:
            known.pop(name, None)
        else:
            known[name] = value
        self.known = known


class _Expanded(Record, eq="mutable"):
    """A word after expansion, the names it used that nothing defines, and BuildKit's error."""

    __slots__ = ("error", "undefined", "value")

    def __init__(self, value: str, undefined: list[str], error: str | None = None) -> None:
        self.value = value
        self.undefined = undefined
        self.error = error


class _Expander:
    """BuildKit word expansion against a scope, keeping unknown references as written."""

    def __init__(self, escape: str) -> None:
        self.escape = escape
        # Words without any of these characters expand to themselves.
        self._special = re.compile("[" + re.escape("$'\"" + escape) + "]").search

    def plain(self, text: str) -> bool:
        """True when ``text`` expands to itself (no ``$``, quote or escape character)."""
        return self._special(text) is None

    def word(
        self, text: str, scope: _Scope, extra_defined: frozenset[str] = frozenset()
    ) -> _Expanded:
        """Expand ``text``, keeping references to unknown values as written.

        The definition (:meth:`_two_pass`): list the names leniently, expand with
        ``keep_unset`` when some name has no known value, and expand again without it when a
        name is undefined (BuildKit fails ``${X:?msg}`` there). One strict ``keep_unset`` pass
        gives the same value and names (a modifier's word is always expanded, so which names
        are read never depends on values, and ``keep_unset`` changes nothing for a known name),
        except after a ``${NAME:``: ``keep_unset`` lets ``${UNSET:=x}`` through where the
        lenient scan stops at the bad modifier, so such words take the definition.
        ``tests/test_model_expander.py`` holds the one pass to the definition.
        """
        if self._special(text) is None:
            return _Expanded(text, [])
        if "${" in text and _COLON_FORM.search(text):
            return self._two_pass(text, scope, extra_defined)
        known = scope.known
        lexer = Lexer(text, known.get, self.escape, _KEEP_UNSET)
        try:
            value = lexer.run(split=True)[0]
        except ExpansionError as exc:
            names = referenced_names(text, self.escape) if "$" in text else []
            return _Expanded(text, self._undefined(names, scope, extra_defined), str(exc))
        undefined = self._undefined(lexer.names(), scope, extra_defined)
        if undefined:  # BuildKit expands those as unset: ``${X:?msg}`` fails the build
            try:
                expand(text, known, self.escape)
            except ExpansionError as exc:
                return _Expanded(text, undefined, str(exc))
        return _Expanded(value, undefined)

    def _two_pass(self, text: str, scope: _Scope, extra_defined: frozenset[str]) -> _Expanded:
        names = referenced_names(text, self.escape) if "$" in text else []
        undefined = self._undefined(names, scope, extra_defined)
        variables = scope.variables
        keep = any(variables.get(n) is None for n in names)
        try:
            result = expand(text, scope.known, self.escape, options=_KEEP_UNSET if keep else _PLAIN)
            if undefined:  # BuildKit expands those as unset: ``${X:?msg}`` fails the build
                expand(text, scope.known, self.escape)
        except ExpansionError as exc:
            return _Expanded(text, undefined, str(exc))
        return _Expanded(result.value, undefined)

    @staticmethod
    def _undefined(names: list[str], scope: _Scope, extra_defined: frozenset[str]) -> list[str]:
        """The referenced names nothing in ``scope`` (nor ``extra_defined``) defines."""
        variables, declared = scope.variables, scope.declared
        return [
            n for n in names if n not in variables and n not in declared and n not in extra_defined
        ]


# -- steps -----------------------------------------------------------------------------------


class RunScript(Record, eq="identity"):
    """One shell script a RUN executes, with the map from script offsets to file offsets.

    ``origin``: ``shell`` (shell-form arguments), ``heredoc`` (a heredoc body run as the
    script), ``heredoc-stdin`` (a heredoc fed to a shell command such as ``bash <<EOF``),
    ``json`` (exec form: one command built from the argv) or ``json-shell`` (the script of
    ``["sh", "-c", "..."]``). ``pieces`` maps script offsets to file offsets like
    :class:`rewriter.parser.LogicalLine`; it is empty when the text does not appear verbatim in
    the file (a JSON string with escapes), and then :meth:`file_span` returns None.
    """

    __slots__ = ("_instruction", "_pieces", "origin", "script")

    def __init__(self, script: Script, origin: str, pieces: tuple[tuple[int, int], ...]) -> None:
        self.script = script
        self.origin = origin
        self._pieces: tuple[tuple[int, int], ...] | None = pieces
        # The shell-form RUN whose arguments the script is, while ``pieces`` is not computed
        # (see ``_args_script``).
        self._instruction: Instruction | None = None

    @property
    def pieces(self) -> tuple[tuple[int, int], ...]:
        """Script offsets -> file offsets (for a shell-form RUN, mapped on first use: most
        scripts are never asked)."""
        pieces = self._pieces
        if pieces is None:
            assert self._instruction is not None
            pieces = self._pieces = _args_pieces(self._instruction)
            self._instruction = None
        return pieces

    def file_offset(self, index: int) -> int | None:
        """The file offset of script offset ``index``, or None when not mappable."""
        if not self.pieces:
            return None
        chosen = self.pieces[0]
        for piece in self.pieces:
            if piece[0] <= index:
                chosen = piece
            else:
                break
        return chosen[1] + (index - chosen[0])

    def file_span(self, start: int, end: int) -> tuple[int, int] | None:
        """File offsets of a span given in script offsets (None when not mappable)."""
        first, last = self.file_offset(start), self.file_offset(end)
        if first is None or last is None:
            return None
        return first, last


class RunCommand(Record, eq="identity"):
    """One simple command of a RUN, where it runs, and what package action it performs."""

    __slots__ = ("action", "command", "cwd", "script")

    def __init__(
        self, command: Command, script: RunScript, cwd: str | None, action: Any = None
    ) -> None:
        self.command = command
        self.script = script
        #: Absolute directory the command runs in (WORKDIR plus earlier ``cd``); None if
        #: unknown.
        self.cwd = cwd
        #: The recognised package-manager action (None when the command is not one).
        self.action = action

    @property
    def span(self) -> tuple[int, int] | None:
        """The command's file offsets (None when the script is not verbatim in the file)."""
        return self.script.file_span(self.command.start, self.command.end)

    @property
    def name(self) -> str | None:
        return self.command.name


class RunStep(Record, eq="identity"):
    """A RUN instruction with its mounts, options and parsed shell code."""

    __slots__ = ("commands", "instruction", "mounts", "network", "scripts", "security", "state")

    def __init__(
        self,
        instruction: Instruction,
        state: InstructionState,
        mounts: list[Mount],
        network: str | None,
        security: str | None,
        scripts: list[RunScript],
        commands: list[RunCommand],
    ) -> None:
        self.instruction = instruction
        self.state = state
        #: ``--mount`` flags in order.
        self.mounts = mounts
        #: ``--network`` value (``default``, ``none``, ``host``) or None when absent.
        self.network = network
        #: ``--security`` value (``sandbox``, ``insecure``) or None when absent.
        self.security = security
        #: Every script the RUN executes (usually one).
        self.scripts = scripts
        #: Every simple command of every script, in order, with cwd and package action.
        self.commands = commands

    @property
    def script(self) -> Script | None:
        """The main script (the first), or None for an empty RUN."""
        return self.scripts[0].script if self.scripts else None

    @property
    def stage(self) -> Stage | None:
        return self.state.stage

    def mounts_of_type(self, kind: str) -> list[Mount]:
        return [m for m in self.mounts if m.type == kind]

    def cache_mount_at(self, target: str) -> Mount | None:
        """The cache mount whose target is ``target`` (compared as normalised paths)."""
        wanted = posixpath.normpath(target)
        for mount in self.mounts:
            if mount.type != "cache" or not mount.target:
                continue
            if posixpath.normpath(_absolute(mount.target, self.state.workdir)) == wanted:
                return mount
        return None

    @property
    def actions(self) -> list[Any]:
        """The recognised package actions, in command order."""
        return [c.action for c in self.commands if c.action is not None]


class CopyStep(Record, eq="identity"):
    """A COPY or ADD instruction: what it copies from where to where."""

    __slots__ = (
        "broad",
        "chmod",
        "chown",
        "context_files",
        "dest",
        "destination",
        "exclude",
        "flags",
        "from_",
        "from_stage",
        "heredoc_sources",
        "instruction",
        "link",
        "parents",
        "sources",
        "state",
        "urls",
    )

    def __init__(
        self,
        instruction: Instruction,
        state: InstructionState,
        sources: list[str],
        heredoc_sources: list[Heredoc],
        dest: str,
        destination: str,
        from_: str | None,
        from_stage: Stage | None,
        chown: str | None,
        chmod: str | None,
        link: bool,
        parents: bool,
        exclude: list[str],
        flags: dict[str, str | None],
        broad: bool = False,
        context_files: list[str] | None = None,
        urls: list[str] | None = None,  # None: []
    ) -> None:
        self.instruction = instruction
        self.state = state
        #: Source paths after expansion, as BuildKit sees them (heredoc sources excluded).
        self.sources = sources
        #: Heredocs used as sources (``COPY <<EOF /etc/conf``).
        self.heredoc_sources = heredoc_sources
        #: The destination after expansion, as written (may be relative, may end with ``/``).
        self.dest = dest
        #: The destination resolved against WORKDIR (absolute; a trailing ``/`` is kept).
        self.destination = destination
        #: ``--from`` value (a stage name, index or image), or None for the build context.
        self.from_ = from_
        #: The stage ``--from`` names (None for the context or an external image).
        self.from_stage = from_stage
        self.chown = chown
        self.chmod = chmod
        self.link = link
        self.parents = parents
        #: ``--exclude`` patterns.
        self.exclude = exclude
        #: Every flag by name (the last value wins), as written after BuildKit's quote removal.
        self.flags = flags
        #: True when it copies the whole context or a whole folder with manifests
        #: (``COPY . .``).
        self.broad = broad
        #: Context files the COPY brings in, when a build context is known (else None).
        self.context_files = context_files
        #: URL sources (ADD only).
        self.urls = [] if urls is None else urls

    @property
    def is_add(self) -> bool:
        return self.instruction.name == "add"

    @property
    def from_context(self) -> bool:
        """True when the sources come from the build context (no ``--from``)."""
        return self.from_ is None

    @property
    def stage(self) -> Stage | None:
        return self.state.stage


# -- the model -------------------------------------------------------------------------------


class BuildModel(Record, eq="identity"):
    """Everything :func:`build_model` learned about one Dockerfile."""

    __slots__ = (
        "_copies",
        "_copy_index",
        "_global_variables",
        "_names",
        "_run_index",
        "_runs",
        "_states",
        "build_args",
        "context",
        "global_args",
        "stages",
        "tree",
    )

    def __init__(
        self,
        tree: Dockerfile,
        stages: list[Stage],
        global_args: dict[str, ArgDecl],
        context: Any = None,
        build_args: dict[str, str] | None = None,  # None: {}
        _states: dict[Instruction, InstructionState | _Frame] | None = None,  # None: {}
        _runs: list[RunStep] | None = None,
        _copies: list[CopyStep] | None = None,
        _global_variables: Mapping[str, str | None] | None = None,  # None: {}
        _names: dict[Instruction, str] | None = None,  # None: {}
    ) -> None:
        #: The parsed file the model describes.
        self.tree = tree
        #: Stages in file order.
        self.stages = stages
        #: ARGs declared before the first FROM, by name (last declaration wins).
        self.global_args = global_args
        #: The build context when one was given (``rewriter.analyse.context.BuildContext``).
        self.context = context
        #: The ``--build-arg`` values the model was built with.
        self.build_args = {} if build_args is None else build_args
        self._states = {} if _states is None else _states
        self._runs = _runs
        self._copies = _copies
        self._global_variables = {} if _global_variables is None else _global_variables
        #: Each instruction's lower-case name (``Instruction.name`` computes it on every call).
        self._names = {} if _names is None else _names
        # ``run_of``/``copy_of`` lookups, built on first use (not fields: derived data).
        self._run_index: dict[Instruction, RunStep] | None = None
        self._copy_index: dict[Instruction, CopyStep] | None = None

    def __repr__(self) -> str:
        # The public fields only, as the dataclass (``repr=False`` on the private ones) did.
        return (
            f"BuildModel(tree={self.tree!r}, stages={self.stages!r}, "
            f"global_args={self.global_args!r}, context={self.context!r}, "
            f"build_args={self.build_args!r})"
        )

    @property
    def final_stage(self) -> Stage | None:
        """The stage ``docker build`` builds without ``--target`` (the last), or None."""
        return self.stages[-1] if self.stages else None

    @property
    def global_scope(self) -> dict[str, str | None]:
        """What FROM lines see: the predefined ARGs (platform, TARGETSTAGE) and global ARGs."""
        return dict(self._global_variables)

    def state_of(self, instruction: Instruction) -> InstructionState:
        """The state ``instruction`` runs in. Raises KeyError for one not in this file.

        Built on first call from the frame the walk recorded (see ``_Frame``), then kept.
        """
        state = self._states[instruction]
        if type(state) is tuple:
            state = self._states[instruction] = InstructionState(instruction, *state)
        return state

    def stage_of(self, instruction: Instruction) -> Stage | None:
        """The stage holding ``instruction`` (None before the first FROM)."""
        state = self._states[instruction]
        return state[0] if type(state) is tuple else state.stage

    def stage_named(self, ref: str) -> Stage | None:
        """The stage an ``AS`` name (case-insensitive) or an index names."""
        return find_stage(self.stages, ref, by_index=True)

    def runs(self) -> list[RunStep]:
        """Every RUN, in file order, with its parsed shell code (parsed on first call)."""
        if self._runs is None:
            self._runs = [self._run_step(ins) for ins in self._instructions("run")]
        return self._runs

    def copies(self) -> list[CopyStep]:
        """Every COPY and ADD, in file order."""
        if self._copies is None:
            self._copies = [
                _copy_step(self, ins, self.state_of(ins))
                for ins, name in self._names.items()
                if name in ("copy", "add") and ins in self._states
            ]
        return self._copies

    def run_of(self, instruction: Instruction) -> RunStep | None:
        """The RunStep of ``instruction`` (None when it is not a RUN of this model)."""
        if self._run_index is None:
            self._run_index = {step.instruction: step for step in self.runs()}
        return self._run_index.get(instruction)

    def copy_of(self, instruction: Instruction) -> CopyStep | None:
        """The CopyStep of ``instruction`` (None when it is not a COPY/ADD of this model)."""
        if self._copy_index is None:
            self._copy_index = {step.instruction: step for step in self.copies()}
        return self._copy_index.get(instruction)

    def to_json(self) -> dict[str, Any]:
        """The model as JSON-ready data (see :func:`model_json`)."""
        return model_json(self)

    def _instructions(self, name: str) -> Iterator[Instruction]:
        return (ins for ins, kind in self._names.items() if kind == name and ins in self._states)

    def _run_step(self, instruction: Instruction) -> RunStep:
        return _run_step(self, instruction, self.state_of(instruction))


# -- building --------------------------------------------------------------------------------


def build_model(
    tree: Dockerfile,
    *,
    context: Any = None,
    build_args: Mapping[str, str] | None = None,
) -> BuildModel:
    """Walk ``tree`` as BuildKit dispatches it and return the :class:`BuildModel`.

    ``context`` is a ``BuildContext`` (from ``rewriter.analyse.context``) when the caller scanned
    one; ``build_args`` are ``--build-arg`` values (None: unknown, see the module docstring).
    Never raises on a file the parser accepted; what BuildKit would reject is recorded in
    ``InstructionState.errors``.
    """
    return _Builder(tree, context, build_args).run()


class _Builder:
    #: Record a shared frame for instructions that see the same scope, and build their
    #: InstructionStates on first ``state_of`` (False: a fresh frame for every instruction,
    #: the plain computation ``tests/test_model_lazy_states.py`` compares with).
    share_frames = True
    #: Skip ``_apply`` for an instruction that only expands words when all its text is plain
    #: (see ``_plain_words``; False: apply it, the plain computation tests compare with).
    skip_plain_words = True

    def __init__(self, tree: Dockerfile, context: Any, build_args: Mapping[str, str] | None):
        self.tree = tree
        self.context = context
        self.build_args: dict[str, str] = dict(build_args or {})
        self.expander = _expander_for(tree.escape)
        self.states: dict[Instruction, InstructionState | _Frame] = {}
        self.stages: list[Stage] = []
        self.global_args: dict[str, ArgDecl] = {}
        self.end_scopes: dict[Stage, _Scope] = {}
        #: (stage, instruction, name) of each COPY/ADD/RUN with flags, in file order: only
        #: these read from other stages (``_link_stages``).
        self.linked: list[tuple[Stage, Instruction, str]] = []

    # The global scope -----------------------------------------------------------------------
    def _global_scope(self) -> _Scope:
        """The predefined ARGs (``set_variable`` for each, in one go)."""
        variables: dict[str, str | None] = dict(_PREDEFINED_UNKNOWN)
        known: dict[str, str] = {}  # (without build args every predefined value is unknown)
        build_args = self.build_args
        if build_args:
            for name in build_args.keys() & variables.keys():
                variables[name] = build_args[name]
            known = {name: value for name, value in variables.items() if value is not None}
        return _Scope.of(variables, known, dict(variables), {}, "/", "root", DEFAULT_SHELL, False)

    def run(self) -> BuildModel:
        instructions = self.tree.instructions
        self.names = names = {ins: ins.syntax.name for ins in instructions}
        first_from = None
        for i, name in enumerate(names.values()):  # (one entry per instruction, in order)
            if name == "from":
                first_from = i
                break
        head = instructions if first_from is None else instructions[:first_from]
        scope = self._global_scope()
        for ins in head:
            undefined: list[str] = []
            errors: list[str] = []
            if names[ins] == "arg":
                self._global_arg(ins, scope, undefined, errors)
            else:
                errors.append(f"{ins.keyword.upper()} before the first FROM: no build stage")
            self.states[ins] = self._snapshot(ins, None, scope, undefined, errors)
        # ``scope`` before each global ARG was snapshotted; now it holds every global ARG.
        global_scope = scope
        if first_from is not None:
            self._split_stages(instructions[first_from:], global_scope)
            for stage in self.stages:
                self._walk_stage(stage, global_scope)
            _refine_families(self.stages, names)
        self._link_stages()
        return BuildModel(
            self.tree, self.stages, self.global_args, self.context, dict(self.build_args),
            self.states, None, None, global_scope.variables, names,
        )  # fmt: skip

    def _global_arg(
        self, ins: Instruction, scope: _Scope, undefined: list[str], errors: list[str]
    ) -> None:
        for word in ins.values:
            name, default = _split_arg(word)
            value: str | None
            from_build_arg = name in self.build_args
            if from_build_arg:
                value = self.build_args[name]
            elif default is not None:
                result = self.expander.word(default, scope)
                undefined += result.undefined
                if result.error:
                    errors.append(result.error)
                value = result.value
            else:
                value = None  # only a --build-arg can set it
            self.global_args[name] = ArgDecl(name, default, value, ins, from_build_arg)
            scope.set_variable(name, value)
            scope.args = {**scope.args, name: value}

    # Stages ---------------------------------------------------------------------------------
    def _split_stages(self, instructions: list[Instruction], global_scope: _Scope) -> None:
        current: list[Instruction] = []
        names = self.names
        for ins in instructions:
            if names[ins] == "from" and current:
                self._add_stage(current, global_scope)
                current = []
            current.append(ins)
        if current:
            self._add_stage(current, global_scope)
        if self.stages:
            self.stages[-1].is_final = True

    def _add_stage(self, instructions: list[Instruction], global_scope: _Scope) -> None:
        ins = instructions[0]
        syntax = ins.syntax
        values = syntax.values
        base_raw = values[0] if values else ""
        name = values[2] if len(values) >= 3 and values[1].lower() == "as" else None
        expander = self.expander
        # (a plain word expands to itself)
        base = (
            expander.word(base_raw, global_scope).value
            if not expander.plain(base_raw)
            else base_raw
        )
        platform = None
        for flag in syntax.flags:
            if flag.name == "platform":
                platform = self.expander.word(flag.value or "", global_scope).value
        index = len(self.stages)
        base_stage = find_stage(self.stages, base, by_index=False) if base else None
        if base_stage is not None and base != base.lower():
            base_stage = None  # BuildKit looks the base up as written; names are stored lower
        if base_stage is not None:
            family = base_stage.family
            family_source = base_stage.family_source
            toolchains = base_stage.toolchains
            depends_on: list[Stage | str] = [base_stage]
        else:
            family = guess_family(base) if base else "unknown"
            family_source = "image" if family != "unknown" else "none"
            toolchains = guess_toolchains(base) if base else frozenset()
            depends_on = []
        stage = Stage(
            index, name, ins, base, base_raw, base_stage, platform, instructions, family,
            family_source, toolchains, False, False, depends_on,
        )  # fmt: skip
        self.stages.append(stage)

    def _initial_scope(self, stage: Stage) -> _Scope:
        if stage.base_stage is not None and stage.base_stage in self.end_scopes:
            return self.end_scopes[stage.base_stage].copy()
        defaults = shared_image_defaults(stage.base)
        env = defaults.env
        # ``set_variable`` for each ENV of the image, in one go
        known = {key: value for key, value in env.items() if value is not None}
        if stage.family == WINDOWS:
            shell, workdir = WINDOWS_SHELL, defaults.workdir or "C:\\"
        else:
            shell, workdir = DEFAULT_SHELL, defaults.workdir or "/"
        user = defaults.user or "root"
        return _Scope.of(
            dict(env), known, {}, dict(env), workdir, user, shell, defaults.env_complete
        )

    def _walk_stage(self, stage: Stage, global_scope: _Scope) -> None:
        scope = self._initial_scope(stage)
        from_ins = stage.from_instruction
        from_flags = from_ins.syntax.flags
        from_undefined = (
            [
                n
                for word in [stage.base_raw] + [f.value or "" for f in from_flags]
                if "$" in word
                for n in referenced_names(word, self.tree.escape)
                if n not in global_scope.variables
            ]
            if from_flags or "$" in stage.base_raw
            else ()
        )
        states, names, apply = self.states, self.names, self._apply
        share = self.share_frames
        skip_plain = self.skip_plain_words
        linked = self.linked
        plain = self.expander.plain
        instructions = stage.instructions
        # the scope as a frame, until an instruction changes it
        frame: _Frame | None = _frame(stage, scope)
        if from_undefined:
            states[from_ins] = _frame_state(from_ins, frame, from_undefined, [])
        else:
            states[from_ins] = frame
        if not share:
            frame = None
        for k in range(1, len(instructions)):
            ins = instructions[k]
            if frame is None:
                frame = _frame(stage, scope)
            name = names[ins]
            if name in _READS_STAGES and ins.syntax.flags:
                linked.append((stage, ins, name))
            if name == "run":
                syntax = ins.syntax
                if not syntax.flags and not _MAY_ADD_USER(syntax.args):
                    states[ins] = frame  # what ``_apply_run`` finds: no mount, no new user
                    if not share:
                        frame = None
                    continue
            if name in _APPLIED and not (
                skip_plain and name in _WORDS_ONLY and _plain_words(ins, plain)
            ):  # the others (FROM, CMD...) change nothing the scope holds
                undefined: list[str] = []
                errors: list[str] = []
                apply(ins, name, scope, global_scope, undefined, errors)
                if undefined or errors:
                    states[ins] = _frame_state(ins, frame, undefined, errors)
                else:
                    states[ins] = frame
                if name in _CHANGES_SCOPE:
                    frame = None
            else:
                states[ins] = frame
            if not share:
                frame = None
        # (``_snapshot(last, stage, scope, (), ())`` when first read: nothing changes ``scope``
        # after its walk, a stage built on this one walks a copy)
        stage._pending_end = (_end_state, stage.instructions[-1], scope)
        self.end_scopes[stage] = scope

    def _snapshot(
        self,
        ins: Instruction,
        stage: Stage | None,
        scope: _Scope,
        undefined: Sequence[str],
        errors: Sequence[str],
    ) -> InstructionState:
        return InstructionState(ins, *_frame(stage, scope, undefined, errors))

    # One instruction ------------------------------------------------------------------------
    def _apply(
        self,
        ins: Instruction,
        name: str,
        scope: _Scope,
        global_scope: _Scope,
        undefined: list[str],
        errors: list[str],
    ) -> None:
        if name == "run":
            self._apply_run(ins, scope, undefined, errors)
            return
        if name not in _APPLIED:
            return  # FROM, CMD, ENTRYPOINT, HEALTHCHECK...: nothing to expand or record
        word = self._word_expander(scope, undefined, errors)
        if name == "arg":
            self._stage_arg(ins, scope, global_scope, word)
        elif name == "env":
            values = ins.values
            pairs = [(word(values[i]), word(values[i + 1])) for i in range(0, len(values) - 2, 3)]
            if pairs:
                env = dict(scope.env)
                for key, value in pairs:
                    env[key] = value
                    scope.set_variable(key, value)
                scope.env = env
        elif name == "workdir":
            if ins.values:
                scope.workdir = _absolute(word(ins.values[0]), scope.workdir)
        elif name == "user":
            if ins.values:
                scope.user = word(ins.values[0])
        elif name == "shell":
            if ins.json and ins.values:
                scope.shell = tuple(ins.values)
            else:
                errors.append("SHELL requires the arguments to be in JSON form")
        elif name in ("copy", "add"):
            for value in ins.values:
                if not _is_heredoc_word(value, ins.heredocs):
                    word(value)
            for flag in ins.flags:
                if flag.name in ("chown", "chmod", "exclude") and flag.value:
                    word(flag.value)
                elif flag.name == "from" and flag.value and "$" in flag.value:
                    errors.append(
                        "variable expansion is not supported for --from, define a new stage "
                        "with FROM using ARG from global scope as a workaround"
                    )
        elif name in ("expose", "volume", "stopsignal"):
            for value in ins.values:
                word(value)
        elif name == "label":
            values = ins.values
            for i in range(0, len(values) - 2, 3):
                word(values[i])
                word(values[i + 1])

    def _word_expander(
        self, scope: _Scope, undefined: list[str], errors: list[str]
    ) -> Callable[[str], str]:
        """Expand one word in ``scope``, recording undefined names and expansion errors."""
        expander = self.expander
        plain = expander.plain

        def word(text: str) -> str:
            if plain(text):
                return text  # what ``expander.word`` returns, with nothing undefined
            result = expander.word(text, scope)
            undefined.extend(result.undefined)
            if result.error:
                errors.append(result.error)
            return result.value

        return word

    def _apply_run(
        self, ins: Instruction, scope: _Scope, undefined: list[str], errors: list[str]
    ) -> None:
        for flag in ins.flags:
            if flag.name == "mount" and flag.value and "$" in flag.value:
                word = self._word_expander(scope, undefined, errors)
                for item in flag.value.split(","):
                    key, _, value = item.partition("=")
                    if key.lower() != "from":
                        word(value)
        self._learn_users(ins, scope)

    def _stage_arg(
        self, ins: Instruction, scope: _Scope, global_scope: _Scope, word: Callable[[str], str]
    ) -> None:
        args = dict(scope.args)
        for item in ins.values:
            name, default = _split_arg(item)
            value: str | None
            if name in self.build_args:
                value = self.build_args[name]
            elif default is not None:
                value = word(default)
            elif name in global_scope.variables:
                value = global_scope.variables[name]
            elif name in scope.variables:
                # BuildKit leaves the environment alone: an ENV or a base stage's ARG stays.
                value = scope.variables[name]
            else:
                value = None  # only a --build-arg can set it
            args[name] = value
            scope.declared = scope.declared | {name}
            scope.set_variable(name, value)
        scope.args = args

    def _learn_users(self, ins: Instruction, scope: _Scope) -> None:
        """Record the homes of users a RUN creates (``useradd``/``adduser``)."""
        text = ins.args
        if not _MAY_ADD_USER(text):
            return
        if "$" in text:  # the RUN's shell sees ENV/ARG values: ``useradd -d $APP_HOME``
            text = _VARIABLE_REFERENCE.sub(
                lambda m: scope.known.get(m.group(1) or m.group(2), m.group(0)), text
            )
        homes = _users_created(text)
        if homes:
            scope.homes = {**scope.homes, **homes}

    # Links between stages -------------------------------------------------------------------
    def _link_stages(self) -> None:
        """Add the stages each COPY/ADD/RUN reads from to ``depends_on`` (in file order) and
        record the references BuildKit rejects; mark the stages the final one reaches."""
        for stage, ins, name in self.linked:
            problems: list[str] = []
            for ref, by_index in _stage_refs(ins, name):
                target = find_stage(self.stages, ref, by_index=by_index)
                if target is None and by_index and ref.isdigit():
                    problems.append(f"invalid stage index {ref}")
                    continue
                if target is not None and target.index >= stage.index:
                    problems.append(
                        f"cannot copy from stage {ref!r}, it needs to be defined before "
                        f"current stage {stage.label!r}"
                    )
                dep: Stage | str = target if target is not None else ref
                if dep is not stage and dep not in stage.depends_on:
                    stage.depends_on.append(dep)
            if problems:
                state = self.states[ins]
                if type(state) is tuple:
                    state = InstructionState(ins, *state)
                self.states[ins] = _replace(
                    state, list(state.undefined_names), [*state.errors, *problems]
                )
        mark_used(self.stages[-1] if self.stages else None)


#: Package managers that give a stage's OS away when its image is not one we know.
_FAMILY_TOOLS = (
    (re.compile(r"(?:^|[\s;&|(])apk\s+(?:add|update|upgrade)\b"), "alpine"),
    (re.compile(r"(?:^|[\s;&|(])apt(?:-get)?\s+(?:-\S+\s+)*(?:install|update)\b"), "debian"),
    (re.compile(r"(?:^|[\s;&|(])(?:dnf|yum|microdnf|tdnf)\s+(?:-\S+\s+)*install\b"), "rhel"),
)


def _refine_families(stages: list[Stage], names: Mapping[Instruction, str]) -> None:
    """Guess an unknown family from the package manager the stage's RUNs call, then pass
    families down the ``base_stage`` chains again (a base may have been refined)."""
    for stage in stages:
        if stage.base_stage is not None:
            stage.family = stage.base_stage.family
            stage.family_source = stage.base_stage.family_source
            continue
        if stage.family != "unknown":
            continue
        for ins in stage.body:
            if names[ins] != "run":
                continue
            text = ins.args + "".join(doc.content for doc in ins.heredocs)
            found = next((fam for pattern, fam in _FAMILY_TOOLS if pattern.search(text)), None)
            if found:
                stage.family, stage.family_source = found, "run"
                break


def _stage_refs(ins: Instruction, name: str) -> Iterator[tuple[str, bool]]:
    """``(reference, by_index_allowed)`` for each stage/image an instruction (named ``name``)
    reads from."""
    if name in ("copy", "add"):
        for flag in ins.flags:
            if flag.name == "from" and flag.value:
                yield flag.value, True
    elif name == "run":
        for flag in ins.flags:
            if flag.name == "mount" and flag.value and "from=" in flag.value.lower():
                for item in flag.value.split(","):
                    key, _, value = item.partition("=")
                    if key.strip().lower() == "from" and value:
                        yield value, False


#: The state of a scope as ``InstructionState``'s fields after ``instruction`` (``stage``,
#: ``args``... ``errors``): instructions that see the same scope share one, and
#: ``BuildModel.state_of`` builds each one's InstructionState from it on first use.
_Frame = tuple[Any, ...]


def _frame(
    stage: Stage | None,
    scope: _Scope,
    undefined: Sequence[str] = (),
    errors: Sequence[str] = (),
) -> _Frame:
    """``InstructionState``'s fields after the instruction for an instruction at ``scope``
    (what ``_Builder._snapshot`` records; without undefined names and errors, what any
    instruction that changes nothing shares)."""
    return (
        stage,
        scope.args,
        scope.env,
        scope.variables,
        scope.workdir,
        scope.user,
        scope.home(),
        scope.shell,
        tuple(dict.fromkeys(undefined)) if undefined else (),
        scope.env_complete,
        tuple(errors),
    )


def _end_state(ins: Instruction, stage: Stage, scope: _Scope) -> InstructionState:
    """``Stage.end_state``: the state after the stage's last instruction ``ins``."""
    return InstructionState(ins, *_frame(stage, scope))


def _plain_words(ins: Instruction, plain: Callable[[str], bool]) -> bool:
    """True when the arguments and every flag value of ``ins`` are plain (no ``$``, quote or
    escape character): each word then expands to itself, and ``_Builder._apply`` of a
    ``_WORDS_ONLY`` instruction records no undefined name and no error.

    (The words are pieces of the arguments; ``--from`` needs a ``$`` to be an error.)
    """
    syntax = ins.syntax
    if not plain(syntax.args):
        return False
    for flag in syntax.flags:
        value = flag.value
        if value and not plain(value):
            return False
    return True


def _frame_state(
    ins: Instruction, frame: _Frame, undefined: list[str], errors: list[str]
) -> InstructionState:
    """The state of ``ins`` at ``frame``, with the names and errors its own words gave."""
    return InstructionState(
        ins, *frame[:8], tuple(dict.fromkeys(undefined)), frame[9], tuple(errors)
    )


def _replace(state: InstructionState, undefined: list[str], errors: list[str]) -> InstructionState:
    return state.replace(
        undefined_names=tuple(dict.fromkeys(undefined)),
        errors=tuple(errors),
    )


def _split_arg(word: str) -> tuple[str, str | None]:
    """``NAME=default`` -> (NAME, default); ``NAME`` -> (NAME, None). Keys are not expanded."""
    name, sep, default = word.partition("=")
    return name, (default if sep else None)


def _absolute(path: str, workdir: str) -> str:
    """Resolve ``path`` against ``workdir`` as BuildKit normalises WORKDIR (``path.Clean``)."""
    if not path:
        return workdir
    if path == "/" or (
        path[0] == "/" and path[-1] != "/" and "//" not in path and "/." not in path
    ):  # no empty, ``.`` or ``..`` part and no trailing slash: what the lines below return
        return path
    if path.startswith("$"):  # ``$HOME/app``, ``${DIR}``: the unknown part decides
        return posixpath.normpath(path)
    joined = path if path.startswith("/") else posixpath.join(workdir or "/", path)
    cleaned = posixpath.normpath(joined)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def _is_heredoc_word(value: str, heredocs: tuple[Heredoc, ...]) -> bool:
    if not heredocs or "<<" not in value:
        return False
    return any(value.lstrip("0123456789").lstrip("<-").strip("'\"") == h.name for h in heredocs)


#: For ``useradd``/``adduser``: the options that give the home folder, and the other options
#: that take a value (so that value is not taken for the user name).
_USER_TOOLS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "useradd": (
        frozenset({"-d", "--home-dir"}),
        frozenset(
            {
                "-u",
                "--uid",
                "-g",
                "--gid",
                "-G",
                "--groups",
                "-s",
                "--shell",
                "-c",
                "--comment",
                "-k",
                "--skel",
                "-e",
                "--expiredate",
                "-f",
                "-K",
                "-p",
            }
        ),
    ),
    "adduser": (
        frozenset({"-h", "--home"}),
        frozenset(
            {"-u", "--uid", "-g", "--gecos", "-G", "--ingroup", "-s", "--shell", "-k", "--gid"}
        ),
    ),
}
#: Whether a RUN's text may create a user (``useradd``/``adduser``): else no home to learn.
_MAY_ADD_USER = re.compile("useradd|adduser").search
_SEPARATORS = frozenset({";", "&&", "||", "|"})
_VARIABLE_REFERENCE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _users_created(text: str) -> dict[str, str]:
    """Homes of users a RUN creates (``useradd [-u UID] [-d DIR] NAME``, ``adduser -h DIR``),
    by name and, when ``-u`` is given, by uid (so ``USER 1001`` finds its home).

    A cheap word scan (the RUN's shell is not parsed while states are computed): good enough
    for the one-line ``useradd`` that Dockerfiles use; a home given through a variable is
    ignored.
    """
    homes: dict[str, str] = {}
    words = text.replace(";", " ; ").replace("&&", " && ").replace("||", " || ").split()
    i = 0
    while i < len(words):
        tool = words[i].rsplit("/", 1)[-1]
        i += 1
        if tool not in _USER_TOOLS:
            continue
        home_flags, value_flags = _USER_TOOLS[tool]
        home = name = uid = None
        while i < len(words) and words[i] not in _SEPARATORS:
            word = words[i]
            flag, eq, value = word.partition("=")
            if word in home_flags and i + 1 < len(words):
                home = words[i + 1].strip("'\"")
                i += 1
            elif eq and flag in home_flags:
                home = value.strip("'\"")
            elif word in ("-u", "--uid") and i + 1 < len(words):
                uid = words[i + 1].strip("'\"")
                i += 1
            elif word in value_flags:
                i += 1
            elif not word.startswith("-"):
                name = word.strip("'\"")
            i += 1
        if name and "$" not in name:
            home = home or f"/home/{name}"
            if "$" not in home:
                homes[name] = home
                if uid is not None:
                    homes[uid] = home
    return homes


# -- RUN -------------------------------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})


def _run_step(model: BuildModel, ins: Instruction, state: InstructionState) -> RunStep:
    mounts: list[Mount] = []
    network = security = None
    env = state.known_variables()
    expand_value: Callable[[str], str] | None = None
    for flag in ins.flags:
        name = flag.name
        if name == "mount":
            # A plain flag (no ``$``, quote or escape character) has only plain values, which
            # expand to themselves: nothing to expand.
            expand: Callable[[str], str] | None = None
            if not _expander_for(model.tree.escape).plain(flag.value or ""):
                if expand_value is None:
                    expand_value = _state_expander(model.tree.escape, state, env)
                expand = expand_value
            mounts.append(parse_mount(flag, None, expand, ins))  # (span: on first use)
        elif name == "network":
            network = flag.value
        elif name == "security":
            security = flag.value
    scripts = _run_scripts(ins)
    commands: list[RunCommand] = []
    recognise = _recogniser()
    recognised_name = _recognised_name() if recognise is not None else None
    # Each script starts in WORKDIR, except a body fed to ``bash <<EOF`` (where the feeding
    # command runs).
    # And each starts with the stage's environment, except that body, which gets the
    # environment of the feeding command.
    queue: list[tuple[RunScript, str | None, dict[str, str]]] = [
        (script, state.workdir, env) for script in scripts
    ]
    home, user = state.home, state.user
    run_home = home or "/"  # HOME=/ is what the runtime gives a uid /etc/passwd does not list
    append = commands.append
    done = 0
    while done < len(queue):
        script, start_dir, script_env = queue[done]
        done += 1
        context: tuple[Any, ...] | None = None  # (see ``_recognised``)
        for command in script.script.commands:
            # ``_command_cwd`` of a command no ``cd`` moved is where its script started
            cwd = start_dir if command.cwd == "." else _command_cwd(command.cwd, start_dir, home)
            action = None
            name = command.name
            if (
                recognise is not None
                and command.known
                and command.words
                and (name is None or recognised_name(name))  # (else recognise gives None)
            ):
                # (``recognise`` adds what earlier commands of the script exported)
                if context is None:
                    context = (run_home, user, start_dir, tuple(script_env.items()))
                action = _recognised(
                    recognise, script.script, command, context, script_env, run_home, user,
                    start_dir,
                )  # fmt: skip
                if cwd is None and action is not None and action.ecosystem not in _SYSTEM:
                    action = None  # a project tool's meaning depends on the folder it runs in
            append(RunCommand(command, script, cwd, action))
            stdin_script = _stdin_script(command, script) if command.redirects else None
            if stdin_script is not None:
                scripts.append(stdin_script)
                queue.append((stdin_script, cwd, _exported(command, script_env)))
    if len(scripts) > 1:
        # Commands of a script fed on stdin were found after their script: restore file order.
        # (One script's commands are in order already: sorted by script offset, which maps to
        # file offsets in the same order; tests/test_model_runs.py checks that.)
        commands.sort(key=lambda c: (c.span or (1 << 62, 0))[0])
    return RunStep(ins, state, mounts, network, security, scripts, commands)


#: ``_Builder``-style switch for tests: False recognises every command afresh.
_REMEMBER_ACTIONS = True


def _recognised(
    recognise: Callable[..., Any],
    script: Script,
    command: Command,
    context: tuple[Any, ...],
    env: dict[str, str],
    home: str,
    user: str,
    workdir: str | None,
) -> Any:
    """``recognise(command, env=env, home=home, user=user, workdir=workdir)``, remembered on
    the Script (``Script._actions``) under the command's id and ``context`` (home, user,
    workdir and the environment's items: everything the answer depends on).

    Why: ``parse_shell`` hands the same Script to every RUN with the same text, so a RUN body
    that recurs (``npm ci`` in every stage and file of a repository, every RUN the fix loop
    left unchanged since its last pass) is recognised once per context. The memo lives as
    long as the Script, so clearing ``parse_shell``'s cache clears it; a PackageAction is
    never modified, so sharing it is safe.
    """
    if not _REMEMBER_ACTIONS:
        return recognise(command, env=env, home=home, user=user, workdir=workdir)
    memo = script._actions
    if memo is None:
        memo = script._actions = {}
    key = (id(command), *context)
    action = memo.get(key, _NOT_YET)
    if action is _NOT_YET:
        action = memo[key] = recognise(command, env=env, home=home, user=user, workdir=workdir)
    return action


_NOT_YET = object()


def _state_expander(
    escape: str, state: InstructionState, known: dict[str, str] | None = None
) -> Callable[[str], str]:
    """Expand words as BuildKit would at ``state`` (``known``: its ``known_variables()``).

    The scope is built on the first word that needs it: most words expand to themselves.
    """
    expander = _expander_for(escape)
    scopes: list[_Scope] = []

    def expand_value(text: str) -> str:
        if expander.plain(text):
            return text
        if not scopes:
            scope = _Scope()
            scope.variables = dict(state.variables)
            scope.known = state.known_variables() if known is None else known
            scope.declared = frozenset(state.args)
            scopes.append(scope)
        return expander.word(text, scopes[0]).value

    return expand_value


@functools.lru_cache(maxsize=8)
def _expander_for(escape: str) -> _Expander:
    """One shared expander per escape character (it holds no state between calls)."""
    return _Expander(escape)


@functools.cache
def _recogniser() -> Callable[..., Any] | None:
    """``rewriter.analyse.packages.recognise`` when that package is importable (looked up
    once: every RUN asks)."""
    try:
        from rewriter.analyse.packages import recognise
    except ImportError:  # pragma: no cover - the packages module is part of dfopt
        return None
    return recognise


@functools.cache
def _recognised_name() -> Callable[[str], bool]:
    """``recognise.recognises_name``: False for a command name ``recognise`` never
    recognises (looked up once)."""
    from rewriter.analyse.packages.recognise import recognises_name

    return recognises_name


@functools.cache
def _script_environment() -> Callable[..., dict[str, str]]:
    """``recognise.script_environment`` (looked up once, for ``bash <<EOF`` only)."""
    from rewriter.analyse.packages.recognise import script_environment

    return script_environment


def _exported(command: Command, env: dict[str, str]) -> dict[str, str]:
    """The environment a command gives the script it feeds on stdin (``bash <<EOF``): ``env``
    (its script's) with what earlier commands of the script exported and its own static
    ``NAME=value`` prefixes; a prefix whose value is not static is dropped."""
    if command.variables:
        env = _script_environment()(env, env, command.variables)
    if not command.assignments:
        return env
    env = dict(env)
    for name, value in command.env().items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _command_cwd(cwd: str | None, start: str | None, home: str | None) -> str | None:
    """The absolute directory a command runs in: ``start`` (WORKDIR), moved by earlier ``cd``."""
    if cwd is None or start is None:
        return None
    if cwd == ".":
        return start
    if cwd.startswith("~"):
        if home is None or not (cwd == "~" or cwd.startswith("~/")):
            return None
        cwd = home + cwd[1:]
    if "$" in cwd:
        return None
    return _absolute(cwd, start)


@functools.cache
def _shell_parser() -> Callable[[str], Script]:
    """``rewriter.analyse.shell.parse_shell``, imported on first use (looked up once)."""
    from rewriter.analyse.shell import parse_shell

    return parse_shell


def _run_scripts(ins: Instruction) -> list[RunScript]:
    """The scripts a RUN executes, each mapped back to file offsets."""
    parse_shell = _shell_parser()
    syntax = ins.syntax
    if not syntax.args:
        return []
    if ins.json:
        logical_pieces = _args_pieces(ins)
        scripts = [_json_script(ins, logical_pieces)]
        argv = ins.values
        if (
            len(argv) >= 3
            and posixpath.basename(argv[0]) in _SHELLS
            and argv[1].startswith("-")
            and argv[1].endswith("c")
        ):
            spans = _json_string_spans(syntax.args)
            pieces: tuple[tuple[int, int], ...] = ()
            if len(spans) == len(argv):
                start, end = spans[2]
                if syntax.args[start + 1 : end - 1] == argv[2]:
                    pieces = _shift_pieces(logical_pieces, start + 1)
            scripts.append(RunScript(parse_shell(argv[2]), "json-shell", pieces))
        return scripts
    if ins.heredocs and _only_heredoc(syntax.args, ins.heredocs):
        doc = ins.heredocs[0]
        if doc.content.startswith("#!") and not _shell_shebang(doc.content):
            return []  # run as a file by its interpreter, not by the shell
        pieces = ((0, doc.content_offset),)
        return [RunScript(parse_shell(doc.content), "heredoc", pieces)]
    if ins.heredocs:
        # BuildKit hands the shell the line plus each body and terminator, newline-separated.
        text = syntax.args
        pieces_list = list(_args_pieces(ins))
        for doc in ins.heredocs:
            text += "\n"
            pieces_list.append((len(text), doc.content_offset))
            text += doc.content + doc.name
        return [RunScript(parse_shell(text), "shell", tuple(pieces_list))]
    return [_args_script(parse_shell(syntax.args), ins)]


def _args_script(script: Script, ins: Instruction) -> RunScript:
    """The RunScript of a shell-form RUN's arguments; ``pieces`` is ``_args_pieces(ins)``,
    computed when first read."""
    run_script = RunScript(script, "shell", ())
    run_script._pieces = None
    run_script._instruction = ins
    return run_script


def _stdin_script(command: Command, script: RunScript) -> RunScript | None:
    """A heredoc fed to a shell (``bash <<EOF``) is a script too: parse its body."""
    if command.name not in _SHELLS or any(
        (w.value or "").startswith("-") and "c" in (w.value or "") for w in command.words[1:]
    ):
        return None
    for redirect in command.redirects:
        doc = redirect.heredoc
        if doc is not None and redirect.op.startswith("<<"):
            parse_shell = _shell_parser()
            body = script.script.text[doc.body_start : doc.body_end]
            offset = script.file_offset(doc.body_start)
            pieces = ((0, offset),) if offset is not None else ()
            return RunScript(parse_shell(body), "heredoc-stdin", pieces)
    return None


def _args_pieces(ins: Instruction) -> tuple[tuple[int, int], ...]:
    """Map offsets in ``instruction.args`` to file offsets (continuation lines included)."""
    base = ins.syntax.args_start
    logical = ins.logical
    pieces = [(0, logical.to_file_offset(base))]
    pieces += [(start - base, file) for start, file in logical.pieces if start > base]
    return tuple(pieces)


def _shift_pieces(pieces: tuple[tuple[int, int], ...], offset: int) -> tuple[tuple[int, int], ...]:
    """Pieces for the text that starts ``offset`` characters into the mapped text."""
    first = RunScript.file_offset(RunScript(None, "", pieces), offset)  # type: ignore[arg-type]
    out = [(0, first if first is not None else 0)]
    out += [(start - offset, file) for start, file in pieces if start > offset]
    return tuple(out)


def _json_script(ins: Instruction, pieces: tuple[tuple[int, int], ...]) -> RunScript:
    """Exec form as one command whose words span the JSON strings as written."""
    from rewriter.analyse.shell.model import LIT, Command, Script, Word, WordPart

    text = ins.syntax.args
    spans = _json_string_spans(text)
    if len(spans) != len(ins.values):
        spans = [(0, len(text))] * len(ins.values)
    words = tuple(
        Word(raw=text[s:e], value=v, start=s, end=e, parts=(WordPart(LIT, v, True),))
        for v, (s, e) in zip(ins.values, spans, strict=True)
    )
    start = words[0].start if words else 0
    end = words[-1].end if words else len(text)
    command = Command(words, (), (), start, end, None, ".", sole=True)
    return RunScript(Script(text, (command,) if words else (), True), "json", pieces)


def _json_string_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the string literals (quotes included) of a JSON array of strings."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            spans.append((i, min(j + 1, n)))
            i = j + 1
        else:
            i += 1
    return spans


def _only_heredoc(args: str, heredocs: tuple[Heredoc, ...]) -> bool:
    """True when the RUN line is nothing but one heredoc opener (``RUN <<EOF``)."""
    if len(heredocs) != 1:
        return False
    word = args.strip()
    return bool(word) and " " not in word and _is_heredoc_word(word, heredocs)


def _shell_shebang(content: str) -> bool:
    first = content.split("\n", 1)[0][2:].strip().split()
    if not first:
        return False
    program = posixpath.basename(first[0])
    if program == "env" and len(first) > 1:
        program = posixpath.basename(first[1])
    return program in _SHELLS


# -- COPY / ADD ------------------------------------------------------------------------------

#: Files whose presence makes a folder a "project" folder: copying it whole is a broad copy.
MANIFEST_NAMES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "requirements.txt",
        "pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "Pipfile",
        "Pipfile.lock",
        "setup.py",
        "go.mod",
        "go.sum",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
        "Cargo.toml",
        "Cargo.lock",
        "Gemfile",
        "Gemfile.lock",
        "composer.json",
        "composer.lock",
    }
)
_BROAD_SOURCES = frozenset({".", "./", "*", "./*", "/", ".*", "**", "./**"})
_URL_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")


def _copy_step(model: BuildModel, ins: Instruction, state: InstructionState) -> CopyStep:
    syntax = ins.syntax
    escape = model.tree.escape
    plain = _expander_for(escape).plain
    values = syntax.values
    flag_list = syntax.flags
    heredocs = ins.heredocs
    # Most COPYs have no flag, no heredoc and plain words (each expands to itself): the
    # expander (which builds a scope on first use) is made only for the others.
    expand_value: Callable[[str], str] | None = None
    flags: dict[str, str | None] = {}
    exclude: list[str] = []
    chown = chmod = from_ = None
    link = parents = False
    if flag_list:
        expand_value = _state_expander(escape, state)
        for flag in flag_list:
            name, value = flag.name, flag.value
            flags[name] = value
            if name == "exclude" and value is not None:
                exclude.append(expand_value(value))
        from_ = flags.get("from")
        chown = flags.get("chown")
        chown = expand_value(chown) if chown else None
        chmod = flags.get("chmod")
        chmod = expand_value(chmod) if chmod else None
        link = _flag_true(flags, "link")
        parents = _flag_true(flags, "parents")
    if heredocs:
        expand_value = expand_value or _state_expander(escape, state)
        heredoc_sources = [
            doc for value in values[:-1] for doc in heredocs if _is_heredoc_word(value, (doc,))
        ]
        words = [expand_value(v) if not _is_heredoc_word(v, heredocs) else None for v in values]
        sources = [w for w in words[:-1] if w is not None]
        dest = words[-1] if words and words[-1] is not None else ""
    else:  # (what the lines above give without heredocs; a plain word expands to itself)
        heredoc_sources = []
        sources = list(values)
        if not all(map(plain, sources)):
            expand_value = expand_value or _state_expander(escape, state)
            sources = [v if plain(v) else expand_value(v) for v in sources]
        dest = sources.pop() if sources else ""
    workdir = state.workdir
    destination = _absolute(dest, workdir) if dest else workdir
    if dest.endswith("/") and not destination.endswith("/"):
        destination += "/"
    from_stage = find_stage(model.stages, from_, by_index=True) if from_ else None
    urls = [s for s in sources if s.startswith(_URL_PREFIXES)] if syntax.name == "add" else []
    broad = False
    context_files = None
    if from_ is None:
        context = model.context
        local = [s for s in sources if not s.startswith(_URL_PREFIXES)]
        if context is None:  # (``_is_broad`` without a context)
            broad = not _BROAD_SOURCES.isdisjoint(local)
        else:
            broad = any(_is_broad(s, context) for s in local)
            if local:
                context_files = _context_files(context, local)
    return CopyStep(
        ins, state, sources, heredoc_sources, dest, destination, from_, from_stage, chown, chmod,
        link, parents, exclude, flags, broad, context_files, urls,
    )  # fmt: skip


def _flag_true(flags: Mapping[str, str | None], name: str) -> bool:
    if name not in flags:
        return False
    value = flags[name]
    return value is None or value.lower() in ("1", "t", "true")


def _is_broad(source: str, context: Any) -> bool:
    """``.``/``*`` and friends, or (with a context) a folder that holds a manifest."""
    if source in _BROAD_SOURCES:
        return True
    if context is None:
        return False
    path = posixpath.normpath(source.lstrip("/")) if source.strip("/") else "."
    if path in (".", ""):
        return True
    dirs = getattr(context, "dirs", frozenset())
    files = getattr(context, "files", frozenset())
    if path not in dirs:
        return False
    return any(f"{path}/{name}" in files for name in MANIFEST_NAMES)


def _context_files(context: Any, sources: list[str]) -> list[str] | None:
    try:
        from rewriter.analyse.context import resolve_copy_sources
    except ImportError:  # pragma: no cover - part of dfopt
        return None
    resolution = resolve_copy_sources(context, sources)
    return sorted(resolution.files)


# -- JSON ------------------------------------------------------------------------------------


def model_json(model: BuildModel, *, include_runs: bool = True) -> dict[str, Any]:
    """The model as JSON-ready data, for ``dfopt parse --format json --model`` and tests.

    Stages are referred to by index; every instruction is listed with its line and its state
    (only the parts that differ from the previous instruction's state, to keep it readable).
    """
    out: dict[str, Any] = {
        "global_args": {
            name: {
                "default": decl.default,
                "value": decl.value,
                "line": decl.instruction.start_line,
            }
            for name, decl in model.global_args.items()
        },
        "final_stage": model.final_stage.index if model.final_stage else None,
        "stages": [_stage_json(model, stage) for stage in model.stages],
    }
    if include_runs:
        out["runs"] = [_run_json(step) for step in model.runs()]
        out["copies"] = [_copy_json(step) for step in model.copies()]
    return out


def _stage_json(model: BuildModel, stage: Stage) -> dict[str, Any]:
    instructions = []
    previous: dict[str, Any] = {}
    for ins in stage.instructions:
        state = _state_json(model.state_of(ins))
        changed = {k: v for k, v in state.items() if previous.get(k, _UNSET) != v}
        previous = state
        instructions.append({"line": ins.start_line, "keyword": ins.name, **changed})
    return {
        "index": stage.index,
        "name": stage.name,
        "base": stage.base,
        "base_stage": stage.base_stage.index if stage.base_stage else None,
        "platform": stage.platform,
        "family": stage.family,
        "family_source": stage.family_source,
        "toolchains": sorted(stage.toolchains),
        "is_final": stage.is_final,
        "used": stage.used,
        "depends_on": [d.index if isinstance(d, Stage) else d for d in stage.depends_on],
        "instructions": instructions,
        "end": _state_json(stage.end_state) if stage.end_state else None,
    }


_UNSET = object()


def _state_json(state: InstructionState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "args": dict(state.args),
        "env": dict(state.env),
        "workdir": state.workdir,
        "user": state.user,
        "home": state.home,
        "shell": list(state.shell),
        "undefined": list(state.undefined_names),
    }
    if state.errors:
        out["errors"] = list(state.errors)
    return out


def _run_json(step: RunStep) -> dict[str, Any]:
    return {
        "line": step.instruction.start_line,
        "stage": step.stage.index if step.stage else None,
        "mounts": [m.as_dict() for m in step.mounts],
        "network": step.network,
        "security": step.security,
        "scripts": [s.origin for s in step.scripts],
        "commands": [_command_json(c) for c in step.commands],
    }


def _command_json(command: RunCommand) -> dict[str, Any]:
    out: dict[str, Any] = {"argv": command.command.argv, "cwd": command.cwd}
    action = command.action
    if action is not None:
        out["action"] = {
            "tool": action.tool,
            "kind": action.kind,
            "subcommand": action.subcommand,
            "directory": action.directory,
            "manifests": list(action.manifests),
            "cache_dirs": list(action.cache_dirs),
        }
    return out


def _copy_json(step: CopyStep) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line": step.instruction.start_line,
        "keyword": step.instruction.name,
        "stage": step.stage.index if step.stage else None,
        "sources": step.sources,
        "heredocs": [doc.name for doc in step.heredoc_sources],
        "dest": step.dest,
        "destination": step.destination,
        "from": step.from_,
        "from_stage": step.from_stage.index if step.from_stage else None,
        "broad": step.broad,
    }
    for key in ("chown", "chmod"):
        if getattr(step, key) is not None:
            out[key] = getattr(step, key)
    if step.link:
        out["link"] = True
    if step.parents:
        out["parents"] = True
    if step.exclude:
        out["exclude"] = step.exclude
    if step.context_files is not None:
        out["context_files"] = step.context_files
    return out
