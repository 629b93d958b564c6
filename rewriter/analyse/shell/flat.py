"""The fastest path: plain scripts read straight from their text into Commands.

Most RUN bodies are simple commands joined by ``&&``, ``||``, ``;``, ``&``, ``|`` and newlines,
perhaps with a ``{ ...; }`` group or a ``( ... )`` subshell (the fixes of dfopt write those).
For them, making Tok objects, building the ``plain.py`` tree and walking it
(``parse._Walker``) costs more than needed: this module lexes the text into light tuples,
reads the lists with the same recursive scan as ``plain.py`` and records the Commands the
walker would, in one go. Anything else (``if``/``for``/``case``..., ``[[``, a here-document, a
syntax error, an unterminated quote) returns None before anything is recorded, and the script
takes the general path. ``tests/test_shell_flat_path.py`` holds this path to the walker, and
``tests/test_shell_fast_path.py`` both to the LALR parser, over the corpus, the test suite's
strings and generated scripts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .lexer import _NEXT_TOKEN as NEXT_TOKEN
from .lexer import _NOTABLE_WORDS as NOTABLE_WORDS
from .lexer import _OP_TYPES as OP_TYPES
from .lexer import _OPERATORS as OPERATORS
from .lexer import _REDIRECTS as REDIRECTS
from .lexer import Lexer
from .model import Command, Enclosure, Redirect, Word
from .plain import ASSIGNMENT, KEYWORDS
from .variables import MAY_CHANGE, Variables, apply, changes_variables, uncertain

#: Shells whose ``-c`` body the walker parses as a nested script.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
#: List operators and the connector a command after them records (``Command.connector``).
_LIST_CONNECTORS = {"AND_IF": "&&", "OR_IF": "||", "SEMI": ";", "AMP": "&"}
#: Connectors that end an and-or list.
_TERMINATORS = frozenset({";", "&", "\n"})
#: What may follow a group: an operator, or the end of the group around it (``plain.py``).
_AFTER_GROUP = frozenset({"AND_IF", "OR_IF", "SEMI", "AMP", "PIPE", "NEWLINE", "RPAREN"})
#: After these, a ``}`` in command position closes a brace group.
_SEPARATED = frozenset({"SEMI", "AMP", "NEWLINE"})

#: One simple command before its cwd is known: words, assignments, redirections, span and
#: the spans of the command substitutions in its words and redirection targets.
_Simple = tuple[
    tuple[Word, ...], tuple[Word, ...], tuple[Redirect, ...], int, int, list[tuple[int, int]]
]
#: A ``{ }`` group or ``( )`` subshell: its kind (``brace_group``/``subshell``), span (with its
#: redirections), redirections, substitutions in their targets, and its body (a ``_List``).
_Group = tuple[str, int, int, tuple[Redirect, ...], list[tuple[int, int]], Any]
#: A list: and-or lists of (connector, pipeline elements), each with the connector ending it.
_List = list[tuple[list[tuple["str | None", list["_Simple | _Group"]]], "str | None"]]
#: The token type of each operator (as ``Lexer.tokens`` gives it), None for the
#: here-document operators (a flat script has none).
_FLAT_OPERATORS: dict[str, str | None] = {
    op: None if op in ("<<", "<<-") else "REDIR_OP" if op in REDIRECTS else OP_TYPES[op]
    for op in OPERATORS
}
#: Words that stop ``_flat_tokens``: they change the lexer's state (``[[``, ``case``...) or
#: open a compound command the flat path does not read.
_NOT_FLAT = NOTABLE_WORDS | {"if", "for", "while", "until", "function"}


#: ``_State.parse_region``: parse ``text[start:end]`` as a script run in ``cwd``, nested in
#: ``outer`` (for ``$( )`` bodies and ``sh -c`` scripts).
ParseRegion = Callable[[int, int, "str | None", tuple[Enclosure, ...]], None]


class VariablesBox(Protocol):
    """Holds the shell variables set so far (``parse._State``): read when a Command is
    recorded, replaced as commands change them."""

    variables: Variables


class _Box:
    """A VariablesBox for a region parsed on its own (no variables set before it)."""

    def __init__(self) -> None:
        self.variables: Variables = ()


def flat_region(
    text: str,
    start: int,
    end: int,
    cwd: str | None,
    outer: tuple[Enclosure, ...],
    parse_region: ParseRegion,
    box: VariablesBox | None = None,
) -> list[Command] | None:
    """The Commands the walker would record for ``text[start:end]`` when it is a plain
    script, or None (then nothing was recorded, and the caller takes the general path).
    The bodies of ``$( )`` and ``sh -c`` in it go to ``parse_region``, as the walker sends
    them. ``box.variables`` are the variables set before the region; they are updated as
    the walker updates them.

    Mirrors ``Lexer.tokens`` for the tokens such a script has, ``plain._plain_list`` (which
    token sequences are accepted) and ``parse._Walker`` (connectors, ``sole``, enclosures,
    cwd after ``cd``, background jobs and pipelines leaving cwd alone).
    """
    tokens = _flat_tokens(text, start, end)
    if tokens is None:
        return None
    read = _read_list(tokens, 0, None)
    if read is None:
        return None
    out: list[Command] = []
    _walk_list(read[0], cwd, outer, out, parse_region, box or _Box())
    return out


def _walk_list(
    groups: _List,
    cwd: str | None,
    outer: tuple[Enclosure, ...],
    out: list[Command],
    parse_region: ParseRegion,
    box: VariablesBox,
) -> str | None:
    """Record the commands of a list (``_Walker.walk_list`` and ``walk_and_or``); return the
    cwd after it."""
    sole = len(groups) == 1 and len(groups[0][0]) == 1
    for items, terminator in groups:
        before = first_cwd = cwd
        variables = box.variables
        background = terminator == "&"
        seen_or = False
        first: Variables | None = None  # the variables after the first command
        for connector, elements in items:
            if connector == "||":
                seen_or = True
            if seen_or:
                box.variables = uncertain(first or (), box.variables)
            run_in = None if seen_or and cwd != first_cwd else cwd
            if len(elements) == 1:
                after = _walk_element(
                    elements[0], run_in, connector, outer, sole, False, background, out,
                    parse_region, box,
                )  # fmt: skip
            else:  # a pipeline: its elements run in subshells
                piped = box.variables
                for k, element in enumerate(elements):
                    link = connector if k == 0 else "|"
                    _walk_element(
                        element, run_in, link, outer, False, True, background, out,
                        parse_region, box,
                    )  # fmt: skip
                    box.variables = piped
                after = run_in
            if first is None:
                first = box.variables
            if not seen_or:
                cwd = after
            elif after != run_in:
                cwd = None
        if seen_or:
            box.variables = uncertain(first or (), box.variables)
        if background:  # a background job runs in a subshell
            cwd = before
            box.variables = variables
    return cwd


def _walk_element(
    element: _Simple | _Group,
    cwd: str | None,
    connector: str | None,
    outer: tuple[Enclosure, ...],
    sole: bool,
    piped: bool,
    background: bool,
    out: list[Command],
    parse_region: ParseRegion,
    box: VariablesBox,
) -> str | None:
    """Record one simple command or group (``_Walker.simple_command``/``compound``); return
    the cwd after it."""
    if type(element[0]) is str:  # a group
        kind, start, end, redirects, subs, body = element
        _parse_substitutions(subs, cwd, outer, parse_region)
        enclosure = Enclosure(kind, start, end, redirects, (), connector, piped, background)
        if kind == "brace_group":
            return _walk_list(body, cwd, (*outer, enclosure), out, parse_region, box)
        variables = box.variables  # a subshell
        _walk_list(body, cwd, (*outer, enclosure), out, parse_region, box)
        box.variables = variables
        return cwd
    words, assignments, redirects, first, last, subs = element
    if subs:
        _parse_substitutions(subs, cwd, outer, parse_region)
    command = Command(
        words, assignments, redirects, first, last, connector, cwd, True, sole, len(outer), outer,
        box.variables,
    )  # fmt: skip
    out.append(command)
    name = command.name
    if name in SHELLS:
        shell_c_body(parse_region, command, cwd, outer)
    if name in MAY_CHANGE and changes_variables(command):
        box.variables = apply(command, box.variables)
    return cwd_after(command, cwd, name) if name in _MOVES_CWD else cwd


def _parse_substitutions(
    subs: list[tuple[int, int]],
    cwd: str | None,
    outer: tuple[Enclosure, ...],
    parse_region: ParseRegion,
) -> None:
    """Parse ``$( )``/backtick bodies as scripts of their own (``_Walker.nested``)."""
    for start, end in subs:
        parse_region(start, end, cwd, (*outer, Enclosure("substitution", start, end)))


#: A token as ``_flat_tokens`` reads it: (type, start, end, text, Word or None, spans of the
#: command substitutions in the word).
_Token = tuple[str, int, int, str, "Word | None", Sequence[tuple[int, int]]]


def _flat_tokens(text: str, start: int, end: int) -> list[_Token] | None:
    """``Lexer(text, start, end).tokens()`` as tuples, or None at the first thing a flat
    script has not: a here-document, ``[[``/``]]``, ``case``/``esac`` words (they change the
    lexer's state), an unterminated quote, or a word that opens a compound command other than
    a group (``if``, ``for``...: the LALR path reads those scripts, so stop lexing early)."""
    out: list[_Token] = []
    append = out.append
    next_token = NEXT_TOKEN.match
    lexer: Lexer | None = None  # for words with quotes, escapes, ``$`` or a leading ``~``
    pos = start
    while True:
        match = next_token(text, pos, end)
        raw, op = match.groups()
        if raw is not None:
            stop = match.end()
            first = stop - len(raw)
            pos = stop
            if raw.isdigit() and raw.isascii() and stop < end and text[stop] in "<>":
                append(("IO_NUMBER", first, stop, raw, None, ()))
                continue
            if raw in _NOT_FLAT:
                return None
            glob = "*" in raw or "?" in raw or "[" in raw
            word = Word(raw, raw, first, stop, None, glob)  # (parts: one literal)
            append(("WORD", first, stop, raw, word, ()))
        elif op is not None:
            kind = _FLAT_OPERATORS[op]
            if kind is None:
                return None
            stop = match.end()
            append((kind, stop - len(op), stop, op, None, ()))
            pos = stop
        else:
            pos = match.end()
            if pos >= end:
                return out
            c = text[pos]
            if c == "\n":
                append(("NEWLINE", pos, pos + 1, "\n", None, ()))
                pos += 1
                continue
            if c == "#":
                nl = text.find("\n", pos, end)
                pos = end if nl < 0 else nl
                continue
            if lexer is None:
                lexer = Lexer(text, start, end)
            tok = lexer._word(pos)
            pos = lexer.pos
            if tok.type == "ERROR" or tok.text in _NOT_FLAT:
                return None
            append((tok.type, tok.start, tok.end, tok.text, tok.word, tok.subs))


def _read_list(tokens: list[_Token], i: int, closer: str | None) -> tuple[_List, int] | None:
    """Read a list from ``tokens[i]`` up to the end (``closer`` None), a ``)``
    (``"RPAREN"``) or a ``}`` in command position (``"RBRACE"``), as ``plain._plain_list``
    accepts it; return it and the index of the closer, or None when it is not plain."""
    groups: _List = []
    current: list[tuple[str | None, list[_Simple | _Group]]] = []
    pipeline: list[_Simple | _Group] = []
    pending: str | None = None  # the connector the next command records
    prev = ""  # "" at the start, "CMD" after a command, else the last operator's type
    n = len(tokens)
    in_group = closer is not None
    while i < n:
        token = tokens[i]
        kind = token[0]
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
        if in_group and (
            (kind == "RPAREN" and closer == "RPAREN")
            or (kind == "WORD" and token[3] == "}" and closer == "RBRACE" and prev in _SEPARATED)
        ):
            break
        if prev == "CMD":
            return None  # a word after a group, or a parenthesis after a word
        element: _Simple | _Group | None
        if kind == "LPAREN" or (kind == "WORD" and token[3] == "{"):
            element, i = _read_group(tokens, i)
            if element is None or (i < n and tokens[i][0] not in _AFTER_GROUP):
                return None  # `(a) b`, `{ a; } }`...: let the LALR parser decide
            if i < n and tokens[i][0] == "RPAREN" and closer != "RPAREN":
                return None
        else:
            element, i = _simple_command(tokens, i, in_group)
            if element is None:
                return None
        pipeline.append(element)
        if i < n and tokens[i][0] == "PIPE":
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
    if in_group and (i >= n or not groups):
        return None  # unclosed, or an empty group
    return groups, i


def _read_group(tokens: list[_Token], i: int) -> tuple[_Group | None, int]:
    """Read ``{ list }`` or ``( list )`` and its redirections from ``tokens[i]`` (as
    ``plain._plain_group``); (None, i) when not plain."""
    brace = tokens[i][0] == "WORD"
    read = _read_list(tokens, i + 1, "RBRACE" if brace else "RPAREN")
    if read is None:
        return None, i
    body, close = read
    start = tokens[i][1]
    end = tokens[close][2]
    redirects: list[Redirect] = []
    subs: list[tuple[int, int]] = []
    i = close + 1
    n = len(tokens)
    while i < n and tokens[i][0] in ("REDIR_OP", "IO_NUMBER"):
        i = _read_redirect(tokens, i, redirects, subs)
        if i < 0:
            return None, i
        end = redirects[-1].end
    kind = "brace_group" if brace else "subshell"
    return (kind, start, end, tuple(redirects), subs, body), i


def _read_redirect(
    tokens: list[_Token], i: int, redirects: list[Redirect], subs: list[tuple[int, int]]
) -> int:
    """Read ``[n]op word`` from ``tokens[i]`` (a REDIR_OP or IO_NUMBER) into ``redirects``
    (and the substitutions of its target into ``subs``); return the index after it, or -1
    when the operator or its target is missing (``plain._plain_redirect``)."""
    kind, first, _, text, _, _ = tokens[i]
    op = i + 1 if kind == "IO_NUMBER" else i
    if op + 1 >= len(tokens) or tokens[op][0] != "REDIR_OP" or tokens[op + 1][0] != "WORD":
        return -1
    target = tokens[op + 1]
    if target[5]:
        subs += target[5]
    fd = int(text) if kind == "IO_NUMBER" else None
    # (here-documents never reach the flat path: no heredoc on the operator)
    redirects.append(Redirect(fd, tokens[op][3], target[4], first, target[2]))
    return op + 2


def _simple_command(tokens: list[_Token], i: int, in_group: bool) -> tuple[_Simple | None, int]:
    """Read one simple command from ``tokens[i]`` (as ``plain._plain_command``: a ``}``
    argument inside a group is left to the LALR parser); (None, i) when it is not one."""
    words: list[Word] = []
    assignments: list[Word] = []
    redirects: list[Redirect] = []
    subs: list[tuple[int, int]] = []  # substitutions in the words, in order
    prefix = True  # before the command word: NAME=value words are assignments
    start = end = -1
    n = len(tokens)
    while i < n:
        kind, first, last, text, word, word_subs = tokens[i]
        if kind == "WORD":
            if word_subs:
                subs += word_subs
            assert word is not None
            if prefix:
                if text in KEYWORDS:
                    return None, i
                if ASSIGNMENT.match(text):
                    assignments.append(word)
                else:
                    prefix = False
                    words.append(word)
            elif in_group and text == "}":
                return None, i
            else:
                words.append(word)
            if start < 0:
                start = first
            end = last
            i += 1
        elif kind == "REDIR_OP" or kind == "IO_NUMBER":
            i = _read_redirect(tokens, i, redirects, subs)
            if i < 0:
                return None, i
            if start < 0:
                start = first
            end = redirects[-1].end
        else:
            break
    if start < 0:
        return None, i
    return (tuple(words), tuple(assignments), tuple(redirects), start, end, subs), i


def shell_c_body(
    parse_region: ParseRegion, command: Command, cwd: str | None, outer: tuple[Enclosure, ...]
) -> None:
    """Parse the script of ``sh -c '...'`` when its text maps 1:1 onto the source."""
    if command.name not in SHELLS or len(command.words) < 3:
        return
    words = command.words[1:]
    if command.name == "busybox":
        if words[0].value != "sh":
            return
        words = words[1:]
    for k, word in enumerate(words[:-1]):
        flag = word.value
        if flag is None or not flag.startswith("-") or flag == "--":
            return
        if "c" in flag[1:] and not flag.startswith("--"):
            body = words[k + 1]
            raw = body.raw
            if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" and body.value == raw[1:-1]:
                start, end = body.start + 1, body.end - 1
                parse_region(start, end, cwd, (*outer, Enclosure("shell_c", start, end)))
            return


#: The commands ``cwd_after`` looks at (any other leaves the directory alone).
_MOVES_CWD = frozenset({"cd", "pushd", "popd"})


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
