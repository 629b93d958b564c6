"""What looks like a secret: dfopt's one secret vocabulary.

Why a module of its own: several rules (DF201 ARG/ENV secrets, DF202 secrets in RUN command
lines, DF204 private fetches), the secret-mount fixes and the masking of secrets in output all
have to agree on what a secret is. If each kept its own word lists and patterns they would
drift apart, and a value one rule reports could be printed unmasked by another. So the name
recognition (``is_secret_name``), the value recognition (``find_secret_values``,
``harmless_value``) and the reading of ARG/ENV declarations (``declarations``) live here, once,
and rules and fixes import them from this analysis module rather than from each other.
"""

from __future__ import annotations

import functools
import re

from rewriter.parser import Instruction
from rewriter.records import Record

# -- names ------------------------------------------------------------------------------------

#: Name parts that, anywhere in a name, make it a secret (unless a suffix below says otherwise).
SECRET_PARTS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pword",
        "secret",
        "secrets",
        "token",
        "tokens",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "secretkey",
        "accesskey",
        "authtoken",
        "pat",
    }
)
#: Parts that make a name secret only as its last part (``DB_PASS``, ``NPM_CONFIG__AUTH``).
SECRET_LAST_PARTS = frozenset({"pass", "auth", "pw"})
#: ``<qualifier>_KEY`` is a secret (``API_KEY``, ``PRIVATE_KEY``); a bare ``KEY`` or
#: ``GPG_KEY`` (a public fingerprint in official images) is not.
KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "secret",
        "private",
        "auth",
        "signing",
        "encryption",
        "master",
        "license",
        "client",
        "app",
        "account",
        "service",
        "ssh",
        "deploy",
        "session",
        "jwt",
        "hmac",
        "webhook",
        "sas",
        "storage",
        "subscription",
        "crypt",
        "cipher",
        "aes",
        "rsa",
    }
)
#: A last part that says the variable is *about* a secret, not the secret itself
#: (``TOKEN_URL``, ``PASSWORD_FILE``, ``AWS_ACCESS_KEY_ID``, ``PASSWORD_MIN_LENGTH``).
NOT_SECRET_LAST = frozenset(
    {
        "url",
        "uri",
        "urls",
        "file",
        "files",
        "path",
        "paths",
        "dir",
        "directory",
        "id",
        "ids",
        "name",
        "names",
        "user",
        "username",
        "login",
        "email",
        "type",
        "length",
        "len",
        "size",
        "header",
        "endpoint",
        "host",
        "hostname",
        "port",
        "expiry",
        "expires",
        "expiration",
        "ttl",
        "timeout",
        "region",
        "version",
        "public",
        "format",
        "mode",
        "prefix",
        "suffix",
        "enabled",
        "enable",
        "disabled",
        "disable",
        "location",
        "server",
        "registry",
        "algorithm",
        "alg",
        "issuer",
        "audience",
        "scope",
        "scopes",
        "policy",
        "method",
        "required",
        "min",
        "max",
        "count",
        "hint",
        "field",
        "provider",
        "backend",
        "command",
        "cmd",
        "helper",
        "store",
        "sock",
        "socket",
        "kind",
        "ref",
        "fingerprint",
        "pub",
        "domain",
        "realm",
        "lifetime",
        "rotation",
        "stdin",
        "env",
        "var",
        "vars",
    }
)
_HARMLESS = frozenset(
    {
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "0",
        "1",
        "none",
        "null",
        "nil",
        "disabled",
        "enabled",
        "required",
        "optional",
    }
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_parts(name: str) -> list[str]:
    """Lower-case parts of a variable name, split on ``_ - .`` and camelCase."""
    parts: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        parts.extend(p.lower() for p in _CAMEL.findall(chunk))
    return parts


#: Well-known variables whose names run the words together.
KNOWN_SECRET_NAMES = frozenset(
    {
        "PGPASSWORD",
        "MYSQL_PWD",
        "REDISCLI_AUTH",
        "SSHPASS",
        "RSYNC_PASSWORD",
        "ANSIBLE_VAULT_PASSWORD",
    }
)


def is_secret_name(name: str) -> bool:
    """Whether a variable called ``name`` is meant to hold a secret (delimiter-aware)."""
    if name.upper() in KNOWN_SECRET_NAMES:
        return True
    parts = name_parts(name)
    if not parts or parts[-1] in NOT_SECRET_LAST:
        return False
    if parts[-1] in SECRET_LAST_PARTS:
        return True
    if any(p in SECRET_PARTS for p in parts):
        return True
    return any(p == "key" and i > 0 and parts[i - 1] in KEY_QUALIFIERS for i, p in enumerate(parts))


# -- values -----------------------------------------------------------------------------------


class SecretValue(Record):
    """A secret found inside some text: what it looks like and where it is."""

    __slots__ = ("end", "kind", "start", "value")

    def __init__(self, kind: str, value: str, start: int, end: int):
        self.kind = kind  # "a GitHub token", "a private key"...
        self.value = value  # the secret itself (to mask; never to print)
        self.start = start
        self.end = end


#: Each shape of secret value, as (kind, regular expression source).
_VALUE_SHAPES: tuple[tuple[str, str], ...] = (
    ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{22,})"),
    ("an AWS access key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("a Stripe key", r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("a Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}"),
    ("a PyPI token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
    ("an OpenAI key", r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}"),
    ("a JSON web token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[\w-]+"),
    ("a private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[^\"']*"),
)
#: ``scheme://user:password@host``: the password part, when it is literal text.
_URL_PASSWORD_SHAPE = r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'\"]+:(?P<pw>[^/\s@'\"]+)@[^\s'\"]"


#: Every shape above in one alternation. ``search`` finds nothing exactly when no pattern
#: matches anywhere in the text (each alternative is tried at each position), so most words,
#: which hold no secret, cost one regex scan instead of one per shape.
_ANY_SHAPE = re.compile(
    "|".join(f"(?:{shape})" for _, shape in (*_VALUE_SHAPES, ("", _URL_PASSWORD_SHAPE)))
)


@functools.cache
def _value_patterns() -> tuple[tuple[tuple[str, re.Pattern[str]], ...], re.Pattern[str]]:
    """The shapes compiled one by one (with the URL password's), on the first text that
    :data:`_ANY_SHAPE` says holds a secret: most runs never need them."""
    compiled = tuple((kind, re.compile(shape)) for kind, shape in _VALUE_SHAPES)
    return compiled, re.compile(_URL_PASSWORD_SHAPE)


#: A literal every match of some shape contains (a GitHub prefix, ``AKIA``, ``://``...). Most
#: words have none, and this scan is about ten times cheaper than :data:`_ANY_SHAPE`'s, whose URL
#: alternative starts at every letter. Kept next to the shapes: a new shape needs its literal
#: here (a test checks each shape's samples and that no marker means no match).
_MARKERS = re.compile(
    r"gh[pousr]_|github_pat_|A[KS]IA|glpat-|xox[abposr]-|[sr]k_live_|npm_|AIza|hf_|pypi-AgE|sk-"
    r"|eyJ|-----BEGIN |://"
)


def find_secret_values(text: str) -> list[SecretValue]:
    """Secrets recognisable by their shape in ``text`` (tokens, keys, URL passwords)."""
    if _MARKERS.search(text) is None or _ANY_SHAPE.search(text) is None:
        return []
    return _secret_values(text)


def _secret_values(text: str) -> list[SecretValue]:
    """:func:`find_secret_values` without the one-scan precheck (the reference for its test)."""
    found: list[SecretValue] = []
    value_patterns, url_password = _value_patterns()
    for kind, pattern in value_patterns:
        for match in pattern.finditer(text):
            found.append(SecretValue(kind, match.group(), match.start(), match.end()))
    for match in url_password.finditer(text):
        password = match.group("pw")
        if "$" in password or any(s.start <= match.start("pw") < s.end for s in found):
            continue
        found.append(SecretValue("a password in a URL", password, *match.span("pw")))
    return sorted(found, key=lambda s: s.start)


def unquote(value: str) -> str:
    """``"x"`` / ``'x'`` -> ``x`` (the forms ARG/ENV values are written in)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def harmless_value(value: str) -> bool:
    """Values that cannot be a secret: booleans, a path, a URL without credentials."""
    text = unquote(value).strip()
    if text.lower() in _HARMLESS:
        return True
    if re.match(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)[^\s]*$", text):
        return True
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://[^@\s]+$", text)) and not find_secret_values(text)


# -- ARG / ENV declarations -------------------------------------------------------------------


class Declaration(Record):
    """One ``NAME[=value]`` of an ARG or ENV, with the logical offsets of ``NAME``."""

    __slots__ = ("end", "instruction", "name", "start", "value")

    def __init__(
        self, instruction: Instruction, name: str, value: str | None, start: int, end: int
    ):
        self.instruction = instruction
        self.name = name
        self.value = value  # as written (quotes kept); None for ``ARG NAME``
        self.start = start
        self.end = end

    @property
    def kind(self) -> str:
        return self.instruction.name.upper()


def declarations(inst: Instruction) -> list[Declaration]:
    """Every variable an ARG or ENV instruction declares, in order."""
    if inst.name == "arg":
        pairs = [
            (w.partition("=")[0], w.partition("=")[2] if "=" in w else None) for w in inst.values
        ]
    elif inst.name == "env":
        values = inst.values
        pairs = [(values[i], values[i + 1]) for i in range(0, len(values) - 2, 3)]
    else:
        return []
    out: list[Declaration] = []
    text = inst.logical.text
    cursor = inst.syntax.args_start
    for name, value in pairs:
        at = text.find(name, cursor)
        if at < 0:
            at, end = inst.syntax.args_start, len(text)
        else:
            end = at + len(name)
            cursor = end
        out.append(Declaration(inst, name, value, at, end))
    return out
