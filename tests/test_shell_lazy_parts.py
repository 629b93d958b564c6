"""A Word made with ``parts=None`` (the flat path's plain words) is the Word with one unquoted
literal part: same parts, equality, hash, repr and ``replace``, and the flat path's words are
the general path's (``tests/test_shell_flat_path.py`` compares whole scripts)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rewriter.analyse.shell import parse_shell
from rewriter.analyse.shell.model import LIT, Word, WordPart
from rewriter.analyse.shell.parse import parse_shell_uncached


@given(raw=st.text(min_size=1, max_size=8), start=st.integers(0, 50), glob=st.booleans())
def test_lazy_literal_equals_eager(raw: str, start: int, glob: bool) -> None:
    lazy = Word(raw, raw, start, start + len(raw), None, glob)
    eager = Word(raw, raw, start, start + len(raw), (WordPart(LIT, raw, False),), glob)
    assert hash(lazy) == hash(eager)
    assert lazy == eager
    assert repr(lazy) == repr(eager)
    assert lazy.parts == eager.parts
    assert not lazy.quoted
    assert lazy.replace(start=0) == eager.replace(start=0)
    assert lazy.expand({}) == raw


def test_flat_words_read_like_general_words() -> None:
    script = "apt-get install -y curl && cd /app && rm -rf /var/lib/apt/lists/* | tee x"
    flat = parse_shell(script)
    general = parse_shell_uncached(script, flat_fast_path=False)
    assert flat == general
    for a, b in zip(flat.commands, general.commands, strict=True):
        assert [w.parts for w in a.words] == [w.parts for w in b.words]
