"""Write a .dockerignore from what the folder holds and what the language's tools produce.

Two kinds of entries: those a language always produces locally (node_modules, __pycache__,
target/ ...), written whether or not they exist yet, and those written only when the folder has
them (editor folders, coverage reports ...). Then a safety pass drops any pattern that would hide
a file the Dockerfile copies: an ignored manifest would make the build fail, an ignored entry
point would make the image fail.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path

from rewriter.scaffold.detect.common import SKIP_DIRS, is_gitignored
from rewriter.scaffold.model import Project

SECRETS = "Secrets: pass them at run time (docker run --env-file .env), never bake them in"
# (section title, patterns written always)
ALWAYS: dict[str, tuple[str, ...]] = {
    "Version control": (".git",),
    "Docker files (BuildKit reads the Dockerfile even when it is ignored)": (
        "Dockerfile*",
        ".dockerignore",
    ),
    SECRETS: (
        ".env",
        ".env.*",
    ),
}
# Patterns written when the folder (top level, or anywhere for **/) has a match.
WHEN_PRESENT: dict[str, tuple[str, ...]] = {
    "Version control": (".gitignore", ".gitattributes", ".github", ".gitlab-ci.yml"),
    "Docker files (BuildKit reads the Dockerfile even when it is ignored)": (
        "compose*.yaml",
        "compose*.yml",
        "docker-compose*.yaml",
        "docker-compose*.yml",
        "docker-bake.hcl",
    ),
    "Editors and operating systems": (".idea", ".vscode", "*.swp", "**/.DS_Store", "Thumbs.db"),
    "Logs, reports and local tooling": (
        "*.log",
        "coverage",
        "htmlcov",
        ".coverage",
        ".nyc_output",
        ".terraform",
    ),
}
LANGUAGE_ALWAYS: dict[str, tuple[str, ...]] = {
    "node": ("**/node_modules", "npm-debug.log*", "yarn-debug.log*", "yarn-error.log*"),
    "python": ("**/__pycache__", "**/*.py[cod]", ".venv", ".pytest_cache", "*.egg-info"),
    "go": ("*.test", "*.out"),
    "maven": ("**/target",),
    "gradle": ("**/build", ".gradle"),
}
LANGUAGE_WHEN_PRESENT: dict[str, tuple[str, ...]] = {
    "node": (".next", ".nuxt", ".turbo", ".parcel-cache", ".cache", ".pnpm-store", ".npm"),
    "python": ("venv", ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".hypothesis"),
    "go": ("bin",),
    "maven": ("out",),
    "gradle": ("out", ".kotlin"),
}


@functools.cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's pattern syntax (filepath.Match plus ``**``) as a regex over a relative path."""
    out, i = "", 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.find("]", i)
            if end == -1:
                out, i = out + re.escape(pattern[i]), i + 1
            else:
                out, i = out + "[" + pattern[i + 1 : end].replace("\\", "\\\\") + "]", end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def ignores(pattern: str, path: str) -> bool:
    """Does ``pattern`` exclude ``path`` (it or one of its parent folders matches)?"""
    parts = path.strip("/").split("/")
    regex = _pattern_regex(pattern)
    return any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))


def present(root: Path, pattern: str, max_depth: int = 4) -> bool:
    """Whether something in ``root`` matches ``pattern``.

    ``**/`` patterns are searched for a few levels deep, never inside node_modules, .git or a
    virtualenv, so that a big project does not make ``dfopt new`` slow.
    """
    if not pattern.startswith("**/"):
        return next(iter(root.glob(pattern)), None) is not None
    name = pattern[3:]
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        if any(fnmatch.fnmatchcase(entry, name) for entry in (*dirs, *files)):
            return True
        dirs[:] = [] if depth >= max_depth else [d for d in dirs if d not in SKIP_DIRS]
    return False


def secret_files(root: Path, limit: int = 20_000) -> list[str]:
    """Files and folders in ``root`` that hold credentials (what DF203 calls a secret: .npmrc,
    .netrc, id_rsa, .ssh/, ...), as relative paths, so that ``COPY . .`` does not bake them into
    the image. Folders the scaffold never looks into (node_modules, .git...) are skipped, and
    the walk stops after ``limit`` entries so that a huge folder keeps ``dfopt new`` fast."""
    from rewriter.rules.checks.secret_file_copied import secret_kind

    found: list[str] = []
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        base = Path(folder).relative_to(root).as_posix()
        for name in [*dirs, *sorted(files)]:
            seen += 1
            path = name if base == "." else f"{base}/{name}"
            if secret_kind(path):
                found.append(path)
        dirs[:] = [d for d in dirs if secret_kind(d if base == "." else f"{base}/{d}") is None]
        if seen >= limit:
            break
    return found


def protected_paths(project: Project) -> list[str]:
    """Paths the Dockerfile needs from the context: manifests, and files named by the command."""
    paths = list(project.manifests) + list(project.requirements) + list(project.keep)
    for arg in [
        *project.command,
        *(project.cmd_override or []),
        *(project.entrypoint_override or []),
    ]:
        candidate = arg.removeprefix("./")
        if (
            candidate
            and not candidate.startswith(("/", "-"))
            and (project.root / candidate).exists()
        ):
            paths.append(candidate)
    if project.lang == "python":
        paths += [p.name for p in project.root.glob("README*")] + ["pyproject.toml", "setup.py"]
    if project.lang == "node" and not project.build_script:
        paths.append(project.out_dir)  # a prebuilt output folder is part of the app
    return paths


def _language_key(project: Project) -> str:
    return project.package_manager if project.lang == "java" else project.lang


def dockerignore_entries(
    project: Project, generated: list[str] | tuple[str, ...] = ()
) -> list[tuple[str, list[str]]]:
    """(section, patterns) pairs, before the safety pass.

    ``generated`` are files written in the same run (docker-bake.hcl, CI files): not on disk yet,
    but their patterns belong in the file all the same.
    """
    root = project.root
    sections: dict[str, list[str]] = {}
    for title in dict.fromkeys([*ALWAYS, *WHEN_PRESENT]):
        patterns = list(ALWAYS.get(title, ()))
        patterns += [
            p
            for p in WHEN_PRESENT.get(title, ())
            if present(root, p) or any(ignores(p, path) for path in generated)
        ]
        sections[title] = patterns
    sections[SECRETS] += [p for p in secret_files(root) if p not in protected_paths(project)]
    key = _language_key(project)
    if key not in LANGUAGE_ALWAYS:  # (``--dockerignore-only`` in a folder of another language)
        return [(title, patterns) for title, patterns in sections.items() if patterns]
    label = {"node": "Node.js", "python": "Python", "go": "Go"}.get(key, key.capitalize())
    language = list(LANGUAGE_ALWAYS[key])
    language += [p for p in LANGUAGE_WHEN_PRESENT[key] if present(root, p)]
    out_dir = project.out_dir
    if project.lang == "node" and project.build_script:
        if not (root / out_dir).exists() or is_gitignored(root, out_dir):
            language.append(out_dir)  # rebuilt inside the image
        else:
            project.notes.warn(
                f"{out_dir}/ is the build output but is not in .gitignore: "
                "not adding it to .dockerignore"
            )
    if project.lang == "node" and project.package_manager == "yarn-berry":
        language += [".yarn/cache", ".yarn/install-state.gz", ".pnp.*"]
    if project.lang == "python" and project.is_package:
        language += ["build", "dist"]
    if project.lang == "go" and (root / project.binary).is_file():
        language.append(project.binary)  # a binary built on the host
    sections[f"{label}: built or installed inside the image"] = language
    return [(title, patterns) for title, patterns in sections.items() if patterns]


def render_dockerignore(project: Project, generated: list[str] | tuple[str, ...] = ()) -> str:
    """The .dockerignore text, with every pattern that would hide a needed file left out.

    ``generated``: files written beside it in the same run (see ``dockerignore_entries``).
    """
    needed = protected_paths(project)
    lines = ["# Keeps the build context small and `COPY . .` from changing on unrelated edits."]
    lines.append("# Written by `dfopt new` from what this folder holds.")
    for title, patterns in dockerignore_entries(project, generated):
        kept = []
        for pattern in dict.fromkeys(patterns):
            hidden = [path for path in needed if ignores(pattern, path)]
            if hidden:
                project.notes.warn(
                    f".dockerignore: left out {pattern!r}, which would hide {', '.join(hidden)}"
                )
                continue
            kept.append(pattern)
        if kept:
            lines += ["", f"# {title}", *kept]
    return "\n".join(lines) + "\n"
