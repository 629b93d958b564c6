"""Parse a POSIX sh script into simple commands: the LALR grammar driven token by token.

The grammar is ``grammars/shell.lark``; its LALR(1) automaton (computed by lark once, then read
from a table cache, see ``rewriter.grammar.lalr_tables``) is run by ``rewriter.parser.lalr``,
so parsing does not import lark. Why feed tokens one by one instead of parsing a token list:
two things need the parser state while tokens are fed. Reserved words are keywords only where
the grammar can accept them (``echo if`` is two plain words), so each word is classified by
looking at the LALR table of the current state. And bad input must not lose the whole script:
the state is saved after every top-level separator, and a syntax error turns the span up to the
next separator into one unknown command, after which parsing resumes from the saved state.

Most scripts never reach the LALR parser: ``flat.py`` reads plain ones (simple commands,
groups and the list operators) from their text straight into Commands, and ``plain.py`` reads
the plain regions it declines (here-documents, ``[[``...) into the tree shape the LALR parser
builds. Both are held to the LALR path by tests. ``_feed_lark`` does what
``_feed`` does over lark's own interactive parser: the reference the tests hold ``_feed`` to.
Everything lark-related is imported inside functions.
"""

from __future__ import annotations

import functools
from typing import Any

from .flat import SHELLS as _SHELLS
from .flat import cwd_after as _cwd_after
from .flat import flat_region, shell_c_body
from .lexer import Lexer, Tok
from .model import Command, Enclosure, Redirect, Script, Word
from .plain import ASSIGNMENT, KEYWORDS, Leaf, Node, plain_tree
from .variables import MAY_CHANGE as _MAY_CHANGE
from .variables import Variables, apply, changes_variables, uncertain

# Reserved words that close a construct: in command position they are keywords even where the
# grammar cannot take them, so that a stray `fi` is a syntax error rather than a command.
_CLOSERS = frozenset({"THEN", "ELSE", "ELIF", "FI", "DO", "DONE", "ESAC", "RBRACE"})
_SEPARATORS = frozenset({"NEWLINE", "SEMI", "AMP"})
_CONNECTORS = {
    "AND_IF": "&&",
    "OR_IF": "||",
    "SEMI": ";",
    "AMP": "&",
    "NEWLINE": "\n",
    "PIPE": "|",
}
_CLAUSES_CONDITIONAL = frozenset({"if_clause", "while_clause", "until_clause", "for_clause"})


@functools.lru_cache(maxsize=2048)
def parse_shell(script: str) -> Script:
    """Split ``script`` into its simple commands; never raises on bad input.

    Results are cached by text (a Script is immutable): the model, several rules and the
    fixes all ask about the same RUN bodies, and each is parsed once.

    Spans in the result are offsets into ``script``. Commands nested in ``( )``, ``{ }``,
    ``$( )``, backticks (without escapes), compound commands, function bodies and
    ``sh -c '...'`` bodies are included, in source order.
    """
    return parse_shell_uncached(script)


def parse_shell_uncached(
    script: str,
    *,
    plain_fast_path: bool = True,
    lark_reference: bool = False,
    flat_fast_path: bool = True,
) -> Script:
    """``parse_shell`` without its cache.

    ``plain_fast_path=False`` sends every region through the LALR parser, the reference
    definition of the language; tests compare both ways over many scripts.
    ``flat_fast_path=False`` reads flat scripts through the plain tree and the walker instead
    of ``flat.flat_commands`` (tests compare the two).
    ``lark_reference=True`` feeds those regions to lark's own parser instead of dfopt's LALR
    driver (tests compare the two).
    """
    state = _State(script, plain_fast_path, _feed_lark if lark_reference else _feed)
    state.flat_fast_path = plain_fast_path and flat_fast_path and not _may_nest_deeply(script)
    try:
        state.parse_region(0, len(script), cwd=".", outer=())
    except RecursionError:  # absurd nesting: report the whole script as not understood
        return Script(script, (_unknown(0, len(script), ()),), False)
    if state.in_order:
        commands = tuple(state.commands)
    else:
        commands = tuple(sorted(state.commands, key=lambda c: (c.start, -c.end)))
    return Script(script, commands, state.ok)


#: Scripts with more openers than this (``(``, backquotes, ``{`` not after ``$``) skip the flat
#: path (see ``_may_nest_deeply``).
_FLAT_MAX_OPENERS = 64


def _may_nest_deeply(script: str) -> bool:
    """Whether ``script`` may nest deeply enough for the general path to run out of stack.

    The general path gives up on absurd nesting (a RecursionError makes the whole script
    unknown); the flat path uses fewer frames per level, so it would still read some of those
    scripts, and the result would change. A script with at most ``_FLAT_MAX_OPENERS`` openers
    nests at most that deep, far from the recursion limit on either path; any other takes the
    general path, exactly as before the flat path existed.
    """
    if len(script) <= _FLAT_MAX_OPENERS:
        return False  # (each opener is a character: the count below is at most the length)
    return (
        script.count("(") + script.count("`") + script.count("{") - script.count("${")
        > _FLAT_MAX_OPENERS
    )


def _lark_parser() -> Any:
    from rewriter.grammar import load

    return load("shell", lexer="basic")


@functools.cache
def _lalr() -> tuple[Any, list[Any]]:
    """dfopt's LALR driver over the shell grammar's tables, and the node builders bound once."""
    from rewriter.grammar import lalr_tables
    from rewriter.parser.lalr import LalrParser

    parser = LalrParser(lalr_tables("shell"))
    return parser, parser._bind(_NodeBuilder())


class _NodeBuilder:
    """Builds every named rule as a ``Node`` (what lark's Tree is to the walker)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda children: Node(name, children)


def _unknown(start: int, end: int, outer: tuple[Enclosure, ...]) -> Command:
    return Command((), (), (), start, end, None, None, False, False, len(outer), outer)


class _State:
    """Collects commands while regions of one script text are parsed (recursively)."""

    def __init__(self, text: str, plain_fast_path: bool = True, feed: Any = None) -> None:
        self.text = text
        self.commands: list[Command] = []
        self.ok = True
        self.plain_fast_path = plain_fast_path
        self.feed = _feed if feed is None else feed
        self.flat_fast_path = plain_fast_path
        #: True when ``commands`` are known to be in source order already (see parse_region).
        self.in_order = False
        #: The shell variables set so far (``variables.py``): the walkers update it as they
        #: record commands, and save and restore it around subshells.
        self.variables: Variables = ()

    # -- parsing a region ------------------------------------------------------------------

    def parse_region(
        self, start: int, end: int, cwd: str | None, outer: tuple[Enclosure, ...]
    ) -> None:
        """Parse ``text[start:end]`` as a script nested in ``outer`` (outermost first).

        A nested region (``$( )``, ``sh -c``) runs in a child shell: the variables it sets are
        gone after it, so they are restored here.
        """
        variables = self.variables  # (a RecursionError abandons the whole parse)
        if self.flat_fast_path:
            flat = flat_region(self.text, start, end, cwd, outer, self.parse_region, self)
            if flat is not None:
                # The flat path records a region's commands in source order; when nothing
                # else was recorded (no nested region), they need no sorting.
                self.in_order = not outer and not self.commands
                self.commands += flat
                self.variables = variables
                return
        lexer = Lexer(self.text, start, end)
        tokens = lexer.tokens()
        if not lexer.ok:
            self.ok = False
        tree = plain_tree(tokens) if self.plain_fast_path else None
        if tree is None:
            tree, unknown = self.feed(tokens)
            for first, last in unknown:
                self.ok = False
                self.commands.append(_unknown(tokens[first].start, tokens[last].end, outer))
        if tree is not None:
            _Walker(self, tokens, outer).walk_list(tree.children, cwd)
        self.variables = variables


def _feed(tokens: list[Tok]) -> tuple[Any, list[tuple[int, int]]]:
    """Feed ``tokens`` to the LALR parser; return the tree and unknown token ranges.

    Snapshots are ``LalrState.copy()``: the list values that later reductions extend are
    copied, so feeding on never changes a snapshot (lark's ``copy(deepcopy_values=False)``
    shares them).
    """
    from rewriter.parser.lalr import GrammarError, LalrState

    parser, callbacks = _lalr()
    state = LalrState(parser, callbacks, [parser._start], [])
    snapshot, snap_i = state.copy(), 0
    unknown: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "WORD":
            keyword = KEYWORDS.get(tok.text)
            if keyword is not None and (
                state.accepts(keyword) or (keyword in _CLOSERS and state.accepts("IF"))
            ):
                kind = keyword  # a closer in command position (`fi` alone) is a syntax error
            elif ASSIGNMENT.match(tok.text) and state.accepts("ASSIGNMENT_WORD"):
                kind = "ASSIGNMENT_WORD"
        try:
            state.feed(kind, Leaf(kind, i))
        except GrammarError:
            j = i
            while j < n and tokens[j].type not in _SEPARATORS:
                j += 1
            last = max(j - 1, snap_i) if j < n else n - 1
            unknown.append((snap_i, max(last, snap_i)))
            state = snapshot.copy()
            i = snap_i = max(j + 1, snap_i + 1)
            continue
        if kind in _SEPARATORS and state.accepts("$END"):
            snapshot, snap_i = state.copy(), i + 1
        i += 1
    try:
        tree = state.end()
    except GrammarError:
        if snap_i < n:
            unknown.append((snap_i, n - 1))
        tree = snapshot.end()
    return tree, unknown


def _feed_lark(tokens: list[Tok]) -> tuple[Any, list[tuple[int, int]]]:
    """``_feed`` over lark's interactive parser (the reference for tests)."""
    from lark import Token
    from lark.exceptions import UnexpectedToken

    state = _lark_parser().parse_interactive().parser_state
    states = state.parse_conf.states
    end_state = state.parse_conf.end_state
    snapshot, snap_i = state.copy(deepcopy_values=False), 0
    unknown: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "WORD":
            keyword = KEYWORDS.get(tok.text)
            if keyword is not None and (
                _accepts(states, state.state_stack, keyword)
                or (keyword in _CLOSERS and _accepts(states, state.state_stack, "IF"))
            ):
                kind = keyword  # a closer in command position (`fi` alone) is a syntax error
            elif ASSIGNMENT.match(tok.text) and _accepts(
                states, state.state_stack, "ASSIGNMENT_WORD"
            ):
                kind = "ASSIGNMENT_WORD"
        try:
            state.feed_token(Token(kind, tok.text, start_pos=i))
        except UnexpectedToken:
            j = i
            while j < n and tokens[j].type not in _SEPARATORS:
                j += 1
            last = max(j - 1, snap_i) if j < n else n - 1
            unknown.append((snap_i, max(last, snap_i)))
            state = snapshot.copy(deepcopy_values=False)
            i = snap_i = max(j + 1, snap_i + 1)
            continue
        if kind in _SEPARATORS and _accepts(states, state.state_stack, "$END", end_state):
            snapshot, snap_i = state.copy(deepcopy_values=False), i + 1
        i += 1
    try:
        tree = state.feed_token(Token("$END", ""), True)
    except UnexpectedToken:
        if snap_i < n:
            unknown.append((snap_i, n - 1))
        tree = snapshot.feed_token(Token("$END", ""), True)
    return tree, unknown


def _accepts(states: Any, stack: list[Any], kind: str, end_state: Any = None) -> bool:
    """Whether the parser can shift a ``kind`` token now, reductions included.

    The table of the current state alone is not enough: LALR merges the lookaheads of reduce
    actions from every context, so ``THEN`` may look acceptable after ``echo`` until the
    reductions run. This replays them on a copy of the state stack, without building trees.
    """
    from lark.parsers.lalr_analysis import Shift

    stack = list(stack)
    while True:
        action = states[stack[-1]].get(kind)
        if action is None:
            return False
        what, arg = action
        if what is Shift:
            return True
        size = len(arg.expansion)
        if size:
            del stack[-size:]
        goto = states[stack[-1]][arg.origin.name][1]
        if goto == end_state:
            return True
        stack.append(goto)


class _Walker:
    """Walks the lark tree of one region, emitting Commands and tracking ``cd``.

    ``outer`` (here and in every method) is the tuple of enclosures around the list being
    walked, outermost first; a command's ``depth`` is its length.
    """

    def __init__(self, state: _State, tokens: list[Tok], outer: tuple[Enclosure, ...]) -> None:
        self.state = state
        self.tokens = tokens
        self.outer = outer

    def tok(self, lark_token: Any) -> Tok:
        return self.tokens[lark_token.start_pos]

    # -- lists -----------------------------------------------------------------------------

    def walk_list(
        self, children: list[Any], cwd: str | None, outer: tuple[Enclosure, ...] | None = None
    ) -> Any:
        """Walk a flat list (the script or a compound_list); return the cwd after it."""
        outer = self.outer if outer is None else outer
        # and-or groups: [(connector, node), ...] and the separator that ends each group
        groups: list[tuple[list[tuple[str | None, Any]], str | None]] = []
        current: list[tuple[str | None, Any]] = []
        pending: str | None = None
        for child in children:
            if type(child) is Leaf or _is_token(child):  # the fast path's leaves first
                if pending is None and child.type in _CONNECTORS:
                    pending = _CONNECTORS[child.type]
                    if pending in (";", "&", "\n") and current:
                        groups.append((current, pending))
                        current = []
                continue
            current.append((pending, child))
            pending = None
        if current:
            groups.append((current, None))
        sole = len(groups) == 1 and len(groups[0][0]) == 1  # groups are never empty
        state = self.state
        for items, terminator in groups:
            before = cwd
            variables = state.variables
            background = terminator == "&"
            cwd = self.walk_and_or(items, cwd, outer, sole, background)
            if background:  # a background job runs in a subshell
                cwd = before
                state.variables = variables
        return cwd

    def walk_and_or(
        self,
        items: list[tuple[str | None, Any]],
        cwd: str | None,
        outer: tuple[Enclosure, ...],
        sole: bool,
        background: bool,
    ) -> str | None:
        """Walk ``a && b || c``; a ``cd`` reached only on a failure path makes cwd unknown.

        Variables: the first command always runs; once a ``||`` is seen, what the commands
        after the first changed may not have happened (``variables.uncertain``).
        """
        start = cwd
        seen_or = False
        state = self.state
        first: Variables = ()
        for k, (connector, node) in enumerate(items):
            if connector == "||":
                seen_or = True
            if seen_or:
                state.variables = uncertain(first, state.variables)
            run_in = None if seen_or and cwd != start else cwd
            after = self.walk_node(node, run_in, connector, outer, sole, False, background)
            if k == 0:
                first = state.variables
            if not seen_or:
                cwd = after
            elif after != run_in:
                cwd = None
        if seen_or:
            state.variables = uncertain(first, state.variables)
        return cwd

    # -- nodes -----------------------------------------------------------------------------

    def walk_node(
        self,
        node: Any,
        cwd: str | None,
        connector: str | None,
        outer: tuple[Enclosure, ...],
        sole: bool,
        piped: bool,
        background: bool,
    ) -> str | None:
        """Walk one command of a list; ``piped``/``background`` say how the list runs it
        (only a compound command records them, in its Enclosure)."""
        kind = node.data
        if kind == "simple_command":
            return self.simple_command(node, cwd, connector, outer, sole)
        if kind == "pipeline":
            elements = [c for c in node.children if not _is_token(c)]
            if len(elements) == 1:  # `! cmd`
                return self.walk_node(elements[0], cwd, connector, outer, sole, piped, background)
            variables = self.state.variables
            for k, element in enumerate(elements):
                link = connector if k == 0 else "|"
                self.walk_node(element, cwd, link, outer, False, True, background)
                self.state.variables = variables
            return cwd  # pipeline elements run in subshells
        if kind == "compound_command":
            how = (connector, piped, background)
            return self.compound(node, cwd, outer, how, node.children[0].data)
        if kind == "function_def":
            body = node.children[-1]
            variables = self.state.variables
            self.compound(body, cwd, outer, (None, False, False), "function_def")
            # the body runs when the function is called, perhaps never
            self.state.variables = uncertain(variables, self.state.variables)
            return cwd
        return cwd  # pragma: no cover - the grammar has no other command kinds

    def compound(
        self,
        node: Any,
        cwd: str | None,
        outer: tuple[Enclosure, ...],
        how: tuple[str | None, bool, bool],
        kind: str,
    ) -> str | None:
        """Walk a ``compound_command`` (a clause and its redirections) whose Enclosure has
        ``kind``; ``how`` is its (connector, piped, background)."""
        clause, redirect_nodes = node.children[0], node.children[1:]
        redirects = tuple(self.redirect(r) for r in redirect_nodes)
        for r in redirect_nodes:  # a $( ) in a target runs outside the compound command
            self.nested(self.tok(r.children[-1]), cwd, outer)
        lists = [c for c in clause.children if not _is_token(c) and c.data == "compound_list"]
        header: list[Word] = []  # the WORD tokens of the clause itself (for/case words)
        after_in = False
        for child in clause.children:
            if _is_token(child) and child.type == "WORD":  # for/case words: nested $( )
                tok = self.tok(child)
                self.nested(tok, cwd, outer)
                if after_in or clause.data == "case_clause":
                    assert tok.word is not None
                    header.append(tok.word)
            elif _is_token(child) and child.type == "IN":
                after_in = True
            elif not _is_token(child) and child.data in ("case_item", "case_item_ns"):
                lists.extend(
                    c for c in child.children if not _is_token(c) and c.data == "compound_list"
                )
        words: tuple[Word, ...] | None = ()
        if clause.data == "for_clause":
            words = tuple(header) if after_in else None
        elif clause.data == "case_clause":
            words = tuple(header)
        start = self.tok(clause.children[0]).start
        end = redirects[-1].end if redirects else self.tok(clause.children[-1]).end
        enclosure = Enclosure(kind, start, end, redirects, words, *how)
        inner = (*outer, enclosure)
        state = self.state
        if clause.data == "brace_group":
            return self.walk_list(lists[0].children, cwd, inner)
        if clause.data == "subshell":
            variables = state.variables
            self.walk_list(lists[0].children, cwd, inner)
            state.variables = variables
            return cwd
        current = cwd
        variables = state.variables
        for k, compound_list in enumerate(lists):
            if k:  # a body, an else branch, a case item, a later loop pass: may not follow
                state.variables = uncertain(variables, state.variables)
            current = self.walk_list(compound_list.children, current, inner)
        state.variables = uncertain(variables, state.variables)
        if clause.data in _CLAUSES_CONDITIONAL or clause.data == "case_clause":
            return cwd if current == cwd else None
        return current  # pragma: no cover

    def simple_command(
        self,
        node: Any,
        cwd: str | None,
        connector: str | None,
        outer: tuple[Enclosure, ...],
        sole: bool,
    ) -> str | None:
        words: list[Word] = []
        assignments: list[Word] = []
        redirects: list[Redirect] = []
        tokens = self.tokens
        start = end = -1
        for child in node.children:
            if type(child) is Leaf or _is_token(child):  # the fast path's leaves first
                tok = tokens[child.start_pos]
                assert tok.word is not None
                (assignments if child.type == "ASSIGNMENT_WORD" else words).append(tok.word)
                if tok.subs:
                    self.nested(tok, cwd, outer)
                first, last = tok.start, tok.end
            else:
                redirect = self.redirect(child)
                self.nested(self.tok(child.children[-1]), cwd, outer)
                redirects.append(redirect)
                first, last = redirect.start, redirect.end
            if start < 0:
                start = first
            end = last
        command = Command(
            tuple(words), tuple(assignments), tuple(redirects), start, end, connector, cwd,
            True, sole, len(outer), outer, self.state.variables,
        )  # fmt: skip
        self.state.commands.append(command)
        name = command.name
        if name in _SHELLS:
            self.shell_c_body(command, cwd, outer)
        if name in _MAY_CHANGE and changes_variables(command):
            self.state.variables = apply(command, self.state.variables)
        return _cwd_after(command, cwd, name)

    def redirect(self, node: Any) -> Redirect:
        toks = [self.tok(c) for c in node.children]
        fd = int(toks[0].text) if toks[0].type == "IO_NUMBER" else None
        op = toks[-2]
        target = toks[-1].word
        assert target is not None
        return Redirect(fd, op.text, target, toks[0].start, toks[-1].end, op.heredoc)

    # -- nested scripts --------------------------------------------------------------------

    def nested(self, tok: Tok, cwd: str | None, outer: tuple[Enclosure, ...]) -> None:
        """Parse the ``$( )`` and backtick bodies of one word as scripts of their own."""
        for start, end in tok.subs:
            inner = (*outer, Enclosure("substitution", start, end))
            self.state.parse_region(start, end, cwd, inner)

    def shell_c_body(self, command: Command, cwd: str | None, outer: tuple[Enclosure, ...]) -> None:
        """Parse the script of ``sh -c '...'`` when its text maps 1:1 onto the source."""
        shell_c_body(self.state.parse_region, command, cwd, outer)


def _is_token(node: Any) -> bool:
    """A token (lark's Token or the fast path's Leaf), not a tree node."""
    kind = type(node)
    if kind is Leaf:
        return True
    if kind is Node:
        return False
    return not hasattr(node, "data")
