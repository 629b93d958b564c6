"""The same input gives the same report and the same fixes on every run.

Python randomises string hashing per process (and object addresses vary), so anything that
reaches the output in set or dict-of-objects order can differ between two runs on the same
files. Run the CLI over the whole corpus under different ``PYTHONHASHSEED`` values and compare.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


def _run(args: list[str], seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "rewriter", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--exit-zero", "--format", "json", str(CORPUS)],
        ["check", "--diff", "--unsafe-fixes", str(CORPUS)],
    ],
    ids=["findings", "fixes"],
)
def test_corpus_output_does_not_depend_on_the_hash_seed(args: list[str]) -> None:
    outputs = {_run(args, seed) for seed in ("0", "1", "2")}
    assert len(outputs) == 1
