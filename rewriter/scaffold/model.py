"""What detection learns about a project, and the warnings it collects on the way.

Detection and rendering are split by this model so that each detection signal can be tested on
its own (``Project`` in, ``Project`` out) and each template can be rendered from a hand-made
``Project`` without a folder on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("node", "python", "go", "java")
# ``Project.lang`` of a folder in none of them (``dfopt new --dockerignore-only`` only).
OTHER = "other"
# ``jlink`` (Java only): a runtime trimmed by jlink, copied into a small Debian base.
RUNTIMES = ("slim", "alpine", "distroless", "jlink")
# ``--ci``: the CI systems ``dfopt new`` writes a pipeline for.
CI_SYSTEMS = ("github", "gitlab")

PACKAGE_MANAGERS: dict[str, tuple[str, ...]] = {
    "node": ("npm", "yarn", "yarn-berry", "pnpm"),
    "python": ("pip", "poetry", "uv", "pipenv"),
    "go": ("go",),
    "java": ("maven", "gradle"),
}

DEFAULT_VERSIONS = {"node": "22", "python": "3.13", "go": "1.24", "java": "21"}
DEFAULT_PORTS = {"node": 3000, "python": 8000, "go": 8080, "java": 8080}
DEFAULT_RUNTIMES = {"node": "slim", "python": "slim", "go": "distroless", "java": "slim"}


class ScaffoldError(Exception):
    """A problem the user can fix (bad option, unreadable folder): reported without traceback."""


@dataclass
class Notes:
    """Warnings for stderr: conflicting or missing signals and the default chosen instead."""

    warnings: list[str] = field(default_factory=list)
    topics: dict[str, str] = field(default_factory=dict)

    def warn(self, message: str, topic: str | None = None) -> None:
        """Record ``message``; a ``topic`` ("port", "version") lets an override withdraw it."""
        if message not in self.warnings:
            self.warnings.append(message)
        if topic:
            self.topics[message] = topic

    def withdraw(self, topic: str) -> None:
        """Forget the warnings about ``topic``: the user has decided it on the command line."""
        self.warnings = [w for w in self.warnings if self.topics.get(w) != topic]


@dataclass
class Project:
    """Everything a template needs to know about one project.

    ``manifests`` are the files copied before the dependency install, as POSIX paths relative to
    the project root: only files that exist are listed (a COPY of a missing file fails the build),
    except the one manifest the language cannot do without, which is kept with a warning.
    ``command`` is the detected argv that starts the app; ``--entrypoint``/``--cmd`` land in the
    ``*_override`` fields and win over whatever the recipe would write.
    """

    lang: str
    root: Path
    package_manager: str
    version: str
    manifests: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)
    entrypoint_override: list[str] | None = None
    cmd_override: list[str] | None = None
    port: int | None = None
    port_declared: bool = False
    runtime: str = "slim"
    platforms: list[str] = field(default_factory=list)
    build_script: bool = False
    # Node
    out_dir: str = "dist"
    env: dict[str, str] = field(default_factory=dict)
    corepack: bool = False
    # Credentials files the install reads (``.npmrc``): mounted as build secrets, never copied,
    # since a COPY would keep their tokens in a layer (what DF203 reports).
    secret_files: list[str] = field(default_factory=list)
    # Files the user's own Dockerfile copies by name (``--dockerignore-only``): the
    # .dockerignore must not hide them.
    keep: list[str] = field(default_factory=list)
    # Python
    is_package: bool = False
    requirements: list[str] = field(default_factory=list)
    # Go
    main_package: str = "."
    binary: str = "app"
    # Java
    wrapper: bool = False
    artifact: str = ""
    multi_module: bool = False
    notes: Notes = field(default_factory=Notes)
