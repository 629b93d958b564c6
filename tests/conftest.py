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


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (only developer checkouts have ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS
