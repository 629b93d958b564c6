"""Build-pipeline files beside the Dockerfile: ``--bake`` and ``--ci github|gitlab``.

The cache mounts in the Dockerfile only help on a builder that keeps its state; CI runners start
empty. These files put BuildKit's layer cache somewhere every runner can read it (the registry
next to the image, or the GitHub Actions cache), with ``mode=max`` so that the intermediate build
stages, where the dependency installs live, are cached and not only the final image.

Each file comes from a template in ``templates/`` and is handled by the writer like the
Dockerfile: never replaced without ``--force``, shown by ``--diff`` and ``--stdout``.
"""

from __future__ import annotations

import re
from pathlib import Path

from rewriter.scaffold.model import CI_SYSTEMS, Project, ScaffoldError
from rewriter.scaffold.recipes.common import app_name, build_secrets

BAKE_FILE = "docker-bake.hcl"
GITHUB_WORKFLOW = ".github/workflows/docker.yml"
GITLAB_CI = ".gitlab-ci.yml"
CI_FILES = {"github": GITHUB_WORKFLOW, "gitlab": GITLAB_CI}
DEFAULT_BRANCH = "main"


def current_branch(root: Path) -> str:
    """The branch checked out in ``root`` (from ``.git/HEAD``), so the workflow runs on pushes to
    it; ``main`` when the folder is not a git checkout or HEAD is detached."""
    try:
        head = (root / ".git" / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return DEFAULT_BRANCH
    match = re.fullmatch(r"ref: refs/heads/([A-Za-z0-9._/-]+)", head)
    return match.group(1) if match else DEFAULT_BRANCH


def _values(project: Project) -> dict[str, object]:
    secrets = build_secrets(project)  # (id, file): the Dockerfile's secret mounts read them
    return {
        "name": app_name(project.root),
        "secrets": bool(secrets),
        "secret_names": ", ".join(name for _, name in secrets),
        "secrets_hcl": ", ".join(f'"id={ident},src={name}"' for ident, name in secrets),
        "secret_files_yaml": "".join(f"\n            {ident}={name}" for ident, name in secrets),
        "secret_options": " ".join(f"--secret id={ident},src={name}" for ident, name in secrets),
        "platforms": ",".join(project.platforms),
        "platforms_hcl": ", ".join(f'"{p}"' for p in project.platforms),
        "branch": current_branch(project.root),
    }


def render_bake(project: Project) -> str:
    """``docker-bake.hcl``: one target, registry cache (``cache-from``/``cache-to``, mode=max)."""
    from rewriter.scaffold.render import render_template

    return render_template("docker-bake.hcl", _values(project))


def render_github_workflow(project: Project) -> str:
    """``.github/workflows/docker.yml``: setup-buildx + build-push-action with the gha cache."""
    from rewriter.scaffold.render import render_template

    return render_template("github-docker.yml", _values(project))


def render_gitlab_ci(project: Project) -> str:
    """``.gitlab-ci.yml``: a docker:dind job running buildx with a registry cache, mode=max."""
    from rewriter.scaffold.render import render_template

    return render_template("gitlab-ci.yml", _values(project))


def pipeline_files(project: Project, bake: bool, ci: str | None) -> dict[str, str]:
    """Relative path -> text of the files asked for (none when ``bake`` is off and ``ci`` None)."""
    files: dict[str, str] = {}
    if bake:
        files[BAKE_FILE] = render_bake(project)
    if ci == "github":
        files[GITHUB_WORKFLOW] = render_github_workflow(project)
    elif ci == "gitlab":
        files[GITLAB_CI] = render_gitlab_ci(project)
    elif ci is not None:
        raise ScaffoldError(f"--ci {ci!r} is not one of {', '.join(CI_SYSTEMS)}")
    return files
