"""The scaffold as a function: folder + choices -> file texts and warnings.

The click command is a thin shell around ``scaffold``; tests and other tools call this directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rewriter.scaffold.model import LANGUAGES, OTHER, Notes, Project, ScaffoldError
from rewriter.scaffold.options import Overrides, apply_overrides, normalise_package_manager

DOCKERFILE = "Dockerfile"
DOCKERIGNORE = ".dockerignore"

__all__ = ["DOCKERFILE", "DOCKERIGNORE", "Scaffold", "ScaffoldError", "scaffold"]


@dataclass
class Scaffold:
    """What ``dfopt new`` produces: the project it saw, the files, and the warnings."""

    project: Project
    files: dict[str, str] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return self.project.notes.warnings


def scaffold(
    folder: Path,
    lang: str | None = None,
    overrides: Overrides | None = None,
    *,
    bake: bool = False,
    ci: str | None = None,
    dockerignore_only: bool = False,
) -> Scaffold:
    """Detect the project in ``folder`` and render its Dockerfile and .dockerignore.

    ``bake`` adds a ``docker-bake.hcl`` and ``ci`` ("github" or "gitlab") a CI pipeline, both
    with a remote layer cache (see ``pipelines``). Files are keyed by their path relative to
    ``folder``; the .dockerignore lists the pipeline files, which the image never needs.
    ``dockerignore_only`` renders only the .dockerignore, for a project with a Dockerfile of its
    own: patterns that would hide a file that Dockerfile copies by name are left out.
    """
    from rewriter.scaffold.detect import detect_project
    from rewriter.scaffold.dockerignore import render_dockerignore
    from rewriter.scaffold.pipelines import pipeline_files
    from rewriter.scaffold.recipes import recipe_for
    from rewriter.scaffold.render import render_template

    overrides = overrides or Overrides()
    if not folder.is_dir():
        raise ScaffoldError(f"{folder} is not a directory")
    if lang is not None and lang not in LANGUAGES:
        raise ScaffoldError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    notes = Notes()
    manager = None
    if overrides.package_manager is not None:
        if lang is None:
            from rewriter.scaffold.detect.language import detect_language

            lang = detect_language(folder, notes)
        manager = normalise_package_manager(lang, overrides.package_manager)
    if dockerignore_only:
        if bake or ci:
            raise ScaffoldError("--dockerignore-only writes no build files: drop --bake/--ci")
        return _dockerignore_only(folder, lang, notes, manager)
    project = detect_project(folder, lang, notes, manager)
    apply_overrides(project, overrides)
    template, values = recipe_for(project)
    dockerfile = render_template(template, values)
    extra = pipeline_files(project, bake, ci)
    files = {DOCKERFILE: dockerfile, DOCKERIGNORE: render_dockerignore(project, list(extra))}
    return Scaffold(project=project, files={**files, **extra})


def _dockerignore_only(
    folder: Path, lang: str | None, notes: Notes, manager: str | None
) -> Scaffold:
    """``--dockerignore-only``: the .dockerignore alone, keeping visible what the folder's own
    Dockerfiles copy by name. A folder in none of the four languages (a C or Ruby project) gets
    the sections every project needs (version control, Docker files, secrets, editors, logs)."""
    from rewriter.scaffold.detect import detect_project
    from rewriter.scaffold.dockerignore import render_dockerignore
    from rewriter.scaffold.existing import copied_paths, hidden_secrets_note

    try:
        project = detect_project(folder, lang, notes, manager)
    except ScaffoldError:
        if lang is not None:
            raise
        project = Project(lang=OTHER, root=folder, package_manager="", version="")
    project.notes = Notes()  # (the guesses were about the Dockerfile it does not write)
    project.keep = copied_paths(folder, project.notes)
    text = render_dockerignore(project)
    hidden_secrets_note(project)
    return Scaffold(project=project, files={DOCKERIGNORE: text})
