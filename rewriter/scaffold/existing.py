"""What the folder's own Dockerfiles copy by name, for ``dfopt new --dockerignore-only``.

Why: a user with a Dockerfile of their own (DF102 told them it has no .dockerignore) wants the
scaffold's .dockerignore, not its Dockerfile. The scaffold leaves out any pattern that would hide
a file its own Dockerfile copies; here the Dockerfile is the user's, so the files it names
(``COPY .env.production /app/``, ``ADD docs/ /srv/docs``) are what must stay visible. A whole-
folder copy (``COPY . .``) protects nothing: hiding the rest is the point of the file.
"""

from __future__ import annotations

from pathlib import Path

from rewriter.scaffold.model import Notes, Project


def dockerfiles(root: Path) -> list[Path]:
    """The Dockerfiles at the top of ``root``, by name, sorted."""
    from rewriter.runner import is_dockerfile_name

    return sorted(p for p in root.iterdir() if p.is_file() and is_dockerfile_name(p.name))


def copied_paths(root: Path, notes: Notes) -> list[str]:
    """Context paths the Dockerfiles in ``root`` copy by name (relative POSIX paths, no ``./``):
    COPY/ADD sources from the build context that are not the whole context. A glob source keeps
    its matches in ``root``. A Dockerfile that cannot be read or parsed is noted and skipped."""
    from rewriter.analyse.model import build_model
    from rewriter.parser import ParseError, parse, read_source

    paths: list[str] = []
    for path in dockerfiles(root):
        try:
            tree = parse(read_source(path))
        except ParseError as err:
            notes.warn(f"cannot read {path.name} ({err}): the files it copies are not protected")
            continue
        for step in build_model(tree).copies():
            if not step.from_context:
                continue
            for source in step.sources:
                paths.extend(_named(root, source))
    return list(dict.fromkeys(paths))


def _named(root: Path, source: str) -> list[str]:
    """The context paths one COPY source names: itself, or a glob's matches; nothing for the
    whole context."""
    clean = source.strip().lstrip("/")
    while clean.startswith("./"):
        clean = clean[2:]
    clean = clean.rstrip("/")
    if clean in ("", "."):
        return []
    if any(c in clean for c in "*?["):
        return sorted(p.relative_to(root).as_posix() for p in root.glob(clean))
    return [clean]


def hidden_secrets_note(project: Project) -> None:
    """Warn about credentials files the new .dockerignore hides from ``COPY . .``: a build that
    read them that way (a private registry's ``.npmrc``) must now mount them as secrets."""
    from rewriter.scaffold.dockerignore import protected_paths, secret_files

    hidden = [p for p in secret_files(project.root) if p not in protected_paths(project)]
    if hidden:
        project.notes.warn(
            f".dockerignore hides {', '.join(hidden)} (credentials): a build step that reads "
            "one must mount it as a secret instead (`dfopt explain DF203`)"
        )
