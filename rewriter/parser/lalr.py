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

# typing only for annotations: importing it costs the parser's start-up (mypy reads this name)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# What a reduction does, chosen once per rule from its shape (fast paths for the common shapes).
_APPEND = 0  # ``_list: _list item``: append to the list below
_WRAP = 1  # ``_list: item``: a new list
_PASS = 2  # ``?rule: item`` without alias: the value is the item's
_CALL1 = 3  # a named rule of one symbol: builder callback over that one child
_LIST = 4  # any other ``_rule``: its children, spliced into the parent
_CALL = 5  # any other named rule: builder callback over its children


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
        plans = [_plan(*rule) for rule in tables["rules"]]
        # Builder methods are looked up per parse (the builder holds the parse's state), by
        # index into this list: binding one callback per name is cheaper than one per rule.
        self._names = sorted({name for _, _, _, name, _, _ in plans if name})
        number = {name: i for i, name in enumerate(self._names)}
        self._rules = {
            -1 - i: (origin, size, op, number.get(name), splice, expand1)
            for i, (origin, size, op, name, splice, expand1) in enumerate(plans)
        }

    def parse(self, kinds: list[str], values: list[Any], builder: Any) -> Any:
        """Parse tokens given as parallel lists of types and values; returns ``start``'s value.

        ``builder`` has a method per named rule (or alias), called with the rule's children.
        The common reductions are done inline (one function call per token matters here).
        """
        actions = self._actions
        rules = self._rules
        callbacks = self._bind(builder)
        state = self._start
        states = [state]
        stack: list[Any] = []
        for index, kind in enumerate(kinds):
            while True:
                try:
                    code = actions[state][kind]
                except KeyError:
                    raise self._error(index, kind, state) from None
                if code >= 0:  # shift
                    states.append(code)
                    stack.append(values[index])
                    state = code
                    break
                rule = rules[code]
                op = rule[2]
                if op == _APPEND:
                    # The list's state is what the automaton goes to from the state below it
                    # on this rule, so popping the item's state is the whole state change.
                    item = stack.pop()
                    stack[-1].append(item)
                    states.pop()
                    state = states[-1]
                    continue
                if op == _PASS:
                    pass
                elif op == _CALL1:
                    stack[-1] = callbacks[rule[3]]([stack[-1]])
                elif op == _WRAP:
                    stack[-1] = [stack[-1]]
                else:
                    _reduce(rule, actions, states, stack, callbacks)
                    state = states[-1]
                    continue
                state = states[-1] = actions[states[-2]][rule[0]]
        # End of input: reduce until the start symbol is accepted.
        while True:
            try:
                code = actions[state]["$END"]
            except KeyError:
                raise self._error(len(kinds), "$END", state) from None
            if code >= 0:  # lark's tables never shift $END
                raise self._error(len(kinds), "$END", state)
            _reduce(rules[code], actions, states, stack, callbacks)
            state = states[-1]
            if state == self._end:
                return stack[-1]

    def start(self, builder: Any) -> LalrState:
        """A parse to feed one token at a time (see :class:`LalrState`)."""
        return LalrState(self, self._bind(builder), [self._start], [])

    def _bind(self, builder: Any) -> list[Any]:
        """The builder's callbacks, in the order the reduction plans refer to them."""
        return [getattr(builder, name) for name in self._names]

    def _error(self, index: int, kind: str, state: int) -> GrammarError:
        expected = sorted(s for s in self._actions[state] if s.isupper() or s == "$END")
        return GrammarError(index, kind, expected)


class LalrState:
    """A parse in progress, fed one token at a time.

    For feeders that must ask the automaton before choosing a token's type (a shell word is a
    reserved word only where the grammar can take one) or that keep snapshots to recover from
    errors. Values are built as :meth:`LalrParser.parse` builds them.
    """

    __slots__ = ("_callbacks", "_parser", "_rules", "stack", "states")

    def __init__(self, parser: LalrParser, callbacks: list[Any], states: list, stack: list):
        self._parser = parser
        self._rules = parser._rules
        self._callbacks = callbacks
        self.states = states  # the automaton's state stack
        self.stack = stack  # the values, one per state above the first

    def feed(self, kind: str, value: Any) -> None:
        """Shift a token (after the reductions it calls for); GrammarError if it cannot be."""
        actions = self._parser._actions
        states = self.states
        while True:
            code = actions[states[-1]].get(kind)
            if code is None:
                raise self._parser._error(len(self.stack), kind, states[-1])
            if code >= 0:
                states.append(code)
                self.stack.append(value)
                return
            _reduce(self._rules[code], actions, states, self.stack, self._callbacks)

    def end(self) -> Any:
        """Finish the parse; returns the value of ``start`` (GrammarError if incomplete)."""
        actions = self._parser._actions
        while True:
            code = actions[self.states[-1]].get("$END")
            if code is None or code >= 0:
                raise self._parser._error(len(self.stack), "$END", self.states[-1])
            _reduce(self._rules[code], actions, self.states, self.stack, self._callbacks)
            if self.states[-1] == self._parser._end:
                return self.stack[-1]

    def accepts(self, kind: str) -> bool:
        """Whether ``kind`` can come next (``$END``: whether the input may end here).

        The current state's table alone is not enough: LALR merges the lookaheads of reductions
        from every context. This replays the reductions on a copy of the state stack.
        """
        actions = self._parser._actions
        states = list(self.states)
        while True:
            code = actions[states[-1]].get(kind)
            if code is None:
                return False
            if code >= 0:
                return True
            origin, size = self._rules[code][:2]
            if size:
                del states[-size:]
            goto = actions[states[-1]][origin]
            if goto == self._parser._end:
                return True
            states.append(goto)

    def copy(self) -> LalrState:
        """An independent snapshot (reductions append to list values, so those are copied)."""
        stack = [list(v) if v.__class__ is list else v for v in self.stack]
        return LalrState(self._parser, self._callbacks, list(self.states), stack)


def _reduce(
    rule: tuple, actions: list[dict[str, int]], states: list[int], stack: list, callbacks: list
) -> None:
    """Reduce by ``rule``: pop its children, push its value and the state the automaton goes to."""
    origin, size, op, callback, splice, expand1 = rule
    if size:
        children = stack[-size:]
        del stack[-size:]
        del states[-size:]
    else:
        children = []
    if splice is not None:
        children = _splice(children, splice)
    if op in (_APPEND, _WRAP, _LIST):
        value = children
        if op == _APPEND:
            value = children[0]
            value.append(children[1])
    elif op == _PASS or (expand1 and len(children) == 1):
        value = children[0]
    else:
        value = callbacks[callback](children)
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
    size = len(expansion)
    if _inlined(origin):
        if size == 2 and expansion[0] == origin and not spread[1]:
            return origin, 2, _APPEND, None, None, False
        if size == 1 and not spread[0]:
            return origin, 1, _WRAP, None, None, False
        return origin, size, _LIST, None, splice, False
    if size == 1 and not spread[0]:
        if expand1:
            return origin, 1, _PASS, None, None, False
        return origin, 1, _CALL1, alias or origin, None, False
    return origin, size, _CALL, alias or origin, splice, expand1


def _inlined(symbol: str) -> bool:
    """lark inlines rules (lower-case symbols) whose name starts with ``_``."""
    return symbol.startswith("_") and not symbol.lstrip("_")[:1].isupper()
