"""What every rule is made of: findings, fixes, edits, severities and the Rule base class.

A rule reads the build model and yields :class:`Finding` objects; a finding may carry a
:class:`Fix`, which is a set of byte-range :class:`Edit` objects with an :class:`Applicability`
(ruff's model: the fixer applies SAFE fixes by default, UNSAFE ones only when asked, and
DISPLAY_ONLY ones never). Rules never write text themselves and never re-parse.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING, ClassVar

from rewriter.records import Record
from rewriter.textedit import Edit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rewriter.rules.context import RuleContext


class Severity(enum.IntEnum):
    """How bad a finding is; ``--failure-threshold`` compares against this order."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    def __str__(self) -> str:
        return self.name.lower()


class Applicability(enum.IntEnum):
    """How safe a fix is to apply unattended (higher is safer)."""

    DISPLAY_ONLY = 0  # shown as a suggestion, never applied
    UNSAFE = 1  # may change behaviour or the build command: only with --unsafe-fixes
    SAFE = 2  # same image contents; only caches, temporary files and speed differ

    def __str__(self) -> str:
        return self.name.lower().replace("_", "-")


class Fix(Record):
    """A set of edits that must be applied together, with a one-line title."""

    __slots__ = ("applicability", "edits", "notes", "title")

    def __init__(
        self,
        title: str,
        edits: tuple[Edit, ...],
        applicability: Applicability = Applicability.SAFE,
        notes: tuple[str, ...] = (),  # e.g. the new build command a secret mount needs
    ):
        self.title = title
        self.edits = edits
        self.applicability = applicability
        self.notes = notes

    @property
    def span(self) -> tuple[int, int]:
        return min(e.start for e in self.edits), max(e.end for e in self.edits)


class Finding(Record):
    """One problem found in one file."""

    __slots__ = (
        "code",
        "column",
        "end",
        "end_column",
        "end_line",
        "file",
        "fix",
        "line",
        "message",
        "name",
        "secrets",
        "severity",
        "start",
    )

    def __init__(
        self,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        line: int,
        column: int,
        end_line: int,
        end_column: int,
        start: int = 0,  # file offsets of the reported span
        end: int = 0,
        fix: Fix | None = None,
        file: str | None = None,
        secrets: tuple[str, ...] = (),  # values to mask in any display (never in the repr)
    ):
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.start = start
        self.end = end
        self.fix = fix
        self.file = file
        self.secrets = secrets

    def __repr__(self) -> str:
        # As the dataclass had it (``field(repr=False)``): the secrets never appear in a repr.
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self._fields if name != "secrets"
        )
        return f"{self.__class__.__qualname__}({shown})"

    def with_file(self, file: str) -> Finding:
        return self.replace(file=file)  # type: ignore[return-value]

    def with_severity(self, severity: Severity) -> Finding:
        return self.replace(severity=severity)  # type: ignore[return-value]


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement ``check``.

    The docstring of a rule is its documentation (``dfopt explain CODE``) and must have the
    sections "What it does", "Why it matters", "Example" and "Fix".
    """

    code: ClassVar[
        str
    ]  # DF + 3 digits: DF1xx cache, DF2xx security, DF3xx stages, DF4xx correctness
    name: ClassVar[str]  # kebab-case, names the problem
    severity: ClassVar[Severity] = Severity.WARNING
    hadolint: ClassVar[tuple[str, ...]] = ()  # hadolint codes this rule corresponds to
    buildkit: ClassVar[tuple[str, ...]] = ()  # BuildKit check names (docker build --check)
    # What the rule's fixes can be (empty: it never offers one). Declared, so `dfopt rules` can
    # say it without running the rule; a test checks it against the fixes the corpus produces.
    fixes: ClassVar[tuple[Applicability, ...]] = ()

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def fix_summary(cls) -> str:
        """``"safe fix"``, ``"unsafe fix"``, ``"safe or unsafe fix"`` or ``""`` (no fix)."""
        kinds = sorted(cls.fixes, reverse=True)  # safest first
        return f"{' or '.join(str(k) for k in kinds)} fix" if kinds else ""

    @classmethod
    def summary(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else cls.name


_SECRET_KEEP = 2


def mask_secret(value: str) -> str:
    """A display form of a secret that is never the secret: ``gh****`` (length hidden too)."""
    if not value:
        return value
    return value[:_SECRET_KEEP] + "****" if len(value) > 6 else "****"


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` with its masked form."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, mask_secret(secret))
    return text


CODE_PATTERN = re.compile(r"^DF\d{3}$")
