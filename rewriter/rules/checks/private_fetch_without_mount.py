"""DF204 private-fetch-without-mount: cloning or installing over SSH or with a token, with no
SSH or secret mount to authenticate."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from rewriter.analyse.secrets import find_secret_values
from rewriter.records import Record
from rewriter.rules.base import Applicability, Finding, Rule, Severity
from rewriter.rules.context import RuleContext

_GIT_FETCHES = frozenset({"clone", "fetch", "pull", "ls-remote", "submodule"})
_INSTALLERS = frozenset({"pip", "pip3", "uv", "poetry", "pipenv", "npm", "yarn", "pnpm", "bundle"})
_GO_FETCHES = frozenset({"download", "get", "build", "install", "tidy", "vendor", "run", "test"})
#: The commands ``_fetches`` looks into: any other command fetches nothing.
_FETCHERS = _INSTALLERS | {"git", "go"}
_SCP_LIKE = re.compile(r"^(?:git\+)?(?P<user>[A-Za-z0-9._-]+)@(?P<host>[A-Za-z0-9.-]+):(?!//)")
_SSH_URL = re.compile(
    r"^(?:git\+)?ssh://(?:[^@/]+@)?(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>\d+)(?=/|$))?(?:[:/]|$)"
)
_TOKEN_URL = re.compile(r"^(?:git\+)?https?://(?P<userinfo>[^/@\s]+)@[A-Za-z0-9.-]+")


class _Fetch(Record):
    __slots__ = ("command", "host", "kind", "port", "script")

    def __init__(
        self, kind: str, host: str | None, port: str | None, command: object, script: object
    ):
        self.kind = kind  # "ssh", "token" or "goprivate"
        self.host = host
        self.port = port
        self.command = command
        self.script = script


class PrivateFetchWithoutMount(Rule):
    """Private sources fetched without an SSH or secret mount.

    ## What it does
    Finds `RUN` commands that fetch private code with credentials but get no `--mount` to
    authenticate: `git clone git@github.com:org/repo.git` (or `ssh://`), `pip install
    git+ssh://...`, `npm install git+ssh://...`, a clone URL carrying a token
    (`https://$TOKEN@github.com/...`), and `go mod download`/`go build` with `GOPRIVATE` set.

    ## Why it matters
    Without a mount, the credentials must already be inside the image: an SSH key copied or
    written in an earlier step, or a token in the command, all of which stay in the layers and
    history. A token in a clone URL is also saved in the clone's `.git/config`. `RUN
    --mount=type=ssh` lends the build your SSH agent for that one step and leaves nothing
    behind.

    ## Example
    ```dockerfile
    COPY id_rsa /root/.ssh/id_rsa
    RUN git clone git@github.com:acme/private-lib.git /src/lib
    ```
    Use instead:
    ```dockerfile
    RUN --mount=type=ssh mkdir -p -m 0700 ~/.ssh && ssh-keyscan github.com >> ~/.ssh/known_hosts \
        && git clone git@github.com:acme/private-lib.git /src/lib
    ```
    and build with `docker build --ssh default .`

    ## Fix
    Unsafe (the build command changes), for SSH fetches only: the `RUN` gets
    `--mount=type=ssh` and, at its start, `mkdir -p -m 0700 ~/.ssh && ssh-keyscan <host> >>
    ~/.ssh/known_hosts` so the host is trusted. Token URLs and `GOPRIVATE` are reported without
    a fix: the credential has to move to a secret mount (a `.netrc` or a git credential
    helper), which dfopt cannot set up for you.
    """

    code = "DF204"
    name = "private-fetch-without-mount"
    severity = Severity.WARNING
    fixes = (Applicability.UNSAFE,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rewriter.fixes.secret_mounts import ssh_mount_fix

        for run in ctx.model.runs():
            fetches = _fetches(run)
            if not fetches:  # most RUNs fetch nothing: their mounts need no look
                continue
            has_ssh = bool(run.mounts_of_type("ssh"))
            has_secret = bool(run.mounts_of_type("secret"))
            fetches = [f for f in fetches if not _authenticated(f, has_ssh, has_secret)]
            if not fetches:
                continue
            ssh_hosts = [(f.host, f.port) for f in fetches if f.kind == "ssh" and f.host]
            fix = None
            if (
                ssh_hosts
                and all(f.kind == "ssh" for f in fetches)
                and run.scripts
                and all(s.origin == "shell" for s in run.scripts)
            ):
                fix = ssh_mount_fix(ctx, run.instruction, ssh_hosts)
            for fetch in fetches:
                span = fetch.script.file_span(fetch.command.start, fetch.command.end)
                yield ctx.finding(self, span or run.instruction, _message(fetch), fix=fix)
                fix = None  # one fix per RUN, on its first finding


def _authenticated(fetch: _Fetch, has_ssh: bool, has_secret: bool) -> bool:
    return has_ssh if fetch.kind == "ssh" else (has_secret or has_ssh)


def _message(fetch: _Fetch) -> str:
    name = fetch.command.name
    if fetch.kind == "ssh":
        return (
            f"'{name}' fetches from {fetch.host} over SSH without --mount=type=ssh: the key "
            f"must be baked into the image; use an SSH mount"
        )
    if fetch.kind == "token":
        return (
            f"'{name}' puts a credential in the URL: it is saved in the clone's .git/config "
            f"and the build history; use a secret mount (a .netrc or a credential helper)"
        )
    return (
        f"'{name}' fetches private modules (GOPRIVATE) without a secret or SSH mount: mount "
        f"the credentials (--mount=type=secret,id=netrc,target=/root/.netrc or type=ssh)"
    )


def _fetches(run) -> list[_Fetch]:
    found: list[_Fetch] = []
    variables = run.state.variables
    for item in run.commands:
        cmd = item.command
        if not cmd.known or not cmd.words:
            continue
        name = posixpath.basename(cmd.words[0].value or "")
        if name not in _FETCHERS:  # only these commands can fetch (tested below)
            continue
        argv = [w.value or "" for w in cmd.words]
        urls: list[str] = []
        if name == "git" and any(a in _GIT_FETCHES for a in argv[1:3]):
            urls = [w.raw.strip("'\"") for w in cmd.words[2:]]
        elif name in _INSTALLERS and any(a in ("install", "add", "sync", "i") for a in argv[1:3]):
            urls = [a for a in argv[2:] if "git+" in a or a.startswith("git@")]
        elif (
            name == "go"
            and len(argv) > 1
            and (argv[1] in _GO_FETCHES or argv[1:3] == ["mod", "download"])
        ):
            env = dict(variables)
            env.update(cmd.env())
            if any(k in env and env[k] != "" for k in ("GOPRIVATE", "GONOPROXY")):
                host = _go_ssh_host(run)
                kind = "ssh" if host else "goprivate"
                found.append(_Fetch(kind, host, None, cmd, item.script))
            continue
        if not urls:  # no word can be one of them
            continue
        for raw_word in cmd.words[1:]:
            raw = raw_word.raw.strip("'\"")
            value = raw_word.value or raw
            if value not in urls and raw not in urls:
                continue
            fetch = _classify(value if raw_word.value is not None else raw, cmd, item.script)
            if fetch is not None:
                found.append(fetch)
                break
    return found


def _classify(url: str, cmd, script) -> _Fetch | None:
    match = _SSH_URL.match(url)
    if match:
        return _Fetch("ssh", match.group("host"), match.group("port"), cmd, script)
    match = _SCP_LIKE.match(url)
    if match and "/" not in url.split("@", 1)[0]:
        return _Fetch("ssh", match.group("host"), None, cmd, script)
    match = _TOKEN_URL.match(url)
    if match:
        userinfo = match.group("userinfo")
        if "$" in userinfo or ":" in userinfo or find_secret_values(userinfo):
            return _Fetch("token", None, None, cmd, script)
    return None


def _go_ssh_host(run) -> str | None:
    """The host of a ``git config url."git@host:".insteadOf ...`` in the RUN: go then fetches
    private modules over SSH."""
    for item in run.commands:
        words = [w.value or "" for w in item.command.words]
        if item.command.name != "git" or not any("insteadof" in w.lower() for w in words):
            continue
        for word in words:
            target = word.split('"')[1] if word.startswith("url.") and '"' in word else word
            target = target.removeprefix("url.")
            match = _SCP_LIKE.match(target) or _SSH_URL.match(target)
            if match:
                return match.group("host")
    return None
