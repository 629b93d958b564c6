"""Node.js signals: package manager, node version, build script, entry point, port."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from rewriter.scaffold.detect.common import (
    choose_port,
    expand_globs,
    is_gitignored,
    shared_port_signals,
)
from rewriter.scaffold.detect.files import existing, parse_port, read_json, read_text
from rewriter.scaffold.detect.versions import choose_line, parse_npm_range
from rewriter.scaffold.model import DEFAULT_PORTS, DEFAULT_VERSIONS, Notes, Project

LOCKFILES = {
    "pnpm-lock.yaml": "pnpm",
    "yarn.lock": "yarn",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
}
# Node release lines with official images; even majors are the LTS lines users should run.
NODE_LINES = [[18], [20], [22], [24]]
LTS_CODENAMES = {
    "argon": "4", "boron": "6", "carbon": "8", "dubnium": "10", "erbium": "12",
    "fermium": "14", "gallium": "16", "hydrogen": "18", "iron": "20", "jod": "22",
}  # fmt: skip
# Commands in "scripts.start" that are dev servers or wrappers, not something to run in production.
_NOT_A_RUNTIME = {"nodemon", "ts-node", "tsx", "vite", "webpack", "react-scripts", "parcel"}


def is_yarn_berry(root: Path) -> bool:
    """Yarn 2+ ("berry") writes ``__metadata:`` into yarn.lock and reads .yarnrc.yml."""
    if (root / ".yarnrc.yml").is_file():
        return True
    head = (read_text(root / "yarn.lock") or "")[:4000]
    return "__metadata:" in head


def package_manager_field(package: dict[str, Any]) -> str | None:
    """The tool named by package.json ``packageManager`` ("pnpm@9.1.0" -> "pnpm")."""
    value = package.get("packageManager")
    if not isinstance(value, str):
        return None
    name = value.split("@", 1)[0].strip()
    if name == "yarn":
        version = value.split("@", 1)[1] if "@" in value else ""
        return "yarn" if version.startswith("1.") else "yarn-berry"
    return name if name in ("npm", "pnpm") else None


def detect_package_manager(root: Path, package: dict[str, Any], notes: Notes) -> str:
    """From the lockfiles; ``packageManager`` breaks ties; no lockfile means npm with a warning."""
    found = [(name, pm) for name, pm in LOCKFILES.items() if (root / name).is_file()]
    declared = package_manager_field(package)
    managers = list(dict.fromkeys(pm for _, pm in found))

    def refine(pm: str) -> str:
        return "yarn-berry" if pm == "yarn" and is_yarn_berry(root) else pm

    if not managers:
        if declared:
            return declared
        notes.warn("no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml): using npm")
        return "npm"
    if len(managers) > 1:
        chosen = next((pm for pm in managers if declared and refine(pm) == declared), managers[0])
        files = ", ".join(name for name, _ in found)
        notes.warn(f"several lockfiles ({files}): using {refine(chosen)}; delete the others")
        return refine(chosen)
    chosen = refine(managers[0])
    if declared and declared != chosen:
        notes.warn(
            f"package.json packageManager names {declared} but the lockfile is {chosen}'s: "
            f"using {chosen}"
        )
    return chosen


def _version_from_text(text: str) -> str | None:
    """``v20.11.0`` / ``20`` / ``lts/iron`` -> an image tag version; None for ``lts/*``."""
    value = text.strip().lower()
    if value.startswith("lts/"):
        return LTS_CODENAMES.get(value[4:])
    match = re.fullmatch(r"v?(\d+(?:\.\d+){0,2})", value)
    return match.group(1) if match else None


def detect_node_version(root: Path, package: dict[str, Any], notes: Notes) -> str:
    """.nvmrc / .node-version first (what developers run), then engines.node, then volta."""
    default = DEFAULT_VERSIONS["node"]
    engines = package.get("engines")
    engine_range = engines.get("node") if isinstance(engines, dict) else None
    intervals = parse_npm_range(engine_range) if isinstance(engine_range, str) else None
    if isinstance(engine_range, str) and intervals is None:
        notes.warn(f"cannot read engines.node {engine_range!r}; ignoring it")

    for name in (".nvmrc", ".node-version"):
        text = read_text(root / name)
        if text is None or not text.strip():
            continue
        version = _version_from_text(text.splitlines()[0])
        if version is None:
            notes.warn(f"{name} says {text.strip()!r}: using node {default}", "version")
            return default
        major = int(version.split(".")[0])
        if intervals is not None and not choose_line(intervals, [[major]], [major]):
            notes.warn(f"{name} ({version}) does not satisfy engines.node {engine_range!r}")
        return version
    if intervals is not None:
        line = choose_line(intervals, NODE_LINES, [int(default)])
        if line is None:
            notes.warn(
                f"no node image line satisfies engines.node {engine_range!r}: using {default}"
            )
            return default
        return str(line[0])
    volta = package.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        version = _version_from_text(volta["node"])
        if version:
            return version
    notes.warn(f"no node version declared (.nvmrc, engines.node): using node {default}", "version")
    return default


def split_start_script(script: str) -> tuple[dict[str, str], list[str]] | None:
    """``PORT=4000 node server.js`` -> ({"PORT": "4000"}, ["node", "server.js"]).

    Returns None when the script chains commands (``&&``, ``;``, pipes) or cannot be split:
    such a script is not an argv for an exec-form CMD.
    """
    if re.search(r"&&|\|\||[;|<>`$]", script):
        return None
    try:
        tokens = shlex.split(script)
    except ValueError:
        return None
    env: dict[str, str] = {}
    while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
        key, _, value = tokens.pop(0).partition("=")
        env[key] = value
    if tokens and tokens[0] == "cross-env":
        tokens.pop(0)
        while tokens and "=" in tokens[0]:
            key, _, value = tokens.pop(0).partition("=")
            env[key] = value
    return (env, tokens) if tokens else None


def detect_out_dir(root: Path, package: dict[str, Any], command: list[str] | None = None) -> str:
    """Where ``npm run build`` writes: tsconfig ``outDir``, else the folder of ``main`` or of the
    started file, else ``dist``."""
    tsconfig = read_text(root / "tsconfig.json") or ""
    match = re.search(r'"outDir"\s*:\s*"\.?/?([^"/]+)', tsconfig)
    if match:
        return match.group(1)
    main = package.get("main")
    started = command[1] if command and len(command) > 1 and command[0] == "node" else None
    for path in (main, started):
        if not isinstance(path, str) or "/" not in path.removeprefix("./"):
            continue
        folder = path.removeprefix("./").split("/", 1)[0]
        # A file checked in outside .gitignore is a source, not something the build writes.
        if not (root / path).exists() or is_gitignored(root, folder):
            return folder
    return "dist"


def detect_node_command(
    root: Path, package: dict[str, Any], notes: Notes
) -> tuple[list[str], dict[str, str]]:
    """The start argv: ``scripts.start`` when it is a plain ``node`` call, else ``main``, else a
    conventional file (server.js, index.js, app.js)."""
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    start = scripts.get("start")
    if isinstance(start, str):
        split = split_start_script(start)
        if split and split[1][0] == "node":
            return split[1], split[0]
        if split and split[1][0] in _NOT_A_RUNTIME:
            notes.warn(f"scripts.start runs {split[1][0]}, a development tool; not using it")
        elif split is None or split[1][0] != "node":
            notes.warn(f"scripts.start ({start!r}) is not a plain `node` call; not using it")
    main = package.get("main")
    if isinstance(main, str) and main.strip():
        return ["node", main.strip().removeprefix("./")], {}
    for candidate in ("server.js", "index.js", "app.js", "main.js", "src/index.js"):
        if (root / candidate).is_file():
            return ["node", candidate], {}
    notes.warn("no entry point (scripts.start, main, index.js): using `node index.js`", "entry")
    return ["node", "index.js"], {}


def detect_node_port(
    root: Path, package: dict[str, Any], env: dict[str, str]
) -> list[tuple[str, int]]:
    """Port signals: ``PORT=`` in the start script, then .env / Dockerfile / compose, then any
    ``PORT=`` default in another script (``"dev": "PORT=4000 vite"``)."""
    signals: list[tuple[str, int]] = []
    if parse_port(env.get("PORT", "")):
        signals.append(("scripts.start PORT", int(env["PORT"])))
    signals.extend(shared_port_signals(root))
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    for name, script in scripts.items():
        match = re.search(r"\bPORT=(\d+)", script) if isinstance(script, str) else None
        if match and parse_port(match.group(1)) and name != "start":
            signals.append((f"scripts.{name} PORT", int(match.group(1))))
    return signals


def workspace_manifests(root: Path, package: dict[str, Any]) -> list[str]:
    """package.json of every workspace (npm/yarn ``workspaces``, pnpm-workspace.yaml): the
    install needs them before the sources are copied."""
    patterns: list[str] = []
    workspaces = package.get("workspaces")
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages")
    if isinstance(workspaces, list):
        patterns.extend(p for p in workspaces if isinstance(p, str))
    pnpm = read_text(root / "pnpm-workspace.yaml") or ""
    patterns.extend(re.findall(r"^\s*-\s*['\"]?([^'\"\s#]+)", pnpm, re.MULTILINE))
    return expand_globs(root, patterns, "package.json")


def node_manifests(root: Path, package_manager: str, package: dict[str, Any]) -> list[str]:
    """Files the install reads, copied before the sources so that a source edit keeps it cached."""
    names = ["package.json", *LOCKFILES]  # (.npmrc is a secret: see ``npm_secret_files``)
    if package_manager == "yarn":
        names.append(".yarnrc")
    if package_manager == "yarn-berry":
        names += [".yarnrc.yml", ".yarn/releases", ".yarn/plugins", ".yarn/patches"]
    if package_manager == "pnpm":
        names += ["pnpm-workspace.yaml", ".pnpmfile.cjs"]
    names.append("patches")  # patch-package and pnpm patchedDependencies read it at install time
    wanted = {
        "npm": ("package-lock.json", "npm-shrinkwrap.json"),
        "yarn": ("yarn.lock",),
        "yarn-berry": ("yarn.lock",),
        "pnpm": ("pnpm-lock.yaml",),
    }[package_manager]
    names = [n for n in names if n not in LOCKFILES or n in wanted]
    found = existing(root, *names)
    if "package.json" not in found:
        found.insert(0, "package.json")
    return found + workspace_manifests(root, package)


def npm_secret_files(root: Path, package_manager: str) -> list[str]:
    """``.npmrc`` when the project has one and its package manager reads it (npm, pnpm and
    Yarn 1; Yarn 2+ reads only .yarnrc.yml). It often holds a registry token, so the install
    gets it as a secret mount: copied, it would stay in a layer."""
    if package_manager == "yarn-berry" or not (root / ".npmrc").is_file():
        return []
    return [".npmrc"]


def detect_node(root: Path, notes: Notes, forced_manager: str | None = None) -> Project:
    package = read_json(root / "package.json", notes)
    if package is None:
        notes.warn("no readable package.json: the Dockerfile expects one")
        package = {}
    package_manager = detect_package_manager(root, package, Notes() if forced_manager else notes)
    if forced_manager and forced_manager != package_manager:
        notes.warn(f"using {forced_manager} as asked, although the lockfiles say {package_manager}")
    package_manager = forced_manager or package_manager
    command, env = detect_node_command(root, package, notes)
    port, declared = choose_port(detect_node_port(root, package, env), DEFAULT_PORTS["node"], notes)
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    yarnrc = read_text(root / ".yarnrc.yml") or ""
    corepack = package_manager == "pnpm" or (
        package_manager == "yarn-berry" and "yarnPath:" not in yarnrc
    )
    if corepack and package_manager_field(package) is None:
        notes.warn(
            "package.json has no packageManager field: corepack will pick a default "
            f"{package_manager.split('-')[0]} version; pin one with `corepack use`"
        )
    return Project(
        lang="node",
        root=root,
        package_manager=package_manager,
        version=detect_node_version(root, package, notes),
        manifests=node_manifests(root, package_manager, package),
        command=command,
        env={k: v for k, v in env.items() if k != "PORT"},
        port=port,
        port_declared=declared,
        build_script=isinstance(scripts.get("build"), str),
        out_dir=detect_out_dir(root, package, command),
        corepack=corepack,
        secret_files=npm_secret_files(root, package_manager),
        notes=notes,
    )
