"""Python signals: package manager, Python version, requirements files, package or app, entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rewriter.scaffold.detect.common import SKIP_DIRS, choose_port, shared_port_signals
from rewriter.scaffold.detect.files import existing, read_text, read_toml
from rewriter.scaffold.detect.versions import choose_line, parse_python_spec
from rewriter.scaffold.model import DEFAULT_PORTS, DEFAULT_VERSIONS, Notes, Project

# Minor lines with official python images; the default is preferred when a range allows it.
PYTHON_LINES = [[3, minor] for minor in range(8, 14)]
# Lockfiles, strongest first: a uv.lock beside a stale requirements.txt means uv.
LOCKS = (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile.lock", "pipenv"))
PRIMARY_REQUIREMENTS = (
    "requirements.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
    "requirements/base.txt",
    "requirements/main.txt",
)


def _table(data: dict[str, Any] | None, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def detect_python_package_manager(
    root: Path, pyproject: dict[str, Any] | None, notes: Notes
) -> str:
    """From the lockfiles, then ``[tool.poetry]`` / Pipfile / requirements*.txt; default pip."""
    found = [(name, pm) for name, pm in LOCKS if (root / name).is_file()]
    if len(found) > 1:
        notes.warn(
            f"several lockfiles ({', '.join(n for n, _ in found)}): using {found[0][1]}; "
            "delete the others"
        )
    if found:
        return found[0][1]
    if _table(pyproject, "tool", "poetry"):
        notes.warn("[tool.poetry] without poetry.lock: run `poetry lock` for repeatable builds")
        return "poetry"
    if (root / "Pipfile").is_file():
        notes.warn("Pipfile without Pipfile.lock: run `pipenv lock` for repeatable builds")
        return "pipenv"
    return "pip"


def requirement_includes(root: Path, name: str, seen: set[str] | None = None) -> list[str]:
    """``name`` and every file it pulls in with ``-r``/``-c`` (relative to its own folder)."""
    seen = seen if seen is not None else set()
    if name in seen or not (root / name).is_file():
        return []
    seen.add(name)
    result = [name]
    folder = Path(name).parent
    for line in (read_text(root / name) or "").splitlines():
        match = re.match(
            r"\s*(?:-r|-c|--requirement|--constraint)(?:\s+|=)(\S+)", line.split(" #")[0]
        )
        if match:
            included = (folder / match.group(1)).as_posix()
            if ".." not in Path(included).parts:
                result += requirement_includes(root, included, seen)
    return result


def detect_requirements(root: Path) -> list[str]:
    """The production requirements file and its includes (empty when there is none)."""
    for name in PRIMARY_REQUIREMENTS:
        if (root / name).is_file():
            return requirement_includes(root, name)
    return []


def _version_tag(text: str) -> str | None:
    match = re.fullmatch(r"(?:python-?)?(3\.\d+(?:\.\d+)?)", text.strip())
    return match.group(1) if match else None


def detect_python_version(root: Path, pyproject: dict[str, Any] | None, notes: Notes) -> str:
    """.python-version, runtime.txt, then requires-python / poetry's python / Pipfile."""
    default = DEFAULT_VERSIONS["python"]
    for name in (".python-version", "runtime.txt"):
        text = read_text(root / name)
        if text and text.strip():
            version = _version_tag(text.splitlines()[0])
            if version:
                return version
            notes.warn(f"{name} says {text.strip()!r}: ignoring it")
    pipfile = read_text(root / "Pipfile") or ""
    match = re.search(r'^\s*python_(?:full_)?version\s*=\s*"(3\.\d+(?:\.\d+)?)"', pipfile, re.M)
    if match:
        return match.group(1)
    spec = _table(pyproject, "project").get("requires-python") or _table(
        pyproject, "tool", "poetry", "dependencies"
    ).get("python")
    if isinstance(spec, str):
        intervals = parse_python_spec(spec)
        preferred = [int(p) for p in default.split(".")]
        line = choose_line(intervals, PYTHON_LINES, preferred) if intervals is not None else None
        if line is None:
            notes.warn(
                f"cannot satisfy requires-python {spec!r} with an image: using {default}", "version"
            )
            return default
        return f"{line[0]}.{line[1]}"
    notes.warn(
        f"no Python version declared (.python-version, requires-python): using {default}",
        "version",
    )
    return default


def is_installable_package(pyproject: dict[str, Any] | None, root: Path) -> bool:
    """A project pip can turn into a wheel: a ``[build-system]`` (or setup.py) not switched off by
    poetry ``package-mode = false`` or uv ``package = false``."""
    if _table(pyproject, "tool", "poetry").get("package-mode") is False:
        return False
    if _table(pyproject, "tool", "uv").get("package") is False:
        return False
    return bool(_table(pyproject, "build-system")) or (root / "setup.py").is_file()


def project_scripts(pyproject: dict[str, Any] | None) -> list[str]:
    """Console scripts the wheel installs, ``[project.scripts]`` then ``[tool.poetry.scripts]``."""
    scripts = _table(pyproject, "project", "scripts") or _table(
        pyproject, "tool", "poetry", "scripts"
    )
    return list(scripts)


def find_main_modules(root: Path) -> list[str]:
    """Importable packages with a ``__main__.py`` (flat or ``src/`` layout), as module names."""
    modules = []
    for base in (root, root / "src"):
        if not base.is_dir():
            continue
        for candidate in sorted(base.glob("*/__main__.py")):
            if candidate.parent.name not in SKIP_DIRS and candidate.parent.name.isidentifier():
                modules.append(candidate.parent.name)
    return modules


def dependency_text(root: Path, pyproject: dict[str, Any] | None, requirements: list[str]) -> str:
    """Every declared dependency name, lower-cased, for "does it use uvicorn/gunicorn" checks."""
    parts = [read_text(root / name) or "" for name in requirements]
    parts.append(" ".join(map(str, _table(pyproject, "project").get("dependencies", []))))
    parts.append(" ".join(_table(pyproject, "tool", "poetry", "dependencies")))
    parts.append(read_text(root / "Pipfile") or "")
    return "\n".join(parts).lower()


def asgi_app(root: Path) -> str | None:
    """``module:app`` for a file that creates ``app = FastAPI(...)`` / ``Starlette(...)``."""
    for name in ("main.py", "app.py", "app/main.py", "src/main.py", "api/main.py"):
        text = read_text(root / name) or ""
        match = re.search(r"^(\w+)\s*=\s*(?:fastapi\.)?(?:FastAPI|Starlette)\(", text, re.M)
        if match:
            return f"{name[:-3].replace('/', '.')}:{match.group(1)}"
    return None


def wsgi_module(root: Path) -> str | None:
    """``project.wsgi`` for a Django project (the folder holding wsgi.py next to manage.py)."""
    if not (root / "manage.py").is_file():
        return None
    for candidate in sorted(root.glob("*/wsgi.py")):
        return f"{candidate.parent.name}.wsgi"
    return None


def detect_python_command(
    root: Path, pyproject: dict[str, Any] | None, deps: str, notes: Notes
) -> list[str]:
    """uvicorn for an ASGI app, gunicorn for Django, then console scripts, ``python -m``, a file.

    A ``{port}`` token stands for the port, filled in at render time so that ``--port`` applies.
    """
    asgi = asgi_app(root) if re.search(r"\buvicorn\b", deps) else None
    if asgi:
        return ["uvicorn", asgi, "--host", "0.0.0.0", "--port", "{port}"]
    wsgi = wsgi_module(root) if re.search(r"\bgunicorn\b", deps) else None
    if wsgi:
        return ["gunicorn", "--bind", "0.0.0.0:{port}", wsgi]
    if is_installable_package(pyproject, root):
        scripts = project_scripts(pyproject)
        if len(scripts) > 1:
            notes.warn(f"several console scripts ({', '.join(scripts)}): starting {scripts[0]}")
        if scripts:
            return [scripts[0]]
    modules = find_main_modules(root)
    if modules:
        return ["python", "-m", modules[0]]
    for name in ("main.py", "app.py", "server.py", "run.py", "manage.py"):
        if (root / name).is_file():
            return [
                "python",
                name,
                *(["runserver", "0.0.0.0:{port}"] if name == "manage.py" else []),
            ]
    notes.warn(
        "no entry point ([project.scripts], __main__.py, main.py): using `python main.py`", "entry"
    )
    return ["python", "main.py"]


def python_manifests(root: Path, package_manager: str, requirements: list[str]) -> list[str]:
    """Files the dependency step reads (lockfile and what the exporter needs), existing only."""
    if package_manager == "pip":
        return requirements
    names = {
        "poetry": ("pyproject.toml", "poetry.lock", "poetry.toml"),
        "uv": ("pyproject.toml", "uv.lock"),
        "pipenv": ("Pipfile", "Pipfile.lock"),
    }[package_manager]
    return existing(root, *names)


def detect_python(root: Path, notes: Notes, forced_manager: str | None = None) -> Project:
    pyproject = read_toml(root / "pyproject.toml", notes)
    package_manager = detect_python_package_manager(
        root, pyproject, Notes() if forced_manager else notes
    )
    if forced_manager and forced_manager != package_manager:
        notes.warn(
            f"using {forced_manager} as asked, although the project files say {package_manager}"
        )
    package_manager = forced_manager or package_manager
    requirements = detect_requirements(root) if package_manager == "pip" else []
    if package_manager == "pip" and not requirements:
        notes.warn(
            "no requirements.txt or lockfile: dependencies are resolved from pyproject.toml at "
            "build time and re-installed on every source change"
        )
    port, declared = choose_port(shared_port_signals(root), DEFAULT_PORTS["python"], notes)
    deps = dependency_text(root, pyproject, requirements)
    return Project(
        lang="python",
        root=root,
        package_manager=package_manager,
        version=detect_python_version(root, pyproject, notes),
        manifests=python_manifests(root, package_manager, requirements),
        requirements=requirements,
        command=detect_python_command(root, pyproject, deps, notes),
        port=port,
        port_declared=declared,
        is_package=is_installable_package(pyproject, root),
        build_script=bool(_table(pyproject, "build-system")),
        notes=notes,
    )
