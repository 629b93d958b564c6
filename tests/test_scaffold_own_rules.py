"""Every template x variant, and every corpus sample, is clean under dfopt's own rules.

The issue promised that what ``dfopt new`` writes passes ``dfopt check``. Each Dockerfile is
linted the way a user would lint it right after ``dfopt new``: inside its project folder, with
the generated ``.dockerignore`` beside it, so that the rules that read the build context (manifest
and lockfile presence, ignored paths, missing .dockerignore entries) run too.

A finding is a failure unless it is listed in ``KNOWN_FALSE_POSITIVES``: a case where the rule,
not the template, is wrong, kept as a strict xfail so that the test starts failing (XPASS) the day
the rule is fixed, and the entry can be dropped. A known case only covers its own rule code and
its own instruction: any other finding in the same file still fails the test for real.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from rewriter.rules.base import Finding
from rewriter.rules.engine import lint_source
from rewriter.scaffold.dockerignore import render_dockerignore
from rewriter.scaffold.recipes import recipe_for
from rewriter.scaffold.render import render_template
from tests.scaffold_variants import variants

CORPUS_NEW = Path(__file__).resolve().parent.parent / "corpus" / "new"
CORPUS_CASES = sorted(p.name for p in CORPUS_NEW.iterdir() if (p / "project").is_dir())


class KnownFalsePositive(AssertionError):
    """Only findings listed in KNOWN_FALSE_POSITIVES remain: the xfail these cases expect."""


@dataclass(frozen=True)
class FalsePositive:
    """A rule that fires on a correct template line; reported to the rule's owner."""

    code: str
    applies: Callable[[str], bool]  # variant id or corpus case name -> does it apply
    line_contains: str  # text on the first line of the flagged instruction
    summary: str  # one line, shown by pytest for the xfail
    why: str  # the full argument, for the rule's owner

    def matches(self, name: str, finding: Finding, text: str) -> bool:
        line = text.splitlines()[finding.line - 1]
        return self.applies(name) and finding.code == self.code and self.line_contains in line


#: Empty since DF107 learned that `pip install --no-index` of local wheels uses no cache, and
#: DF101 that a build whose dependency store is in a cache mount needs no download step.
KNOWN_FALSE_POSITIVES: tuple[FalsePositive, ...] = ()


def _variant_ids() -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        return [variant_id for variant_id, _ in variants(Path(folder))]


def _param(name: str) -> pytest.ParameterSet:
    reasons = [fp.summary for fp in KNOWN_FALSE_POSITIVES if fp.applies(name)]
    if not reasons:
        return pytest.param(name, id=name)
    mark = pytest.mark.xfail(strict=True, raises=KnownFalsePositive, reason="; ".join(reasons))
    return pytest.param(name, id=name, marks=mark)


def _describe(findings: list[Finding], text: str) -> str:
    lines = text.splitlines()
    return "\n".join(
        f"  {f.code} {f.name} line {f.line}: {f.message}\n    | {lines[f.line - 1]}"
        for f in findings
    )


def assert_clean(name: str, folder: Path, text: str) -> None:
    """Lint ``text`` as ``folder/Dockerfile``; fail on any finding not known to be false."""
    result = lint_source(text, path=str(folder / "Dockerfile"), context_dir=folder)
    assert result.error is None, f"{name}: does not parse: {result.error}"
    unexpected = [
        f
        for f in result.findings
        if not any(fp.matches(name, f, text) for fp in KNOWN_FALSE_POSITIVES)
    ]
    assert not unexpected, f"{name}: dfopt's own rules report\n{_describe(unexpected, text)}"
    if result.findings:
        raise KnownFalsePositive(
            f"{name}: known false positives\n{_describe(result.findings, text)}"
        )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """variant id -> (its project folder holding Dockerfile and .dockerignore, Dockerfile text)."""
    root = tmp_path_factory.mktemp("own-rules")
    result = {}
    for variant_id, project in variants(root):
        template, values = recipe_for(project)
        text = render_template(template, values)
        (project.root / "Dockerfile").write_text(text)
        (project.root / ".dockerignore").write_text(render_dockerignore(project))
        result[variant_id] = (project.root, text)
    return result


@pytest.mark.parametrize("variant_id", [_param(name) for name in _variant_ids()])
def test_every_variant_is_clean_under_dfopts_own_rules(variant_id, generated):
    folder, text = generated[variant_id]
    assert_clean(variant_id, folder, text)


@pytest.mark.parametrize("case", [_param(name) for name in CORPUS_CASES])
def test_every_corpus_sample_is_clean_under_dfopts_own_rules(case, tmp_path):
    """The real sample projects, with the expected output files put where dfopt new puts them."""
    folder = tmp_path / case
    shutil.copytree(CORPUS_NEW / case / "project", folder)
    expected = CORPUS_NEW / case / "expected"
    shutil.copy(expected / ".dockerignore", folder / ".dockerignore")
    text = (expected / "Dockerfile").read_text()
    (folder / "Dockerfile").write_text(text)
    assert_clean(case, folder, text)


def test_a_finding_outside_the_known_false_positives_fails(tmp_path):
    """The check itself: a real problem in a variant's folder is not swallowed by the xfails."""
    text = "# syntax=docker/dockerfile:1\nFROM node:22-bookworm-slim\nCOPY . .\nRUN npm ci\n"
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "package-lock.json").write_text("{}")
    with pytest.raises(AssertionError) as raised:
        assert_clean("node-yarn-berry-slim-True", tmp_path, text)
    assert not isinstance(raised.value, KnownFalsePositive)
    assert "DF101" in str(raised.value)
