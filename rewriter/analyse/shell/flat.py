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
from collections.abc import Callable, Sequence

from .lexer import _NEXT_TOKEN as NEXT_TOKEN
from .lexer import _NOTABLE_WORDS as NOTABLE_WORDS
from .lexer import _OP_TYPES as OP_TYPES
from .lexer import _OPERATORS as OPERATORS
from .lexer import _REDIRECTS as REDIRECTS
from .lexer import Lexer
from .model import LIT, Command, Enclosure, Redirect, Word, WordPart
from .plain import ASSIGNMENT, KEYWORDS

#: Shells whose ``-c`` body the walker parses as a nested script (flat scripts have none).
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
#: List operators and the connector a command after them records (``Command.connector``).
_LIST_CONNECTORS = {"AND_IF": "&&", "OR_IF": "||", "SEMI": ";", "AMP": "&"}
#: Connectors that end an and-or list.
_TERMINATORS = frozenset({";", "&", "\n"})

#: One parsed simple command before its cwd is known: words, assignments, redirections, span
#: and the spans of the command substitutions in its words.
_Parts = tuple[
    tuple[Word, ...], tuple[Word, ...], tuple[Redirect, ...], int, int, list[tuple[int, int]]
]
#: The token type of each operator (as ``Lexer.tokens`` gives it), None for those a flat
#: script has not: ``(``, ``)`` and the here-document operators.
_FLAT_OPERATORS: dict[str, str | None] = {
    op: None if op in ("(", ")", "<<", "<<-") else "REDIR_OP" if op in REDIRECTS else OP_TYPES[op]
    for op in OPERATORS
}
#: Words that stop ``_flat_tokens``: they change the lexer's state (``[[``, ``case``...) or
#: open a compound command.
_NOT_FLAT = NOTABLE_WORDS | {"{", "if", "for", "while", "until", "function"}


#: ``_State.parse_region``: parse ``text[start:end]`` as a script run in ``cwd``, nested in
#: ``outer`` (for ``$( )`` bodies and ``sh -c`` scripts).
ParseRegion = Callable[[int, int, "str | None", tuple[Enclosure, ...]], None]


def flat_region(
    text: str,
    start: int,
    end: int,
    cwd: str | None,
    outer: tuple[Enclosure, ...],
    parse_region: ParseRegion,
) -> list[Command] | None:
    """The Commands the walker would record for ``text[start:end]`` when it is a flat
    script, or None (then nothing was recorded, and the caller takes the general path).
    The bodies of ``$( )`` and ``sh -c`` in it go to ``parse_region``, as the walker sends
    them.

    Mirrors ``Lexer.tokens`` for the tokens a flat script has, ``plain._plain_list`` (which
    token sequences are accepted) and ``parse._Walker.walk_list``/``walk_and_or``/
    ``simple_command`` (connectors, ``sole``, cwd after ``cd``, background jobs and pipelines
    leaving cwd alone).
    """
    tokens = _flat_tokens(text, start, end)
    if tokens is None:
        return None
    groups = _flat_groups(tokens)
    if groups is None:
        return None
    depth = len(outer)
    sole = len(groups) == 1 and len(groups[0][0]) == 1
    out: list[Command] = []
    for items, terminator in groups:
        before = first_cwd = cwd
        seen_or = False
        for connector, elements in items:
            if connector == "||":
                seen_or = True
            run_in = None if seen_or and cwd != first_cwd else cwd
            if len(elements) == 1:
                words, assignments, redirects, first, last, subs = elements[0]
                for sub_start, sub_end in subs:
                    inner = (*outer, Enclosure("substitution", sub_start, sub_end))
                    parse_region(sub_start, sub_end, run_in, inner)
                command = Command(
                    words, assignments, redirects, first, last, connector, run_in,
                    True, sole, depth, outer,
                )  # fmt: skip
                out.append(command)
                name = command.name
                if name in SHELLS:
                    shell_c_body(parse_region, command, run_in, outer)
                after = cwd_after(command, run_in, name)
            else:  # a pipeline: its elements run in subshells
                for k, (words, assignments, redirects, first, last, subs) in enumerate(elements):
                    for sub_start, sub_end in subs:
                        inner = (*outer, Enclosure("substitution", sub_start, sub_end))
                        parse_region(sub_start, sub_end, run_in, inner)
                    command = Command(
                        words, assignments, redirects, first, last,
                        connector if k == 0 else "|", run_in, True, False, depth, outer,
                    )  # fmt: skip
                    out.append(command)
                    if command.name in SHELLS:
                        shell_c_body(parse_region, command, run_in, outer)
                after = run_in
            if not seen_or:
                cwd = after
            elif after != run_in:
                cwd = None
        if terminator == "&":  # a background job runs in a subshell
            cwd = before
    return out


#: A token as ``_flat_tokens`` reads it: (type, start, end, text, Word or None, spans of the
#: command substitutions in the word).
_Token = tuple[str, int, int, str, "Word | None", Sequence[tuple[int, int]]]


def _flat_tokens(text: str, start: int, end: int) -> list[_Token] | None:
    """``Lexer(text, start, end).tokens()`` as tuples, or None at the first thing a flat
    script has not: a here-document, ``(``/``)``, ``[[``/``]]``, ``case``/``esac`` words (they
    change the lexer's state), an unterminated quote, or a word that opens a compound command
    (``{``, ``if``...: the plain or LALR path reads those scripts, so stop lexing early)."""
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
            if raw.isdigit() and stop < end and text[stop] in "<>":
                append(("IO_NUMBER", first, stop, raw, None, ()))
                continue
            if raw in _NOT_FLAT:
                return None
            glob = "*" in raw or "?" in raw or "[" in raw
            word = Word(raw, raw, first, stop, (WordPart(LIT, raw, False),), glob)
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


def _flat_groups(
    tokens: list[_Token],
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
        kind = tokens[i][0]
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
    return groups


def _simple_command(tokens: list[_Token], i: int) -> tuple[_Parts | None, int]:
    """Read one simple command from ``tokens[i]`` (as ``plain._plain_command`` outside a
    group); (None, i) when it is not one."""
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
            else:
                words.append(word)
            if start < 0:
                start = first
            end = last
            i += 1
        elif kind == "REDIR_OP" or kind == "IO_NUMBER":
            op = i + 1 if kind == "IO_NUMBER" else i
            if op + 1 >= n or tokens[op][0] != "REDIR_OP" or tokens[op + 1][0] != "WORD":
                return None, i
            target = tokens[op + 1]
            if target[5]:
                subs += target[5]
            fd = int(text) if kind == "IO_NUMBER" else None
            # (here-documents never reach the flat path: no heredoc on the operator)
            redirects.append(Redirect(fd, tokens[op][3], target[4], first, target[2]))
            if start < 0:
                start = first
            end = target[2]
            i = op + 2
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
