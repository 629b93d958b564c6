"""DF105's fix: move a lone ``RUN apt-get update`` into the install RUN that needs it.

::

    RUN apt-get update                 ->   RUN apt-get update && apt-get install -y curl
    RUN apt-get install -y curl

Why it is safe: the image ends with the same packages and the same index files; only the layer
that holds the index changes, and the install can no longer run against a stale cached index.
The update's own words are copied as written, at the start of the install's script, joined with
``&&``.

Why it is strict: the update must be the RUN's only command, on one line, with no flags, so that
what moves is exactly that command. Nothing between the two RUNs may change what the update does
or what the install sees: another RUN, a COPY (of a sources list), USER, WORKDIR, SHELL, or an
ENV/ARG that names a proxy or apt setting block the fix. The install's script must fail as a
whole when the update fails, as the two RUNs did: its top-level commands must be joined by
``&&`` (or ``|``), never ``;``, ``||``, a newline or ``&``. A network flag on the install
(``--network=none``) would cut the update off, so it blocks too.
"""

from __future__ import annotations

import re
from typing import Any

from rewriter.fixes.dependency_first_scan import mounts
from rewriter.fixes.dependency_first_system import POSIX_SHELLS  # (whose ``&&`` it relies on)
from rewriter.fixes.volatile_move import declared_names
from rewriter.rules.base import Applicability, Edit, Fix

#: Instructions that may sit between the two RUNs: they change nothing the update or the
#: install sees (ENV/ARG are checked by name, see ``_SETTING``).
_HARMLESS = frozenset({"label", "expose", "maintainer", "stopsignal", "healthcheck", "cmd"})
_HARMLESS |= {"entrypoint", "env", "arg"}
#: ENV/ARG names that change what a package tool downloads or how: proxies, apt and dnf options.
_SETTING = re.compile(r"proxy|^apt|^dnf|^yum|^apk|^pip_index", re.IGNORECASE)
#: Top-level connectors that keep "fail as a whole" when the update is put first with ``&&``.
_CHAINED = frozenset({None, "&&", "|"})


def index_update_fix(update: Any, install: Any) -> tuple[Fix | None, str | None]:
    """The fix moving ``update`` (a RunStep whose only command updates an index) into
    ``install`` (the later RunStep that installs with that tool), or None and why not."""
    reason = _update_blocker(update) or _between_blocker(update, install)
    reason = reason or _install_blocker(install)
    if reason is not None:
        return None, reason
    command = update.commands[0].command
    script = update.commands[0].script.script
    text = script.text[command.start : command.end]
    inst = install.instruction
    at = inst.logical.to_file_offset(inst.syntax.args_start)
    edits = (
        Edit.delete(update.instruction.start_offset, update.instruction.end_offset),
        Edit.insert(at, f"{text} && "),
    )
    title = f"Run `{text}` in the RUN on line {inst.start_line}, where the install needs it"
    return Fix(title, edits, Applicability.SAFE), None


def _update_blocker(update: Any) -> str | None:
    inst = update.instruction
    if inst.json or inst.heredocs or inst.flags or len(inst.lines) != 1:
        return "the update's RUN is not a plain one-line RUN without flags"
    if len(update.commands) != 1 or not update.commands[0].command.known:
        return "the update's RUN does more than the update"
    command = update.commands[0].command
    script = update.commands[0].script.script
    if script.text.strip() != script.text[command.start : command.end]:
        return "the update's RUN holds more than the command (a comment would be lost)"
    return _shell_blocker(update)


def _install_blocker(install: Any) -> str | None:
    inst = install.instruction
    if inst.json or inst.heredocs:
        return "the install's RUN is not in shell form"
    if install.network is not None or install.security is not None:
        return "the install's RUN sets --network or --security"
    if any(m.get("type", "bind") != "cache" for m in mounts(inst)):
        return "the install's RUN mounts something other than a cache"
    script = install.script
    if script is None or not script.ok:
        return "dfopt cannot parse the install's shell code"
    for run_command in install.commands:
        command = run_command.command
        outer = command.enclosing[0].connector if command.enclosing else command.connector
        if outer not in _CHAINED:
            return (
                f"the install's RUN joins commands with `{outer.strip() or 'a newline'}`: it"
                " would go on after a failed update"
            )
    return _shell_blocker(install)


def _between_blocker(update: Any, install: Any) -> str | None:
    body = update.stage.body if update.stage is not None else []
    try:
        start = body.index(update.instruction)
        end = body.index(install.instruction)
    except ValueError:
        return "the update and the install are not in the same stage"
    for inst in body[start + 1 : end]:
        if inst.name not in _HARMLESS:
            return f"`{inst.keyword}` on line {inst.start_line} runs between them"
        if inst.name in ("env", "arg") and any(_SETTING.search(n) for n in declared_names(inst)):
            return f"`{inst.keyword}` on line {inst.start_line} sets a download setting"
    return None


def _shell_blocker(step: Any) -> str | None:
    shell = step.state.shell
    name = shell[0].rpartition("/")[2] if shell else "sh"
    if name not in POSIX_SHELLS:
        return f"the RUN runs in the SHELL `{' '.join(shell)}`"
    return None
