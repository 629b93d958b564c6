"""Detection: one module per language, each a set of small functions, one per signal.

``detect_project(root, lang=None)`` is the entry point: it picks the language (``language.py``)
and hands the folder to that language's detector.
"""

from __future__ import annotations

from pathlib import Path

from rewriter.scaffold.model import Notes, Project


def detect_project(
    root: Path,
    lang: str | None = None,
    notes: Notes | None = None,
    package_manager: str | None = None,
) -> Project:
    """Detect everything about the project in ``root``.

    ``lang`` skips language detection; ``package_manager`` (already validated for ``lang``)
    replaces the detected one, with a warning when the lockfiles say otherwise.
    """
    notes = notes if notes is not None else Notes()
    if lang is None:
        from rewriter.scaffold.detect.language import detect_language

        lang = detect_language(root, notes)
    if lang == "node":
        from rewriter.scaffold.detect.node import detect_node as detector
    elif lang == "python":
        from rewriter.scaffold.detect.python import detect_python as detector
    elif lang == "go":
        from rewriter.scaffold.detect.go import detect_go as detector
    else:
        from rewriter.scaffold.detect.java import detect_java as detector
    return detector(root, notes, package_manager)
