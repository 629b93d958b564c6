"""The generated .dockerignore: what goes in, and never hiding a file the Dockerfile copies."""

from __future__ import annotations

import pytest

from rewriter.rules.engine import lint_source
from rewriter.scaffold.api import scaffold
from rewriter.scaffold.dockerignore import ignores
from tests.scaffold_variants import write_tree


def patterns(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/node_modules", "node_modules/x/index.js", True),
        ("**/node_modules", "packages/a/node_modules", True),
        ("build", "build.gradle", False),
        ("**/build", "sub/build/libs/a.jar", True),
        ("Dockerfile*", "Dockerfile.dev", True),
        (".env.*", ".env.local", True),
        ("**/*.py[cod]", "pkg/mod.pyc", True),
        ("*.log", "logs/app.log", False),
    ],
)
def test_pattern_matching_follows_docker_rules(pattern, path, expected):
    assert ignores(pattern, path) is expected


def test_language_outputs_are_always_ignored_and_extras_only_when_present(tmp_path):
    write_tree(tmp_path, {"package.json": "{}", "package-lock.json": "{}", ".vscode/": ""})
    text = scaffold(tmp_path).files[".dockerignore"]
    found = patterns(text)
    assert {".git", ".env", "**/node_modules", ".vscode"} <= set(found)
    assert ".idea" not in found and "coverage" not in found


def test_build_output_is_ignored_only_when_the_image_builds_it(tmp_path):
    write_tree(
        tmp_path,
        {"package.json": '{"scripts": {"build": "tsc"}}', "dist/": "", ".gitignore": "/dist\n"},
    )
    assert "dist" in patterns(scaffold(tmp_path).files[".dockerignore"])


def test_build_output_folder_that_git_tracks_is_not_ignored(tmp_path):
    write_tree(tmp_path, {"package.json": '{"scripts": {"build": "tsc"}}', "dist/x.js": ""})
    result = scaffold(tmp_path)
    assert "dist" not in patterns(result.files[".dockerignore"])
    assert any("not in .gitignore" in w for w in result.warnings)


def test_prebuilt_output_folder_is_kept_when_there_is_no_build(tmp_path):
    write_tree(tmp_path, {"package.json": '{"main": "dist/index.js"}', "dist/index.js": ""})
    assert "dist" not in patterns(scaffold(tmp_path).files[".dockerignore"])


def test_pattern_hiding_a_copied_manifest_is_left_out_with_a_warning(tmp_path):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname="x"\nversion="1"\n'
            '[build-system]\nrequires=["hatchling"]\nbuild-backend="hatchling.build"\n',
            "requirements.txt": "-r build/base.txt\n",
            "build/base.txt": "click\n",
        },
    )
    result = scaffold(tmp_path)
    found = patterns(result.files[".dockerignore"])
    assert "build" not in found and "dist" in found
    assert any("left out 'build', which would hide build/base.txt" in w for w in result.warnings)


def test_entry_file_under_an_ignored_name_is_protected(tmp_path):
    write_tree(
        tmp_path,
        {"package.json": '{"main": "coverage/server.js"}', "coverage/server.js": "", "x.log": ""},
    )
    result = scaffold(tmp_path)
    assert "coverage" not in patterns(result.files[".dockerignore"])
    assert any("left out 'coverage'" in w for w in result.warnings)


def test_python_package_keeps_its_readme(tmp_path):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname="x"\nversion="1"\nreadme="README.md"\n'
            '[build-system]\nrequires=["hatchling"]\nbuild-backend="hatchling.build"\n',
            "README.md": "",
        },
    )
    found = patterns(scaffold(tmp_path).files[".dockerignore"])
    assert not any(ignores(p, "README.md") for p in found)
    assert {"build", "dist", "**/__pycache__"} <= set(found)


def test_gradle_ignores_build_but_not_the_wrapper(tmp_path):
    write_tree(
        tmp_path,
        {"build.gradle": "", "gradlew": "", "gradle/wrapper/gradle-wrapper.jar": "", "build/": ""},
    )
    found = patterns(scaffold(tmp_path).files[".dockerignore"])
    assert "**/build" in found
    assert not any(ignores(p, "gradle/wrapper/gradle-wrapper.jar") for p in found)
    assert not any(ignores(p, "build.gradle") for p in found)


def test_secret_files_in_the_folder_are_ignored_so_copy_dot_does_not_bake_them_in(tmp_path):
    """A Go project with .npmrc, .netrc, an SSH key and a .ssh/ folder: `COPY . .` copied them
    into the image (DF203 fired on dfopt's own output)."""
    write_tree(
        tmp_path,
        {
            "go.mod": "module example.com/x\n\ngo 1.22\n",
            "main.go": "package main\nfunc main() {}\n",
            ".npmrc": "//registry.npmjs.org/:_authToken=x\n",
            ".netrc": "machine h login a password b\n",
            "deploy/id_rsa": "key\n",
            ".ssh/config": "Host x\n",
            "certs/ca.pem": "public\n",
        },
    )
    result = scaffold(tmp_path)
    found = patterns(result.files[".dockerignore"])
    assert {".npmrc", ".netrc", "deploy/id_rsa", ".ssh"} <= set(found)
    assert "certs/ca.pem" not in found and ".ssh/config" not in found
    for name, text in result.files.items():
        (tmp_path / name).write_text(text)
    dockerfile = result.files["Dockerfile"]
    findings = lint_source(dockerfile, context_dir=tmp_path).findings
    assert not [f for f in findings if f.code == "DF203"]
