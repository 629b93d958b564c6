"""Go signals: go / toolchain version, module name, main package, listen port."""

from __future__ import annotations

import re
from pathlib import Path

from rewriter.scaffold.detect.common import choose_port, shared_port_signals
from rewriter.scaffold.detect.files import existing, parse_port, read_text
from rewriter.scaffold.model import DEFAULT_PORTS, DEFAULT_VERSIONS, Notes, Project


def parse_go_mod(text: str) -> dict[str, str]:
    """``module``, ``go`` and ``toolchain`` directives of a go.mod (first occurrence each)."""
    result: dict[str, str] = {}
    for key in ("module", "go", "toolchain"):
        match = re.search(rf"^\s*{key}\s+(\S+)", text, re.MULTILINE)
        if match:
            result[key] = match.group(1).strip('"')
    return result


def detect_go_version(directives: dict[str, str], notes: Notes) -> str:
    """``toolchain go1.22.5`` wins over ``go 1.22``: it is the exact compiler the module wants."""
    toolchain = directives.get("toolchain", "")
    match = re.fullmatch(r"go(\d+\.\d+(?:\.\d+)?)", toolchain)
    if match:
        return match.group(1)
    version = directives.get("go", "")
    if re.fullmatch(r"\d+\.\d+(?:\.\d+)?", version):
        return version
    default = DEFAULT_VERSIONS["go"]
    notes.warn(f"go.mod has no go directive: using Go {default}")
    return default


def _is_main_package(folder: Path) -> bool:
    for source in sorted(folder.glob("*.go")):
        if source.name.endswith("_test.go"):
            continue
        if re.search(r"^package\s+main\b", read_text(source) or "", re.MULTILINE):
            return True
    return False


def detect_main_package(root: Path, module: str, notes: Notes) -> tuple[str, str]:
    """(package path for ``go build``, binary name): the root when it is ``package main``, else
    ``cmd/<name>`` (the one named like the module when there are several)."""
    base = module.rstrip("/").rsplit("/", 1)[-1] or "app"
    base = re.sub(r"^v\d+$", "app", base)
    if _is_main_package(root):
        return ".", base
    commands = sorted(
        d.name for d in (root / "cmd").glob("*") if d.is_dir() and _is_main_package(d)
    )
    if commands:
        chosen = base if base in commands else commands[0]
        if len(commands) > 1:
            notes.warn(f"several commands under cmd/ ({', '.join(commands)}): building {chosen}")
        return f"./cmd/{chosen}", chosen
    notes.warn("no main package (main.go or cmd/<name>): building `.`")
    return ".", base


def port_from_go_source(root: Path, main_package: str) -> int | None:
    """A literal listen address in the main package: ``ListenAndServe(":8080"``, ``Addr: ":90"``."""
    folder = root / main_package
    for source in sorted(folder.glob("*.go")):
        text = read_text(source) or ""
        match = re.search(r'(?:Listen\w*\(|Addr:|Run\()\s*"[\w.\-]*:(\d{2,5})"', text)
        if match:
            return parse_port(match.group(1))
    return None


def detect_go(root: Path, notes: Notes, forced_manager: str | None = None) -> Project:
    text = read_text(root / "go.mod")
    if text is None:
        notes.warn("no go.mod: the Dockerfile expects a Go module (run `go mod init`)")
    directives = parse_go_mod(text or "")
    main_package, binary = detect_main_package(root, directives.get("module", "app"), notes)
    signals = shared_port_signals(root)
    source_port = port_from_go_source(root, main_package)
    if source_port is not None:
        signals.append(("main package listen address", source_port))
    port, declared = choose_port(signals, DEFAULT_PORTS["go"], notes)
    manifests = existing(root, "go.mod", "go.sum", "go.work", "go.work.sum")
    if "go.mod" not in manifests:
        manifests.insert(0, "go.mod")
    return Project(
        lang="go",
        root=root,
        package_manager="go",
        version=detect_go_version(directives, notes),
        manifests=manifests,
        main_package=main_package,
        binary=binary,
        command=[f"/usr/local/bin/{binary}"],
        port=port,
        port_declared=declared,
        runtime="distroless",
        notes=notes,
    )
