"""Python detection: package manager, version, requirements includes, package vs app, entry."""

from __future__ import annotations

import pytest

from rewriter.scaffold.detect.python import detect_python, requirement_includes
from rewriter.scaffold.model import Notes
from tests.scaffold_variants import write_tree

POETRY = """
[tool.poetry]
name = "demo"
version = "0.1.0"
[tool.poetry.dependencies]
python = "^3.11"
fastapi = "*"
uvicorn = "*"
[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""
PEP621 = """
[project]
name = "demo"
version = "1.0"
requires-python = ">=3.10,<3.12"
dependencies = ["click"]
[project.scripts]
demo = "demo.cli:main"
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
"""


def detect(tmp_path, files):
    write_tree(tmp_path, files)
    notes = Notes()
    return detect_python(tmp_path, notes), notes


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"uv.lock": "", "pyproject.toml": PEP621}, "uv"),
        ({"poetry.lock": "", "pyproject.toml": POETRY}, "poetry"),
        ({"Pipfile": "", "Pipfile.lock": "{}"}, "pipenv"),
        ({"requirements.txt": "flask\n"}, "pip"),
        ({"pyproject.toml": PEP621}, "pip"),
    ],
)
def test_package_manager_comes_from_the_lockfile(tmp_path, files, expected):
    project, _ = detect(tmp_path, files)
    assert project.package_manager == expected


def test_two_lockfiles_warn_and_uv_wins(tmp_path):
    project, notes = detect(tmp_path, {"uv.lock": "", "poetry.lock": "", "pyproject.toml": POETRY})
    assert project.package_manager == "uv"
    assert any("several lockfiles" in w for w in notes.warnings)


def test_tool_poetry_without_lock_is_poetry_with_a_warning(tmp_path):
    project, notes = detect(tmp_path, {"pyproject.toml": POETRY})
    assert project.package_manager == "poetry"
    assert any("poetry lock" in w for w in notes.warnings)


def test_requirements_includes_are_followed_relative_to_the_including_file(tmp_path):
    write_tree(
        tmp_path,
        {
            "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\nflask\n",
            "requirements/base.txt": "--requirement common.txt  # shared\n",
            "requirements/common.txt": "requests\n",
            "constraints.txt": "",
        },
    )
    assert requirement_includes(tmp_path, "requirements.txt") == [
        "requirements.txt",
        "requirements/base.txt",
        "requirements/common.txt",
        "constraints.txt",
    ]


def test_requirement_include_cycle_terminates(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "-r other.txt\n", "other.txt": "-r requirements.txt"})
    assert requirement_includes(tmp_path, "requirements.txt") == ["requirements.txt", "other.txt"]


def test_pip_manifests_are_the_requirement_files(tmp_path):
    project, _ = detect(tmp_path, {"requirements.txt": "-r base.txt\n", "base.txt": "x\n"})
    assert project.manifests == ["requirements.txt", "base.txt"]


def test_no_requirements_warns_that_deps_are_not_cached_apart(tmp_path):
    _, notes = detect(tmp_path, {"pyproject.toml": PEP621})
    assert any("no requirements.txt or lockfile" in w for w in notes.warnings)


def test_python_version_file_wins(tmp_path):
    project, _ = detect(tmp_path, {"requirements.txt": "", ".python-version": "3.11.9\n"})
    assert project.version == "3.11.9"


def test_requires_python_picks_a_line(tmp_path):
    project, _ = detect(tmp_path, {"pyproject.toml": PEP621})
    assert project.version == "3.11"


def test_poetry_python_constraint_picks_a_line(tmp_path):
    project, _ = detect(tmp_path, {"pyproject.toml": POETRY, "poetry.lock": ""})
    assert project.version == "3.13"


def test_pipfile_python_version_is_used(tmp_path):
    project, _ = detect(tmp_path, {"Pipfile": '[requires]\npython_version = "3.10"\n'})
    assert project.version == "3.10"


def test_missing_version_warns_and_defaults(tmp_path):
    project, notes = detect(tmp_path, {"requirements.txt": ""})
    assert project.version == "3.13"
    assert any("no Python version declared" in w for w in notes.warnings)


def test_build_system_makes_a_package_and_console_script_is_the_command(tmp_path):
    project, _ = detect(tmp_path, {"pyproject.toml": PEP621})
    assert project.is_package
    assert project.command == ["demo"]


def test_poetry_package_mode_false_is_not_a_package(tmp_path):
    pyproject = POETRY.replace("[tool.poetry]\n", "[tool.poetry]\npackage-mode = false\n")
    project, _ = detect(tmp_path, {"pyproject.toml": pyproject, "poetry.lock": ""})
    assert not project.is_package


def test_fastapi_app_runs_under_uvicorn_with_the_port(tmp_path):
    project, _ = detect(
        tmp_path,
        {
            "pyproject.toml": POETRY,
            "poetry.lock": "",
            "app/main.py": "from fastapi import FastAPI\napi = FastAPI()\n",
        },
    )
    assert project.command == ["uvicorn", "app.main:api", "--host", "0.0.0.0", "--port", "{port}"]


def test_django_with_gunicorn_runs_the_wsgi_module(tmp_path):
    project, _ = detect(
        tmp_path,
        {"requirements.txt": "django\ngunicorn\n", "manage.py": "", "site/wsgi.py": ""},
    )
    assert project.command == ["gunicorn", "--bind", "0.0.0.0:{port}", "site.wsgi"]


def test_dunder_main_package_runs_with_python_m(tmp_path):
    project, _ = detect(tmp_path, {"requirements.txt": "", "src/tool/__main__.py": ""})
    assert project.command == ["python", "-m", "tool"]


def test_main_py_is_the_fallback_entry(tmp_path):
    project, _ = detect(tmp_path, {"requirements.txt": "", "app.py": ""})
    assert project.command == ["python", "app.py"]


def test_dot_env_port_is_used(tmp_path):
    project, _ = detect(tmp_path, {"requirements.txt": "", ".env": "export PORT='9000'\n"})
    assert (project.port, project.port_declared) == (9000, True)


def test_compose_port_is_used(tmp_path):
    compose = 'services:\n  web:\n    ports:\n      - "8080:5000"\n'
    project, _ = detect(tmp_path, {"requirements.txt": "", "compose.yaml": compose})
    assert project.port == 5000


def test_invalid_pyproject_warns(tmp_path):
    _, notes = detect(tmp_path, {"pyproject.toml": "[project\n"})
    assert any("not valid TOML" in w for w in notes.warnings)
