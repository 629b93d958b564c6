"""Tests and helpers that run Dockerfiles on a real BuildKit (see harness.py).

pytest puts ``tests/`` on sys.path, so other test modules import the helpers as
``from buildkit.harness import build, image_files`` and ``from buildkit.samples import make_app``.
"""
