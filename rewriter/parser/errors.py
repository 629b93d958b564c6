"""The one error type the parser raises.

Every rejection carries a file name, a 1-based line and column, and a plain message, so the
command line can print ``Dockerfile:3:1: ENV must have two arguments`` and never a traceback.
"""

from __future__ import annotations


class ParseError(ValueError):
    """Input that BuildKit's parser would reject (or that is not a text file at all)."""

    def __init__(self, message: str, line: int = 1, column: int = 1, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.file = file

    def with_file(self, file: str) -> ParseError:
        """Return the same error attributed to ``file`` (the parser itself works on text)."""
        return ParseError(self.message, self.line, self.column, file)

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}"
        return f"{self.file}:{where}: {self.message}" if self.file else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}
