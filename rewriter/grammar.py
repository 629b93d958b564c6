"""Load the lark grammars shipped in ``grammars/``.

Why a loader of our own: the ``.lark`` files live in the repository's top-level ``grammars/``
folder and are copied into the wheel as ``rewriter/grammars/``; this module finds them in both
places. It also imports lark lazily and keeps one parser per grammar and option set, so that
``dfopt`` pays for lark only when a grammar is really needed, and only once per process.

:func:`lalr_tables` gives a grammar's LALR(1) automaton as plain data, for a driver that runs it
without lark (``rewriter.parser.lalr``). The automaton is computed by lark from the ``.lark`` file
and cached with ``marshal`` next to lark's own caches, so a warm start imports neither lark nor
pickle: importing lark alone costs a single-file ``dfopt parse`` about a third of its run time.
"""

from __future__ import annotations

import functools
import marshal
import os

# typing only for annotations: importing it costs the parser's start-up (mypy reads this name)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Paths are plain strings (os.path), not pathlib: ``rewriter.parser`` imports this module, and
# pathlib (with what it imports) would be a good part of the parser's own start-up.
_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


def grammar_path(name: str) -> str:
    """Return the path of ``grammars/<name>.lark`` (installed wheel or source checkout)."""
    filename = name if name.endswith(".lark") else f"{name}.lark"
    for folder in (_PACKAGE_DIR, os.path.dirname(_PACKAGE_DIR)):
        candidate = os.path.join(folder, "grammars", filename)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"grammar {filename!r} is not installed with dfopt")


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "dfopt")
    try:
        os.makedirs(folder, exist_ok=True)
        return folder
    except OSError:
        import tempfile

        return tempfile.gettempdir()


@functools.cache
def _load(name: str, frozen_options: tuple[tuple[str, Any], ...]):
    import hashlib

    from lark import Lark  # lazy: importing lark costs ~40 ms

    options = dict(frozen_options)
    path = grammar_path(name)
    text = _read_text(path)
    # lark's cache key covers the grammar text and options; the file name keeps caches apart
    # for different dfopt versions sharing one cache folder.
    key = hashlib.sha256(repr((text, frozen_options)).encode()).hexdigest()[:16]
    stem = os.path.splitext(os.path.basename(path))[0]
    cache_file = os.path.join(_cache_dir(), f"{stem}-{key}.lark-cache")
    options.setdefault("parser", "lalr")
    try:
        return Lark(text, cache=cache_file, **options)
    except OSError:
        return Lark(text, **options)


def load(name: str, **options: Any):
    """Return a (cached) ``lark.Lark`` parser for ``grammars/<name>.lark``.

    Options are passed to ``Lark``; ``parser`` defaults to ``"lalr"``. Options must be hashable
    (pass classes, not instances, for ``lexer``/``postlex`` where lark allows it).
    """
    return _load(name, tuple(sorted(options.items())))


#: Bump when the layout of the data :func:`lalr_tables` returns changes (old caches are ignored).
TABLES_FORMAT = 1


@functools.cache
def lalr_tables(name: str) -> dict[str, Any]:
    """The LALR(1) automaton lark builds for ``grammars/<name>.lark``, as plain data.

    Keys: ``grammar`` (the text it was built from), ``start``/``end`` (the states where parsing
    ``start`` begins and is accepted), ``actions`` (per state, symbol to code: a code >= 0
    shifts to, or after a reduction goes to, that state; ``-1 - i`` reduces by rule ``i``) and
    ``rules`` (``(origin, expansion, alias, expand1)`` per rule, with lark's helper rules for
    ``*``/``?`` spelled out). A cache file is used only when it was built from the same grammar
    text, compared in full.
    """
    text = _read_text(grammar_path(name))
    cache_name = f"{name}-lalr{TABLES_FORMAT}-{_checksum(text)}.marshal"
    cache_file = os.path.join(_cache_dir(), cache_name)
    try:
        with open(cache_file, "rb") as f:
            tables = marshal.loads(f.read())
        if (
            isinstance(tables, dict)
            and tables.get("format") == TABLES_FORMAT
            and tables.get("grammar") == text
        ):
            return tables
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tables = _build_tables(text)
    _write_atomically(cache_file, marshal.dumps(tables))
    return tables


def _checksum(text: str) -> str:
    """Keeps caches of different grammar versions apart (their full text is compared on load).

    Length and byte sum: deterministic across runs (``hash`` of text is not) and cheaper than
    importing zlib for a CRC, which a single-file run would notice.
    """
    data = text.encode("utf-8")
    return f"{len(data)}-{sum(data):x}"


def _build_tables(text: str) -> dict[str, Any]:
    """Let lark compute the automaton (the slow path: imports lark, a few hundred ms)."""
    from lark import Lark
    from lark.lexer import Lexer
    from lark.parsers.lalr_analysis import Shift

    class _NoLexer(Lexer):  # only the parse table is wanted; lark insists on a lexer
        def __init__(self, lexer_conf: Any):
            pass

        def lex(self, data: Any):  # pragma: no cover - never called
            return iter(())

    parser = Lark(text, parser="lalr", lexer=_NoLexer)
    table = parser.parser.parser._parse_table
    # lark numbers states in set order, which varies between runs: renumber them in the order a
    # breadth-first walk from the start state meets them (symbols sorted), and sort the rules,
    # so that the same grammar always gives the same tables.
    rules = sorted(
        parser.rules, key=lambda r: (str(r.origin.name), [str(s.name) for s in r.expansion])
    )
    rule_index = {rule: i for i, rule in enumerate(rules)}
    start = table.start_states["start"]
    order = [start]
    number = {start: 0}
    for state in order:  # grows while walking
        for symbol in sorted(table.states[state], key=str):
            action, arg = table.states[state][symbol]
            if action is Shift and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    actions: list[dict[str, int]] = []
    for state in order:
        codes = {}
        for symbol in sorted(table.states[state], key=str):
            action, arg = table.states[state][symbol]
            codes[str(symbol)] = number[arg] if action is Shift else -1 - rule_index[arg]
        actions.append(codes)
    return {
        "format": TABLES_FORMAT,
        "grammar": text,
        "start": 0,
        "end": number[table.end_states["start"]],
        "actions": actions,
        "rules": [_rule_data(rule) for rule in rules],
    }


def _rule_data(rule: Any) -> tuple[str, tuple[str, ...], str | None, bool]:
    """One lark rule as data; features the driver does not implement are refused here."""
    filtered = [s.name for s in rule.expansion if s.is_term and s.filter_out]
    if filtered or rule.options.empty_indices or rule.options.template_source:
        raise NotImplementedError(f"grammar rule {rule} uses a lark feature the driver lacks")
    alias = str(rule.alias) if rule.alias else None
    expansion = tuple(str(s.name) for s in rule.expansion)  # lark's names may be str subclasses
    return (str(rule.origin.name), expansion, alias, bool(rule.options.expand1))


def _write_atomically(path: str, data: bytes) -> None:
    """Write a cache file so that a concurrent reader never sees half of it; failures are fine."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        import contextlib  # here: only a failed write needs it

        with contextlib.suppress(OSError):
            os.unlink(tmp)
