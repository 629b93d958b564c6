"""DF109's fix: a per-build ARG/ENV (GIT_COMMIT, BUILD_DATE, VERSION) moves below the stage's
last install, with the comment above it; whatever may read it on the way blocks the move."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.parser import parse
from rewriter.rules.base import Applicability
from rewriter.rules.engine import lint_source

ONLY = Config(select=("DF109",))


def df109(source: str):
    """The finding on the first per-build ARG/ENV (a second declaration gets its own)."""
    return lint_source(source, config=ONLY).findings[0]


def fixed(source: str) -> str:
    result = fix_source(source, config=ONLY, unsafe=True)
    again = fix_source(result.output, config=ONLY, unsafe=True)
    assert again.output == result.output, "a second pass changed the file"
    return result.output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "FROM node:20\n# the commit CI builds\nARG GIT_COMMIT\nCOPY package*.json ./\n"
            "RUN npm ci\nCOPY . .\nLABEL revision=$GIT_COMMIT\n",
            "FROM node:20\nCOPY package*.json ./\nRUN npm ci\n# the commit CI builds\n"
            "ARG GIT_COMMIT\nCOPY . .\nLABEL revision=$GIT_COMMIT\n",
        ),
        (  # below the LAST install; package commands and builtins on the way are fine
            "FROM python:3.12\nENV APP_VERSION=1.4.2\nRUN apt-get update && apt-get install -y"
            " curl\nRUN mkdir -p /app\nCOPY requirements.txt .\nRUN pip install -r"
            ' requirements.txt\nCMD ["app"]\n',
            "FROM python:3.12\nRUN apt-get update && apt-get install -y curl\nRUN mkdir -p /app\n"
            "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            'ENV APP_VERSION=1.4.2\nCMD ["app"]\n',
        ),
        (  # a last line without a newline, and CRLF
            "FROM node:20\r\nARG BUILD_DATE\r\nRUN npm ci",
            "FROM node:20\r\nRUN npm ci\r\nARG BUILD_DATE",
        ),
    ],
)
def test_the_value_moves_below_the_last_install(source: str, expected: str) -> None:
    finding = df109(source)
    assert finding.fix is not None and finding.fix.applicability == Applicability.UNSAFE
    assert fix_source(source, config=ONLY).output == source  # unsafe: not without the flag
    out = fixed(source)
    assert out == expected
    assert parse(out).to_source() == out


@pytest.mark.parametrize(
    ("middle", "why"),
    [
        ("RUN echo $GIT_COMMIT > /commit", "line 4 uses GIT_COMMIT"),
        ("COPY build-${GIT_COMMIT}.txt /", "line 4 uses GIT_COMMIT"),
        ("ARG GIT_COMMIT=dev", "line 4 declares GIT_COMMIT again"),
        ("RUN npm run build", "`npm run build` on line 4 may read it from its environment"),
        ("RUN make deps", "`make deps` on line 4 may read it"),
        ("RUN ./prepare.sh", "`./prepare.sh` on line 4 may read it"),
        ('RUN ["npm", "ci"]', "the RUN on line 4 may read it from its environment"),
        ('SHELL ["/bin/bash", "-c"]', "`SHELL` on line 4 comes before the install"),
    ],
)
def test_what_may_read_the_value_on_the_way_blocks(middle: str, why: str) -> None:
    source = f"FROM node:20\nARG GIT_COMMIT\nCOPY . .\n{middle}\nRUN npm ci\n"
    finding = df109(source)
    assert finding.fix is None
    assert "; not fixed: " in finding.message and why in finding.message, finding.message


def test_an_instruction_that_declares_other_names_too_is_not_moved() -> None:
    finding = df109("FROM node:20\nARG GIT_COMMIT NODE_ENV=production\nRUN npm ci\n")
    assert finding.fix is None and "also declares NODE_ENV" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "FROM node:20\nARG GIT_COMMIT\nARG GIT_COMMIT\nRUN npm ci\n",
        "FROM node:20 AS base\nENV VERSION=1\nFROM base\nENV VERSION=2\nRUN npm ci\n",
    ],
)
def test_a_value_already_set_before_it_is_not_moved(source: str) -> None:
    """Moving the second declaration would leave the first in the install's environment."""
    findings = lint_source(source, config=ONLY).findings
    last = findings[-1]
    assert last.fix is None and "is set before line" in last.message, last.message
    assert fix_source(source, config=ONLY, unsafe=True).output == source
