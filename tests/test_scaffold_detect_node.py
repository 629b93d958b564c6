"""Node.js detection: one test per signal, plus conflicts and absences."""

from __future__ import annotations

import json

import pytest

from rewriter.scaffold.detect.node import (
    detect_node,
    detect_out_dir,
    is_yarn_berry,
    node_manifests,
    npm_secret_files,
    split_start_script,
)
from rewriter.scaffold.model import Notes
from tests.scaffold_variants import write_tree


def node_project(tmp_path, package=None, files=None):
    write_tree(tmp_path, {"package.json": json.dumps(package or {"name": "demo"}), **(files or {})})
    notes = Notes()
    return detect_node(tmp_path, notes), notes


@pytest.mark.parametrize(
    ("lockfile", "expected"),
    [
        ("package-lock.json", "npm"),
        ("npm-shrinkwrap.json", "npm"),
        ("pnpm-lock.yaml", "pnpm"),
        ("yarn.lock", "yarn"),
    ],
)
def test_package_manager_comes_from_the_lockfile(tmp_path, lockfile, expected):
    write_tree(tmp_path, {"package.json": "{}", lockfile: "# yarn lockfile v1\n"})
    project = detect_node(tmp_path, Notes())
    assert project.package_manager == expected
    assert lockfile in project.manifests


def test_package_json_nested_too_deeply_is_a_warning_not_a_crash(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    _, notes = node_project(tmp_path, files={"package.json": deep, "package-lock.json": "{}"})
    assert any("package.json is nested too deeply" in w for w in notes.warnings)


def test_yarn_lock_with_metadata_is_berry(tmp_path):
    write_tree(tmp_path, {"yarn.lock": "__metadata:\n  version: 8\n"})
    assert is_yarn_berry(tmp_path)


def test_yarnrc_yml_means_berry(tmp_path):
    write_tree(tmp_path, {"yarn.lock": "# yarn lockfile v1\n", ".yarnrc.yml": "nodeLinker: pnp\n"})
    assert is_yarn_berry(tmp_path)


def test_classic_yarn_lock_is_not_berry(tmp_path):
    write_tree(tmp_path, {"yarn.lock": "# yarn lockfile v1\n"})
    assert not is_yarn_berry(tmp_path)


def test_berry_copies_its_rc_and_releases_before_install(tmp_path):
    project, _ = node_project(
        tmp_path,
        {"packageManager": "yarn@4.1.0"},
        {
            "yarn.lock": "__metadata:\n",
            ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.1.0.cjs\n",
            ".yarn/releases/yarn.cjs": "",
        },
    )
    assert project.package_manager == "yarn-berry"
    assert {".yarnrc.yml", ".yarn/releases"} <= set(project.manifests)
    assert not project.corepack  # yarnPath runs the checked-in release


def test_two_lockfiles_warn_and_packagemanager_breaks_the_tie(tmp_path):
    project, notes = node_project(
        tmp_path,
        {"packageManager": "pnpm@9.1.0"},
        {"package-lock.json": "{}", "pnpm-lock.yaml": ""},
    )
    assert project.package_manager == "pnpm"
    assert any("several lockfiles" in w for w in notes.warnings)
    assert "package-lock.json" not in project.manifests


def test_no_lockfile_warns_and_defaults_to_npm(tmp_path):
    project, notes = node_project(tmp_path)
    assert project.package_manager == "npm"
    assert any("no lockfile" in w for w in notes.warnings)


def test_packagemanager_field_disagreeing_with_lockfile_warns(tmp_path):
    project, notes = node_project(
        tmp_path, {"packageManager": "pnpm@9.0.0"}, {"package-lock.json": "{}"}
    )
    assert project.package_manager == "npm"
    assert any("packageManager names pnpm" in w for w in notes.warnings)


def test_nvmrc_sets_the_node_version(tmp_path):
    project, _ = node_project(tmp_path, None, {".nvmrc": "v20.11.1\n"})
    assert project.version == "20.11.1"


def test_nvmrc_lts_codename_maps_to_its_major(tmp_path):
    project, _ = node_project(tmp_path, None, {".nvmrc": "lts/iron\n"})
    assert project.version == "20"


def test_engines_range_picks_an_image_line(tmp_path):
    project, _ = node_project(tmp_path, {"engines": {"node": "^18.17.0"}})
    assert project.version == "18"


def test_nvmrc_outside_engines_range_warns(tmp_path):
    _, notes = node_project(tmp_path, {"engines": {"node": ">=20"}}, {".nvmrc": "18\n"})
    assert any("does not satisfy engines.node" in w for w in notes.warnings)


def test_missing_version_warns_and_uses_default(tmp_path):
    project, notes = node_project(tmp_path)
    assert project.version == "22"
    assert any("no node version declared" in w for w in notes.warnings)


def test_build_script_is_detected(tmp_path):
    project, _ = node_project(tmp_path, {"scripts": {"build": "tsc -p ."}})
    assert project.build_script


def test_tsconfig_outdir_is_the_build_output(tmp_path):
    write_tree(tmp_path, {"tsconfig.json": '{"compilerOptions": {"outDir": "./build"}}'})
    assert detect_out_dir(tmp_path, {}) == "build"


def test_main_folder_is_the_build_output_without_tsconfig(tmp_path):
    assert detect_out_dir(tmp_path, {"main": "lib/index.js"}) == "lib"


def test_plain_node_start_script_is_the_command_and_its_port_is_used(tmp_path):
    project, _ = node_project(
        tmp_path, {"scripts": {"start": "PORT=4000 NODE_OPTIONS=--enable-source-maps node srv.js"}}
    )
    assert project.command == ["node", "srv.js"]
    assert project.port == 4000
    assert project.env == {"NODE_OPTIONS": "--enable-source-maps"}


def test_dev_tool_start_script_is_not_used_and_main_is(tmp_path):
    project, notes = node_project(
        tmp_path, {"main": "dist/app.js", "scripts": {"start": "nodemon src/app.ts"}}
    )
    assert project.command == ["node", "dist/app.js"]
    assert any("development tool" in w for w in notes.warnings)


def test_chained_start_script_is_not_an_argv():
    assert split_start_script("npm run build && node dist/index.js") is None


def test_conventional_file_is_the_fallback_entry(tmp_path):
    project, _ = node_project(tmp_path, None, {"server.js": ""})
    assert project.command == ["node", "server.js"]


def test_no_entry_point_warns(tmp_path):
    project, notes = node_project(tmp_path)
    assert project.command == ["node", "index.js"]
    assert any("no entry point" in w for w in notes.warnings)


def test_dot_env_port_is_used(tmp_path):
    project, _ = node_project(tmp_path, None, {".env": "PORT=5050\n"})
    assert (project.port, project.port_declared) == (5050, True)


def test_port_default_in_another_script_is_used(tmp_path):
    project, _ = node_project(tmp_path, {"scripts": {"dev": "PORT=4321 vite"}})
    assert project.port == 4321


def test_conflicting_ports_warn_and_the_strongest_wins(tmp_path):
    project, notes = node_project(
        tmp_path, {"scripts": {"start": "PORT=4000 node a.js"}}, {".env": "PORT=5000\n"}
    )
    assert project.port == 4000
    assert any("conflicting ports" in w for w in notes.warnings)


def test_missing_port_warns_and_uses_default(tmp_path):
    project, notes = node_project(tmp_path)
    assert (project.port, project.port_declared) == (3000, False)
    assert any("no port declared" in w for w in notes.warnings)


def test_workspace_manifests_are_copied_before_install(tmp_path):
    project, _ = node_project(
        tmp_path,
        {"workspaces": ["packages/*"]},
        {
            "package-lock.json": "{}",
            "packages/api/package.json": "{}",
            "packages/web/package.json": "{}",
            "packages/notes.txt": "",
        },
    )
    assert project.manifests[-2:] == ["packages/api/package.json", "packages/web/package.json"]


def test_invalid_package_json_warns_instead_of_crashing(tmp_path):
    write_tree(tmp_path, {"package.json": "{not json"})
    notes = Notes()
    project = detect_node(tmp_path, notes)
    assert project.package_manager == "npm"
    assert any("not valid JSON" in w for w in notes.warnings)


def test_forced_package_manager_wins_with_a_warning(tmp_path):
    write_tree(tmp_path, {"package.json": "{}", "package-lock.json": "{}"})
    notes = Notes()
    project = detect_node(tmp_path, notes, "pnpm")
    assert project.package_manager == "pnpm"
    assert any("as asked" in w for w in notes.warnings)


def test_started_file_folder_is_the_build_output_without_main(tmp_path):
    assert detect_out_dir(tmp_path, {}, ["node", "build/entry.js"]) == "build"


def test_checked_in_start_file_is_not_taken_for_build_output(tmp_path):
    write_tree(tmp_path, {"src/index.js": ""})
    assert detect_out_dir(tmp_path, {}, ["node", "src/index.js"]) == "dist"


def test_gitignored_start_folder_is_the_build_output(tmp_path):
    write_tree(tmp_path, {"out/index.js": "", ".gitignore": "out/\n"})
    assert detect_out_dir(tmp_path, {}, ["node", "out/index.js"]) == "out"


@pytest.mark.parametrize(
    ("manager", "expected"),
    [("npm", [".npmrc"]), ("yarn", [".npmrc"]), ("pnpm", [".npmrc"]), ("yarn-berry", [])],
)
def test_npmrc_is_a_build_secret_for_the_managers_that_read_it(tmp_path, manager, expected):
    """npm, pnpm and Yarn 1 read .npmrc at install time, so it is mounted as a secret (a COPY
    would leave its token in a layer); Yarn 2+ reads only .yarnrc.yml, so it gets no mount."""
    (tmp_path / ".npmrc").write_text("//registry.example.com/:_authToken=x\n")
    assert npm_secret_files(tmp_path, manager) == expected
    assert ".npmrc" not in node_manifests(tmp_path, manager, {})
    (tmp_path / ".npmrc").unlink()
    assert npm_secret_files(tmp_path, manager) == []
