"""DF203 secret-file-copied: COPY/ADD puts a credentials file into an image layer."""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from rewriter.parser import Instruction
from rewriter.rules.base import Applicability, Finding, Rule, Severity
from rewriter.rules.context import RuleContext

#: Base names of files that hold credentials.
SECRET_FILES = (
    ".npmrc",
    ".netrc",
    "_netrc",
    ".pypirc",
    ".git-credentials",
    ".env",
    ".htpasswd",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "credentials",
    "credentials.json",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    ".env.*",
)
#: Folders that hold credentials as a whole.
SECRET_DIRS = (".ssh", ".aws", ".gnupg", ".docker")
#: Look-alikes that are meant to be committed and copied.
_HARMLESS = re.compile(r"\.(?:example|sample|template|dist|defaults?|tmpl|in)$|\.pub$")
#: Certificate and public-key names among ``*.pem`` / ``*.key`` files: meant to be shipped.
_PUBLIC_PEM = re.compile(
    r"(?:^|[-_.])(?:ca|cacert|cert|certs|certificate|chain|fullchain|bundle|pub|public|gpg|asc|"
    r"trust|trusted|root|archive|keyring|repo|signing)(?:[-_.]|$)",
    re.IGNORECASE,
)
#: Paths inside a folder that make a generic name a secret (``.docker/config.json``).
SECRET_PATHS = (".docker/config.json", ".aws/config", ".kube/config", ".m2/settings-security.xml")

_SLASHED_SECRET_PATHS = tuple("/" + suffix for suffix in SECRET_PATHS)

#: Every ``SECRET_FILES`` pattern in one regex: it matches a name exactly when one of the
#: patterns does (``fnmatchcase`` is ``re.match`` of ``fnmatch.translate``), so most names are
#: ruled out with one match instead of one per pattern.
_ANY_SECRET_FILE = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in SECRET_FILES))


def secret_kind(path: str) -> str | None:
    """Why ``path`` (a COPY source or a context file) is a secret file, or None."""
    clean = path.rstrip("/")
    base = clean.rpartition("/")[2]  # posixpath.basename
    if not base or _HARMLESS.search(base):
        return None
    if _ANY_SECRET_FILE.match(base) is not None:
        return _secret_file_kind(base)
    if base in SECRET_DIRS:
        return f"the {base} folder"
    if clean in SECRET_PATHS or clean.endswith(_SLASHED_SECRET_PATHS):  # one test for all
        for suffix in SECRET_PATHS:
            if clean == suffix or clean.endswith("/" + suffix):
                return suffix
    return None


def _secret_file_kind(base: str) -> str | None:
    """The ``SECRET_FILES`` half of :func:`secret_kind`, pattern by pattern (first match wins)."""
    for pattern in SECRET_FILES:
        if fnmatch.fnmatchcase(base, pattern):
            if pattern in ("*.pem", "*.key") and _PUBLIC_PEM.search(base):
                return None
            return base if "*" not in pattern else f"{pattern} file"
    return None


class SecretFileCopied(Rule):
    """A credentials file is copied into the image.

    ## What it does
    Finds `COPY`/`ADD` of files that hold credentials: `.npmrc`, `.netrc`, `.pypirc`,
    `.env` files, SSH keys (`id_rsa`, `id_ed25519`...), cloud `credentials`, `*.pem` and `*.key`
    files, `.docker/config.json`, and the `.ssh`/`.aws`/`.gnupg` folders. With a build context,
    it also finds `COPY . .` (or any folder copy) that brings such a file in because
    `.dockerignore` does not exclude it. Templates such as `.env.example` are ignored.

    ## Why it matters
    A copied file stays in its layer for good: deleting it in a later `RUN` only hides it, and
    anyone who pulls the image can extract it (`docker save`, `docker history`). Registry
    tokens in `.npmrc` and SSH keys are the usual leak.

    ## Example
    ```dockerfile
    COPY .npmrc package.json package-lock.json ./
    RUN npm ci && rm .npmrc
    ```
    Use instead:
    ```dockerfile
    COPY package.json package-lock.json ./
    RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
    ```
    and build with `docker build --secret id=npmrc,src=.npmrc .`

    ## Fix
    Unsafe (the build command changes), and offered only when the next `RUN` runs a tool that
    reads the file (`.npmrc` for npm/yarn/pnpm, `.netrc` for pip/git/curl...) and nothing
    after it uses the file: that `RUN` gets a secret mount with `target=` at the path the file
    was copied to, a `rm` of the file in it is dropped, and the file leaves the `COPY` (the
    `COPY` goes when it copied nothing else; this is the only fix that removes an instruction,
    because its content moves to the mount). The notes give the new `docker build` option.
    """

    code = "DF203"
    name = "secret-file-copied"
    severity = Severity.ERROR
    fixes = (Applicability.UNSAFE,)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from rewriter.fixes.secret_mounts import secret_file_fix

        model = ctx.model
        for step in model.copies():
            inst = step.instruction
            if step.from_ is not None:
                continue
            words = None  # the source words' spans, read for the first secret source only
            named = False
            for index, source in enumerate(step.sources):
                kind = secret_kind(source)
                if kind is None:
                    continue
                named = True
                if words is None:
                    words = _source_words(inst)
                fix = None
                if len(step.sources) == len(words):
                    word = None if len(step.sources) == 1 else words[index]
                    fix = secret_file_fix(ctx, inst, source, word)
                yield ctx.finding(
                    self,
                    inst,
                    f"{inst.keyword.upper()} puts {_describe(kind, source)} into an image "
                    f"layer, where anyone with the image can read it: use a secret mount",
                    fix=fix,
                )
            if named or not step.broad or not step.context_files:
                continue
            leaked = [f for f in step.context_files if secret_kind(f)]
            if leaked:
                shown = ", ".join(leaked[:3]) + (
                    f" and {len(leaked) - 3} more" if len(leaked) > 3 else ""
                )
                yield ctx.finding(
                    self,
                    inst,
                    f"{inst.keyword.upper()} copies secret files from the build context "
                    f"({shown}): exclude them in .dockerignore",
                )


def _describe(kind: str, source: str) -> str:
    if kind.startswith("the "):
        text = kind
    elif kind.endswith(" file"):
        text = f"a {kind}"
    else:
        text = f"the credentials file {kind}"
    return text if posixpath.basename(source.rstrip("/")) == kind else f"{text} ({source})"


def _source_words(inst: Instruction) -> list[tuple[int, int]]:
    """Logical spans of the source words of a shell-form COPY (all words but the last)."""
    if inst.json:
        return []
    base = inst.syntax.args_start
    spans = [(base + m.start(), base + m.end()) for m in re.finditer(r"\S+", inst.args)]
    return spans[:-1]
