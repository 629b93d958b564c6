"""Give a RUN a secret as an environment variable on any BuildKit: mount it as a file, export it.

Why not ``--mount=type=secret,id=x,env=NAME``: ``env=`` needs the dockerfile 1.10 frontend.
Without a ``# syntax=`` line the builder's built-in frontend is used, and Docker 20.10's
predates ``env=`` ("unexpected key 'env'"); adding ``# syntax=docker/dockerfile:1`` makes every
build pull the frontend image, which fails offline or air-gapped. The form every BuildKit
accepts is a secret *file* (``--mount=type=secret,id=x`` at ``/run/secrets/x``) that the RUN
reads into the variable itself::

    RUN --mount=type=secret,id=npm_token \\
        NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci

An assignment's exit status is its command substitution's, so a missing secret fails the RUN
before the original command runs. When the original script is not a single ``&&`` chain
(``a; b``, ``a || b``, a compound command), ``&&`` would not guard all of it, and with ``||``
the fallback would even run instead: then the prefix ends the shell on failure instead,
``NAME="$(cat ...)" || exit; export NAME;``. Either way the original script follows byte for
byte. The build command does not change: ``docker build --secret id=x,env=NAME`` still feeds
the secret from the caller's environment.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from rewriter.rules.base import Edit

if TYPE_CHECKING:
    from rewriter.analyse.model import RunStep
    from rewriter.analyse.shell import Script
    from rewriter.parser import Instruction

__all__ = ["SECRETS_DIR", "secret_prefix", "secret_prefix_edit"]

SECRETS_DIR = "/run/secrets"
#: Shells whose syntax the prefix is written in (a ``SHELL`` of pwsh or cmd gets no fix).
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
#: Connectors that keep a top-level list one ``&&`` chain (``|`` binds tighter than ``&&``).
_CHAINED = frozenset({None, "&&", "|"})


def secret_prefix(name: str, path: str, *, chained: bool) -> str:
    """The text put before the RUN's script: read ``path`` into ``name`` and export it."""
    read = f'{name}="$(cat {path})"'
    if chained:
        return f"{read} && export {name} && "
    return f"{read} || exit; export {name}; "


def secret_prefix_edit(
    run: RunStep, ident: str, name: str, *, mount: bool, target: str | None = None
) -> Edit | None:
    """The edit that gives ``run`` the secret ``ident`` as ``$name``: the mount flag (when
    ``mount``) and the prefix, inserted where the script starts. None when the RUN cannot take
    a shell prefix: exec form, here-documents, a script dfopt cannot parse, a non-POSIX SHELL.
    ``target`` is where an existing secret mount puts the file (default ``/run/secrets/<id>``).
    """
    ins = run.instruction
    if ins.json or ins.heredocs or len(run.scripts) != 1 or run.scripts[0].origin != "shell":
        return None
    shell = run.state.shell
    if not shell or posixpath.basename(shell[0]) not in _POSIX_SHELLS:
        return None
    script = run.scripts[0].script
    if not script.ok or not script.commands:
        return None
    path = target or posixpath.join(SECRETS_DIR, ident)
    if not _plain_path(path):
        return None
    text = secret_prefix(name, path, chained=_one_chain(script))
    at = _script_start(ins)
    if mount:
        if ins.new_flag_offset() != at:
            return None  # a `--` ends the flags: a mount written at the script would be a word
        text = f"--mount=type=secret,id={ident} " + text
    return Edit.insert(at, text)


def _script_start(ins: Instruction) -> int:
    return ins.file_span(ins.syntax.args_start, ins.syntax.args_start)[0]


def _plain_path(path: str) -> bool:
    """A path that needs no quoting inside ``$(cat ...)``."""
    return all(c.isalnum() or c in "/._-" for c in path)


def _one_chain(script: Script) -> bool:
    """Whether the whole script is one ``&&`` chain of (maybe piped) simple commands, so that
    ``prefix && <script>`` runs nothing when the prefix fails. Commands nested in a ``$(...)``
    of a top-level command are part of it; any other nesting is a compound command."""
    top = [c for c in script.commands if c.depth == 0]
    if not top or any(c.connector not in _CHAINED for c in top):
        return False
    for command in script.commands:
        if command.depth and not any(t.start <= command.start < t.end for t in top):
            return False
    return True
