"""Load the lark grammars shipped in ``grammars/``.

Why a loader of our own: the ``.lark`` files live in the repository's top-level ``grammars/``
folder and are copied into the wheel as ``rewriter/grammars/``; this module finds them in both
places. It also imports lark lazily and keeps one parser per grammar and option set, so that
``dfopt`` pays for lark only when a grammar is really needed, and only once per process.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def grammar_path(name: str) -> Path:
    """Return the path of ``grammars/<name>.lark`` (installed wheel or source checkout)."""
    filename = name if name.endswith(".lark") else f"{name}.lark"
    for folder in (_PACKAGE_DIR / "grammars", _PACKAGE_DIR.parent / "grammars"):
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"grammar {filename!r} is not installed with dfopt")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "dfopt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        return Path(tempfile.gettempdir())


@functools.cache
def _load(name: str, frozen_options: tuple[tuple[str, Any], ...]):
    from lark import Lark  # lazy: importing lark costs ~40 ms

    options = dict(frozen_options)
    path = grammar_path(name)
    text = path.read_text(encoding="utf-8")
    # lark's cache key covers the grammar text and options; the file name keeps caches apart
    # for different dfopt versions sharing one cache folder.
    key = hashlib.sha256(repr((text, frozen_options)).encode()).hexdigest()[:16]
    cache_file = _cache_dir() / f"{path.stem}-{key}.lark-cache"
    options.setdefault("parser", "lalr")
    try:
        return Lark(text, cache=str(cache_file), **options)
    except OSError:
        return Lark(text, **options)


def load(name: str, **options: Any):
    """Return a (cached) ``lark.Lark`` parser for ``grammars/<name>.lark``.

    Options are passed to ``Lark``; ``parser`` defaults to ``"lalr"``. Options must be hashable
    (pass classes, not instances, for ``lexer``/``postlex`` where lark allows it).
    """
    return _load(name, tuple(sorted(options.items())))
