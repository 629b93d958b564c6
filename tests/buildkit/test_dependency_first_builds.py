"""DF101's dependency-first rewrite, proved on the real BuildKit with the offline stand-ins.

For every corpus case of DF101 whose fix applies (``corpus/rules/DF101-*`` with a context and an
``expected-fixed.Dockerfile``): the original Dockerfile and DF101's safe rewrite of it both
build; their final images hold the same files (caches aside, see ``harness.CACHE_DIRS``); and
after a one-line edit of a source file, the rewrite's dependency step is CACHED while the
original's runs again. Only DF101's fix is applied here, so that the proof is about this rewrite
and not about the other rules' fixes (cache mounts and so on).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from tests.conftest import CORPUS

from .harness import build, diff_images, make_context, unique_token

ONLY = Config(select=("DF101",))

# case -> (source files to edit, comment syntax, steps: (needle in the original, in the fix)).
CASES: dict[str, tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]] = {
    "DF101-npm": (("src/index.js",), "//", (("npm ci", "npm ci"),)),
    "DF101-crlf": (("src/index.js",), "//", (("npm ci", "npm ci"),)),
    "DF101-backtick-escape": (("src/index.js",), "//", (("npm ci", "npm ci"),)),
    "DF101-yarn": (("src/index.js",), "//", (("yarn install", "yarn install"),)),
    "DF101-pnpm": (("src/index.js",), "//", (("pnpm install", "pnpm install"),)),
    "DF101-pnpm-corepack-between": (
        ("src/index.js",),
        "//",
        (("corepack enable", "corepack enable"), ("pnpm install", "pnpm install")),
    ),
    "DF101-pip": (("app/main.py",), "#", (("pip install", "pip install"),)),
    "DF101-pip-workdir-between": (("app/main.py",), "#", (("pip install", "pip install"),)),
    "DF101-pip-tool-between": (
        ("app/main.py",),
        "#",
        (("--upgrade pip setuptools", "--upgrade pip setuptools"), ("-r requirements", "-r requ")),
    ),
    "DF101-pip-module-between": (
        ("app/main.py",),
        "#",
        (("-m pip install", "-m pip install"), ("-r requirements", "-r requ")),
    ),
    "DF101-npm-global-between": (
        ("src/index.js",),
        "//",
        (("npm install -g", "npm install -g"), ("npm ci", "npm ci")),
    ),
    "DF101-pipenv": (("main.py",), "#", (("pipenv install", "pipenv install"),)),
    "DF101-poetry": (("src/demo_api/__init__.py",), "#", (("poetry install", "poetry install"),)),
    "DF101-uv": (
        ("src/demo_uv/__init__.py",),
        "#",
        (("--no-install-project", "--no-install-project"),),
    ),
    "DF101-bundler": (("app.rb",), "#", (("bundle install", "bundle install"),)),
    "DF101-bundler-deployment": (
        ("config/boot.rb",),
        "#",
        (("bundle install --jobs 4", "bundle install --jobs 4"),),
    ),
    "DF101-go-mod-download": (("main.go",), "//", (("go mod download", "go mod download"),)),
    "DF101-go-build": (("main.go",), "//", (("go build", "go mod download"),)),
    "DF101-maven": (
        ("src/main/java/com/example/App.java",),
        "//",
        (("mvn -B -q package", "dependency:go-offline"),),
    ),
    "DF101-gradle": (
        ("src/main/java/com/example/App.java",),
        "//",
        (("gradlew --no-daemon bootJar", "gradlew --no-daemon dependencies"),),
    ),
    "DF101-multistage": (
        ("web/src/index.js", "api/main.go"),
        "//",
        (("npm ci", "npm ci"), ("go build", "go mod download")),
    ),
}


def _files(case: Path) -> dict[str, str | bytes]:
    root = case / "context"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _edited(files: dict[str, str | bytes], paths: tuple[str, ...], comment: str) -> dict:
    changed = dict(files)
    for path in paths:
        text = changed[path]
        text = text.decode() if isinstance(text, bytes) else text
        changed[path] = f"{text.rstrip()}\n{comment} edit {unique_token()}\n"
    return changed


def test_every_fixable_corpus_case_is_covered() -> None:
    fixable = {
        case.name
        for case in (CORPUS / "rules").glob("DF101-*")
        if (case / "context").is_dir()
        and fix_source((case / "Dockerfile").read_bytes().decode(), context_dir=case / "context",
                       config=ONLY).changed
    }  # fmt: skip
    assert fixable == set(CASES)


@pytest.mark.buildkit
@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrite_builds_the_same_image_and_keeps_the_install_cached(
    name: str, tmp_path: Path
) -> None:
    case = CORPUS / "rules" / name
    edits, comment, steps = CASES[name]
    original = (case / "Dockerfile").read_bytes().decode()
    fixed = fix_source(original, context_dir=case / "context", config=ONLY).output
    assert fixed != original

    files = _edited(_files(case), edits, comment)
    context = make_context(tmp_path, files)
    before = build(original, context)
    assert before.ok, before.log
    after = build(fixed, context)
    assert after.ok, after.log
    difference = diff_images(before.tag, after.tag)
    assert difference.equal, str(difference)

    edited = make_context(tmp_path, _edited(files, edits, comment))
    before_again = build(original, edited)
    after_again = build(fixed, edited)
    assert before_again.ok and after_again.ok, before_again.log + after_again.log
    for in_original, in_fixed in steps:
        assert not before_again.cached(in_original), f"original: {in_original} was CACHED"
        assert after_again.cached(in_fixed), f"fixed: {in_fixed} ran again\n{after_again.log}"
