"""Gate for the real-BuildKit tests: every test marked ``buildkit`` is skipped, with the reason,
when no engine is usable (see harness.engine_available), and the images a test built are
removed when it ends so that a long session does not pile them up. The engine is probed once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import created_tags, engine_available, remove_images


@pytest.fixture(scope="session")
def buildkit_engine() -> None:
    """Skip the requesting test unless a Docker engine and the stand-in images are ready."""
    reason = engine_available()
    if reason:
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _buildkit_gate(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("buildkit") is None:
        yield
        return
    request.getfixturevalue("buildkit_engine")
    before = created_tags()
    yield
    remove_images(created_tags() - before)
