"""``dfopt parse``: formats, many files in one process, errors as data."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rewriter.cli import main


def test_parse_json_lines_one_object_per_file(tmp_path) -> None:
    good = tmp_path / "Dockerfile"
    good.write_text("FROM a AS b\nRUN --mount=type=cache,target=/root/.npm npm ci\nONBUILD RUN x\n")
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text("FROM a\nENV PATH\n")
    result = CliRunner().invoke(main, ["parse", "--format", "json", str(good), str(bad)])
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    run = first["instructions"][1]
    assert run["flags"] == ["--mount=type=cache,target=/root/.npm"]
    assert (run["start_line"], run["end_line"], run["json"]) == (2, 2, False)
    assert first["instructions"][2]["children"][0]["values"] == ["x"]
    assert second == {
        "file": str(bad),
        "error": {"line": 2, "column": 1, "message": "ENV must have two arguments"},
    }
    assert result.exit_code == 2


def test_parse_buildkit_format_from_stdin() -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "buildkit", "-"], input='CMD ["a"]\n')
    assert result.stdout == '(cmd "a")\n' and result.exit_code == 0


def test_parse_model_view_shows_stages_commands_and_package_managers(tmp_path) -> None:
    (tmp_path / "package.json").write_text('{"name": "app", "dependencies": {}}')
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 3}')
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM node:20-slim AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n"
        'FROM deps\nUSER node\nCMD ["node", "server.js"]\n'
    )
    data = json.loads(
        CliRunner().invoke(main, ["parse", "--format", "json", "--model", str(dockerfile)]).stdout
    )
    model = data["model"]
    assert [s["name"] for s in model["stages"]] == ["deps", None]
    assert model["stages"][1]["base_stage"] == 0 and model["final_stage"] == 1
    action = model["runs"][0]["commands"][0]["action"]
    assert (action["tool"], action["kind"], action["directory"]) == (
        "npm",
        "dependency-install",
        "/app",
    )
    text = CliRunner().invoke(main, ["parse", "--model", str(dockerfile)]).stdout
    assert "stage 1: FROM deps" in text and "npm dependency-install" in text
