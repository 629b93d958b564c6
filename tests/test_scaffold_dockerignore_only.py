"""``dfopt new --dockerignore-only``: a .dockerignore for a project with its own Dockerfile.

DF102 sends users here. The file must not hide what their Dockerfile copies by name (that would
break their build), must leave the Dockerfile alone, and must make DF102 stop firing.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from rewriter.analyse.context.dockerignore import DockerIgnore
from rewriter.config import Config
from rewriter.rules.engine import lint_source
from rewriter.scaffold.api import scaffold
from rewriter.scaffold.command import new_command
from tests.scaffold_variants import write_tree

OWN_DOCKERFILE = (
    "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"
    "COPY .env.production ./.env\nCOPY conf/*.yml /etc/app/\nADD ./docs/ /srv/docs\n"
    'CMD ["node", "server.js"]\n'
)
NODE_APP = {
    "package.json": json.dumps({"name": "shop", "scripts": {"start": "node server.js"}}),
    "package-lock.json": "{}",
    "server.js": "",
    ".env": "SECRET=1\n",
    ".env.production": "MODE=prod\n",
    ".npmrc": "//registry.example.com/:_authToken=x\n",
    "conf/app.yml": "a: 1\n",
    "docs/index.md": "# docs\n",
    "Dockerfile": OWN_DOCKERFILE,
}


def run(*args: str):
    return CliRunner().invoke(new_command, list(args), catch_exceptions=False)


def test_it_writes_only_the_dockerignore_and_keeps_what_the_dockerfile_copies(tmp_path: Path):
    app = write_tree(tmp_path / "shop", NODE_APP)
    result = run("--path", str(app), "--dockerignore-only")
    assert result.exit_code == 0, result.output
    assert (app / "Dockerfile").read_text() == OWN_DOCKERFILE
    ignore = DockerIgnore.parse((app / ".dockerignore").read_text())
    for copied in (".env.production", "conf/app.yml", "docs/index.md", "package.json"):
        assert not ignore.is_excluded(copied), copied
    for hidden in (".git", ".env", ".npmrc", "node_modules"):
        assert ignore.is_excluded(hidden, is_dir=hidden in (".git", "node_modules")), hidden
    assert "left out '.env.*', which would hide .env.production" in result.stderr
    assert "hides .env, .npmrc (credentials)" in result.stderr
    # warnings about guesses for a Dockerfile it does not write would be noise
    assert "port" not in result.stderr and "version" not in result.stderr


def test_afterwards_df102_is_quiet_and_no_copied_path_is_ignored(tmp_path: Path):
    app = write_tree(tmp_path / "shop", NODE_APP)
    only = Config(select=("DF102", "DF104"))
    before = lint_source(OWN_DOCKERFILE, context_dir=app, config=only).findings
    assert [f.code for f in before] == ["DF102"]
    run("--path", str(app), "--dockerignore-only")
    assert lint_source(OWN_DOCKERFILE, context_dir=app, config=only).findings == []


def test_a_folder_in_another_language_gets_the_sections_every_project_needs(tmp_path: Path):
    app = write_tree(
        tmp_path / "tool",
        {"main.c": "int main(void) { return 0; }\n", "Dockerfile": "FROM gcc:13\nCOPY . /src\n"},
    )
    (app / ".vscode").mkdir()
    text = scaffold(app, dockerignore_only=True).files[".dockerignore"]
    assert ".git\n" in text and "Dockerfile*\n" in text and ".vscode\n" in text
    assert "built or installed inside the image" not in text
    # a language named on the command line adds its section, as for `dfopt new`
    named = scaffold(app, "python", dockerignore_only=True).files[".dockerignore"]
    assert "**/__pycache__\n" in named


def test_it_refuses_build_files_and_an_existing_dockerignore(tmp_path: Path):
    app = write_tree(tmp_path / "shop", NODE_APP)
    result = run("--path", str(app), "--dockerignore-only", "--bake")
    assert result.exit_code == 2 and "drop --bake/--ci" in result.stderr
    assert not (app / ".dockerignore").exists()
    assert run("--path", str(app), "--dockerignore-only").exit_code == 0
    again = run("--path", str(app), "--dockerignore-only")
    assert again.exit_code == 1 and "--force" in again.stderr
    diff = run("--path", str(app), "--dockerignore-only", "--diff")
    assert diff.exit_code == 0 and "Dockerfile" not in diff.stdout.split("\n", 2)[0]


def test_a_dockerfile_that_does_not_parse_is_named_and_protects_nothing(tmp_path: Path):
    app = write_tree(tmp_path / "shop", {**NODE_APP, "Dockerfile": "FROM a\nENV PATH\n"})
    result = run("--path", str(app), "--dockerignore-only")
    assert result.exit_code == 0
    assert "cannot read Dockerfile" in result.stderr
    assert (app / "Dockerfile").read_text() == "FROM a\nENV PATH\n"
