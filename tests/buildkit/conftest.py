"""Gate for the real-BuildKit tests: every test marked ``buildkit`` is skipped, with the reason,
when no engine is usable (see harness.engine_available). The engine is probed once. Images that
``build`` tagged itself are removed when their test ends, so a long session does not pile them
up; images a caller tagged (fixtures' base images) are removed when the session ends."""

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


@pytest.fixture(scope="session", autouse=True)
def _remove_session_images() -> Iterator[None]:
    yield
    remove_images(created_tags())


@pytest.fixture(autouse=True)
def _buildkit_gate(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("buildkit") is None:
        yield
        return
    request.getfixturevalue("buildkit_engine")
    before = created_tags(generated_only=True)
    yield
    remove_images(created_tags(generated_only=True) - before)
