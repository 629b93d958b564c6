"""Which words of a RUN/COPY/ADD line open heredocs, as BuildKit decides it.

BuildKit splits the logical line into words with its shell lexer in "raw" mode (quotes and
escapes kept, unset variables kept as written; we use the same lexer as word expansion, in
``rewriter.analyse.expand``), and a word of the form ``[n]<<[-]NAME`` opens a
heredoc. The name is the word with quotes removed; a quoted name means the body is not
expanded. ``<<`` followed by spaces still joins the next word (BuildKit head behaviour).
"""

from __future__ import annotations

import re

from rewriter.records import Record

_HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)[\t\n\v\f\r ]*([^<]*)$", re.DOTALL)


class HeredocOpener(Record):
    __slots__ = ("chomp", "expand", "fd", "name")

    def __init__(self, name: str, chomp: bool, expand: bool, fd: int):
        self.name = name
        self.chomp = chomp  # ``<<-``: leading tabs are stripped from body lines and the terminator
        self.expand = expand  # False when the name was quoted
        self.fd = fd


def _words(text: str, *, raw: bool) -> tuple[str, ...]:
    """BuildKit's ``ProcessWords`` with no environment and unset variables kept as written.

    ``raw`` keeps quotes and escapes (RawQuotes/RawEscapes), as BuildKit does to find the
    markers; without it, quotes are removed, which gives a heredoc's name. The word-expansion
    lexer is imported here, not at module level: only lines containing ``<<`` need it.
    """
    from rewriter.analyse.expand import expand
    from rewriter.analyse.expand_lexer import LexerOptions

    options = LexerOptions(keep_unset=True, raw_quotes=raw, raw_escapes=raw)
    return tuple(expand(text, {}, options=options).words)


def heredoc_openers(line: str) -> list[HeredocOpener]:
    """The heredocs opened on a logical line, in order; ``[]`` when there are none."""
    if "<<" not in line:
        return []
    try:
        words = _words(line, raw=True)
    except ValueError:  # BuildKit finds no heredocs in a line its lexer rejects
        return []
    openers: list[HeredocOpener] = []
    for word in words:
        match = _HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        try:
            plain = _words(rest, raw=False)
            raw = _words(rest, raw=True)
        except ValueError:
            continue
        if len(plain) != 1 or len(raw) != 1:
            continue
        name = plain[0]
        quotes_plain = name.count("'") + name.count('"')
        quotes_raw = raw[0].count("'") + raw[0].count('"')
        openers.append(
            HeredocOpener(
                name=name,
                chomp=match.group(2) == "-",
                expand=quotes_plain == quotes_raw,
                fd=int(match.group(1)) if match.group(1) else 0,
            )
        )
    return openers
