"""Which language a folder holds, from the manifests at its top level.

When several languages' manifests are present (a Go service with a package.json for its linting
tools is common), the more specific build wins: Go, then Java, then Python, then Node. A
package.json is the usual "secondary" manifest, so Node comes last.
"""

from __future__ import annotations

from pathlib import Path

from rewriter.scaffold.model import Notes, ScaffoldError

SIGNALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("go", ("go.mod",)),
    ("java", ("pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle.kts")),
    ("python", ("pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "uv.lock")),
    ("node", ("package.json",)),
)


def language_signals(root: Path) -> dict[str, list[str]]:
    """Every language with at least one manifest in ``root``, mapped to the manifests found."""
    found: dict[str, list[str]] = {}
    for lang, names in SIGNALS:
        present = [name for name in names if (root / name).is_file()]
        if lang == "python" and not present:
            present = sorted(p.name for p in root.glob("requirements*.txt") if p.is_file())
        if present:
            found[lang] = present
    return found


def detect_language(root: Path, notes: Notes) -> str:
    """The project's language; several candidates give a warning, none gives a ScaffoldError."""
    found = language_signals(root)
    if not found:
        wanted = "package.json, pyproject.toml, requirements.txt, go.mod, pom.xml or build.gradle"
        raise ScaffoldError(
            f"cannot tell the language of {root}: found none of {wanted}. "
            "Name it: dfopt new node|python|go|java"
        )
    lang = next(iter(found))
    if len(found) > 1:
        others = ", ".join(
            f"{name} ({', '.join(files)})" for name, files in list(found.items())[1:]
        )
        notes.warn(
            f"found manifests of several languages; using {lang} ({', '.join(found[lang])}) "
            f"over {others}. Name the language to choose another."
        )
    return lang
