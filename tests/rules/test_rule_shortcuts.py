"""Rules' shortcuts (``RuleContext.fast_paths``) find exactly what the general path finds.

With ``fast_paths`` on, a rule may return early or skip a RUN, COPY or word when a cheap test
shows it cannot give a finding (no instruction of the kind the rule is about, no word that
could hold a secret...). These tests lint every corpus and BuildKit conformance file with the
shortcuts on and off, with and without the build context, and require the same findings,
fixes included, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.parser import ParseError
from rewriter.rules.context import RuleContext
from rewriter.rules.engine import lint_source
from tests.conftest import corpus_dockerfiles


def _dockerfiles() -> list[tuple[Path, str]]:
    return corpus_dockerfiles()


def _lint_all(files: list[tuple[Path, str]]) -> list[str]:
    out = []
    for path, text in files:
        for context_dir in (path.parent, None):
            try:
                result = lint_source(text, path=str(path), context_dir=context_dir)
            except ParseError:
                continue
            out.append(repr(result.error) + repr(result.findings))
            out.extend(repr((f.fix, f.secrets)) for f in result.findings)
    return out


def test_shortcuts_find_what_the_general_path_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _dockerfiles()
    assert len(files) > 100
    fast = _lint_all(files)
    monkeypatch.setattr(RuleContext, "fast_paths", False)
    general = _lint_all(files)
    assert len(fast) == len(general)
    for a, b in zip(fast, general, strict=True):
        assert a == b
    assert sum(text.count("Finding(") for text in fast) > 500


def test_may_have_reads_the_instruction_names() -> None:
    from rewriter.parser import parse

    text = "FROM alpine\nMAINTAINER me\nrun true\n"
    ctx = RuleContext(text, parse(text))
    assert ctx.instruction_names == {"from", "maintainer", "run"}
    assert ctx.may_have("run") and ctx.may_have("cmd", "maintainer")
    assert not ctx.may_have("workdir", "cmd")


def _command_secrets_reference(cmd):
    """DF202's ``_command_secrets`` as first written (every test for every word)."""
    import posixpath

    from rewriter.analyse.secrets import find_secret_values, is_secret_name
    from rewriter.rules.checks import secret_in_run_command as df202

    hits = []
    seen: set[str] = set()

    def add(what, value, word):
        if value not in seen:
            seen.add(value)
            hits.append(df202._Hit(what, value, word.start, word.end))

    for word in cmd.assignments:
        key, _, value = (word.value or "").partition("=")
        if word.value is not None and is_secret_name(key) and df202._literal(value):
            add(f"a secret in {key}", value, word)
    words = list(cmd.words)
    name = posixpath.basename(words[0].value or "") if words and words[0].value else None
    for i, word in enumerate(words):
        value = word.value
        if value is None:
            continue
        following = words[i + 1] if i + 1 < len(words) else None
        for found in find_secret_values(value):
            add(found.kind, found.value, word)
        if value in df202._HEADER_FLAGS or value.startswith("--header="):
            header = (
                value.partition("=")[2]
                if value.startswith("--header=")
                else (following.value if following else None)
            )
            target = word if value.startswith("--header=") else following
            secret = df202._header_secret(header)
            if secret and target is not None:
                add("a credential in an HTTP header", secret, target)
        if name in ("curl",) and value in df202._USER_FLAGS and following and following.value:
            _, sep, password = following.value.partition(":")
            if sep and df202._literal(password):
                add("a password in a -u user:password option", password, following)
        mysql_password = value[2:] if value.startswith("-p") and value[2:3] != "-" else ""
        if name in df202._MYSQL and df202._literal(mysql_password):
            add("a MySQL password", mysql_password, word)
        flags = df202._VALUE_FLAGS.get(name, ())
        secret_next = following.value if following and value in flags else None
        if secret_next and df202._literal(secret_next):
            add(f"a password for {name}", secret_next, following)
        if i > 0 and "=" in value:
            for match in df202._ASSIGNMENT.finditer(value):
                key, secret = match.group("key"), match.group("value")
                if is_secret_name(key.lstrip("_-")) and df202._literal(secret):
                    add(f"a secret in {key.lstrip('-')}", secret, word)
        if name == "export" and i > 0 and "=" in value:
            key, _, secret = value.partition("=")
            if is_secret_name(key) and df202._literal(secret):
                add(f"a secret in {key}", secret, word)
    return hits


_SECRET_COMMANDS = [
    "curl -H 'Authorization: Bearer abcdef123456' -u user:pa55word https://x",
    "curl --header=X-Api-Key:abcdefgh123 -U me:secretpw https://x",
    "mysql -pS3cretPass -u root",
    "mysqldump -p -psecret --password=abcd1234",
    "docker login -p hunter22xx -u me",
    "sshpass -p t0psecret ssh host",
    "helm repo add --password abcdefgh x",
    "export API_TOKEN=abcdef123456 PATH=/x",
    "GITHUB_TOKEN=ghp_abcdefabcdefabcdefabcdefabcdefabcdef make",
    "env NPM_TOKEN=npm_abcdefabcdefabcdefabcdefabcdefabcdef npm ci",
    "pip install --index-url https://user:pa55w0rd@pypi.example.com/simple x",
    "git clone https://oauth2:glpat-abcdefghij0123456789@gitlab.com/x.git",
]


def test_run_command_secrets_agree_with_the_loop_as_first_written() -> None:
    from rewriter.analyse.shell import parse_shell
    from rewriter.parser import parse
    from rewriter.rules.checks.secret_in_run_command import _command_secrets

    checked = 0
    scripts = [parse_shell(text) for text in _SECRET_COMMANDS]
    for path, text in _dockerfiles():
        try:
            tree = parse(text)
        except ParseError:
            continue
        ctx = RuleContext(text, tree, path=str(path), context_dir=path.parent)
        scripts.extend(s.script for run in ctx.model.runs() for s in run.scripts)
    found = 0
    for script in scripts:
        for cmd in script.commands:
            if cmd.known:
                fast = _command_secrets(cmd)
                assert fast == _command_secrets_reference(cmd), script.text
                checked += 1
                found += len(fast)
    assert checked > 500 and found > 15


_FETCHING = """FROM golang
ENV GOPRIVATE=github.com/acme
RUN git config --global url."git@github.com:".insteadOf "https://github.com/" && go mod download
RUN GONOPROXY=x go build ./... && go get example.com/m
RUN git clone git@github.com:acme/private.git && git -C x fetch ssh://git@host:2222/r.git
RUN git clone https://user:ghp_abcdefabcdefabcdefabcdefabcdefabcdef@github.com/a/b.git
RUN git clone 'https://$TOKEN@github.com/a/b.git' /src; git pull
RUN pip install git+ssh://git@github.com/acme/lib.git "git+https://u:p4ssw0rd@h/x.git"
RUN npm install git@github.com:acme/pkg.git && yarn add git+https://tok@h/y && pnpm i x
RUN --mount=type=ssh git clone git@github.com:acme/ok.git
RUN --mount=type=secret,id=netrc uv sync git+https://t@h/z && bundle install
RUN /usr/bin/git clone git@gitlab.com:a/b.git && ./go mod download
"""


def _fetches_reference(run):
    """DF204's ``_fetches`` as first written (every command's words read)."""
    import posixpath

    from rewriter.rules.checks import private_fetch_without_mount as df204

    found = []
    variables = run.state.variables
    for item in run.commands:
        cmd = item.command
        if not cmd.known or not cmd.words:
            continue
        argv = [w.value or "" for w in cmd.words]
        name = posixpath.basename(argv[0])
        urls: list[str] = []
        if name == "git" and any(a in df204._GIT_FETCHES for a in argv[1:3]):
            urls = [w.raw.strip("'\"") for w in cmd.words[2:]]
        elif name in df204._INSTALLERS and any(
            a in ("install", "add", "sync", "i") for a in argv[1:3]
        ):
            urls = [a for a in argv[2:] if "git+" in a or a.startswith("git@")]
        elif (
            name == "go"
            and len(argv) > 1
            and (argv[1] in df204._GO_FETCHES or argv[1:3] == ["mod", "download"])
        ):
            env = dict(variables)
            env.update(cmd.env())
            if any(k in env and env[k] != "" for k in ("GOPRIVATE", "GONOPROXY")):
                host = df204._go_ssh_host(run)
                kind = "ssh" if host else "goprivate"
                found.append(df204._Fetch(kind, host, None, cmd, item.script))
            continue
        for raw_word in cmd.words[1:]:
            raw = raw_word.raw.strip("'\"")
            value = raw_word.value or raw
            if value not in urls and raw not in urls:
                continue
            fetch = df204._classify(value if raw_word.value is not None else raw, cmd, item.script)
            if fetch is not None:
                found.append(fetch)
                break
    return found


def test_private_fetches_agree_with_the_loop_as_first_written() -> None:
    from rewriter.parser import parse
    from rewriter.rules.checks.private_fetch_without_mount import _fetches

    runs = 0
    found = 0
    extra = (Path("Dockerfile"), _FETCHING)
    for path, text in [*_dockerfiles(), extra]:
        try:
            tree = parse(text)
        except ParseError:
            continue
        ctx = RuleContext(text, tree, path=str(path), context_dir=path.parent)
        for run in ctx.model.runs():
            fast = _fetches(run)
            assert fast == _fetches_reference(run), run.instruction.args
            runs += 1
            found += len(fast)
    assert runs > 300 and found > 10


def test_declared_view_is_every_instructions_declarations() -> None:
    from rewriter.analyse.secrets import declarations
    from rewriter.parser import parse

    seen = 0
    for path, text in _dockerfiles():
        try:
            tree = parse(text)
        except ParseError:
            continue
        ctx = RuleContext(text, tree, path=str(path))
        general = [(ins, declarations(ins)) for ins in tree.instructions]
        assert ctx.declared == [(ins, decls) for ins, decls in general if decls]
        seen += len(ctx.declared)
    assert seen > 100


def _suppressions_reference(tree):
    """``read_suppressions`` as first written (every instruction's lines visited)."""
    from rewriter.parser import Comment, Instruction
    from rewriter.rules import suppressions as sup

    result = sup.Suppressions()
    check = tree.directive("check")
    if check:
        for part in check.value.split(";"):
            key, _, value = part.partition("=")
            if key.strip().lower() == "skip":
                result.buildkit_skips |= sup._codes(value)
    pending: set[str] = set()
    pending_hadolint: set[str] = set()
    for node in tree.nodes:
        if isinstance(node, Comment):
            text = node.text.strip()
            m = sup._DFOPT.match(text)
            if m:
                key, _, value = m.group("body").strip().partition("=")
                key = key.strip().lower()
                if key == "ignore-file":
                    result.file_codes |= sup._codes(value) if value.strip() else {sup.ALL}
                elif key == "ignore":
                    pending |= sup._codes(value) if value.strip() else {sup.ALL}
                elif key == "legacy-builder":
                    result.legacy_builder = True
                continue
            h = sup._HADOLINT.match(text)
            if h:
                pending_hadolint |= sup._codes(h.group("codes"))
            continue
        if isinstance(node, Instruction):
            for line in range(node.start_line, node.end_line + 1):
                if pending:
                    result.by_line.setdefault(line, set()).update(pending)
                if pending_hadolint:
                    result.hadolint_by_line.setdefault(line, set()).update(pending_hadolint)
        pending, pending_hadolint = set(), set()
    return result


_SUPPRESSED = """# check=skip=StageNameCasing
FROM alpine AS Build
# dfopt: ignore=DF101,DF203
# hadolint ignore=DL3008
RUN apt-get update && \\
    apt-get install -y curl

# dfopt: ignore
COPY . .
# dfopt: ignore-file=DF405
# dfopt: legacy-builder
MAINTAINER me
"""


def test_suppressions_skip_nothing_the_first_written_loop_reads() -> None:
    from rewriter.parser import parse
    from rewriter.rules.suppressions import read_suppressions

    texts = [text for _, text in _dockerfiles()] + [_SUPPRESSED]
    found = 0
    for text in texts:
        try:
            tree = parse(text)
        except ParseError:
            continue
        fast = read_suppressions(tree)
        assert fast == _suppressions_reference(tree)
        found += fast.any()
    assert found > 1


def test_no_secret_shape_matches_a_word_shorter_than_df202_reads() -> None:
    import re._parser as sre

    from rewriter.analyse import secrets
    from rewriter.rules.checks.secret_in_run_command import SHORTEST_SECRET

    shortest = sre.parse(secrets._ANY_SHAPE.pattern).getwidth()[0]
    assert shortest >= SHORTEST_SECRET
    assert secrets.find_secret_values("a://b:c@d")  # the bound is tight


def test_linting_leaves_the_tree_as_parsed() -> None:
    """The fixer checks the round trip on the tree the last lint used instead of a third parse:
    no rule may change a tree (every corpus and conformance file, with fixes applied too)."""
    from rewriter.fixes.engine import FixError, fix_source
    from rewriter.parser import parse

    checked = 0
    for path, text in _dockerfiles():
        result = lint_source(text, path=str(path), context_dir=path.parent)
        if result.tree is None:
            continue
        fresh = parse(text)
        assert repr(result.tree) == repr(fresh)  # Dockerfile compares by identity
        assert result.tree.to_source() == fresh.to_source()
        try:
            fixed = fix_source(text, path=str(path), context_dir=path.parent, unsafe=True)
        except FixError:
            continue
        assert parse(fixed.output).to_source() == fixed.output
        checked += 1
    assert checked > 100
