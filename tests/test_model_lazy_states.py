"""Shared frames and lazily built states must give the states a fresh snapshot per
instruction gives.

``build_model`` records one frame (the scope's fields) for a run of instructions that do not
change the scope, and ``BuildModel.state_of`` builds each InstructionState from it on first use.
The plain computation (``_Builder.share_frames = False``) snapshots the scope at every
instruction; both are compared field by field over every corpus and BuildKit conformance
Dockerfile, with and without build args.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter import ParseError, parse
from rewriter.analyse import model as model_module
from rewriter.analyse.model import build_model
from rewriter.analyse.state import InstructionState

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


def _fields(state: InstructionState) -> tuple:
    """Every field; the stage by index (each model has its own Stage objects)."""
    return tuple(
        getattr(state, name) if name != "stage" else getattr(state.stage, "index", None)
        for name in InstructionState.__slots__
    )


def _plain_model(tree, build_args):
    model_module._Builder.share_frames = False
    try:
        return build_model(tree, build_args=build_args)
    finally:
        model_module._Builder.share_frames = True


@pytest.mark.parametrize("build_args", [None, {"VERSION": "1.0", "TARGETARCH": "arm64"}])
def test_lazy_states_equal_fresh_snapshots(build_args) -> None:
    texts = _dockerfiles()
    assert len(texts) > 100
    shared = 0
    for text in texts:
        tree = parse(text)
        lazy = build_model(tree, build_args=build_args)
        plain = _plain_model(tree, build_args)
        for ins in tree.instructions:
            if ins not in plain._states:
                assert ins not in lazy._states
                continue
            assert getattr(lazy.stage_of(ins), "index", None) == getattr(
                plain.stage_of(ins), "index", None
            )
            assert _fields(lazy.state_of(ins)) == _fields(plain.state_of(ins)), (text, ins)
            assert lazy.state_of(ins) is lazy.state_of(ins)  # built once
        for a, b in zip(lazy.stages, plain.stages, strict=True):
            assert _fields(a.end_state) == _fields(b.end_state)
        assert [s.state.instruction for s in lazy.runs()] == [
            s.state.instruction for s in plain.runs()
        ]
        frames = [s for s in build_model(tree)._states.values() if type(s) is tuple]
        shared += len(frames) - len({id(f) for f in frames})
        fresh = [s for s in _plain_model(tree, build_args)._states.values() if type(s) is tuple]
        assert len(fresh) == len({id(f) for f in fresh})  # the reference shares nothing
    assert shared > 500  # frames are really shared
