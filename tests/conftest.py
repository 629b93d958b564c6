"""Shared pytest fixtures.

``shared_dir`` points at the steering repository's ``shared/`` folder, which sits beside a
checkout (``<checkout>/../shared``) on developer machines and in CI, but not in a user's clone:
tests that need it skip cleanly when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
CONFORMANCE_DOCKERFILES = SHARED / "conformance" / "buildkit-parser" / "testfiles"


def corpus_dockerfiles(*, parseable: bool = False) -> list[tuple[Path, str]]:
    """Every Dockerfile of the corpus and of BuildKit's parser conformance data (when
    ``../shared`` is there) as (path, text), in path order; UTF-8 files only, and with
    ``parseable`` only those dfopt's parser accepts. The input of the tests that hold a
    shortcut to the general computation over everything we have."""
    from rewriter import ParseError, parse

    paths = [p for p in CORPUS.rglob("*") if p.is_file() and "Dockerfile" in p.name]
    if CONFORMANCE_DOCKERFILES.is_dir():
        paths += CONFORMANCE_DOCKERFILES.glob("*/Dockerfile")
    found = []
    for path in sorted(paths):
        try:
            text = path.read_bytes().decode("utf-8")
            if parseable:
                parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        found.append((path, text))
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (only developer checkouts have ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS
