"""``dfopt new`` through click's CliRunner: writing, refusing, --force, --diff, --stdout, errors."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from rewriter.scaffold.command import new_command
from tests.scaffold_variants import write_tree

NODE = {"package.json": '{"main": "index.js"}', "package-lock.json": "{}", "index.js": ""}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner, *args):
    return runner.invoke(new_command, [str(a) for a in args], catch_exceptions=False)


def test_writes_dockerfile_and_dockerignore_into_the_folder(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(runner, "--path", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Dockerfile").read_text().startswith("# syntax=docker/dockerfile:1\n")
    assert "**/node_modules" in (tmp_path / ".dockerignore").read_text()
    assert "wrote" in result.stderr


def test_writes_nothing_else_and_leaves_no_temporary_files(runner, tmp_path):
    write_tree(tmp_path, NODE)
    before = set(os.listdir(tmp_path))
    run(runner, "--path", tmp_path)
    assert set(os.listdir(tmp_path)) - before == {"Dockerfile", ".dockerignore"}
    assert oct((tmp_path / "Dockerfile").stat().st_mode & 0o777) != oct(0o600)


def test_refuses_to_overwrite_without_force(runner, tmp_path):
    write_tree(tmp_path, {**NODE, "Dockerfile": "FROM scratch\n"})
    result = run(runner, "--path", tmp_path)
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (tmp_path / ".dockerignore").exists()  # all-or-nothing


def test_force_overwrites_and_keeps_the_file_mode(runner, tmp_path):
    write_tree(tmp_path, {**NODE, "Dockerfile": "FROM scratch\n"})
    (tmp_path / "Dockerfile").chmod(0o640)
    result = run(runner, "--path", tmp_path, "--force")
    assert result.exit_code == 0
    assert "npm ci --omit=dev" in (tmp_path / "Dockerfile").read_text()
    assert (tmp_path / "Dockerfile").stat().st_mode & 0o777 == 0o640


def test_diff_shows_changes_and_writes_nothing(runner, tmp_path):
    write_tree(tmp_path, {**NODE, "Dockerfile": "FROM node:22\n"})
    result = run(runner, "--path", tmp_path, "--diff")
    assert result.exit_code == 0
    assert "--- a/Dockerfile" in result.stdout and "-FROM node:22" in result.stdout
    assert "--- /dev/null" in result.stdout and "+++ b/.dockerignore" in result.stdout
    assert (tmp_path / "Dockerfile").read_text() == "FROM node:22\n"
    assert not (tmp_path / ".dockerignore").exists()


def test_diff_is_empty_when_files_are_up_to_date(runner, tmp_path):
    write_tree(tmp_path, NODE)
    run(runner, "--path", tmp_path)
    result = run(runner, "--path", tmp_path, "--diff")
    assert result.exit_code == 0 and result.stdout == ""


def test_stdout_prints_both_files_and_writes_nothing(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(runner, "--path", tmp_path, "--stdout")
    assert result.exit_code == 0
    assert (
        "# ---- Dockerfile ----" in result.stdout and "# ---- .dockerignore ----" in result.stdout
    )
    assert not (tmp_path / "Dockerfile").exists()


def test_warnings_go_to_stderr_not_stdout(runner, tmp_path):
    write_tree(tmp_path, {"package.json": "{}"})
    result = run(runner, "--path", tmp_path, "--stdout")
    assert "warning: no lockfile" in result.stderr
    assert "warning:" not in result.stdout


def test_bad_language_is_a_usage_error(runner, tmp_path):
    result = run(runner, "rust", "--path", tmp_path)
    assert result.exit_code == 2
    assert "'rust' is not one of" in result.stderr


def test_missing_folder_is_exit_2_without_traceback(runner, tmp_path):
    result = run(runner, "--path", tmp_path / "nope")
    assert result.exit_code == 2
    assert "is not a directory" in result.stderr and "Traceback" not in result.output


def test_undetectable_folder_is_exit_2_with_advice(runner, tmp_path):
    result = run(runner, "--path", tmp_path)
    assert result.exit_code == 2
    assert "cannot tell the language" in result.stderr


def test_explicit_language_in_an_empty_folder_scaffolds_with_warnings(runner, tmp_path):
    result = run(runner, "go", "--path", tmp_path, "--stdout")
    assert result.exit_code == 0
    assert "go mod download" in result.stdout and "warning: no go.mod" in result.stderr


def test_wrong_package_manager_for_language_is_exit_2(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(runner, "--path", tmp_path, "--package-manager", "poetry")
    assert result.exit_code == 2
    assert "npm, yarn, yarn-berry, pnpm" in result.stderr


def test_overrides_reach_the_dockerfile(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(
        runner, "--path", tmp_path, "--stdout", "--package-manager", "pnpm", "--version", "20",
        "--port", "8081", "--runtime", "alpine", "--cmd", "node server.js",
    )  # fmt: skip
    out = result.stdout
    assert "ARG NODE_VERSION=20" in out and "node:${NODE_VERSION}-alpine" in out
    assert "pnpm install" in out and "EXPOSE 8081" in out
    assert 'CMD ["node", "server.js"]' in out


def test_entrypoint_override_as_json(runner, tmp_path):
    write_tree(tmp_path, {"go.mod": "module x\ngo 1.23\n", "main.go": "package main\n"})
    result = run(runner, "--path", tmp_path, "--stdout", "--entrypoint", '["/bin/x", "serve"]')
    assert 'ENTRYPOINT ["/bin/x", "serve"]' in result.stdout


def test_platforms_appear_in_the_build_hint(runner, tmp_path):
    write_tree(tmp_path, {"go.mod": "module x\ngo 1.23\n", "main.go": "package main\n"})
    result = run(runner, "--path", tmp_path, "--stdout", "--platforms", "linux/amd64,linux/arm/v7")
    assert "--platform linux/amd64,linux/arm/v7" in result.stdout
    assert "GOARM=${TARGETVARIANT#v}" in result.stdout


def test_bad_platforms_is_exit_2(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(runner, "--path", tmp_path, "--platforms", "x86")
    assert result.exit_code == 2 and "os/arch" in result.stderr


def test_diff_and_stdout_together_are_refused(runner, tmp_path):
    write_tree(tmp_path, NODE)
    result = run(runner, "--path", tmp_path, "--diff", "--stdout")
    assert result.exit_code == 2


def test_symlinked_dockerfile_is_not_followed(runner, tmp_path):
    outside = tmp_path / "outside"
    outside.write_text("keep\n")
    project = tmp_path / "p"
    write_tree(project, NODE)
    (project / "Dockerfile").symlink_to(outside)
    result = run(runner, "--path", project, "--force")
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert outside.read_text() == "keep\n"
