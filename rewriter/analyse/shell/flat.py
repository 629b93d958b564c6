"""The fastest path: flat scripts read straight from tokens into Commands.

Most RUN bodies are *flat*: simple commands joined by ``&&``, ``||``, ``;``, ``&``, ``|`` and
newlines, without groups, ``$( )``/backticks or ``sh -c`` bodies. For those, building the
``plain.py`` tree and walking it (``parse._Walker``) costs more than lexing the script; this
module does both steps in one pass over the tokens and returns the same Commands. Anything
else (a group, a reserved word in command position, a substitution, a shell command, a syntax
error) returns None before anything is recorded, and the script takes the general path.
``tests/test_shell_fast_path.py`` holds this path to the plain-tree path and to the LALR parser
over the corpus, the test suite's strings and generated scripts.
"""

from __future__ import annotations

import posixpath

from .lexer import Tok
from .model import Command, Enclosure, Redirect, Word
from .plain import ASSIGNMENT, KEYWORDS

#: Shells whose ``-c`` body the walker parses as a nested script (flat scripts have none).
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
#: List operators and the connector a command after them records (``Command.connector``).
_LIST_CONNECTORS = {"AND_IF": "&&", "OR_IF": "||", "SEMI": ";", "AMP": "&"}
#: Connectors that end an and-or list.
_TERMINATORS = frozenset({";", "&", "\n"})

#: One parsed simple command before its cwd is known: words, assignments, redirections, span.
_Parts = tuple[tuple[Word, ...], tuple[Word, ...], tuple[Redirect, ...], int, int]


def flat_commands(
    tokens: list[Tok], cwd: str | None, outer: tuple[Enclosure, ...]
) -> list[Command] | None:
    """The Commands the walker would record for a flat token list, or None when not flat.

    Mirrors ``plain._plain_list`` (which token sequences are accepted) and
    ``parse._Walker.walk_list``/``walk_and_or``/``simple_command`` (connectors, ``sole``,
    cwd after ``cd``, background jobs and pipelines leaving cwd alone).
    """
    groups = _flat_groups(tokens)
    if groups is None:
        return None
    depth = len(outer)
    sole = len(groups) == 1 and len(groups[0][0]) == 1
    out: list[Command] = []
    for items, terminator in groups:
        before = start = cwd
        seen_or = False
        for connector, elements in items:
            if connector == "||":
                seen_or = True
            run_in = None if seen_or and cwd != start else cwd
            if len(elements) == 1:
                words, assignments, redirects, first, last = elements[0]
                command = Command(
                    words, assignments, redirects, first, last, connector, run_in,
                    True, sole, depth, outer,
                )  # fmt: skip
                name = command.name
                if name in SHELLS:
                    return None  # an ``sh -c`` body is a nested script: the walker's job
                after = cwd_after(command, run_in, name)
                out.append(command)
            else:  # a pipeline: its elements run in subshells
                for k, (words, assignments, redirects, first, last) in enumerate(elements):
                    command = Command(
                        words, assignments, redirects, first, last,
                        connector if k == 0 else "|", run_in, True, False, depth, outer,
                    )  # fmt: skip
                    if command.name in SHELLS:
                        return None
                    out.append(command)
                after = run_in
            if not seen_or:
                cwd = after
            elif after != run_in:
                cwd = None
        if terminator == "&":  # a background job runs in a subshell
            cwd = before
    return out


def _flat_groups(
    tokens: list[Tok],
) -> list[tuple[list[tuple[str | None, list[_Parts]]], str | None]] | None:
    """Split a flat token list into and-or lists of (connector, pipeline elements), with the
    connector that ends each list; None when the tokens are not a flat script."""
    groups: list[tuple[list[tuple[str | None, list[_Parts]]], str | None]] = []
    current: list[tuple[str | None, list[_Parts]]] = []
    pipeline: list[_Parts] = []
    pending: str | None = None  # the connector the next command records
    prev = ""  # "" at the start, "CMD" after a command, else the last operator's type
    i, n = 0, len(tokens)
    while i < n:
        kind = tokens[i].type
        if kind == "NEWLINE":
            i += 1
            if prev == "PIPE":
                continue  # a newline after ``|`` belongs to the pipeline
            if prev != "AND_IF" and prev != "OR_IF":
                prev = kind
            if pending is None:
                pending = "\n"
                if current:
                    groups.append((current, pending))
                    current = []
            continue
        connector = _LIST_CONNECTORS.get(kind)
        if connector is not None:
            if prev != "CMD":
                return None
            prev = kind
            i += 1
            if pending is None:
                pending = connector
                if connector in _TERMINATORS and current:
                    groups.append((current, connector))
                    current = []
            continue
        if prev == "CMD":
            return None
        parts, i = _simple_command(tokens, i)
        if parts is None:
            return None
        pipeline.append(parts)
        if i < n and tokens[i].type == "PIPE":
            prev = "PIPE"
            i += 1
            continue
        current.append((pending, pipeline))
        pipeline = []
        pending = None
        prev = "CMD"
    if prev in ("AND_IF", "OR_IF", "PIPE"):
        return None
    if current:
        groups.append((current, None))
    return groups


def _simple_command(tokens: list[Tok], i: int) -> tuple[_Parts | None, int]:
    """Read one simple command without substitutions from ``tokens[i]`` (as
    ``plain._plain_command`` outside a group); (None, i) when it is not one."""
    words: list[Word] = []
    assignments: list[Word] = []
    redirects: list[Redirect] = []
    prefix = True  # before the command word: NAME=value words are assignments
    start = end = -1
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "WORD":
            if tok.subs:
                return None, i
            word = tok.word
            assert word is not None
            if prefix:
                text = tok.text
                if text in KEYWORDS:
                    return None, i
                if ASSIGNMENT.match(text):
                    assignments.append(word)
                else:
                    prefix = False
                    words.append(word)
            else:
                words.append(word)
            if start < 0:
                start = tok.start
            end = tok.end
            i += 1
        elif kind == "REDIR_OP" or kind == "IO_NUMBER":
            op = i + 1 if kind == "IO_NUMBER" else i
            if op + 1 >= n or tokens[op].type != "REDIR_OP" or tokens[op + 1].type != "WORD":
                return None, i
            target = tokens[op + 1]
            if target.subs:
                return None, i
            assert target.word is not None
            fd = int(tok.text) if kind == "IO_NUMBER" else None
            operator = tokens[op]
            redirects.append(
                Redirect(fd, operator.text, target.word, tok.start, target.end, operator.heredoc)
            )
            if start < 0:
                start = tok.start
            end = target.end
            i = op + 2
        else:
            break
    if start < 0:
        return None, i
    return (tuple(words), tuple(assignments), tuple(redirects), start, end), i


def cwd_after(command: Command, cwd: str | None, name: str | None) -> str | None:
    """The working directory after ``command`` (whose ``name`` is given) runs: only
    ``cd``/``pushd``/``popd`` move it."""
    if name == "popd":
        return None
    if name not in ("cd", "pushd"):
        return cwd
    args = list(command.words[1:])
    while args and args[0].value in ("-L", "-P", "-e", "--"):
        args.pop(0)
    if not args:
        return "~"
    if len(args) > 1:
        return None
    target = args[0].expand({}, home="~")
    if target is None or target == "-" or not target:
        return None
    if target.startswith(("/", "~")):
        return posixpath.normpath(target) if target.startswith("/") else target.rstrip("/")
    if cwd is None:
        return None
    return posixpath.normpath(posixpath.join(cwd, target))
