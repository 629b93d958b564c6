"""Run a lark grammar's LALR(1) automaton over pre-classified tokens, without lark.

Why: the Dockerfile grammar sees one token per physical line, and lark's generic parser loop
(token objects, a callback wrapper per rule, its own error machinery) was about half of the
parse time; importing lark was a third of a single-file ``dfopt parse``. The automaton is still
lark's, computed from ``grammars/*.lark`` (see :func:`rewriter.grammar.lalr_tables`); this
module only executes it, building values exactly as lark's LALR parser does with an inline
transformer:

- a rule whose name starts with ``_`` (lark's helpers for ``x*``, ``x?`` included) has no value of
  its own: its children are spliced into the rule that uses it;
- a ``?rule`` without an alias that ends up with one child is replaced by that child;
- every other rule calls the builder method named after its alias, or after the rule.

``tests/parser/test_lalr.py`` checks that trees built here equal those lark builds.
"""

from __future__ import annotations

from typing import Any

# What a reduction does, chosen once per rule from its shape (fast paths for the common shapes).
_APPEND = 0  # ``_list: _list item``: append to the list below
_LIST = 1  # any other ``_rule``: its children, spliced into the parent
_PASS = 2  # ``?rule: item`` without alias: the value is the item's
_CALL = 3  # a named rule: builder callback over its children


class GrammarError(Exception):
    """The tokens do not form a sentence of the grammar (``index`` is the offending token)."""

    def __init__(self, index: int, kind: str, expected: list[str]):
        super().__init__(f"unexpected {kind} token at index {index}; expected one of {expected}")
        self.index = index
        self.kind = kind
        self.expected = expected


class LalrParser:
    """An LALR(1) driver over tables from :func:`rewriter.grammar.lalr_tables`."""

    def __init__(self, tables: dict[str, Any]):
        self._actions: list[dict[str, int]] = tables["actions"]
        self._start: int = tables["start"]
        self._end: int = tables["end"]
        self._rules = [_plan(*rule) for rule in tables["rules"]]

    def parse(self, kinds: list[str], values: list[Any], builder: Any) -> Any:
        """Parse tokens given as parallel lists of types and values; returns ``start``'s value.

        ``builder`` has a method per named rule (or alias), called with the rule's children.
        """
        actions = self._actions
        rules = [
            (origin, size, op, getattr(builder, name) if op == _CALL else None, splice, expand1)
            for origin, size, op, name, splice, expand1 in self._rules
        ]
        states = [self._start]
        stack: list[Any] = []
        index = 0
        for index, kind in enumerate(kinds):
            while True:
                state = states[-1]
                try:
                    code = actions[state][kind]
                except KeyError:
                    raise self._error(index, kind, state) from None
                if code >= 0:  # shift
                    states.append(code)
                    stack.append(values[index])
                    break
                _reduce(rules[-1 - code], actions, states, stack)
        # End of input: reduce until the start symbol is accepted.
        while True:
            state = states[-1]
            try:
                code = actions[state]["$END"]
            except KeyError:
                raise self._error(len(kinds), "$END", state) from None
            if code >= 0:  # lark's tables never shift $END
                raise self._error(len(kinds), "$END", state)
            _reduce(rules[-1 - code], actions, states, stack)
            if states[-1] == self._end:
                return stack[-1]

    def _error(self, index: int, kind: str, state: int) -> GrammarError:
        expected = sorted(s for s in self._actions[state] if s.isupper() or s == "$END")
        return GrammarError(index, kind, expected)


def _reduce(rule: tuple, actions: list[dict[str, int]], states: list[int], stack: list) -> None:
    """Reduce by ``rule``: pop its children, push its value and the state the automaton goes to."""
    origin, size, op, callback, splice, expand1 = rule
    if op == _APPEND:
        item = stack.pop()
        stack[-1].append(item)
        del states[-2:]
    elif op == _PASS:  # the value stays; only the state changes
        states.pop()
    else:
        if size:
            children = stack[-size:]
            del stack[-size:]
            del states[-size:]
        else:
            children = []
        if splice is not None:
            children = _splice(children, splice)
        if op == _LIST:
            value = children
        elif expand1 and len(children) == 1:
            value = children[0]
        else:
            value = callback(children)
        stack.append(value)
    states.append(actions[states[-1]][origin])


def _splice(children: list, splice: tuple[bool, ...]) -> list:
    """Children with the values of ``_`` rules (lists) spread out in place."""
    out: list = []
    for child, spread in zip(children, splice, strict=True):
        if spread:
            out.extend(child)
        else:
            out.append(child)
    return out


def _plan(
    origin: str, expansion: tuple[str, ...], alias: str | None, expand1: bool
) -> tuple[str, int, int, str | None, tuple[bool, ...] | None, bool]:
    """How to reduce by one rule: ``(origin, size, op, callback name, splice mask, expand1)``."""
    spread = tuple(_inlined(symbol) for symbol in expansion)
    splice = spread if any(spread) else None
    expand1 = expand1 and not alias  # lark does not inline a single child of an aliased rule
    if _inlined(origin):
        if len(expansion) == 2 and expansion[0] == origin and not spread[1]:
            return origin, 2, _APPEND, None, None, False
        return origin, len(expansion), _LIST, None, splice, False
    if expand1 and len(expansion) == 1 and not spread[0]:
        return origin, 1, _PASS, None, None, False
    return origin, len(expansion), _CALL, alias or origin, splice, expand1


def _inlined(symbol: str) -> bool:
    """lark inlines rules (lower-case symbols) whose name starts with ``_``."""
    return symbol.startswith("_") and not symbol.lstrip("_")[:1].isupper()
