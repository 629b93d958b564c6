"""Sample projects in corpus/new/<case>/: the scaffold's output must equal expected/.

Each case has ``project/`` (the input), ``expected/Dockerfile``, ``expected/.dockerignore`` and
``expected/warnings.txt``, and optionally ``args`` (extra ``dfopt new`` options, one line).
Set DFOPT_UPDATE_EXPECTED=1 to rewrite expected/ after an intended change, then review the diff:
without it, any difference fails.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from rewriter.scaffold.api import scaffold
from rewriter.scaffold.options import Overrides

CASES_DIR = Path(__file__).resolve().parent.parent / "corpus" / "new"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "project").is_dir())
UPDATE = os.environ.get("DFOPT_UPDATE_EXPECTED") == "1"


def overrides_from_args(case: Path) -> tuple[str | None, Overrides]:
    """Turn ``args`` ("go --runtime alpine --port 80") into scaffold() arguments."""
    args_file = case / "args"
    words = shlex.split(args_file.read_text()) if args_file.is_file() else []
    lang = words.pop(0) if words and not words[0].startswith("--") else None
    options: dict[str, object] = {}
    while words:
        key = words.pop(0).removeprefix("--").replace("-", "_")
        options[key] = int(words.pop(0)) if key == "port" else words.pop(0)
    return lang, Overrides(**options)  # type: ignore[arg-type]


def test_corpus_has_a_case_per_language_and_package_manager():
    assert {"node-npm", "node-yarn", "node-yarn-berry", "node-pnpm"} <= set(CASES)
    assert {"python-pip", "python-poetry", "python-uv", "python-pipenv"} <= set(CASES)
    assert {"go-mod", "java-maven", "java-gradle"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_scaffold_output_matches_expected(case):
    folder = CASES_DIR / case
    lang, overrides = overrides_from_args(folder)
    result = scaffold(folder / "project", lang, overrides)
    actual = {
        "Dockerfile": result.files["Dockerfile"],
        ".dockerignore": result.files[".dockerignore"],
        "warnings.txt": "".join(f"{w}\n" for w in result.warnings),
    }
    expected_dir = folder / "expected"
    if UPDATE:
        expected_dir.mkdir(exist_ok=True)
        for name, text in actual.items():
            (expected_dir / name).write_text(text)
    for name, text in actual.items():
        path = expected_dir / name
        assert path.is_file(), f"{path} is missing: run with DFOPT_UPDATE_EXPECTED=1"
        assert text == path.read_text(), f"{case}/{name} differs from expected"


@pytest.mark.parametrize("case", CASES)
def test_expected_dockerignore_hides_nothing_the_dockerfile_copies(case):
    """Checked with the build-context module's BuildKit-exact matcher, not the scaffold's own."""
    context = pytest.importorskip("rewriter.analyse.context.dockerignore")
    folder = CASES_DIR / case
    ignore = context.DockerIgnore.parse((folder / "expected" / ".dockerignore").read_text())
    dockerfile = (folder / "expected" / "Dockerfile").read_text()
    project = folder / "project"
    for line in dockerfile.replace("\\\n", " ").splitlines():
        words = line.split()
        if not words or words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        for source in words[1:-1]:
            if source == ".":
                continue
            assert (project / source).exists(), f"{case}: COPY {source} does not exist"
            assert not ignore.is_excluded(source, (project / source).is_dir()), (case, source)
    for path in project.rglob("*"):
        rel = path.relative_to(project).as_posix()
        is_source = path.is_file() and rel.endswith((".js", ".py", ".go", ".java", ".ts"))
        if is_source and not rel.startswith((".", "node_modules")):
            assert not ignore.is_excluded(rel), f"{case}: source {rel} is ignored"
