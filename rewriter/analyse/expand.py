"""BuildKit word expansion: the ARG/ENV substitution ``docker build`` applies to FROM, COPY/ADD,
ENV, WORKDIR, USER, EXPOSE, LABEL, ... (not to RUN, whose text the container's shell expands).

This is our own re-implementation of the rules of BuildKit's shell lexer, written so that the
analyser can predict what BuildKit will see: which image a ``FROM ${BASE}`` resolves to, which
ARGs a stage really depends on, which variables are used but never defined.

Rules reproduced (they differ from a POSIX shell in places, and the differences are the point):

* quotes are removed; ``'...'`` is literal; inside ``"..."`` only ``$``, ``"`` and the escape
  character can be escaped, any other escape stays literal;
* outside quotes the escape character (``\\`` or, with ``# escape=`````, a backtick) makes the
  next character literal; a trailing lone escape is dropped;
* ``$name``, ``${name}``, ``${name:-w}``, ``${name-w}``, ``${name:+w}``, ``${name+w}``,
  ``${name:?w}``, ``${name?w}``, ``${name#p}``, ``${name##p}``, ``${name%p}``, ``${name%%p}``,
  ``${name/p/r}`` and ``${name//p/r}``; names are letters/digits/underscore, a run of digits
  (positional parameter) or one special parameter (``@*#?-$!0``), which are never set;
* the word of a modifier is always expanded first, even when it is not used (so
  ``${SET:-${UNSET?}}`` fails, as it does in BuildKit);
* a ``$`` not followed by a name is literal; ``${}``, ``${:x}``, ``${{x}`` are errors, and so is
  any modifier not in the list (``${A:=x}``, ``${A:#x}``).

A key missing from ``env`` means *unset*; a key mapped to ``""`` means *set but empty*. With
``windows=True`` names match keys case-insensitively (both are upper-cased, and of two keys that
differ only in case the later one wins), as BuildKit does for Windows images.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from contextlib import suppress

from rewriter.analyse.expand_lexer import (
    PLAIN,
    ExpansionError,
    Lexer,
    LexerOptions,
    Lookup,
)

__all__ = [
    "Expansion",
    "ExpansionError",
    "LexerOptions",
    "expand",
    "expand_word",
    "expand_words",
    "referenced_names",
    "unmatched_names",
]


class Expansion(namedtuple("Expansion", ("value", "words", "matched", "unmatched"))):
    """Everything one expansion reveals.

    ``value: str`` is ProcessWord's result and ``words: tuple[str, ...]`` ProcessWords' fields;
    ``matched`` and ``unmatched`` (``tuple[str, ...]``) are the referenced names that were /
    were not defined in ``env``, each in order of first appearance.
    """

    __slots__ = ()


def expand_word(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> str:
    """Expand ``word`` as BuildKit's ``ProcessWord`` does (quotes removed, variables substituted).

    Raises :class:`ExpansionError` where BuildKit fails the build.
    """
    return Lexer(word, _make_lookup(env, windows), escape).run(split=False)[0]


def expand_words(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> list[str]:
    """Expand and split ``word`` into fields as BuildKit's ``ProcessWords`` does.

    Fields break on unquoted, unescaped whitespace, including whitespace that a ``$VAR``
    expands to; quoted text never splits, and an empty quoted string yields no field.
    """
    return list(Lexer(word, _make_lookup(env, windows), escape).run(split=True)[1])


def expand(
    word: str,
    env: Mapping[str, str],
    escape: str = "\\",
    *,
    windows: bool = False,
    options: LexerOptions = PLAIN,
) -> Expansion:
    """Expand ``word`` once and report the value, the fields and which names were defined.

    ``options`` selects BuildKit's other lexer modes, e.g. ``LexerOptions(keep_unset=True)``
    to substitute only what is known (a rewriter's partial evaluation), or the combination
    BuildKit's parser uses to find heredoc markers
    (``raw_quotes=True, raw_escapes=True, keep_unset=True``). See :class:`LexerOptions`.
    """
    lookup = _make_lookup(env, windows)
    lexer = Lexer(word, lookup, escape, options)
    value, words = lexer.run(split=True)
    names = lexer.names()
    matched = tuple(name for name in names if lookup(name) is not None)
    unmatched = tuple(name for name in names if lookup(name) is None)
    return Expansion(value, words, matched, unmatched)


_LENIENT = LexerOptions(lenient=True)


def referenced_names(word: str, escape: str = "\\") -> list[str]:
    """Names of the variables ``word`` references, in order of first appearance, no repeats.

    Never raises on malformed input: a syntax error ends the scan and the names seen up to it
    (including the one being parsed) are returned. Positional and special parameters (``$1``,
    ``$@``) are included because BuildKit looks them up too; the empty name of ``${/a/b}`` is not.
    """
    lexer = Lexer(word, _unset, escape, _LENIENT)
    with suppress(ExpansionError):  # a syntax error only ends the scan
        lexer.run(split=False)
    return lexer.names()


def unmatched_names(
    word: str, env: Mapping[str, str], escape: str = "\\", *, windows: bool = False
) -> list[str]:
    """The referenced names that ``env`` does not define (the "undefined variable" candidates).

    Like :func:`referenced_names` this never raises; a name set to ``""`` counts as defined.
    """
    lookup = _make_lookup(env, windows)
    return [name for name in referenced_names(word, escape) if lookup(name) is None]


def _unset(_name: str) -> str | None:
    return None


def _make_lookup(env: Mapping[str, str], windows: bool) -> Lookup:
    """Return ``name -> value or None``; on Windows, names and keys are compared upper-cased."""
    if not windows:
        return env.get
    folded: dict[str, str] | None = None

    def lookup(name: str) -> str | None:
        nonlocal folded
        if folded is None:
            folded = {key.upper(): value for key, value in env.items()}
        return folded.get(name.upper())

    return lookup
