"""The fast constructors of the shell result types build the same objects as the dataclasses."""

from __future__ import annotations

import dataclasses

import pytest

from rewriter.analyse.shell import model
from rewriter.analyse.shell.model import (
    Command,
    Word,
    WordPart,
    new_command,
    new_part,
    new_word,
)

_PART = WordPart("lit", "a", True)
_WORD = Word("'a'", "a", 3, 6, (_PART,), False)


@pytest.mark.parametrize(
    ("cls", "fields_cls", "make", "values"),
    [
        (WordPart, model._WordPartFields, new_part, ("var", "HOME", True)),
        (Word, model._WordFields, new_word, ("a*", "a*", 0, 2, (_PART,), True)),
        (
            Command,
            model._CommandFields,
            new_command,
            ((_WORD,), (_WORD,), (), 1, 9, "&&", "/x", True, True, 2),
        ),
    ],
)
def test_fast_constructor_builds_the_dataclass(cls, fields_cls, make, values) -> None:
    names = tuple(f.name for f in dataclasses.fields(cls))
    assert sorted(cls.__slots__) == sorted(names) == sorted(fields_cls.__slots__)
    fast, slow = make(*values), cls(*values)
    assert type(fast) is cls
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert [getattr(fast, n) for n in names] == list(values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, names[0], None)


def test_fast_constructor_defaults_match() -> None:
    assert new_part("lit", "x") == WordPart("lit", "x")
    assert new_word("x", "x", 0, 1) == Word("x", "x", 0, 1)
    assert new_command((), (), (), 0, 0, None, ".") == Command((), (), (), 0, 0, None, ".")
