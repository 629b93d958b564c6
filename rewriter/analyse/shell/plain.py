"""The fast path for plain scripts: the tree the LALR parser would build, read directly.

Nearly every RUN body is a list of simple commands, with perhaps a ``{ }`` group or a subshell,
joined by ``&&``, ``||``, ``;``, ``&``, ``|`` and newlines. For those, :func:`plain_tree` reads
the tokens with a small recursive scan and builds :class:`Node`/:class:`Leaf` trees shaped like
the ones the grammar's LALR parser builds, so the walker in ``parse.py`` treats both alike.
Anything else gets None and goes to the LALR parser (``parse._feed``), which stays the
reference: ``tests/test_shell_fast_path.py`` holds both to the same Script.
"""

from __future__ import annotations

import re
from typing import Any

from .lexer import Tok

# Reserved words and the token types the grammar gives them where it can accept them.
KEYWORDS = {
    "if": "IF",
    "then": "THEN",
    "else": "ELSE",
    "elif": "ELIF",
    "fi": "FI",
    "do": "DO",
    "done": "DONE",
    "case": "CASE",
    "esac": "ESAC",
    "while": "WHILE",
    "until": "UNTIL",
    "for": "FOR",
    "in": "IN",
    "{": "LBRACE",
    "}": "RBRACE",
    "!": "BANG",
    "function": "FUNCTION",
}

# A NAME=value word in command-prefix position is an assignment.
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


class Node:
    """A tree node shaped like lark's ``Tree`` (``data``, ``children``), for the fast path."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children


class Leaf:
    """A leaf shaped like the lark ``Token`` the feeder makes: its type and token index."""

    __slots__ = ("start_pos", "type")

    def __init__(self, type_: str, start_pos: int) -> None:
        self.type = type_
        self.start_pos = start_pos


# Token types that end a command and join it to the next one in a list.
_LIST_OPERATORS = frozenset({"AND_IF", "OR_IF", "SEMI", "AMP"})
# What may follow a command: an operator, or the end of the group around it.
_AFTER_COMMAND = frozenset({"AND_IF", "OR_IF", "SEMI", "AMP", "PIPE", "NEWLINE", "RPAREN"})
# After these, a ``}`` in command position closes a brace group.
_SEPARATED = frozenset({"SEMI", "AMP", "NEWLINE"})


def plain_tree(tokens: list[Tok]) -> Node | None:
    """The tree the LALR parser would build for a *plain* script, or None for any other.

    Plain: simple commands (assignments, words, redirections), brace groups ``{ ...; }`` and
    subshells ``( ... )`` (with redirections after them) joined by ``&&``, ``||``, ``;``,
    ``&``, ``|`` and newlines, with no other reserved word in command position, no ``}``
    argument inside a group, no ``;;`` and no syntax error. That is nearly every RUN body,
    and for them this recursive scan replaces feeding lark token by token. Anything else
    returns None and goes to ``_feed``, which stays the reference:
    ``tests/test_shell_fast_path.py`` checks that both build the same Script.
    """
    read = _plain_list(tokens, 0, None)
    if read is None:
        return None
    return Node("start", read[0])


def _plain_list(tokens: list[Tok], i: int, closer: str | None) -> tuple[list[Any], int] | None:
    """Read a list from ``tokens[i]`` up to the end (``closer`` None), a ``)`` (``"RPAREN"``)
    or a ``}`` in command position (``"RBRACE"``); return its children as lark's inlined rules
    leave them (commands and operator tokens) and the index of the closer."""
    out: list[Any] = []
    pipeline: list[Any] | None = None  # children of the pipeline being read
    prev = ""  # "" at the start, "CMD" after a command, else the last operator's type
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "NEWLINE":
            if prev == "PIPE":
                assert pipeline is not None
                pipeline.append(Leaf(kind, i))
            else:
                out.append(Leaf(kind, i))
                if prev not in ("AND_IF", "OR_IF"):
                    prev = kind
            i += 1
            continue
        if kind in _LIST_OPERATORS:
            if prev != "CMD":
                return None
            out.append(Leaf(kind, i))
            prev = kind
            i += 1
            continue
        if closer is not None and (
            (kind == "RPAREN" and closer == "RPAREN")
            or (kind == "WORD" and tok.text == "}" and closer == "RBRACE" and prev in _SEPARATED)
        ):
            break
        if prev == "CMD":
            return None  # a word after a group, or a parenthesis after a word
        if kind == "LPAREN" or (kind == "WORD" and tok.text == "{"):
            command, i = _plain_group(tokens, i)
            if command is None or (i < n and tokens[i].type not in _AFTER_COMMAND):
                return None  # `(a) b`, `{ a; } }`...: let the LALR parser decide
            if i < n and tokens[i].type == "RPAREN" and closer != "RPAREN":
                return None
        else:
            command, i = _plain_command(tokens, i, closer is not None)
            if command is None:
                return None
        if i < n and tokens[i].type == "PIPE":
            if pipeline is None:
                pipeline = []
            pipeline += (command, Leaf("PIPE", i))
            prev = "PIPE"
            i += 1
            continue
        if pipeline is not None:
            pipeline.append(command)
            out.append(Node("pipeline", pipeline))
            pipeline = None
        else:
            out.append(command)
        prev = "CMD"
    if prev in ("AND_IF", "OR_IF", "PIPE"):
        return None
    if closer is not None and (i >= n or not any(type(c) is Node for c in out)):
        return None  # unclosed, or an empty group
    return out, i


def _plain_group(tokens: list[Tok], i: int) -> tuple[Node | None, int]:
    """Read ``{ list }`` or ``( list )`` and its redirections (``{ a; } >log 2>&1``) from
    ``tokens[i]``; (None, i) when not plain."""
    brace = tokens[i].type == "WORD"
    read = _plain_list(tokens, i + 1, "RBRACE" if brace else "RPAREN")
    if read is None:
        return None, i
    children, close = read
    opener = Leaf("LBRACE" if brace else "LPAREN", i)
    closing = Leaf("RBRACE" if brace else "RPAREN", close)
    group = Node(
        "brace_group" if brace else "subshell", [opener, Node("compound_list", children), closing]
    )
    children: list[Any] = [group]
    i = close + 1
    while i < len(tokens) and tokens[i].type in ("REDIR_OP", "IO_NUMBER"):
        redirect, i = _plain_redirect(tokens, i)
        if redirect is None:
            return None, i
        children.append(redirect)
    return Node("compound_command", children), i


def _plain_redirect(tokens: list[Tok], i: int) -> tuple[Node | None, int]:
    """Read ``[n]op word`` from ``tokens[i]`` (a REDIR_OP or IO_NUMBER); (None, i) when the
    operator or its target is missing."""
    op = i + 1 if tokens[i].type == "IO_NUMBER" else i
    if op + 1 >= len(tokens) or tokens[op].type != "REDIR_OP" or tokens[op + 1].type != "WORD":
        return None, i
    return Node("redirect", [Leaf(tokens[k].type, k) for k in range(i, op + 2)]), op + 2


def _plain_command(tokens: list[Tok], i: int, in_group: bool) -> tuple[Node | None, int]:
    """Read one simple command from ``tokens[i]``; (None, i) when it is not plain.

    A reserved word is a plain word after the command word or an assignment, except ``}``
    inside a group (``in_group``): the LALR parser may take that one as the group's end
    (``{ echo }``), so such a script goes to it.
    """
    children: list[Any] = []
    prefix = True  # before the command word: NAME=value words are assignments
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "WORD":
            if prefix:
                if tok.text in KEYWORDS:
                    return None, i
                if ASSIGNMENT.match(tok.text):
                    children.append(Leaf("ASSIGNMENT_WORD", i))
                    i += 1
                    continue
                prefix = False
            elif in_group and tok.text == "}":
                return None, i
            children.append(Leaf(kind, i))
            i += 1
        elif kind == "REDIR_OP" or kind == "IO_NUMBER":
            redirect, i = _plain_redirect(tokens, i)
            if redirect is None:
                return None, i
            children.append(redirect)
        else:
            break
    if not children:
        return None, i
    return Node("simple_command", children), i
