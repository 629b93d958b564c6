"""The result types of the shell parser: words, redirections, simple commands and the script.

Why records with offsets: rules ask questions ("is `apt-get` called with `update`?")
and fixes edit text. Both need the exact span of every word and command in the script that was
parsed, so that an edit can remove one word and leave every other byte alone. Nothing here
imports lark: rules that only look at results pay nothing for the parser.

The types are :class:`rewriter.records.Record` classes (value equality and hashing like the
frozen dataclasses they replace): the parser builds one Word and one WordPart per word and one
Command per command, and a Record's plain ``__init__`` is several times cheaper than a frozen
dataclass's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rewriter.records import Record

# Kinds of WordPart. Only "lit" is a plain literal; the others are expansions.
LIT = "lit"  # literal text after quote removal
VAR = "var"  # $NAME or ${NAME}: text is NAME
TILDE = "tilde"  # unquoted ~ or ~user at the start of a word: text is "~" or "~user"
PARAM = "param"  # ${...} with an operator, or a special parameter ($1, $@, $?): text is raw
CMDSUB = "cmdsub"  # $(...) or `...`: text is raw
ARITH = "arith"  # $((...)): text is raw
ANSI = "ansi"  # bash $'...': text is raw


class WordPart(Record):
    """One piece of a word: a literal run or one expansion, as the shell would see it."""

    __slots__ = ("kind", "quoted", "text")

    def __init__(self, kind: str, text: str, quoted: bool = False) -> None:
        self.kind = kind
        self.text = text
        self.quoted = quoted


class Word(Record):
    """A shell word as written (``raw``) and, when static, its quote-removed ``value``.

    ``value`` is None when the word holds an expansion that cannot be resolved without running
    the shell (``$VAR``, ``$(...)``, a leading ``~``); ``expand`` resolves variables and the
    tilde when the caller knows the environment. ``glob`` says that an unquoted ``*``, ``?`` or
    ``[`` is present: ``value`` keeps those characters literally (``/var/lib/apt/lists/*``).
    """

    __slots__ = ("_parts", "end", "glob", "raw", "start", "value")

    def __init__(
        self,
        raw: str,
        value: str | None,
        start: int,
        end: int,
        parts: tuple[WordPart, ...] | None = (),
        glob: bool = False,
    ) -> None:
        self.raw = raw
        self.value = value
        self.start = start
        self.end = end
        # None: one unquoted literal part, ``raw`` (``parts`` builds it on first use).
        self._parts = parts
        self.glob = glob

    @property
    def parts(self) -> tuple[WordPart, ...]:
        """The pieces of the word. ``parts=None`` given to the constructor stands for
        ``(WordPart(LIT, raw, False),)``, built here when first read: the shell parser's
        fast path makes most words that way, and few of their parts are ever read."""
        parts = self._parts
        if parts is None:
            parts = self._parts = (WordPart(LIT, self.raw, False),)
        return parts

    @property
    def quoted(self) -> bool:
        """True when any part of the word was quoted or escaped."""
        return any(p.quoted for p in self.parts)

    def expand(self, env: Mapping[str, str] | None = None, home: str | None = None) -> str | None:
        """Resolve ``$NAME``/``${NAME}`` from ``env`` and a bare ``~`` from ``home``.

        Returns None when something stays unknown (an unset variable, ``$(...)``, ``~user``).
        """
        env = env or {}
        out: list[str] = []
        for part in self.parts:
            if part.kind == LIT:
                out.append(part.text)
            elif part.kind == VAR and part.text in env:
                out.append(env[part.text])
            elif part.kind == TILDE and part.text == "~" and home is not None:
                out.append(home)
            else:
                return None
        return "".join(out)


class HereDoc(Record):
    """A here-document attached to a ``<<`` / ``<<-`` redirection.

    ``body_start``/``body_end`` delimit the body (without the delimiter line); ``quoted`` means
    the delimiter was quoted, so the body is literal (no expansions).
    """

    __slots__ = ("body_end", "body_start", "delimiter", "quoted", "strip_tabs")

    def __init__(
        self, delimiter: str, quoted: bool, strip_tabs: bool, body_start: int, body_end: int
    ) -> None:
        self.delimiter = delimiter
        self.quoted = quoted
        self.strip_tabs = strip_tabs
        self.body_start = body_start
        self.body_end = body_end


class Redirect(Record):
    """An I/O redirection such as ``2>&1``, ``> /dev/null`` or ``<<EOF``."""

    __slots__ = ("end", "fd", "heredoc", "op", "start", "target")

    def __init__(
        self,
        fd: int | None,
        op: str,
        target: Word,
        start: int,
        end: int,
        heredoc: HereDoc | None = None,
    ) -> None:
        self.fd = fd
        self.op = op
        self.target = target
        self.start = start
        self.end = end
        self.heredoc = heredoc


class Enclosure(Record):
    """A construct that nests commands: a compound command, a ``$( )`` or an ``sh -c`` body.

    Why it exists: a command nested in ``{ ...; } > file`` writes to that file, and one in
    ``for x in WORDS`` runs once per word, but a simple command's own fields say neither. Each
    nested :class:`Command` lists its enclosures (``Command.enclosing``, outermost first), so a
    rule can see what applies around it.

    ``kind`` is the grammar's name of the compound command (``"brace_group"``, ``"subshell"``,
    ``"for_clause"``, ``"case_clause"``, ``"if_clause"``, ``"while_clause"``,
    ``"until_clause"``), ``"function_def"`` for the body of a function definition (it runs only
    when the function is called), ``"substitution"`` for a ``$( )`` or backtick body and
    ``"shell_c"`` for the script of ``sh -c '...'``. ``start``/``end`` span the compound
    command with its redirections, or the body of a substitution or ``sh -c``.
    ``redirects`` are the compound command's own redirections (``done < file``).
    ``words`` are the words a ``for`` loop iterates over (None for ``for x`` without ``in``,
    which iterates over ``"$@"``) or the subject of a ``case``; () otherwise.
    ``connector`` is the operator before the compound command in its list (as for a Command),
    ``piped`` says it is an element of a pipeline of two or more, and ``background`` that its
    and-or list ends in ``&``; substitutions and ``sh -c`` bodies have None, False, False.
    """

    __slots__ = ("background", "connector", "end", "kind", "piped", "redirects", "start", "words")

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        redirects: tuple[Redirect, ...] = (),
        words: tuple[Word, ...] | None = (),
        connector: str | None = None,
        piped: bool = False,
        background: bool = False,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.redirects = redirects
        self.words = words
        self.connector = connector
        self.piped = piped
        self.background = background


class Command(Record):
    """One simple command, with its position in the script and what we know about it.

    ``connector`` is the operator before it in its own list (``&&``, ``||``, ``;``, ``|``,
    ``\\n``, ``&``) or None for the first command of a list (the script, or the body of a
    ``( )``, ``{ }``, ``if``, loop, ``case`` item, function, ``$( )``). ``cwd`` is the directory
    after earlier ``cd`` in the same script: ``"."`` when no ``cd`` ran (the WORKDIR), a path as
    written (``"src"``, ``"/app"``, may start with ``~``), or None when it cannot be known.
    ``known`` is False for a span that could not be parsed: it then has no words.
    ``sole`` is True when the command is the only item of its list, so removing it would leave
    an empty (invalid) body. ``depth`` counts the nested lists around it (0 at the top level).
    ``enclosing`` lists the constructs it is nested in, outermost first: one per level of
    ``depth`` (``len(enclosing) == depth``).
    ``variables`` are the shell variables earlier commands of the same shell set, exported or
    unset (``export A=1``, ``A=1``, ``unset A``), as ``(name, status, value)`` sorted by name:
    see ``variables.py``. ``()`` when none did (most commands).
    """

    __slots__ = (
        "assignments",
        "connector",
        "cwd",
        "depth",
        "enclosing",
        "end",
        "known",
        "name",
        "redirects",
        "sole",
        "start",
        "variables",
        "words",
    )

    def __init__(
        self,
        words: tuple[Word, ...],
        assignments: tuple[Word, ...],
        redirects: tuple[Redirect, ...],
        start: int,
        end: int,
        connector: str | None,
        cwd: str | None,
        known: bool = True,
        sole: bool = False,
        depth: int = 0,
        enclosing: tuple[Enclosure, ...] = (),
        variables: tuple[tuple[str, str, str | None], ...] = (),
    ) -> None:
        self.words = words
        self.assignments = assignments
        self.redirects = redirects
        self.start = start
        self.end = end
        self.connector = connector
        self.cwd = cwd
        self.known = known
        self.sole = sole
        self.depth = depth
        self.enclosing = enclosing
        self.variables = variables
        # Not a field: the basename of argv[0] (``/usr/bin/apt-get`` -> ``apt-get``), or None.
        # Computed once here because the model, the recogniser and every rule ask for it.
        first = words[0].value if words else None
        self.name: str | None = first.rpartition("/")[2] or None if first is not None else None

    @property
    def argv(self) -> list[str | None]:
        """The static values of the words (None where a word holds an expansion)."""
        return [w.value for w in self.words]

    def env(self) -> dict[str, str | None]:
        """The ``NAME=value`` prefixes as a dict (value None when it is not static)."""
        result: dict[str, str | None] = {}
        for word in self.assignments:
            name, _, _ = word.raw.partition("=")
            value = word.value
            result[name] = value.partition("=")[2] if value is not None else None
        return result


class Script(Record):
    """A parsed script: every simple command in source order, nested ones included.

    ``ok`` is False when some span could not be parsed (it shows up as a command with
    ``known=False``) or when a quote, ``$(`` or backtick is left open.
    """

    __slots__ = ("_actions", "commands", "ok", "text")

    def __init__(self, text: str, commands: tuple[Command, ...], ok: bool) -> None:
        self.text = text
        self.commands = commands
        self.ok = ok
        # Not a field: what the build model's package recogniser answered for these commands,
        # by (command id, HOME, USER, WORKDIR, environment items); see
        # ``rewriter.analyse.model._recognised``. It lives and dies with the Script, so with
        # ``parse_shell``'s cache.
        self._actions: dict[tuple[Any, ...], Any] | None = None

    def find(self, name: str) -> list[Command]:
        """The known commands whose ``name`` is ``name``."""
        return [c for c in self.commands if c.known and c.name == name]
