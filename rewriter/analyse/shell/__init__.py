"""The shell inside RUN: parse a POSIX sh script into simple commands, and edit it safely.

``parse_shell`` splits a script (a shell-form RUN body, or a heredoc run as a script) into
``Command``s with exact spans; ``remove_word`` / ``remove_command`` compute the text edits that
drop one word or one whole command while keeping the rest of the script valid.
Importing this package does not import lark; the first ``parse_shell`` call does.
"""

from __future__ import annotations

from .edits import TextEdit, apply_edits, remove_command, remove_word
from .model import Command, Enclosure, HereDoc, Redirect, Script, Word, WordPart
from .parse import parse_shell

__all__ = [
    "Command",
    "Enclosure",
    "HereDoc",
    "Redirect",
    "Script",
    "TextEdit",
    "Word",
    "WordPart",
    "apply_edits",
    "parse_shell",
    "remove_command",
    "remove_word",
]
