"""Python recipe: export the lock to requirements, build wheels, install them with --no-index."""

from __future__ import annotations

from rewriter.scaffold.model import Project
from rewriter.scaffold.recipes.common import APP_USER, USER_SETUP, copy_lines, header, start_lines

# Tools that only export a lockfile in the builder; versions are ARGs so that users can bump them.
TOOLS = {
    "poetry": (
        "ARG POETRY_VERSION=2.1.3\nARG POETRY_EXPORT_VERSION=1.9.0",
        '"poetry==${POETRY_VERSION}" "poetry-plugin-export==${POETRY_EXPORT_VERSION}"',
    ),
    "uv": ("ARG UV_VERSION=0.7.13", '"uv==${UV_VERSION}"'),
    "pipenv": ("ARG PIPENV_VERSION=2025.0.3", '"pipenv==${PIPENV_VERSION}"'),
}
EXPORTS = {
    "poetry": "poetry export --only main --without-hashes --format requirements.txt \\\n"
    "       --output /tmp/requirements.txt",
    "uv": "uv export --frozen --no-dev --no-hashes --no-emit-project \\\n"
    "       --output-file /tmp/requirements.txt",
    "pipenv": "pipenv requirements > /tmp/requirements.txt",
}
LABELS = {"pip": "pip", "poetry": "Poetry", "uv": "uv", "pipenv": "Pipenv"}


def wheel_commands(project: Project) -> tuple[str, str]:
    """(dependency wheels command, project wheel command); empty strings for steps not needed."""
    pm = project.package_manager
    if pm == "pip":
        if project.requirements:
            deps = f"pip wheel --wheel-dir /wheels --requirement {project.requirements[0]}"
            own = "pip wheel --no-deps --wheel-dir /wheels ." if project.is_package else ""
        else:
            # No requirements file: the project's own metadata drives the resolution.
            deps = ""
            own = "pip wheel --wheel-dir /wheels ." if project.is_package else ""
        return deps, own
    deps = (
        f"{EXPORTS[pm]} \\\n"
        "    && pip wheel --wheel-dir /wheels --requirement /tmp/requirements.txt"
    )
    own = "pip wheel --no-deps --wheel-dir /wheels ." if project.is_package else ""
    return deps, own


def python_recipe(project: Project) -> tuple[str, dict[str, object]]:
    pm = project.package_manager
    alpine = project.runtime == "alpine"
    flavor = "alpine" if alpine else "slim-bookworm"
    deps, own = wheel_commands(project)
    tool_args, tool_install = TOOLS.get(pm, ("", ""))
    # The runtime needs the sources unless the project is installed as a wheel and started through
    # it (a console script or ``python -m``); uvicorn/gunicorn/a file may import top-level modules.
    started_from_wheel = project.command[:2] == ["python", "-m"] or project.command[:1] not in (
        ["python"],
        ["uvicorn"],
        ["gunicorn"],
    )
    copy_sources = not (own and started_from_wheel)
    user, user_comment = APP_USER
    details = f"{LABELS[pm]}, Python {project.version}, {project.runtime} runtime"
    values: dict[str, object] = {
        "header": header(project, details),
        "version": project.version,
        "flavor": flavor,
        "build_tools": "apk add build-base" if alpine else "apt-get install build-essential",
        "pm_label": LABELS[pm],
        "tool_args": tool_args,
        "tool_install": tool_install,
        "copy_manifests": copy_lines(project.manifests, project.root) if deps else "",
        "cache": "/root/.cache/pip",
        "wheel_deps": deps,
        "build_project": bool(own),
        "wheel_project": own,
        "has_wheels": bool(deps or own),
        "copy_sources": copy_sources,
        "user_setup": USER_SETUP["alpine" if alpine else "debian"],
        "user": user,
        "user_comment": user_comment,
        "port": project.port,
        "start": start_lines(project, project.command),
    }
    return "python.Dockerfile", values
