"""``dfopt new --bake`` and ``--ci github|gitlab``: what the files say, and how they are written.

The files are parsed with real HCL and YAML parsers (skipped when absent) and checked for what
the issue promised: a registry (or GitHub Actions) layer cache in both directions, mode=max, a
variable for the registry reference, BuildKit set up the way each CI system needs it.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from rewriter.scaffold.api import scaffold
from rewriter.scaffold.command import new_command
from rewriter.scaffold.model import ScaffoldError
from rewriter.scaffold.options import Overrides
from rewriter.scaffold.pipelines import (
    BAKE_FILE,
    GITHUB_WORKFLOW,
    GITLAB_CI,
    current_branch,
    pipeline_files,
)
from rewriter.scaffold.writer import target_path
from tests.scaffold_variants import write_tree

GO = {"go.mod": "module example.com/shop\n\ngo 1.23\n", "main.go": "package main\n"}
TWO_PLATFORMS = "linux/amd64,linux/arm64"


def _files(tmp_path: Path, platforms: str | None = None, **choices) -> dict[str, str]:
    app = write_tree(tmp_path / "shop", GO)
    return scaffold(app, "go", Overrides(platforms=platforms), **choices).files


def _hcl(text: str) -> dict:
    hcl2 = pytest.importorskip("hcl2")
    return hcl2.loads(text)


def _yaml(text: str) -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(text)


def _unquote(value: str) -> str:
    return value[1:-1] if value.startswith('"') and value.endswith('"') else value


# -- docker-bake.hcl -----------------------------------------------------------------------------


def _bake_target(text: str) -> dict:
    (target,) = _hcl(text)["target"]
    return {k: v for k, v in target['"app"'].items() if not k.startswith("__")}


def test_bake_file_caches_in_the_registry_both_ways_with_mode_max(tmp_path):
    target = _bake_target(_files(tmp_path, bake=True)[BAKE_FILE])
    assert [_unquote(v) for v in target["cache-from"]] == ["type=registry,ref=${IMAGE}:buildcache"]
    assert [_unquote(v) for v in target["cache-to"]] == [
        "type=registry,ref=${IMAGE}:buildcache,mode=max"
    ]
    assert _unquote(target["context"]) == "." and _unquote(target["dockerfile"]) == "Dockerfile"
    assert [_unquote(v) for v in target["tags"]] == ["${IMAGE}:${TAG}"]


def test_bake_registry_reference_is_a_variable_defaulting_to_the_app_name(tmp_path):
    variables = {}
    for block in _hcl(_files(tmp_path, bake=True)[BAKE_FILE])["variable"]:
        ((name, body),) = block.items()
        variables[_unquote(name)] = _unquote(body["default"])
    assert variables == {"IMAGE": "shop", "TAG": "latest"}


def test_bake_lists_platforms_only_when_asked(tmp_path):
    assert "platforms" not in _bake_target(_files(tmp_path / "a", bake=True)[BAKE_FILE])
    target = _bake_target(_files(tmp_path / "b", TWO_PLATFORMS, bake=True)[BAKE_FILE])
    assert [_unquote(p) for p in target["platforms"]] == ["linux/amd64", "linux/arm64"]


# -- GitHub Actions ------------------------------------------------------------------------------


def _steps(text: str) -> list[dict]:
    workflow = _yaml(text)
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _step(steps: list[dict], action: str) -> dict:
    (step,) = [s for s in steps if s.get("uses", "").startswith(action + "@")]
    return step


def test_github_workflow_builds_with_buildx_and_the_gha_cache_mode_max(tmp_path):
    steps = _steps(_files(tmp_path, ci="github")[GITHUB_WORKFLOW])
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert uses.index("docker/setup-buildx-action") < uses.index("docker/build-push-action")
    build = _step(steps, "docker/build-push-action")["with"]
    assert build["cache-from"] == "type=gha"
    assert build["cache-to"] == "type=gha,mode=max"
    assert build["context"] == "."  # the checkout, so that .dockerignore applies
    assert build["push"] == "${{ github.event_name != 'pull_request' }}"
    assert "platforms" not in build and "docker/setup-qemu-action" not in uses


def test_github_workflow_keeps_actions_expressions_verbatim(tmp_path):
    text = _files(tmp_path, ci="github")[GITHUB_WORKFLOW]
    login = _step(_steps(text), "docker/login-action")
    assert login["with"]["password"] == "${{ secrets.GITHUB_TOKEN }}"
    assert login["if"] == "github.event_name != 'pull_request'"
    assert "{{!" not in text and "{{#" not in text


def test_github_workflow_sets_up_emulation_for_several_platforms(tmp_path):
    steps = _steps(_files(tmp_path, TWO_PLATFORMS, ci="github")[GITHUB_WORKFLOW])
    _step(steps, "docker/setup-qemu-action")
    assert _step(steps, "docker/build-push-action")["with"]["platforms"] == TWO_PLATFORMS


def test_github_workflow_runs_on_the_checked_out_branch(tmp_path):
    app = write_tree(tmp_path / "shop", {**GO, ".git/HEAD": "ref: refs/heads/trunk\n"})
    workflow = _yaml(scaffold(app, "go", ci="github").files[GITHUB_WORKFLOW])
    # YAML 1.1 reads the key `on` as True.
    assert workflow[True]["push"]["branches"] == ["trunk"]


@pytest.mark.parametrize(
    ("head", "branch"),
    [(None, "main"), ("0123abcd\n", "main"), ("ref: refs/heads/release/2.x\n", "release/2.x")],
)
def test_current_branch_falls_back_to_main(tmp_path, head, branch):
    if head is not None:
        write_tree(tmp_path, {".git/HEAD": head})
    assert current_branch(tmp_path) == branch


# -- GitLab CI -----------------------------------------------------------------------------------


def _gitlab_job(text: str) -> dict:
    (job,) = _yaml(text).values()
    return job


def _build_argv(job: dict) -> list[str]:
    (command,) = [c for c in job["script"] if "buildx build" in c]
    return shlex.split(command)


def test_gitlab_job_uses_dind_and_buildx_with_a_registry_cache_mode_max(tmp_path):
    job = _gitlab_job(_files(tmp_path, ci="gitlab")[GITLAB_CI])
    assert job["image"].startswith("docker:")
    assert any(service.endswith("-dind") for service in job["services"])
    assert "docker buildx create --use --driver docker-container" in job["before_script"]
    argv = _build_argv(job)
    assert argv[:3] == ["docker", "buildx", "build"]
    cache_from = argv[argv.index("--cache-from") + 1]
    cache_to = argv[argv.index("--cache-to") + 1]
    assert cache_from == "type=registry,ref=$CI_REGISTRY_IMAGE:buildcache"
    assert cache_to == cache_from + ",mode=max"
    assert argv[-2:] == ["--push", "."] and "--platform" not in argv


def test_gitlab_job_sets_up_emulation_and_platforms_when_asked(tmp_path):
    job = _gitlab_job(_files(tmp_path, TWO_PLATFORMS, ci="gitlab")[GITLAB_CI])
    assert any("binfmt --install all" in line for line in job["before_script"])
    argv = _build_argv(job)
    assert argv[argv.index("--platform") + 1] == TWO_PLATFORMS


def test_no_pipeline_files_unless_asked_and_unknown_ci_is_an_error(tmp_path):
    assert set(_files(tmp_path / "a")) == {"Dockerfile", ".dockerignore"}
    app = write_tree(tmp_path / "b", GO)
    project = scaffold(app, "go").project
    with pytest.raises(ScaffoldError, match="--ci 'jenkins'"):
        pipeline_files(project, False, "jenkins")


def test_dockerignore_lists_the_pipeline_files_written_with_it(tmp_path):
    files = _files(tmp_path, bake=True, ci="gitlab")
    ignored = files[".dockerignore"].splitlines()
    assert "docker-bake.hcl" in ignored and ".gitlab-ci.yml" in ignored
    github = _files(tmp_path / "gh", ci="github")[".dockerignore"].splitlines()
    assert ".github" in github and ".gitlab-ci.yml" not in github


# -- through the command -------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(new_command, [str(a) for a in args], catch_exceptions=False)


def test_command_writes_the_workflow_into_new_folders(tmp_path):
    write_tree(tmp_path, GO)
    result = run("--path", tmp_path, "--ci", "github", "--bake")
    assert result.exit_code == 0, result.output
    assert (tmp_path / GITHUB_WORKFLOW).read_text().startswith("# Builds the Docker image")
    assert (tmp_path / BAKE_FILE).is_file()
    assert f"wrote {tmp_path / GITHUB_WORKFLOW}" in result.stderr


def test_command_never_replaces_an_existing_ci_file_without_force(tmp_path):
    write_tree(tmp_path, {**GO, ".gitlab-ci.yml": "test:\n  script: [make]\n"})
    result = run("--path", tmp_path, "--ci", "gitlab")
    assert result.exit_code == 1
    assert ".gitlab-ci.yml already exists" in result.stderr
    assert (tmp_path / ".gitlab-ci.yml").read_text() == "test:\n  script: [make]\n"
    assert not (tmp_path / "Dockerfile").exists()  # all or nothing
    forced = run("--path", tmp_path, "--ci", "gitlab", "--force")
    assert forced.exit_code == 0
    assert "buildcache,mode=max" in (tmp_path / ".gitlab-ci.yml").read_text()


def test_command_diff_and_stdout_cover_the_pipeline_files_and_write_nothing(tmp_path):
    write_tree(tmp_path, {**GO, BAKE_FILE: 'target "old" {}\n'})
    diff = run("--path", tmp_path, "--bake", "--ci", "github", "--diff")
    assert diff.exit_code == 0
    assert f"--- a/{BAKE_FILE}\n+++ b/{BAKE_FILE}" in diff.stdout
    assert '-target "old" {}' in diff.stdout
    assert f"--- /dev/null\n+++ b/{GITHUB_WORKFLOW}" in diff.stdout
    printed = run("--path", tmp_path, "--bake", "--ci", "github", "--stdout")
    assert printed.exit_code == 0
    assert f"# ---- {BAKE_FILE} ----" in printed.stdout
    assert f"# ---- {GITHUB_WORKFLOW} ----" in printed.stdout
    assert (tmp_path / BAKE_FILE).read_text() == 'target "old" {}\n'
    assert not (tmp_path / ".github").exists() and not (tmp_path / "Dockerfile").exists()


def test_command_rejects_an_unknown_ci_system(tmp_path):
    write_tree(tmp_path, GO)
    result = run("--path", tmp_path, "--ci", "jenkins")
    assert result.exit_code == 2 and "jenkins" in result.stderr


def test_command_refuses_to_write_through_a_symlinked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    app = write_tree(tmp_path / "app", GO)
    (app / ".github").symlink_to(elsewhere, target_is_directory=True)
    result = run("--path", app, "--ci", "github")
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == [] and not (app / "Dockerfile").exists()


@pytest.mark.parametrize("name", ["../Dockerfile", "/etc/passwd", "a//b", "a/./b", ""])
def test_writer_takes_only_relative_paths_inside_the_folder(tmp_path, name):
    with pytest.raises(ScaffoldError):
        target_path(tmp_path, name)


# -- build secrets ----------------------------------------------------------------------------

NODE_WITH_NPMRC = {
    "package.json": '{"name": "shop", "scripts": {"start": "node index.js"}}\n',
    "package-lock.json": '{"lockfileVersion": 3}\n',
    "index.js": "",
    ".npmrc": "//registry.example.com/:_authToken=${NPM_TOKEN}\n",
}


def _node_files(tmp_path: Path, tree: dict[str, str], **choices) -> dict[str, str]:
    app = write_tree(tmp_path / "shop", tree)
    return scaffold(app, "node", **choices).files


def test_every_pipeline_passes_the_npmrc_the_dockerfile_mounts_as_a_secret(tmp_path):
    """The Dockerfile mounts .npmrc as secret ``npmrc``: bake, GitHub and GitLab must provide
    it from the same file, or the install runs without the registry settings."""
    files = _node_files(tmp_path / "a", NODE_WITH_NPMRC, bake=True, ci="github")
    assert "--mount=type=secret,id=npmrc,target=/app/.npmrc" in files["Dockerfile"]
    assert [_unquote(v) for v in _bake_target(files[BAKE_FILE])["secret"]] == [
        "id=npmrc,src=.npmrc"
    ]
    build_step = _step(_steps(files[GITHUB_WORKFLOW]), "docker/build-push-action")
    assert build_step["with"]["secret-files"].split() == ["npmrc=.npmrc"]
    gitlab = _node_files(tmp_path / "b", NODE_WITH_NPMRC, ci="gitlab")[GITLAB_CI]
    argv = _build_argv(_gitlab_job(gitlab))
    assert argv[argv.index("--secret") + 1] == "id=npmrc,src=.npmrc"


def test_pipelines_name_no_secret_when_the_project_has_none(tmp_path):
    tree = {k: v for k, v in NODE_WITH_NPMRC.items() if k != ".npmrc"}
    files = _node_files(tmp_path / "a", tree, bake=True, ci="github")
    assert "secret" not in _bake_target(files[BAKE_FILE])
    build_step = _step(_steps(files[GITHUB_WORKFLOW]), "docker/build-push-action")
    assert "secret-files" not in build_step["with"]
    gitlab = _node_files(tmp_path / "b", tree, ci="gitlab")[GITLAB_CI]
    assert "--secret" not in _build_argv(_gitlab_job(gitlab))
    assert "secret" not in files["Dockerfile"]
