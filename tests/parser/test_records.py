"""Parser nodes keep the behaviour they had as dataclasses (repr, equality, hashing, pickling)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass

import pytest

from rewriter import parse
from rewriter.parser import Blank, Comment, Heredoc, InstructionSyntax, SourceLine
from rewriter.records import Record


@dataclass(frozen=True)
class _FrozenLine:
    kind: str
    text: str
    number: int
    offset: int


def test_value_nodes_compare_hash_and_print_like_frozen_dataclasses() -> None:
    line = SourceLine("INSTR", "RUN a\n", 2, 7)
    twin = _FrozenLine("INSTR", "RUN a\n", 2, 7)
    assert repr(line) == repr(twin).replace("_FrozenLine", "SourceLine")
    assert line == SourceLine("INSTR", "RUN a\n", 2, 7)
    assert hash(line) == hash(SourceLine("INSTR", "RUN a\n", 2, 7)) == hash(twin)
    assert line != SourceLine("INSTR", "RUN a\n", 3, 7)
    assert line != twin  # another class with the same fields is not equal, as with dataclasses
    assert Comment("# a\n", 1, 0) != Blank("# a\n", 1, 0)
    assert SourceLine.__match_args__ == ("kind", "text", "number", "offset")
    heredoc = Heredoc(
        name="A", content="a\n", expand=True, chomp=False, fd=0, start_line=2, end_line=3,
        content_offset=9,
    )  # fmt: skip
    assert "Heredoc(name='A', content='a\\n', expand=True" in repr(heredoc)


def test_instruction_syntax_compares_by_value_and_is_unhashable() -> None:
    a = InstructionSyntax("RUN", 0, [], "x", 4, ["x"])
    assert a == InstructionSyntax("RUN", 0, [], "x", 4, ["x"])
    assert a.name == "run" and a.values == ["x"] and a.children == []
    with pytest.raises(TypeError):
        hash(a)


def test_instructions_and_trees_keep_identity_equality() -> None:
    text = "FROM a\nRUN b\n"
    first, second = parse(text), parse(text)
    assert first.instructions[0] != second.instructions[0]
    assert first.instructions[0] == first.instructions[0]
    assert first != second
    assert len({first.instructions[0], second.instructions[0]}) == 2


def test_trees_survive_pickle_and_deepcopy() -> None:
    tree = parse("# syntax=x\nFROM a\n# c\n\nRUN <<EOF cat\nhi\nEOF\nCOPY --from=a x y\n")
    assert repr(pickle.loads(pickle.dumps(tree))) == repr(tree)
    assert repr(copy.deepcopy(tree)) == repr(tree)


def test_replace_copies_with_changed_fields_like_dataclasses_replace() -> None:
    line = SourceLine("INSTR", "RUN a\n", 2, 7)
    moved = line.replace(number=3, offset=9)
    assert moved == SourceLine("INSTR", "RUN a\n", 3, 9) and moved is not line
    assert line == SourceLine("INSTR", "RUN a\n", 2, 7)  # the original is unchanged
    with pytest.raises(TypeError, match="no field 'nunber'"):
        line.replace(nunber=3)


class _Point(Record):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class _Point3(_Point):
    __slots__ = ("z",)

    def __init__(self, x: int, y: int, z: int) -> None:
        super().__init__(x, y)
        self.z = z


class _Named(Record):
    __slots__ = ("cache", "name")

    def __init__(self, name: str, cache: object = None) -> None:
        self.name = name
        self.cache = cache  # derived: left out of eq and hash

    def _values(self) -> tuple[object, ...]:
        return (self.name,)


class _NamedChild(_Named):
    __slots__ = ()


class _One(Record):
    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v


class _Empty(Record):
    __slots__ = ()

    def __init__(self) -> None:
        pass


def test_each_record_class_compares_its_own_fields() -> None:
    assert _Point3(1, 2, 3) != _Point3(1, 2, 4)  # the subclass's extra field counts
    assert _Point3(1, 2, 3) == _Point3(1, 2, 3) and hash(_Point3(1, 2, 3)) == hash((1, 2, 3))
    assert _One(5) == _One(5) and _One(5) != _One(6) and hash(_One(5)) == hash((5,))
    assert _Empty() == _Empty() and hash(_Empty()) == hash(())


def test_a_handwritten_values_is_kept_by_the_class_and_its_subclasses() -> None:
    assert _Named("a", cache=1) == _Named("a", cache=2)
    assert _NamedChild("a", cache=1) == _NamedChild("a", cache=2)
    assert _Named("a") != _Named("b")
