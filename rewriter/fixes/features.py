"""Which Dockerfile feature needs which frontend, and how a fix declares one.

Why one table: a fix that emits a flag the builder does not know produces a file that fails
("Unknown flag", "unexpected key 'env'") or, worse, is silently wrong (Docker 20.10's built-in
frontend takes ``target=${CACHE}`` literally). Every fix that writes new syntax asks this module
two questions: "does the file's frontend have this feature?" and, when it has no ``# syntax=``
line at all, "which line must I add?". The versions come from the Dockerfile frontend release
notes (docker/docs, ``build/buildkit/dockerfile-release-notes``) and from what the built-in
frontend of Docker 20.10 accepted when we built with it (``/work/shared/design``, "What real
BuildKit showed").

The added directive is always ``# syntax=docker/dockerfile:1`` (the newest 1.x): it is what
Docker's documentation recommends, and a pinned minor would age. It goes on the first line,
before any other directive; other directives are never moved or rewritten.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rewriter.records import Record
from rewriter.rules.base import Edit

if TYPE_CHECKING:
    from rewriter.parser import Dockerfile

__all__ = [
    "BUILTIN",
    "FEATURES",
    "SYNTAX_LINE",
    "Feature",
    "FrontendSupport",
    "declared_frontend",
    "feature",
    "frontend_supports",
    "syntax_directive_edit",
]

Version = tuple[int, int]

#: What Docker 20.10's built-in frontend (no ``# syntax=`` line) understands: dockerfile 1.2.
BUILTIN: Version = (1, 2)
#: The directive a fix adds when it needs a newer frontend and the file names none.
SYNTAX_LINE = "# syntax=docker/dockerfile:1"
_OFFICIAL = re.compile(
    r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?"
    r"(?::(?P<tag>[A-Za-z0-9_.-]+))?(?:@sha256:[0-9a-f]{64})?$"
)
_TAG = re.compile(r"^(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.\d+)?(?P<labs>-labs)?$")


class Feature(Record):
    """One piece of Dockerfile syntax and the first frontend that has it.

    ``since`` is the first stable ``docker/dockerfile`` release; ``labs`` is True when it is
    only in the ``-labs`` channel (then ``since`` is the first labs release). ``builtin`` says
    whether a file without a ``# syntax=`` line may use it on Docker 20.10 and later.
    """

    __slots__ = ("description", "labs", "name", "since")

    def __init__(self, name: str, since: Version, description: str, labs: bool = False):
        self.name = name
        self.since = since
        self.description = description
        self.labs = labs

    @property
    def builtin(self) -> bool:
        return not self.labs and self.since <= BUILTIN


#: The table. Names are what fixes pass to :func:`feature`.
FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("run-mount-cache", (1, 2), "RUN --mount=type=cache"),
        Feature("run-mount-bind", (1, 2), "RUN --mount=type=bind"),
        Feature("run-mount-tmpfs", (1, 2), "RUN --mount=type=tmpfs"),
        Feature("run-mount-secret", (1, 2), "RUN --mount=type=secret (as a file)"),
        Feature("run-mount-ssh", (1, 2), "RUN --mount=type=ssh"),
        Feature("mount-cache-sharing", (1, 2), "cache mount sharing=shared|private|locked"),
        Feature("mount-cache-uid-gid", (1, 2), "cache mount uid=, gid=, mode="),
        Feature("mount-cache-id", (1, 2), "cache mount id="),
        Feature("mount-variable-expansion", (1, 3), "variables in --mount options are expanded"),
        Feature("mount-secret-env", (1, 10), "RUN --mount=type=secret,env=NAME"),
        Feature("run-network", (1, 3), "RUN --network"),
        Feature("run-security", (1, 1), "RUN --security=insecure", labs=True),
        Feature("heredoc", (1, 4), "here-documents in RUN and COPY"),
        Feature("copy-link", (1, 4), "COPY --link / ADD --link"),
        Feature("copy-chmod", (1, 2), "COPY --chmod / ADD --chmod (octal)"),
        Feature("copy-chown-name", (1, 0), "COPY --chown=name"),
        Feature("copy-from-image", (1, 0), "COPY --from=<image>"),
        Feature("from-platform", (1, 0), "FROM --platform"),
        Feature("add-git", (1, 6), "ADD of a Git repository"),
        Feature("add-checksum", (1, 6), "ADD --checksum"),
        Feature("healthcheck-start-interval", (1, 6), "HEALTHCHECK --start-interval"),
        Feature("copy-parents", (1, 7), "COPY --parents", labs=True),
        Feature("copy-exclude", (1, 7), "COPY --exclude / ADD --exclude", labs=True),
        Feature("check-directive", (1, 8), "the # check= directive"),
    )
}


def feature(name: str) -> Feature:
    """The table entry for ``name``; a KeyError names the known features."""
    try:
        return FEATURES[name]
    except KeyError:
        raise KeyError(f"unknown feature {name!r}; known: {', '.join(sorted(FEATURES))}") from None


class FrontendSupport(Record):
    """The frontend a file declares: ``version`` None means "no syntax line" (the built-in one)
    or, with ``known`` False, a frontend we cannot judge (a custom image, a variable tag)."""

    __slots__ = ("known", "labs", "text", "version")

    def __init__(
        self, text: str | None, version: Version | None, labs: bool = False, known: bool = True
    ):
        self.text = text
        self.version = version
        self.labs = labs
        self.known = known


def declared_frontend(tree: Dockerfile) -> FrontendSupport:
    """Read the file's ``# syntax=`` directive, if any."""
    directive = tree.directive("syntax")
    if directive is None:
        return FrontendSupport(None, None)
    text = directive.value.strip()
    match = _OFFICIAL.match(text)
    if match is None:
        return FrontendSupport(text, None, known=False)
    tag = match.group("tag") or "latest"
    if tag in ("latest", "labs"):
        return FrontendSupport(text, (1, 10_000), labs=tag == "labs")
    if tag in ("master", "master-labs"):
        return FrontendSupport(text, (1, 10_000), labs=tag.endswith("labs"))
    parsed = _TAG.match(tag)
    if parsed is None:
        return FrontendSupport(text, None, known=False)
    major = int(parsed.group("major"))
    minor = parsed.group("minor")
    # ``:1`` floats to the newest 1.x; ``:1.4`` to the newest 1.4.x.
    version = (major, int(minor) if minor is not None else 10_000)
    return FrontendSupport(text, version, labs=bool(parsed.group("labs")))


def frontend_supports(tree: Dockerfile, name: str) -> bool | None:
    """Whether the file's frontend has feature ``name``: True, False, or None (cannot tell).

    A file without a ``# syntax=`` line gets the builder's built-in frontend; we assume the
    oldest one dfopt supports (Docker 20.10, dockerfile 1.2).
    """
    wanted = feature(name)
    declared = declared_frontend(tree)
    if not declared.known:
        return None
    if declared.version is None:
        return wanted.builtin
    if wanted.labs and not declared.labs:
        return False
    return declared.version >= wanted.since


def syntax_directive_edit(tree: Dockerfile, source: str, names: tuple[str, ...]) -> Edit | None:
    """The edit that declares a frontend having every feature in ``names``, or None if none is
    needed. Raises ValueError when the file declares a frontend that lacks one of them (the fix
    must not be offered: rewriting someone's pinned frontend is not ours to decide).

    The line is inserted at the very top (after a BOM), with the file's own line ending, so
    existing directives stay directives and stay in place.
    """
    missing = [n for n in names if frontend_supports(tree, n) is not True]
    if not missing:
        return None
    declared = declared_frontend(tree)
    if declared.text is not None or any(feature(n).labs for n in missing):
        raise ValueError(
            f"needs a frontend with {', '.join(feature(n).description for n in missing)}, "
            f"and the file declares {declared.text or 'none that has it'}"
        )
    ending = "\r\n" if _first_line_ending(source) == "\r\n" else "\n"
    at = len(tree.bom)
    return Edit.insert(at, SYNTAX_LINE + ending)


def _first_line_ending(source: str) -> str:
    newline = source.find("\n")
    if newline > 0 and source[newline - 1] == "\r":
        return "\r\n"
    return "\n"
