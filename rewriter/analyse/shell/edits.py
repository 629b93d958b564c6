"""Text edits that remove one word or one command from a script and keep the rest valid.

Why here and not in each fix: removing ``--no-cache-dir`` or ``&& rm -rf /var/lib/apt/lists/*``
looks trivial but has traps: which whitespace goes with the word, which ``&&`` goes with the
command, a ``||`` that would change meaning, a body that would become empty. These helpers make
that decision once; each edit is checked by re-parsing, so it never yields a broken script.
Offsets are offsets into ``Script.text`` (for a shell-form RUN, BuildKit's logical line);
removing the whitespace *before* a word or connector means that a backslash-newline
continuation before it goes too, and the line layout of the rest stays as it was.
"""

from __future__ import annotations

from rewriter.textedit import Edit, apply_edits

from .model import Command, Script, Word

#: The shell helpers' edits are the project's one edit type (offsets into ``Script.text``).
TextEdit = Edit


def remove_word(script: Script, word: Word) -> TextEdit:
    """Remove ``word`` (an argument, an ``A=b`` prefix or a redirection target's whole redirect
    is not covered: pass words only) together with the whitespace before it.

    When the word starts its command (an env prefix such as ``PIP_NO_CACHE_DIR=1``), the
    whitespace after it goes instead, so ``A=1 pip`` becomes ``pip``.
    """
    command = _owner(script, word)
    text = script.text
    if word.start > command.start:
        return TextEdit(_skip_back(text, word.start), word.end)
    return TextEdit(word.start, _skip_forward(text, word.end))


def remove_command(script: Script, command: Command, *, following: bool = False) -> TextEdit | None:
    """The edit that drops ``command`` with one of its connectors, or None when unsafe.

    ``a && C && b`` -> ``a && b``; ``C && b`` -> ``b``; ``a; C`` -> ``a``; a command alone on
    its line loses the line. Returns None when removal would change what else runs (``C || b``,
    ``a || C``, a pipeline element), when ``C`` carries a here-document, or when it is the only
    command of the script (the caller decides what to do with the instruction). A command that
    is alone in a nested body (``then C; fi``) is replaced by ``:`` so the body stays valid.

    In ``a && C && b`` the ``&&`` before ``C`` goes; ``following=True`` takes the one after it
    instead, for a caller that also removes the command before ``C`` (``C0 && C && b``: ``C0``
    takes the ``&&`` between them, so ``C`` must take the next one or the edits overlap).
    """
    if not command.known or any(r.heredoc for r in command.redirects):
        return None
    text = script.text
    if command.sole:
        if command.depth == 0:
            return None
        return _checked(script, command, TextEdit(command.start, command.end, ":"))
    after = _skip_forward(text, command.end)
    follows = text[after : after + 2]
    if follows.startswith("|") and follows != "||":
        return None
    if command.connector == "&&" and following and follows == "&&":
        return _checked(
            script, command, TextEdit(command.start, _skip_forward(text, after + 2, True))
        )
    if command.connector == "&&":
        op = _skip_back(text, command.start, newlines=True)
        if text[op - 2 : op] != "&&":
            return None
        return _checked(script, command, TextEdit(_skip_back(text, op - 2), command.end))
    if command.connector in ("||", "|"):
        return None
    # The command starts an and-or list: take the connector after it, if any.
    if follows == "&&":
        return _checked(
            script, command, TextEdit(command.start, _skip_forward(text, after + 2, True))
        )
    if follows == "||":
        return None
    if follows[:1] in (";", "&") and follows != ";;":
        edit = TextEdit(command.start, _skip_forward(text, after + 1))
    elif command.connector in (";", "&"):
        sep = _skip_back(text, command.start)
        if text[sep - 1 : sep] != command.connector:
            return None
        edit = TextEdit(_skip_back(text, sep - 1), command.end)
    else:
        edit = TextEdit(_skip_back(text, command.start), command.end)
    return _checked(script, command, _whole_line(text, edit))


def _owner(script: Script, word: Word) -> Command:
    for command in script.commands:
        if word in command.words or word in command.assignments:
            return command
    raise ValueError(f"word {word.raw!r} at {word.start} is not a word of this script")


def _skip_back(text: str, pos: int, newlines: bool = False) -> int:
    """Move left over blanks and backslash-newlines (and bare newlines when asked).

    A blank after a backslash is part of a word (``install \\ && rm x``): it stops there.
    """
    while pos > 0:
        c = text[pos - 1]
        if c in " \t":
            if _escaped(text, pos - 1):
                break
            pos -= 1
        elif c == "\n" and pos >= 2 and text[pos - 2] == "\\":
            pos -= 2
        elif c == "\n" and newlines:
            pos -= 1
        else:
            break
    return pos


def _escaped(text: str, index: int) -> bool:
    """Whether ``text[index]`` follows an odd run of backslashes (so it is escaped)."""
    start = index
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (index - start) % 2 == 1


def _skip_forward(text: str, pos: int, newlines: bool = False) -> int:
    """Move right over blanks and backslash-newlines (and bare newlines when asked)."""
    n = len(text)
    while pos < n:
        c = text[pos]
        if c in " \t":
            pos += 1
        elif c == "\\" and pos + 1 < n and text[pos + 1] == "\n":
            pos += 2
        elif c == "\n" and newlines:
            pos += 1
        else:
            break
    return pos


def _whole_line(text: str, edit: TextEdit) -> TextEdit:
    """Widen an edit to its whole line (newline included) when nothing else is left on it."""
    line_start = text.rfind("\n", 0, edit.start) + 1
    line_end = text.find("\n", edit.end)
    rest = text[edit.end : len(text) if line_end < 0 else line_end]
    if text[line_start : edit.start].strip(" \t") or rest.strip(" \t"):
        return edit
    if line_end >= 0:
        return TextEdit(line_start, line_end + 1, edit.text)
    if line_start > 0:  # last line: take the newline before it instead
        return TextEdit(line_start - 1, len(text), edit.text)
    return edit


def _checked(script: Script, command: Command, edit: TextEdit) -> TextEdit | None:
    """Keep ``edit`` only if the result parses as well as before, minus ``command``."""
    from .parse import parse_shell

    inside = sum(
        1 for c in script.commands if c.known and c.start >= command.start and c.end <= command.end
    )
    before = sum(1 for c in script.commands if c.known)
    result = parse_shell(apply_edits(script.text, [edit]))
    expected = before - inside + (1 if edit.text else 0)
    if result.ok != script.ok or sum(1 for c in result.commands if c.known) != expected:
        return None
    return edit
