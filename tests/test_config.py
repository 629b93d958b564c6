"""Finding the config file: the nearest one wins, and each folder is read once per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import config
from rewriter.config import Config, ConfigError, find_config
from rewriter.rules.base import Severity


def _dockerfile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Dockerfile"
    path.write_text("FROM alpine:3.20\n")
    return path


def test_the_nearest_config_wins(tmp_path: Path) -> None:
    (tmp_path / ".dfopt.toml").write_text("ignore = ['DF205']\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".dfopt.toml").write_text("ignore = ['DF102']\n")
    assert find_config(_dockerfile(tmp_path / "app" / "web")).ignore == ("DF102",)
    assert find_config(_dockerfile(tmp_path / "other")).ignore == ("DF205",)


def test_dfopt_toml_comes_before_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dfopt]\nignore = ['DF101']\n")
    (tmp_path / ".dfopt.toml").write_text("ignore = ['DF102']\n")
    assert find_config(_dockerfile(tmp_path)).ignore == ("DF102",)


def test_a_pyproject_without_a_dfopt_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dfopt]\nfailure-threshold = 'error'\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "pyproject.toml").write_text("[project]\nname = 'svc'\n")
    found = find_config(_dockerfile(tmp_path / "svc"))
    assert found.failure_threshold == Severity.ERROR
    assert found.source == tmp_path / "pyproject.toml"


def test_no_config_anywhere_gives_the_defaults(tmp_path: Path) -> None:
    assert find_config(_dockerfile(tmp_path / "a" / "b")) == Config()


def test_a_broken_config_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / ".dfopt.toml").write_text("ignore = [\n")
    with pytest.raises(ConfigError, match=r"\.dfopt\.toml"):
        find_config(_dockerfile(tmp_path / "x"))


def test_each_folder_config_is_read_once_for_many_dockerfiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dfopt]\nignore = ['DF205']\n")
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    reads: list[Path] = []
    real = config._load_toml
    monkeypatch.setattr(config, "_load_toml", lambda path: reads.append(path) or real(path))
    for name in ("api", "web", "worker", "jobs"):
        assert find_config(_dockerfile(tmp_path / "services" / name)).ignore == ("DF205",)
    assert sorted(reads) == [tmp_path / "pyproject.toml", tmp_path / "services" / "pyproject.toml"]
