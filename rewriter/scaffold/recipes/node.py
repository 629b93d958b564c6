"""Node.js recipe: install commands and cache paths per package manager, runtime per variant."""

from __future__ import annotations

from rewriter.scaffold.model import Project
from rewriter.scaffold.recipes.common import (
    DISTROLESS_USER,
    NODE_USER,
    build_secrets,
    copy_lines,
    header,
    secret_mount_lines,
    start_lines,
)

# Cache folders as seen by root in the official node images (literal paths: BuildKit does not
# expand variables inside --mount options).
CACHE = {
    "npm": "/root/.npm",
    "yarn": "/usr/local/share/.cache/yarn",
    "yarn-berry": "/root/.yarn/berry/cache",
    "pnpm": "/root/.local/share/pnpm/store",
}
# Yarn 1's cache is not safe for concurrent writers, and deps and build run in parallel.
CACHE_OPTIONS = {"yarn": ",sharing=locked"}
PNPM_STORE = "--store-dir=/root/.local/share/pnpm/store"
LABELS = {"npm": "npm", "yarn": "Yarn 1", "yarn-berry": "Yarn", "pnpm": "pnpm"}
LOCKFILE_NAMES = {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"}
# Berry: a global cache (so the mount above holds it) and node_modules (so stages can copy them).
BERRY_ENV = (
    "# Put Yarn's cache in the global folder (the cache mount) and install a node_modules folder,\n"
    "# which the runtime stage copies, whatever the project's nodeLinker is.\n"
    "ENV YARN_ENABLE_GLOBAL_CACHE=true \\\n"
    "    YARN_GLOBAL_FOLDER=/root/.yarn/berry \\\n"
    "    YARN_NODE_LINKER=node-modules"
)


def install_commands(package_manager: str, locked: bool) -> tuple[str, str, str]:
    """(production install, full install, build) commands; without a lockfile, no frozen flags."""
    if package_manager == "npm":
        verb = "ci" if locked else "install"
        return f"npm {verb} --omit=dev", f"npm {verb}", "npm run build"
    if package_manager == "yarn":
        frozen = " --frozen-lockfile" if locked else ""
        return (
            f"yarn install{frozen} --production",
            f"yarn install{frozen}",
            "yarn run build",
        )
    if package_manager == "yarn-berry":
        # `workspaces focus` is built into Yarn 4 (Yarn 2/3 need the workspace-tools plugin).
        immutable = " --immutable" if locked else ""
        return (
            "yarn workspaces focus --all --production",
            f"yarn install{immutable}",
            "yarn run build",
        )
    frozen = " --frozen-lockfile" if locked else ""
    return (
        f"pnpm install{frozen} --prod {PNPM_STORE}",
        f"pnpm install{frozen} {PNPM_STORE}",
        "pnpm run build",
    )


def node_recipe(project: Project) -> tuple[str, dict[str, object]]:
    pm = project.package_manager
    locked = any(m in LOCKFILE_NAMES for m in project.manifests)
    install_prod, install_all, build = install_commands(pm, locked)
    major = project.version.split(".")[0]
    distroless = project.runtime == "distroless"
    flavor = "alpine" if project.runtime == "alpine" else "bookworm-slim"
    if distroless:
        runtime_image = f"gcr.io/distroless/nodejs{major}-debian12:nonroot"
        user, user_comment = DISTROLESS_USER
    else:
        runtime_image = f"node:${{NODE_VERSION}}-{flavor}"
        user, user_comment = NODE_USER
    command = list(project.command)
    cmd_override = project.cmd_override
    if distroless:
        # The distroless node image's ENTRYPOINT is node itself: CMD holds only its arguments.
        command = command[1:] if command[:1] == ["node"] else command
        if cmd_override and cmd_override[0] == "node":
            project.cmd_override = cmd_override[1:]
            project.notes.warn("distroless runs node as its ENTRYPOINT: dropped `node` from --cmd")
        user_comment += "; ENTRYPOINT is node"
    for ident, name in build_secrets(project):
        project.notes.warn(
            f"{name} is mounted as a build secret, not copied (it may hold a registry token): "
            f"build with `docker build --secret id={ident},src={name} ...`"
        )
    extra_env = "".join(f" \\\n    {key}={value}" for key, value in sorted(project.env.items()))
    details = f"{LABELS[pm]}, node {project.version}, {project.runtime} runtime"
    values: dict[str, object] = {
        "header": header(project, details),
        "version": project.version,
        "flavor": flavor,
        "corepack": project.corepack,
        "pm_label": LABELS[pm],
        "pm_env": BERRY_ENV if pm == "yarn-berry" else "",
        "copy_manifests": copy_lines(project.manifests, project.root),
        "cache": CACHE[pm],
        "cache_options": CACHE_OPTIONS.get(pm, ""),
        "secret_mounts": secret_mount_lines(project),
        "install_prod": install_prod,
        "install_all": install_all,
        "build_script": project.build_script,
        "workspaces": any(m.endswith("/package.json") for m in project.manifests),
        "build_command": build,
        "out_dir": project.out_dir,
        "runtime_image": runtime_image,
        "port": project.port,
        "extra_env": extra_env,
        "user": user,
        "user_comment": user_comment,
        "start": start_lines(project, command),
    }
    return "node.Dockerfile", values
