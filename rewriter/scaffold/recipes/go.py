"""Go recipe: cross-compiled static binary; distroless, alpine or slim runtime."""

from __future__ import annotations

from rewriter.scaffold.model import Project
from rewriter.scaffold.recipes.common import (
    APP_USER,
    DISTROLESS_USER,
    USER_SETUP,
    copy_lines,
    header,
    start_lines,
)

RUNTIME_IMAGES = {
    "distroless": "gcr.io/distroless/static-debian12:nonroot",
    "alpine": "alpine:3.20",
    "slim": "debian:bookworm-slim",
}


def go_recipe(project: Project) -> tuple[str, dict[str, object]]:
    runtime = project.runtime
    arm = any(p.count("/") == 2 and p.split("/")[1] == "arm" for p in project.platforms)
    if runtime == "distroless":
        user, user_comment = DISTROLESS_USER
        user_setup = ""
    else:
        user, user_comment = APP_USER
        user_setup = USER_SETUP["alpine" if runtime == "alpine" else "debian"]
    binary_path = f"/usr/local/bin/{project.binary}"
    details = f"Go {project.version}, {runtime} runtime"
    values: dict[str, object] = {
        "header": header(project, details),
        "version": project.version,
        "copy_manifests": copy_lines(project.manifests, project.root),
        # One name per ARG: older built-in frontends do not take several.
        "target_args": "\n".join(
            f"ARG {name}" for name in ("TARGETOS", "TARGETARCH", "TARGETVARIANT")[: 3 if arm else 2]
        ),
        # linux/arm/v7 -> GOARM=7 (the shell strips the "v"; an empty variant leaves Go's default).
        "goarm": " GOARM=${TARGETVARIANT#v}" if arm else "",
        "binary": project.binary,
        "main_package": project.main_package,
        "runtime_image": RUNTIME_IMAGES[runtime],
        "user_setup": user_setup,
        "copy_certs": runtime == "slim",
        "user": user,
        "user_comment": user_comment,
        "port": project.port,
        "start": start_lines(project, [], [binary_path]),
    }
    return "go.Dockerfile", values
