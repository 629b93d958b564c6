"""Command-line overrides, validated and applied on top of what detection found.

Every check raises ``ScaffoldError`` with a message that names the option and the values it
accepts, so that the command can print it and exit 2 without a traceback.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

from rewriter.scaffold.model import PACKAGE_MANAGERS, RUNTIMES, Project, ScaffoldError

ALIASES = {"berry": "yarn-berry", "yarn-classic": "yarn", "mvn": "maven", "poetry-core": "poetry"}
_PLATFORM = re.compile(r"^[a-z0-9]+/[a-z0-9_]+(?:/v?[0-9a-z]+)?$")
_VERSION = re.compile(r"^[0-9][0-9A-Za-z._-]{0,40}$")
# distroless publishes images for these release lines only.
DISTROLESS_LINES = {"node": {"18", "20", "22", "24"}, "java": {"17", "21", "25"}}


@dataclass
class Overrides:
    package_manager: str | None = None
    version: str | None = None
    port: int | None = None
    entrypoint: str | None = None
    cmd: str | None = None
    runtime: str | None = None
    platforms: str | None = None


def normalise_package_manager(lang: str, name: str) -> str:
    """``berry`` -> ``yarn-berry`` etc.; an error lists the managers the language supports."""
    value = ALIASES.get(name.strip().lower(), name.strip().lower())
    if value not in PACKAGE_MANAGERS[lang]:
        choices = ", ".join(PACKAGE_MANAGERS[lang])
        raise ScaffoldError(f"--package-manager {name!r} is not one of {choices} for {lang}")
    return value


def parse_argv(option: str, text: str) -> list[str]:
    """A JSON array (``'["node", "a.js"]'``) or a shell-like string (``node a.js``) -> argv."""
    text = text.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError as err:
            raise ScaffoldError(f"{option}: not a JSON array of strings ({err})") from None
        except RecursionError:
            raise ScaffoldError(
                f"{option}: not a JSON array of strings (nested too deeply)"
            ) from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ScaffoldError(f"{option}: not a JSON array of strings")
        return value
    try:
        argv = shlex.split(text)
    except ValueError as err:
        raise ScaffoldError(f"{option}: cannot split {text!r} ({err})") from None
    if not argv:
        raise ScaffoldError(f"{option}: empty command")
    return argv


def parse_platforms(text: str) -> list[str]:
    """``linux/amd64,linux/arm64`` -> a list, each checked as os/arch[/variant]."""
    platforms = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in platforms if not _PLATFORM.match(p)]
    if bad or not platforms:
        raise ScaffoldError(
            f"--platforms: {', '.join(bad) or text!r} is not os/arch[/variant] "
            "(for example linux/amd64,linux/arm64)"
        )
    return list(dict.fromkeys(platforms))


def apply_overrides(project: Project, overrides: Overrides) -> Project:
    """Apply the user's choices to ``project`` (in place) and return it."""
    notes = project.notes
    # What the user decides on the command line needs no warning about how it was guessed.
    for topic, value in (
        ("version", overrides.version),
        ("port", overrides.port),
        ("entry", overrides.cmd or overrides.entrypoint),
    ):
        if value is not None:
            notes.withdraw(topic)
    if overrides.version is not None:
        if not _VERSION.match(overrides.version):
            raise ScaffoldError(f"--version {overrides.version!r} is not an image tag version")
        project.version = overrides.version
    if overrides.port is not None:
        if not 0 < overrides.port < 65536:
            raise ScaffoldError(f"--port {overrides.port} is not in 1..65535")
        project.port, project.port_declared = overrides.port, True
    if overrides.entrypoint is not None:
        project.entrypoint_override = parse_argv("--entrypoint", overrides.entrypoint)
    if overrides.cmd is not None:
        project.cmd_override = parse_argv("--cmd", overrides.cmd)
    if overrides.runtime is not None:
        runtime = overrides.runtime.strip().lower()
        if runtime not in RUNTIMES:
            raise ScaffoldError(
                f"--runtime {overrides.runtime!r} is not one of {', '.join(RUNTIMES)}"
            )
        project.runtime = runtime
    if project.runtime == "jlink" and project.lang != "java":
        raise ScaffoldError(
            f"--runtime jlink is for Java only; use slim, alpine or distroless for {project.lang}"
        )
    if project.runtime == "distroless":
        if project.lang == "python":
            raise ScaffoldError(
                "--runtime distroless is not offered for Python: distroless ships one Python "
                "version without pip; use slim or alpine"
            )
        lines = DISTROLESS_LINES.get(project.lang)
        major = project.version.split(".")[0]
        if lines is not None and major not in lines:
            raise ScaffoldError(
                f"distroless has no {project.lang} {major} image (it has "
                f"{', '.join(sorted(lines))}); pass --version or another --runtime"
            )
    if overrides.platforms is not None:
        project.platforms = parse_platforms(overrides.platforms)
        if project.lang in ("node", "python"):
            notes.warn(
                f"{project.lang} dependencies can hold native code, so each platform's install "
                "runs under emulation; cross-compiling is automatic only for Go and Java"
            )
    return project
