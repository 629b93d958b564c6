"""The rule engine: discovery, selection, suppressions, severities, and the fix loop."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import FixError, apply_edits, fix_source
from rewriter.rules.base import Edit, Severity, mask_secret, mask_text
from rewriter.rules.registry import all_rules, rule_by_code, select_rules
from tests.rules.harness import codes

MAINTAINER = "FROM a\nMAINTAINER me <me@example.com>\n"


def test_every_rule_is_documented_with_the_four_sections() -> None:
    for rule in all_rules():
        doc = rule.__doc__ or ""
        for section in ("What it does", "Why it matters", "Example", "Fix"):
            assert section in doc, f"{rule.code} docstring lacks {section!r}"
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_rules_are_discovered_by_code_and_name() -> None:
    assert rule_by_code("df405").name == "maintainer-deprecated"
    assert rule_by_code("maintainer-deprecated").code == "DF405"
    assert [r.code for r in select_rules(["DF4"], ["DF405"])] == [
        r.code for r in all_rules() if r.code.startswith("DF4") and r.code != "DF405"
    ]


def test_inline_ignore_silences_only_the_next_instruction() -> None:
    source = "FROM a\n# dfopt: ignore=DF405\nMAINTAINER x\nMAINTAINER y\n"
    assert codes(source, config=Config(select=("DF405",))) == ["DF405"]


def test_ignore_file_and_hadolint_and_check_skip_are_honoured() -> None:
    only = Config(select=("DF405",))
    assert codes("# dfopt: ignore-file\n" + MAINTAINER, config=only) == []
    assert codes("FROM a\n# hadolint ignore=DL4000\nMAINTAINER x\n", config=only) == []
    assert codes("# check=skip=MaintainerDeprecated\n" + MAINTAINER, config=only) == []
    assert codes(MAINTAINER, config=only) == ["DF405"]


def test_severity_override_from_config() -> None:
    from tests.rules.harness import lint

    findings = lint(
        MAINTAINER, config=Config(select=("DF405",), severity={"DF405": Severity.ERROR})
    )
    assert [f.severity for f in findings] == [Severity.ERROR]


def test_unsafe_fix_needs_unsafe_flag_and_keeps_crlf() -> None:
    source = MAINTAINER.replace("\n", "\r\n")
    assert fix_source(source).output == source
    fixed = fix_source(source, unsafe=True).output
    assert fixed == 'FROM a\r\nLABEL org.opencontainers.image.authors="me <me@example.com>"\r\n'


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(FixError):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    assert apply_edits("abcdef", [Edit(4, 6, "Z"), Edit(0, 1, "")]) == "bcdZ"


def test_secrets_are_masked_without_revealing_length() -> None:
    assert mask_secret("ghp_abcdefghijklmnop") == "gh****"
    assert "abcdefghijklmnop" not in mask_text(
        "token ghp_abcdefghijklmnop here", ["ghp_abcdefghijklmnop"]
    )


def test_unparseable_input_is_not_fixed() -> None:
    result = fix_source("FROM a\nENV PATH\n")
    assert result.error is not None and result.output == result.source


def test_fixes_that_touch_wait_for_the_next_pass() -> None:
    from rewriter.fixes.engine import _choose
    from rewriter.rules.base import Applicability, Finding, Fix

    def finding(code: str, start: int, end: int) -> Finding:
        fix = Fix(code, (Edit(start, end, code),), Applicability.SAFE)
        return Finding(code, code.lower(), Severity.INFO, "m", 1, 1, 1, 1, fix=fix)

    both_insert_at_5 = [finding("DF902", 5, 5), finding("DF901", 5, 5)]
    assert [f.code for f in _choose(both_insert_at_5, Applicability.SAFE)] == ["DF901"]
    adjacent = [finding("DF901", 0, 5), finding("DF902", 5, 9), finding("DF903", 10, 12)]
    assert [f.code for f in _choose(adjacent, Applicability.SAFE)] == ["DF901", "DF903"]


def test_a_fix_that_never_settles_is_refused_naming_the_rule(monkeypatch) -> None:
    from rewriter.rules.base import Applicability, Fix, Rule
    from rewriter.rules.context import RuleContext

    class Restless(Rule):
        """Appends a comment forever.

        ## What it does / ## Why it matters / ## Example / ## Fix
        """

        code = "DF999"
        name = "restless"

        def check(self, ctx: RuleContext):
            end = len(ctx.source)
            fix = Fix("again", (Edit(end, end, "# again\n"),), Applicability.SAFE)
            yield ctx.finding(self, ctx.tree.instructions[0], "again", fix=fix)

    monkeypatch.setattr("rewriter.rules.engine.select_rules", lambda select, ignore: [Restless])
    with pytest.raises(FixError, match="still firing: DF999"):
        fix_source("FROM a\n")
