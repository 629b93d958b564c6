"""Corpus cases: the model of each ``corpus/model/<case>/Dockerfile`` must equal its checked-in
``expected-model.json`` (with ``<case>/context/`` as the build context when present).

After an intended change, regenerate with ``DFOPT_UPDATE_EXPECTED=1`` and review the diff: the
test still fails on that run, so a regeneration is never silent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rewriter import parse_file
from rewriter.analyse.model import build_model, model_json

CASES = sorted(
    p.parent for p in (Path(__file__).parent.parent / "corpus" / "model").glob("*/Dockerfile")
)


def _model_data(case: Path) -> dict:
    context = None
    if (case / "context").is_dir():
        from rewriter.analyse.context import scan_context

        context = scan_context(case / "context")
    model = build_model(parse_file(case / "Dockerfile"), context=context)
    # Through JSON and back, so the comparison sees exactly what is checked in.
    return json.loads(json.dumps(model_json(model)))


def test_corpus_has_cases():
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_model_matches_expected(case: Path):
    actual = _model_data(case)
    expected_path = case / "expected-model.json"
    if os.environ.get("DFOPT_UPDATE_EXPECTED"):
        expected_path.write_text(json.dumps(actual, indent=2, sort_keys=False) + "\n")
        pytest.fail(f"rewrote {expected_path}: review the diff, then run again without the flag")
    assert expected_path.exists(), f"{expected_path} is missing (DFOPT_UPDATE_EXPECTED=1)"
    assert actual == json.loads(expected_path.read_text())
