"""Shell variables a script sets for its later commands (``export A=1 && pip install``).

Why: a RUN script often sets a tool's cache folder with ``export PIP_CACHE_DIR=/c`` before
calling the tool, and the recogniser must see that folder. The walkers (``parse._Walker`` and
the flat path in ``flat.py``) track the variables as they track ``cd``: each Command records
the state left by the commands before it in the same shell (``Command.variables``).

A state is a tuple of ``(name, status, value)`` sorted by name, one per variable the script
touched so far (nothing for a script that touched none, so most Commands share ``()``):

- ``EXPORTED``: in the environment of later commands, ``value`` its text (None when it is not
  static: ``export A=$(pwd)``);
- ``SHELL``: a shell variable (``A=1``), exported only if it came from the environment (an
  ENV or ARG of the same name) or a later ``export A`` exports it;
- ``UNSET``: removed by ``unset A``;
- ``UNKNOWN``: changed on a path that may or may not run (``if``, a loop, after ``||``):
  neither its value nor whether it is set is known.

One entry is not a variable: ``ALLEXPORT`` (``"set -a"``) records that ``set -a`` (or
``set -o allexport``) is on (SHELL) or may be (UNKNOWN), so that later assignments are
exported as sh exports them.

A word naming a variable dfopt cannot read (``export $N=1``, ``unset $N``) records
nothing: which variable it changes cannot be known, such scripts are rare, and the variables
already recorded keep their entries.

States are immutable, so a walker saves one by keeping a reference and restores it on leaving
a subshell, a pipeline element, a background job or a ``$( )``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .model import LIT, VAR, Command, Word

EXPORTED = "exported"
SHELL = "shell"
UNSET = "unset"
UNKNOWN = "unknown"

#: A variable state: ``(name, status, value)`` sorted by name.
Variables = tuple[tuple[str, str, "str | None"], ...]

#: The entry of ``set -a`` (no variable has this name).
ALLEXPORT = "set -a"

#: Commands that may change variables (besides assignments with no command word).
CHANGERS = frozenset({"export", "declare", "typeset", "unset", "readonly", "local", "set"})
#: The ``Command.name`` of every command that may change variables: CHANGERS, and None (no
#: command word, or one that is not static). One set lookup for the walkers' common case.
MAY_CHANGE = CHANGERS | {None}


def changes_variables(command: Command) -> bool:
    """Whether ``command`` may change the script's variables: cheap, asked of every command."""
    return command.name in CHANGERS or (not command.words and bool(command.assignments))


def apply(command: Command, state: Variables) -> Variables:
    """The state after ``command`` (one for which ``changes_variables`` is true) runs."""
    if not command.known:
        return state
    current = dict((name, (status, value)) for name, status, value in state)
    if not command.words:
        for word in command.assignments:
            _assign(current, word, None)
    else:
        _builtin(command, current)
    after = tuple(sorted((name, status, value) for name, (status, value) in current.items()))
    return state if after == state else after  # (``set -e`` keeps the state it was given)


def uncertain(before: Variables, after: Variables) -> Variables:
    """The state when the changes from ``before`` to ``after`` may or may not have happened:
    every variable whose entry differs becomes UNKNOWN."""
    if before is after or before == after:
        return before
    old = {name: (status, value) for name, status, value in before}
    new = {name: (status, value) for name, status, value in after}
    merged = dict(new)
    for name in old.keys() | new.keys():
        if old.get(name) != new.get(name):
            merged[name] = (UNKNOWN, None)
    return tuple(sorted((name, status, value) for name, (status, value) in merged.items()))


def environment(
    variables: Variables, base: Mapping[str, str | None], inherited: Mapping[str, object]
) -> dict[str, str | None]:
    """The environment of a command: ``base`` (the stage's variables, None for an unknown
    value) changed by the script's ``variables``; ``inherited`` names every variable the
    shell got from its environment (a SHELL assignment to one of them changes the
    environment). An UNKNOWN variable, or an exported one whose value is not static, maps to
    None."""
    env = dict(base)
    for name, status, value in variables:
        if name == ALLEXPORT:
            continue
        if status == EXPORTED or (status == SHELL and name in inherited):
            env[name] = value
        elif status == UNSET:
            env.pop(name, None)
        elif status == UNKNOWN:
            env[name] = None
    return env


# -- the builtins --------------------------------------------------------------------------

_Current = dict[str, tuple[str, "str | None"]]


def _builtin(command: Command, current: _Current) -> None:
    """Apply ``export``/``declare``/``typeset``/``readonly``/``local``/``unset``/``set``."""
    name = command.name
    args = command.words[1:]
    if name == "set":
        _set(args, current)
        return
    flags = ""
    names: list[Word] = []
    for k, word in enumerate(args):
        text = word.value
        if text == "--" and not names:
            names = list(args[k + 1 :])
            break
        if text is not None and text[:1] in "-+" and len(text) > 1 and not names:
            flags += text if text[0] == "-" else "?"  # +x (un-export) and friends: unknown
            continue
        names = list(args[k:])
        break
    if name == "unset":
        functions = "f" in flags
        for word in names:
            var = word.value
            # (a name dfopt cannot read, ``unset $N``, records nothing: module docstring)
            if var is not None and _is_name(var) and not functions:
                current[var] = (UNSET, None) if flags in ("", "-v") else (UNKNOWN, None)
        return
    letters = set(flags.replace("-", ""))
    exported = name == "export" or "x" in letters
    plain = letters <= {"x", "r", "g"} if name != "export" else not letters
    if name == "local" or not plain:  # arrays, integers, un-export, locals...: unknown
        for word in names:
            target = _assigned_name(word)
            if target is not None:
                current[target] = (UNKNOWN, None)
        return
    for word in names:
        if _assigned_name(word) is not None:
            _assign(current, word, EXPORTED if exported else None)
        elif exported and word.value is not None and _is_name(word.value):
            _export(current, word.value)


def _set(args: tuple[Word, ...], current: _Current) -> None:
    """``set -a``/``set -o allexport`` (``+a``/``+o allexport`` turn it off) among the
    options; the operands (positional parameters) start at the first other word."""
    k, n = 0, len(args)
    while k < n:
        text = args[k].value
        if text is None or text[:1] not in "-+" or text in ("-", "--"):
            return
        on = text[0] == "-"
        if "a" in text[1:]:
            _allexport(current, on)
        k += 1
        if text.endswith("o") and k < n:  # ``-o NAME``, ``-eo NAME``
            if args[k].value == "allexport":
                _allexport(current, on)
            k += 1


def _allexport(current: _Current, on: bool) -> None:
    """Record that ``set -a`` is on (or remove the record)."""
    if on:
        current[ALLEXPORT] = (SHELL, "on")
    else:
        current.pop(ALLEXPORT, None)


def _export(current: _Current, name: str) -> None:
    """``export NAME``: a SHELL variable becomes EXPORTED; an unset one stays unset (and one
    the script never touched was either inherited, so already exported, or unset)."""
    entry = current.get(name)
    if entry is not None and entry[0] == SHELL:
        current[name] = (EXPORTED, entry[1])


def _assign(current: _Current, word: Word, status: str | None) -> None:
    """``NAME=value``: set NAME with ``status`` (None: EXPORTED if it already is, else
    SHELL; an UNKNOWN variable assigned without export may or may not be exported)."""
    name = _assigned_name(word)
    if name is None:  # a name dfopt cannot read records nothing (module docstring)
        return
    value = _value(word, current)
    if status is None:
        previous = current.get(name, (SHELL, None))[0]
        allexport = current.get(ALLEXPORT)
        if previous == UNKNOWN or (allexport is not None and allexport[0] == UNKNOWN):
            current[name] = (UNKNOWN, None)
            return
        status = EXPORTED if previous == EXPORTED or allexport is not None else SHELL
    current[name] = (status, value)


def _assigned_name(word: Word) -> str | None:
    """NAME of a ``NAME=value`` word whose ``NAME=`` is literal, else None."""
    parts = word.parts
    if not parts or parts[0].kind != LIT or "=" not in parts[0].text:
        return None
    name = parts[0].text.partition("=")[0]
    return name if _is_name(name) else None


def _value(word: Word, current: _Current) -> str | None:
    """The static value after ``=``, with ``$NAME`` of variables the script set to a static
    value resolved; None when anything else is in it (``$(...)``, ``~``, an outer variable).

    An unquoted ``~`` after the ``=`` or a ``:`` is the home folder in an assignment
    (``A=~/x``, ``P=/a:~/b``), which the lexer leaves literal in the word's value: unknown
    here (a quoted one too: rare, and unknown is never wrong).
    """
    rest = word.raw.partition("=")[2]
    if rest.startswith("~") or ":~" in rest:
        return None
    if word.value is not None:
        return word.value.partition("=")[2]
    out: list[str] = []
    for k, part in enumerate(word.parts):
        if part.kind == LIT:
            out.append(part.text.partition("=")[2] if k == 0 else part.text)
        elif part.kind == VAR:
            entry = current.get(part.text)
            if entry is None or entry[0] not in (EXPORTED, SHELL) or entry[1] is None:
                return None
            out.append(entry[1])
        else:
            return None
    return "".join(out)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_name(text: str) -> bool:
    return _NAME.fullmatch(text) is not None
