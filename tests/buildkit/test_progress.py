"""Parsing BuildKit's plain progress log and the other engine-free helpers of the harness."""

from __future__ import annotations

import pytest

from .harness import _ignored, diff_files, strip_syntax_directive
from .progress import parse_progress

# Trimmed from a real Docker 20.10 build: interleaved steps, a repeated header, a cached step.
LOG = """\
#1 [internal] load build definition from Dockerfile
#1 sha256:aa
#1 transferring dockerfile: 167B done
#1 DONE 0.0s

#5 [build 1/4] FROM docker.io/library/node:20-slim
#5 DONE 0.0s

#7 [build 3/4] COPY package.json package-lock.json ./
#7 CACHED

#8 [build 4/4] RUN npm ci &&     npm run build
#8 sha256:bb
#8 0.185 standin-npm: cache hit 0/4 (/root/.npm)
#9 [stage-1 2/2] RUN echo two
#9 0.101 two
#8 [build 4/4] RUN npm ci &&     npm run build
#8 0.186 standin-npm: downloaded 4 package(s)
#8 DONE 0.3s
#9 ERROR: executor failed running [/bin/sh -c echo two]: exit code: 1
"""


def test_steps_keep_first_mention_order_and_split_stage_and_instruction() -> None:
    steps = parse_progress(LOG)
    assert [s.id for s in steps] == [1, 5, 7, 8, 9]
    build_step = steps[3]
    assert build_step.stage == "build"
    assert build_step.instruction == "RUN npm ci &&     npm run build"
    assert steps[0].internal and not build_step.internal


def test_output_lines_are_collected_per_step_across_interleaving() -> None:
    step = parse_progress(LOG)[3]
    assert step.output == [
        "standin-npm: cache hit 0/4 (/root/.npm)",
        "standin-npm: downloaded 4 package(s)",
    ]
    assert step.duration == pytest.approx(0.3)
    assert step.ran and not step.cached


def test_cached_and_failed_steps_are_marked() -> None:
    steps = {s.id: s for s in parse_progress(LOG)}
    assert steps[7].cached and not steps[7].ran
    assert steps[9].error is not None and "exit code: 1" in steps[9].error
    assert steps[9].stage == "stage-1"


def test_unnamed_stage_has_no_stage_name() -> None:
    (step,) = parse_progress("#4 [2/3] WORKDIR /app\n#4 DONE 0.0s\n")
    assert step.stage is None and step.instruction == "WORKDIR /app"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# syntax=docker/dockerfile:1\nFROM a\n", "FROM a\n"),
        ("#Syntax = docker/dockerfile:1.7\n# escape=`\nFROM a\n", "# escape=`\nFROM a\n"),
        ("# escape=`\n# syntax=x\nFROM a\n", "# escape=`\nFROM a\n"),
        ("FROM a\n# syntax=x\n", "FROM a\n# syntax=x\n"),
        ("# a comment\n# syntax=x\nFROM a\n", "# a comment\n# syntax=x\nFROM a\n"),
    ],
    ids=["first-line", "case-and-spaces", "after-escape", "after-instruction", "after-comment"],
)
def test_only_a_leading_syntax_directive_is_stripped(source: str, expected: str) -> None:
    assert strip_syntax_directive(source) == expected


def test_ignore_patterns_match_a_path_or_any_parent() -> None:
    patterns = ("*/.npm", "tmp", "etc/hostname")
    assert _ignored("root/.npm/_cacache/x", patterns)
    assert _ignored("home/node/.npm", patterns)
    assert _ignored("tmp/out", patterns)
    assert not _ignored("app/node_modules/npm/index.js", patterns)
    assert not _ignored("etc/hostname.d/x", patterns)


def test_diff_files_reports_each_kind_of_difference() -> None:
    diff = diff_files({"a": "1", "b": "2", "c": "3"}, {"b": "2", "c": "4", "d": "5"})
    assert (diff.only_in_a, diff.only_in_b, diff.changed) == (("a",), ("d",), ("c",))
    assert not diff.equal and "only in a: a" in str(diff)
    assert diff_files({"a": "1"}, {"a": "1"}).equal
