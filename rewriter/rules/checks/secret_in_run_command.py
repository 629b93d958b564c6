"""DF202 secret-in-run-command: a literal secret written in a RUN command line."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from rewriter.analyse.secrets import (
    find_secret_values,
    harmless_value,
    is_secret_name,
)
from rewriter.records import Record
from rewriter.rules.base import Finding, Rule, Severity, mask_secret
from rewriter.rules.context import RuleContext

_MYSQL = frozenset(
    {
        "mysql",
        "mysqladmin",
        "mysqldump",
        "mysqlimport",
        "mysqlshow",
        "mariadb",
        "mariadb-admin",
        "mariadb-dump",
        "mysqlcheck",
    }
)
_HEADER_FLAGS = frozenset({"-H", "--header"})
_USER_FLAGS = frozenset({"-u", "--user", "--proxy-user", "-U"})
#: Options whose *next* word is a secret (``docker login -p X``, ``sshpass -p X``).
_VALUE_FLAGS = {
    "docker": frozenset({"-p", "--password"}),
    "podman": frozenset({"-p", "--password"}),
    "sshpass": frozenset({"-p"}),
    "helm": frozenset({"--password"}),
}
_HEADER = re.compile(r"^\s*(?P<name>[A-Za-z0-9_-]+)\s*:\s*(?P<value>.+?)\s*$")
_AUTH_VALUE = re.compile(r"^(?:Bearer|Basic|token|Token|Digest|Bot)\s+(?P<secret>\S+)$")
_ASSIGNMENT = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)=(?P<value>[^\s'\"]+)")
_LITERAL = re.compile(r"^[^\s$*\\^\[\]{}()|`<>]{4,}$")
#: The shortest text any secret shape of ``find_secret_values`` matches (``a://b:c@d``): a
#: shorter word holds none, and most words of a command line are shorter. A test checks it
#: against the shapes' own minimum width.
SHORTEST_SECRET = 9


class _Hit(Record):
    __slots__ = ("end", "start", "value", "what")

    def __init__(self, what: str, value: str, start: int, end: int):
        self.what = what
        self.value = value
        self.start = start  # script offsets of the word holding it
        self.end = end


class SecretInRunCommand(Rule):
    """A secret is written in a RUN command line.

    ## What it does
    Finds literal secrets in `RUN` commands: an `Authorization: Bearer ...` or API-key header
    (`curl -H`, `wget --header`), a password in a URL (`https://user:pass@host`), `curl -u
    user:pass`, `mysql -p<password>`, `--password=...` / `--token=...` options,
    `docker login -p`, secret-named assignments (`PGPASSWORD=... psql`,
    `export API_KEY=...`, `_authToken=...` written into `.npmrc`) and values shaped like known
    tokens (`ghp_...`, `AKIA...`). Values taken from a variable (`$TOKEN`) are not reported
    here: DF201 reports the `ARG`/`ENV` they come from.

    ## Why it matters
    The text of every `RUN` is stored in the image history (`docker history --no-trunc`) and
    in the Dockerfile's version control, so the secret is readable by anyone with the image or
    the repository. Findings show the value masked.

    ## Example
    ```dockerfile
    RUN curl -H "Authorization: Bearer 3f9a..." https://api.example.com/pkg.tgz -o /tmp/pkg.tgz
    ```
    Use instead:
    ```dockerfile
    RUN --mount=type=secret,id=api_token,env=API_TOKEN \
        curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/pkg.tgz -o /tmp/pkg.tgz
    ```

    ## Fix
    None: the secret has to be removed from the file by hand (and rotated, since it is in the
    repository's history); dfopt cannot supply it to the build.
    """

    code = "DF202"
    name = "secret-in-run-command"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for run in ctx.model.runs():
            for script in run.scripts:
                for cmd in script.script.commands:
                    if not cmd.known:
                        continue
                    for hit in _command_secrets(cmd):
                        span = script.file_span(hit.start, hit.end)
                        yield ctx.finding(
                            self,
                            span or run.instruction,
                            f"RUN command line contains {hit.what} ({mask_secret(hit.value)}): "
                            f"the image history stores it; pass it with a secret mount",
                            secrets=(hit.value,),
                        )


def _literal(value: str | None) -> bool:
    return bool(value) and bool(_LITERAL.match(value)) and not harmless_value(value)


def _command_secrets(cmd) -> list[_Hit]:
    hits: list[_Hit] = []
    seen: set[str] = set()

    def add(what: str, value: str, word) -> None:
        if value not in seen:
            seen.add(value)
            hits.append(_Hit(what, value, word.start, word.end))

    for word in cmd.assignments:
        key, _, value = (word.value or "").partition("=")
        if word.value is not None and is_secret_name(key) and _literal(value):
            add(f"a secret in {key}", value, word)
    words = cmd.words
    count = len(words)
    name = posixpath.basename(words[0].value or "") if words and words[0].value else None
    # What the command's name allows, decided once rather than for each word.
    curl = name == "curl"
    mysql = name in _MYSQL
    value_flags = _VALUE_FLAGS.get(name, ())  # type: ignore[arg-type]
    export = name == "export"
    for i, word in enumerate(words):
        value = word.value
        if value is None:
            continue
        following = words[i + 1] if i + 1 < count else None
        if len(value) >= SHORTEST_SECRET:
            for found in find_secret_values(value):
                add(found.kind, found.value, word)
        if value[:1] == "-":  # every option below starts with "-"
            if value in _HEADER_FLAGS or value.startswith("--header="):
                header = (
                    value.partition("=")[2]
                    if value.startswith("--header=")
                    else (following.value if following else None)
                )
                target = word if value.startswith("--header=") else following
                secret = _header_secret(header)
                if secret and target is not None:
                    add("a credential in an HTTP header", secret, target)
            if curl and value in _USER_FLAGS and following and following.value:
                _, sep, password = following.value.partition(":")
                if sep and _literal(password):
                    add("a password in a -u user:password option", password, following)
            if mysql and value.startswith("-p") and value[2:3] != "-":
                mysql_password = value[2:]
                if _literal(mysql_password):
                    add("a MySQL password", mysql_password, word)
            secret_next = following.value if following and value in value_flags else None
            if secret_next and _literal(secret_next):
                add(f"a password for {name}", secret_next, following)
        if i > 0 and "=" in value:
            for match in _ASSIGNMENT.finditer(value):
                key, secret = match.group("key"), match.group("value")
                if is_secret_name(key.lstrip("_-")) and _literal(secret):
                    add(f"a secret in {key.lstrip('-')}", secret, word)
            if export:
                key, _, secret = value.partition("=")
                if is_secret_name(key) and _literal(secret):
                    add(f"a secret in {key}", secret, word)
    return hits


def _header_secret(header: str | None) -> str | None:
    if not header:
        return None
    match = _HEADER.match(header)
    if match is None:
        return None
    name, value = match.group("name"), match.group("value")
    if name.lower() in ("authorization", "proxy-authorization"):
        auth = _AUTH_VALUE.match(value)
        secret = auth.group("secret") if auth else value
    elif is_secret_name(name):
        secret = value
    else:
        return None
    return secret if _literal(secret) else None
