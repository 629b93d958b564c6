"""DF405 maintainer-deprecated: MAINTAINER becomes an OCI authors label (unsafe fix)."""

from __future__ import annotations

import pytest

from rewriter.analyse.expand import expand_word
from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.parser import parse
from tests.rules.harness import lint


def df405(source: str):
    return [f for f in lint(source) if f.code == "DF405"]


def fixed(source: str, *, unsafe: bool = True) -> str:
    config = Config(select=("DF405",))
    first = fix_source(source, config=config, unsafe=unsafe)
    assert fix_source(first.output, config=config, unsafe=unsafe).output == first.output
    return first.output


def test_maintainer_fires_and_becomes_a_label():
    source = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n"
    (finding,) = df405(source)
    assert finding.line == 2
    assert fixed(source) == (
        'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'
    )


def test_quotes_are_escaped_and_lower_case_keyword_is_kept():
    assert fixed('from alpine:3.20\nmaintainer "Bob"\n') == (
        'from alpine:3.20\nlabel org.opencontainers.image.authors="\\"Bob\\""\n'
    )


def test_safe_pass_leaves_it_alone():
    source = "FROM alpine:3.20\nMAINTAINER jane\n"
    assert fixed(source, unsafe=False) == source


def test_label_is_quiet():
    assert df405('FROM alpine:3.20\nLABEL org.opencontainers.image.authors="jane"\n') == []


@pytest.mark.parametrize("escape", ["\\", "`"])
@pytest.mark.parametrize(
    "author",
    ['"d q""d q" \\$A', "Jane $USER ${HOME}", 'a"b`c\\d', "back`tick", "a\\ b", "$", '"'],
)
def test_label_reads_back_as_the_maintainer_text_under_either_escape_character(escape, author):
    """LABEL expands variables and unescapes with the file's escape character; MAINTAINER does
    neither (a backslash-escaped label under ``# escape=``` did not parse, ``$USER`` became
    empty)."""
    head = "# escape=`\n" if escape == "`" else ""
    output = fixed(f"{head}FROM alpine:3.20\nMAINTAINER {author}\n")
    (label,) = [inst for inst in parse(output).instructions if inst.name == "label"]
    assert label.values[0] == "org.opencontainers.image.authors"
    assert expand_word(label.values[1], {"USER": "x", "HOME": "/h", "A": "a"}, escape) == author
