"""Every case in ``corpus/rules/`` gives exactly its expected findings and fixed output."""

from __future__ import annotations

import pytest

from tests.rules.harness import check_corpus_case, corpus_cases


@pytest.mark.parametrize("case", corpus_cases(), ids=lambda p: p.name)
def test_rule_corpus_case(case) -> None:
    check_corpus_case(case)
