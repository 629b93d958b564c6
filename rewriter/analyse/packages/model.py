"""What recognising a package-manager command yields: a PackageAction and its cache defeaters.

Why a separate result type: rules ask several questions about one command (what kind of step is
it, which files must be copied before it, where does its cache live, which words undo the
cache). Answering all of them once, as plain data with spans, keeps rules small and lets fixes
edit exactly the words reported here.
"""

from __future__ import annotations

from rewriter.analyse.shell.model import Command, Word
from rewriter.records import Record

# PackageAction.kind values
INDEX_UPDATE = "index-update"  # apt-get update, apk update, dnf makecache
DEPENDENCY_INSTALL = "dependency-install"  # npm ci, pip install -r, apt-get install
BUILD = "build"  # go build, mvn package, cargo build: compiles the project
DOWNLOAD = "download"  # go mod download, pnpm fetch, mvn dependency:go-offline
CLEANUP = "cleanup"  # npm cache clean, apt-get clean, rm -rf /var/lib/apt/lists/*
OTHER = "other"  # a recognised tool doing something else (pip list, npm run test)
KINDS = (INDEX_UPDATE, DEPENDENCY_INSTALL, BUILD, DOWNLOAD, CLEANUP, OTHER)


class CacheDefeater(Record):
    """Something that throws a package cache away or stops it from being written.

    ``word`` is set for a flag or ``NAME=value`` prefix inside a command (remove that word);
    otherwise the whole ``command`` is the defeater (``npm cache clean --force``). ``start`` and
    ``end`` are the span to report; both are None when the defeater comes from the environment
    (an ``ENV PIP_NO_CACHE_DIR=1`` earlier in the Dockerfile) rather than from this script.
    ``defeats`` names the cache (``"pip"``, ``"apt"``, ``"go-build"``...); ``path`` is the
    directory a ``rm`` removes, when that is how it defeats the cache.
    """

    __slots__ = ("command", "defeats", "end", "path", "reason", "start", "word")

    def __init__(
        self,
        defeats: str,
        reason: str,
        start: int | None,
        end: int | None,
        word: Word | None = None,
        command: Command | None = None,
        path: str | None = None,
    ) -> None:
        self.defeats = defeats
        self.reason = reason
        self.start = start
        self.end = end
        self.word = word
        self.command = command
        self.path = path


class PackageAction(Record):
    """One recognised package-manager (or cache cleanup) command.

    ``manifests`` are the files the command reads, relative to ``directory`` (the absolute
    directory it runs in, None when a ``cd`` made it unknown); entries may be COPY-style globs
    (``build.gradle*``). ``optional_manifests`` are read only when present (``.npmrc``).
    ``cache_dirs`` are absolute paths for the image's HOME, USER and environment.
    ``lockfile_mode_available`` says that a lockfile-only mode exists for this exact call
    (``npm install`` could be ``npm ci``). ``packages`` are the package arguments as written.
    ``downloads`` says that the call fetches from the network; ``uses_cache`` that it reads or
    writes ``cache_dirs``: it downloads, or it runs offline from its cache (``npm ci
    --offline``, ``mvn -o package``). ``pip install --no-index /wheels/*.whl`` does neither, so
    no cache mount can help it.
    """

    __slots__ = (
        "cache_defeaters",
        "cache_dirs",
        "command",
        "directory",
        "downloads",
        "ecosystem",
        "installs_from_lockfile",
        "kind",
        "lockfile_mode_available",
        "manifests",
        "needs_sources",
        "optional_manifests",
        "packages",
        "subcommand",
        "tool",
        "uses_cache",
    )

    def __init__(
        self,
        tool: str,
        ecosystem: str,
        kind: str,
        command: Command,
        subcommand: str | None = None,
        installs_from_lockfile: bool = False,
        lockfile_mode_available: bool = False,
        manifests: tuple[str, ...] = (),
        optional_manifests: tuple[str, ...] = (),
        needs_sources: bool = False,
        cache_dirs: tuple[str, ...] = (),
        cache_defeaters: tuple[CacheDefeater, ...] = (),
        downloads: bool = False,
        uses_cache: bool = False,
        packages: tuple[Word, ...] = (),
        directory: str | None = None,
    ) -> None:
        self.tool = tool
        self.ecosystem = ecosystem
        self.kind = kind
        self.command = command
        self.subcommand = subcommand
        self.installs_from_lockfile = installs_from_lockfile
        self.lockfile_mode_available = lockfile_mode_available
        self.manifests = manifests
        self.optional_manifests = optional_manifests
        self.needs_sources = needs_sources
        self.cache_dirs = cache_dirs
        self.cache_defeaters = cache_defeaters
        self.downloads = downloads
        self.uses_cache = uses_cache
        self.packages = packages
        self.directory = directory
