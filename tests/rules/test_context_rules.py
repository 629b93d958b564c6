"""DF102 broad-copy-without-dockerignore, DF103 dockerignore-missing-entries,
DF104 copy-of-ignored-path, DF108 install-without-lockfile (all need a build context)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.harness import fix, lint

NODE = (
    "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
    "RUN npm install\nCOPY . .\n"
)


def make(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def only(code: str, source: str, context: Path | None):
    return [f for f in lint(source, context) if f.code == code]


BASE = {"package.json": "{}", "package-lock.json": "{}", "index.js": ""}


def test_df102_fires_on_copy_dot_without_dockerignore(tmp_path: Path) -> None:
    [finding] = only("DF102", NODE, make(tmp_path, BASE))
    assert finding.line == 5 and "no .dockerignore" in finding.message


def test_df102_quiet_with_dockerignore_or_without_context(tmp_path: Path) -> None:
    assert only("DF102", NODE, None) == []
    assert only("DF102", NODE, make(tmp_path, {**BASE, ".dockerignore": ".git\n"})) == []


def test_df102_quiet_for_narrow_copies(tmp_path: Path) -> None:
    src = "FROM node:20\nCOPY package.json /app/\n"
    assert only("DF102", src, make(tmp_path, BASE)) == []


def test_df103_names_the_folders_that_get_copied(tmp_path: Path) -> None:
    ctx = make(tmp_path, {**BASE, ".dockerignore": ".git\n", "node_modules/a/i.js": ""})
    [finding] = only("DF103", NODE, ctx)
    assert finding.line == 5 and "node_modules" in finding.message


def test_df103_quiet_when_excluded_or_not_copied(tmp_path: Path) -> None:
    ctx = make(tmp_path, {**BASE, ".dockerignore": "node_modules\n", "node_modules/a/i.js": ""})
    assert only("DF103", NODE, ctx) == []
    narrow = "FROM node:20\nCOPY package.json ./\n"
    ctx2 = make(tmp_path / "b", {**BASE, ".dockerignore": ".git\n", "node_modules/a/i.js": ""})
    assert only("DF103", narrow, ctx2) == []


def test_df104_fires_on_an_excluded_literal_source(tmp_path: Path) -> None:
    ctx = make(tmp_path, {**BASE, ".dockerignore": "package-lock.json\n"})
    [finding] = only("DF104", NODE, ctx)
    assert finding.line == 3 and "build fails" in finding.message and "line 1" in finding.message


def test_df104_quiet_when_reincluded(tmp_path: Path) -> None:
    ctx = make(tmp_path, {**BASE, ".dockerignore": "*.json\n!package*.json\n"})
    assert only("DF104", NODE, ctx) == []


@pytest.mark.parametrize(
    ("files", "install", "fixed"),
    [
        ({"package-lock.json": "{}"}, "npm install", "npm ci"),
        ({"yarn.lock": ""}, "yarn install", "yarn install --frozen-lockfile"),
        ({"yarn.lock": "", ".yarnrc.yml": ""}, "yarn install", "yarn install --immutable"),
        ({"pnpm-lock.yaml": ""}, "pnpm install", "pnpm install --frozen-lockfile"),
    ],
)
def test_df108_unsafe_fix_per_tool(tmp_path: Path, files, install, fixed) -> None:
    ctx = make(tmp_path, {"package.json": "{}", **files})
    src = f"FROM node:20\nCOPY . .\nRUN {install}\n"
    [finding] = only("DF108", src, ctx)
    assert finding.fix is not None and str(finding.fix.applicability) == "unsafe"
    assert f" {fixed}\n" in fix(src, ctx, unsafe=True).output
    assert f" {install}\n" in fix(src, ctx).output  # never applied as a safe fix


@pytest.mark.parametrize(
    "install", ["npm ci", "npm install express", "yarn install --frozen-lockfile"]
)
def test_df108_quiet_in_lockfile_mode_or_for_added_packages(tmp_path: Path, install) -> None:
    ctx = make(tmp_path, {"package.json": "{}", "package-lock.json": "{}", "yarn.lock": ""})
    assert only("DF108", f"FROM node:20\nRUN {install}\n", ctx) == []


def test_df108_quiet_without_a_lockfile(tmp_path: Path) -> None:
    ctx = make(tmp_path, {"package.json": "{}"})
    assert only("DF108", "FROM node:20\nRUN npm install\n", ctx) == []
