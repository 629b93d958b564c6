"""Shortcuts in the model must give what the general computation gives, on every corpus and
BuildKit conformance Dockerfile.

- ``--mount`` flags without ``$``, quotes or escape characters are parsed without an expander
  (each value would expand to itself); the general computation expands every value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import ParseError, parse
from rewriter.analyse.model import _state_expander, build_model
from rewriter.analyse.mounts import parse_mount

ROOT = Path(__file__).resolve().parent.parent
_CONFORMANCE = ROOT.parent / "shared" / "conformance" / "buildkit-parser" / "testfiles"


def _dockerfiles() -> list[str]:
    paths = [p for p in (ROOT / "corpus").rglob("*") if p.is_file() and "Dockerfile" in p.name]
    if _CONFORMANCE.is_dir():
        paths += _CONFORMANCE.glob("*/Dockerfile")
    texts = []
    for path in sorted(paths):
        try:
            text = path.read_bytes().decode("utf-8")
            parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        texts.append(text)
    return texts


_EXTRA = [
    "FROM alpine\nARG D=/cache\nRUN --mount=type=cache,target=$D --mount=type=cache,target=/x "
    "--mount=type=bind,source='a b',target=/y --mount=\"type=tmpfs,target=/t\" true\n",
    "# escape=`\nFROM alpine\nRUN --mount=type=cache,target=C:`x true\n",
    "FROM alpine\nRUN --mount=type=secret,id=s,env=TOKEN,required --mount=from=b,target=/b true\n",
]


@pytest.mark.parametrize("build_args", [None, {"D": "/other"}])
def test_mounts_equal_the_expanded_computation(build_args) -> None:
    seen = 0
    for text in _dockerfiles() + _EXTRA:
        tree = parse(text)
        model = build_model(tree, build_args=build_args)
        for step in model.runs():
            ins = step.instruction
            expand = _state_expander(tree.escape, step.state)
            general = [
                parse_mount(flag, ins.file_span(flag.start, flag.end), expand)
                for flag in ins.flags
                if flag.name == "mount"
            ]
            assert step.mounts == general, text
            seen += len(general)
    assert seen > 100
