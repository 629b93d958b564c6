"""Every template x variant as a hand-made ``Project``, shared by the scaffold template tests.

Kept apart from the tests so that the hadolint test, the Go-parser test and the structural
checks all walk the same matrix.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from rewriter.scaffold.model import PACKAGE_MANAGERS, Project

NODE_MANIFESTS = {
    "npm": ["package.json", "package-lock.json"],
    "yarn": ["package.json", "yarn.lock"],
    "yarn-berry": ["package.json", "yarn.lock", ".yarnrc.yml", ".yarn/releases"],
    "pnpm": ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "packages/a/package.json"],
}
PYTHON_MANIFESTS = {
    "pip": ["requirements.txt", "requirements/base.txt"],
    "poetry": ["pyproject.toml", "poetry.lock"],
    "uv": ["pyproject.toml", "uv.lock"],
    "pipenv": ["Pipfile", "Pipfile.lock"],
}


def _touch(root: Path, manifests: list[str]) -> None:
    for name in manifests:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(("releases", "gradle", ".mvn")):
            path.mkdir(exist_ok=True)
        else:
            path.write_text("")


def variants(root: Path) -> Iterator[tuple[str, Project]]:
    """(variant id, project) for each language x package manager x runtime x structural option."""
    for pm, runtime, build in itertools.product(
        PACKAGE_MANAGERS["node"], ("slim", "alpine", "distroless"), (True, False)
    ):
        folder = root / f"node-{pm}-{runtime}-{build}"
        folder.mkdir()
        _touch(folder, NODE_MANIFESTS[pm])
        yield folder.name, Project(
            lang="node", root=folder, package_manager=pm, version="22",
            manifests=NODE_MANIFESTS[pm], command=["node", "dist/server.js"], port=3000,
            runtime=runtime, build_script=build, corepack=pm in ("pnpm", "yarn-berry"),
            env={"HOST": "0.0.0.0"} if build else {},
        )  # fmt: skip
    for pm, runtime, package in itertools.product(
        PACKAGE_MANAGERS["python"], ("slim", "alpine"), (True, False)
    ):
        folder = root / f"python-{pm}-{runtime}-{package}"
        folder.mkdir()
        _touch(folder, PYTHON_MANIFESTS[pm])
        command = ["demo"] if package else ["uvicorn", "main:app", "--port", "{port}"]
        yield folder.name, Project(
            lang="python", root=folder, package_manager=pm, version="3.12",
            manifests=PYTHON_MANIFESTS[pm], command=command, port=8000, runtime=runtime,
            is_package=package, requirements=PYTHON_MANIFESTS[pm] if pm == "pip" else [],
        )  # fmt: skip
    for package in (True, False):
        folder = root / f"python-pip-norequirements-{package}"
        folder.mkdir()
        yield folder.name, Project(
            lang="python", root=folder, package_manager="pip", version="3.12",
            command=["python", "-m", "demo"], port=8000, is_package=package,
        )  # fmt: skip
    for runtime, platforms in itertools.product(
        ("distroless", "alpine", "slim"), ([], ["linux/amd64", "linux/arm/v7"])
    ):
        folder = root / f"go-{runtime}-{len(platforms)}"
        folder.mkdir()
        _touch(folder, ["go.mod", "go.sum"])
        yield folder.name, Project(
            lang="go", root=folder, package_manager="go", version="1.23",
            manifests=["go.mod", "go.sum"], main_package="./cmd/api", binary="api",
            command=["/usr/local/bin/api"], port=8080, runtime=runtime, platforms=platforms,
        )  # fmt: skip
    for pm, wrapper, runtime, multi in itertools.product(
        ("maven", "gradle"), (True, False), ("slim", "alpine", "distroless", "jlink"), (True, False)
    ):
        folder = root / f"java-{pm}-{wrapper}-{runtime}-{multi}"
        folder.mkdir()
        if pm == "maven":
            manifests = ["pom.xml", "mvnw", ".mvn"] if wrapper else ["pom.xml"]
            artifact = "target/*.jar" if multi else "target/demo-1.0.jar"
        else:
            manifests = ["settings.gradle.kts", "build.gradle.kts"]
            manifests += ["gradlew", "gradle"] if wrapper else []
            artifact = "build/libs/*.jar" if multi else "build/libs/demo-1.0.jar"
        _touch(folder, manifests)
        yield folder.name, Project(
            lang="java", root=folder, package_manager=pm, version="21", manifests=manifests,
            wrapper=wrapper, artifact=artifact, multi_module=multi,
            command=["java", "-jar", "/app/app.jar"], port=8080, runtime=runtime,
        )  # fmt: skip


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Create ``files`` (relative path -> text; a trailing "/" makes a folder) under ``root``."""
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
