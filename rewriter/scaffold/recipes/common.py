"""Pieces every recipe needs: COPY lines for manifests, exec-form commands, users, the header."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rewriter.scaffold.model import Project

LANGUAGE_LABELS = {"node": "Node.js", "python": "Python", "go": "Go", "java": "Java"}

# Users that exist in each runtime image. Numeric IDs in USER let Kubernetes' runAsNonRoot check
# them; the comment names the account.
NODE_USER = ("1000:1000", 'runs as "node" (uid 1000), the account node images ship with')
DISTROLESS_USER = (
    "65532:65532",
    'runs as "nonroot" (uid 65532), the account distroless ships with',
)
APP_USER = ("10001:10001", 'runs as "app" (uid 10001), created above')

USER_SETUP = {
    "debian": "groupadd --system --gid 10001 app \\\n"
    "    && useradd --system --uid 10001 --gid app --no-create-home --no-log-init app",
    "alpine": "addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app",
}


def copy_lines(manifests: list[str], root: Path, dest_root: str = "./") -> str:
    """COPY instructions that recreate ``manifests`` (relative paths) under the WORKDIR.

    Top-level files share one COPY; a folder or a file in a sub-folder gets its own, because COPY
    flattens several sources into one destination folder.
    """
    top = [m for m in manifests if "/" not in m and not (root / m).is_dir()]
    lines = [f"COPY {' '.join(top)} {dest_root}"] if top else []
    by_folder: dict[str, list[str]] = {}
    for manifest in manifests:
        if manifest in top:
            continue
        if (root / manifest).is_dir():
            lines.append(f"COPY {manifest} {dest_root}{manifest}")
        else:
            folder = manifest.rsplit("/", 1)[0]
            by_folder.setdefault(folder, []).append(manifest)
    for folder, files in by_folder.items():
        lines.append(f"COPY {' '.join(files)} {dest_root}{folder}/")
    return "\n".join(lines)


def exec_form(argv: list[str]) -> str:
    """A JSON array as Docker's exec form wants it (double quotes, no shell)."""
    return json.dumps(argv, ensure_ascii=False)


def start_lines(
    project: Project, default_cmd: list[str], default_entrypoint: list[str] | None = None
) -> str:
    """ENTRYPOINT/CMD lines in exec form; ``--entrypoint``/``--cmd`` override the defaults.

    An ``--entrypoint`` alone drops the default CMD (it was meant for the old entrypoint); a
    ``--cmd`` alone keeps the default ENTRYPOINT, as ``docker run IMAGE ARGS`` would. ``{port}``
    in an argument becomes the port, so that ``--port`` reaches ``uvicorn ... --port {port}``.
    """
    entrypoint = default_entrypoint or []
    cmd = default_cmd
    if project.entrypoint_override is not None:
        entrypoint, cmd = project.entrypoint_override, project.cmd_override or []
    elif project.cmd_override is not None:
        cmd = project.cmd_override
    port = str(project.port)
    lines = []
    if entrypoint:
        lines.append("ENTRYPOINT " + exec_form([a.replace("{port}", port) for a in entrypoint]))
    if cmd:
        lines.append("CMD " + exec_form([a.replace("{port}", port) for a in cmd]))
    return "\n".join(lines)


def app_name(root: Path) -> str:
    """An image name from the folder name (lower case, [a-z0-9._-])."""
    name = re.sub(r"[^a-z0-9._-]+", "-", root.resolve().name.lower()).strip("-._")
    return name or "app"


def build_secrets(project: Project) -> list[tuple[str, str]]:
    """``(id, file)`` of each build secret: ``docker build --secret id=ID,src=FILE`` provides it
    and ``RUN --mount=type=secret,id=ID`` reads it. The ids are the ones DF203's fix gives."""
    from rewriter.fixes.secret_mounts import secret_id

    return [(secret_id(name.lstrip(".")), name) for name in project.secret_files]


def secret_mount_lines(project: Project, workdir: str = "/app") -> str:
    """Extra ``--mount=type=secret`` lines for an install RUN (continuation lines, each before a
    backslash): the secret appears at ``workdir/FILE`` while that RUN runs, and in no layer."""
    return "".join(
        f" \\\n    --mount=type=secret,id={ident},target={workdir}/{name}"
        for ident, name in build_secrets(project)
    )


def secret_options(project: Project) -> str:
    """``--secret ...`` options the build command needs (with a trailing space), or ""."""
    return "".join(f"--secret id={ident},src={name} " for ident, name in build_secrets(project))


def header(project: Project, details: str) -> str:
    """The comment block under ``# syntax``: what was detected and how to build and run it."""
    name = app_name(project.root)
    secrets = secret_options(project)
    lines = [
        f"# {LANGUAGE_LABELS[project.lang]} ({details}), written by `dfopt new`.",
        f"# Build: docker build {secrets}-t {name} .",
    ]
    if project.platforms:
        lines.append(
            f"#        docker buildx build --platform {','.join(project.platforms)} {secrets}"
            f"-t {name} ."
        )
    lines.append(f"# Run:   docker run --rm -p {project.port}:{project.port} {name}")
    return "\n".join(lines)
