"""RUN commands are recognised with the variables earlier commands of their script exported."""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.analyse.model import build_model


def _actions(text: str, tool: str) -> list:
    """The recognised actions of the commands named ``tool``, in file order."""
    model = build_model(parse(text))
    return [c.action for run in model.runs() for c in run.commands if c.command.name == tool]


def test_pip_after_export_uses_the_exported_cache_folder() -> None:
    text = "FROM python:3.12\nRUN export PIP_CACHE_DIR=/tmp/pip && pip install -r r.txt\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/tmp/pip",)


@pytest.mark.parametrize(
    ("run", "tool", "folder"),
    [
        ("export GOMODCACHE=/cache/mod; go mod download", "go", "/cache/mod"),
        ("export npm_config_cache=/c \\\n && npm ci", "npm", "/c"),
        ("declare -x UV_CACHE_DIR=/u && uv sync", "uv", "/u"),
        ("D=/d; export PIP_CACHE_DIR=$D/pip; pip install x", "pip", "/d/pip"),
    ],
)
def test_exported_cache_folders(run: str, tool: str, folder: str) -> None:
    (action,) = _actions(f"FROM base\nRUN {run}\n", tool)
    assert folder in action.cache_dirs


def test_the_stage_environment_still_applies() -> None:
    text = "FROM python\nENV PIP_CACHE_DIR=/env\nRUN export A=1 && pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/env",)


def test_a_shell_assignment_changes_an_inherited_variable_only() -> None:
    text = (
        "FROM python\nENV PIP_CACHE_DIR=/env\n"
        "RUN PIP_CACHE_DIR=/shell; pip install x\n"
        "RUN UV_CACHE_DIR=/shell; uv sync\n"
    )
    (pip,) = _actions(text, "pip")
    (uv,) = _actions(text, "uv")
    assert pip.cache_dirs == ("/shell",)  # from the environment, so exported
    assert uv.cache_dirs == ("/root/.cache/uv",)  # a shell variable uv never sees


def test_unset_restores_the_default() -> None:
    text = "FROM python\nENV PIP_CACHE_DIR=/env\nRUN unset PIP_CACHE_DIR && pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/root/.cache/pip",)


def test_a_prefix_assignment_beats_an_export() -> None:
    text = "FROM python\nRUN export PIP_CACHE_DIR=/a; PIP_CACHE_DIR=/b pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/b",)


def test_subshell_exports_do_not_leak() -> None:
    text = "FROM python\nRUN (export PIP_CACHE_DIR=/a) && pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/root/.cache/pip",)


@pytest.mark.parametrize(
    "run",
    [
        'if [ -n "$X" ]; then export PIP_CACHE_DIR=/a; fi; pip install x',
        "export PIP_CACHE_DIR=$(mktemp -d) && pip install x",
        "true || export PIP_CACHE_DIR=/a; pip install x",
    ],
)
def test_an_unknown_value_is_not_the_default(run: str) -> None:
    """An unknown cache folder shows as unresolved (``$`` in it), as one from an ENV whose
    value is unknown does, not as the tool's default folder."""
    (action,) = _actions(f"FROM python\nRUN {run}\n", "pip")
    assert len(action.cache_dirs) == 1 and "$" in action.cache_dirs[0]


def test_an_unknown_defeating_variable_is_not_read_as_set() -> None:
    text = "FROM python\nRUN if x; then export PIP_NO_CACHE_DIR=1; fi; pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_defeaters == ()


def test_heredoc_scripts_track_exports() -> None:
    text = "FROM python\nRUN <<EOF\nexport PIP_CACHE_DIR=/h\npip install x\nEOF\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/h",)


def test_a_script_fed_to_a_shell_inherits_the_exports() -> None:
    text = (
        "FROM python\nRUN export PIP_CACHE_DIR=/a; P=1 bash <<EOF\npip install x\nEOF\n"
        "RUN A=/b; bash <<EOF\nexport PIP_CACHE_DIR=/c\npip install y\nEOF\n"
    )
    first, second = _actions(text, "pip")
    assert first.cache_dirs == ("/a",)
    assert second.cache_dirs == ("/c",)


def test_json_form_has_no_shell_to_track() -> None:
    text = 'FROM python\nRUN ["pip", "install", "x"]\n'
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/root/.cache/pip",)


def test_set_a_exports_a_bare_assignment() -> None:
    text = "FROM python\nRUN set -a && PIP_CACHE_DIR=/a && pip install x\n"
    (action,) = _actions(text, "pip")
    assert action.cache_dirs == ("/a",)
