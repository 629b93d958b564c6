"""Shared frames and lazily built states must give the states a fresh snapshot per
instruction gives; skipping instructions whose words are all plain must record what expanding
them records.

``build_model`` records one frame (the scope's fields) for a run of instructions that do not
change the scope, and ``BuildModel.state_of`` builds each InstructionState from it on first use.
``build_model`` also skips the word expansion of COPY/ADD/LABEL/... instructions whose text
is plain. The plain computation (``_Builder.share_frames = skip_plain_words = False``)
snapshots the scope at every instruction and expands every word; both are compared field by
field over every corpus and BuildKit conformance Dockerfile (and a few tricky ones), with and
without build args.
"""

from __future__ import annotations

import pytest

from rewriter import parse
from rewriter.analyse import model as model_module
from rewriter.analyse.model import build_model
from rewriter.analyse.state import InstructionState
from tests.conftest import corpus_dockerfiles


def _dockerfiles() -> list[str]:
    return [text for _, text in corpus_dockerfiles(parseable=True)]


_EXTRA = [
    "FROM alpine AS b\nARG U\nCOPY --chown=$U a b\nCOPY --from=$X a b\nCOPY --from=b a $D/\n"
    "LABEL a=b c=$UNSET\nEXPOSE 80 $PORT\nVOLUME /data\nSTOPSIGNAL SIGTERM\n"
    "COPY <<EOF /etc/x\nbody $V\nEOF\nADD --chmod=${M:?need M} a b\nCOPY 'q' \"d\" /x/\n",
    "# escape=`\nFROM mcr.microsoft.com/windows AS w\nCOPY C:\\a C:\\b\nCOPY `$X C:\\c\n",
    'FROM scratch\nCOPY --exclude=$E --parents a/ b/\nLABEL "k"="v w"\nEXPOSE 8080/tcp\n',
]


def _fields(state: InstructionState) -> tuple:
    """Every field; the stage by index (each model has its own Stage objects)."""
    return tuple(
        getattr(state, name) if name != "stage" else getattr(state.stage, "index", None)
        for name in InstructionState.__slots__
    )


def _plain_model(tree, build_args):
    builder = model_module._Builder
    builder.share_frames = builder.skip_plain_words = False
    try:
        return build_model(tree, build_args=build_args)
    finally:
        builder.share_frames = builder.skip_plain_words = True


@pytest.mark.parametrize("build_args", [None, {"VERSION": "1.0", "TARGETARCH": "arm64"}])
def test_lazy_states_equal_fresh_snapshots(build_args) -> None:
    texts = _dockerfiles()
    assert len(texts) > 100
    texts += _EXTRA
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
