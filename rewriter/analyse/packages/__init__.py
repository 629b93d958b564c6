"""Package-manager recognition: which tool a RUN command calls, and what that means for caching.

``recognise(cmd, env=..., home=..., user=..., workdir=...)`` answers, for one parsed shell
command, the questions rules ask: kind of step, manifests it reads, lockfile use, cache folders
and the words that defeat those caches. The facts live in ``specs.TOOLS`` (data, one entry per
tool); ``recognise`` interprets them.
"""

from __future__ import annotations

from .model import (
    BUILD,
    CLEANUP,
    DEPENDENCY_INSTALL,
    DOWNLOAD,
    INDEX_UPDATE,
    KINDS,
    OTHER,
    CacheDefeater,
    PackageAction,
)
from .recognise import cache_dir, recognise
from .specs import TOOLS, Cache, Sub, Tool

__all__ = [
    "BUILD",
    "CLEANUP",
    "DEPENDENCY_INSTALL",
    "DOWNLOAD",
    "INDEX_UPDATE",
    "KINDS",
    "OTHER",
    "TOOLS",
    "Cache",
    "CacheDefeater",
    "PackageAction",
    "Sub",
    "Tool",
    "cache_dir",
    "recognise",
]
