"""DF201 secret-in-arg-or-env: an ARG or ENV that holds, or is named like, a secret.

What counts as a secret is decided in ``rewriter.analyse.secrets``, shared with the other rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.analyse.secrets import (
    Declaration,
    find_secret_values,
    harmless_value,
    is_secret_name,
    unquote,
)
from rewriter.rules.base import Applicability, Finding, Rule, Severity, mask_secret
from rewriter.rules.context import RuleContext


class SecretInArgOrEnv(Rule):
    """Secrets must not be passed with ARG or ENV.

    ## What it does
    Finds `ARG` and `ENV` instructions whose name says they hold a secret (`DB_PASSWORD`,
    `AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`, `GITHUB_TOKEN`, `API_KEY`, `PRIVATE_KEY`...) or whose
    value looks like one (`ghp_...`, `AKIA...`, `-----BEGIN ... PRIVATE KEY-----`, a password
    in a URL). Names are read part by part: `TOKEN_URL`, `PASSWORD_FILE`, `AWS_ACCESS_KEY_ID`
    and `GPG_KEY` are *about* secrets and are not reported, nor are values such as `true` or
    a file path. An `ARG` without a value whose only users are RUNs that receive it through a
    secret mount is not reported either.

    ## Why it matters
    `ENV` values are stored in the image configuration: anyone who can pull the image can read
    them (`docker inspect`). `ARG` values are recorded in the image history of every `RUN` that
    follows them (`docker history --no-trunc`), and a default written in the Dockerfile is in
    version control as well. A secret mount gives a `RUN` the secret without storing it
    anywhere.

    ## Example
    ```dockerfile
    ARG NPM_TOKEN
    RUN npm ci
    ```
    Use instead:
    ```dockerfile
    RUN --mount=type=secret,id=npm_token \\
        NPM_TOKEN="$(cat /run/secrets/npm_token)" && export NPM_TOKEN && npm ci
    ```
    and build with `docker build --secret id=npm_token,env=NPM_TOKEN .` (with
    `# syntax=docker/dockerfile:1.10` or later, `--mount=type=secret,id=npm_token,env=NPM_TOKEN`
    does the same).

    ## Fix
    Unsafe (the build command changes). When every use of the variable is in `RUN`
    instructions, the `ARG`/`ENV` is removed and each such `RUN` gets the secret. If the file
    declares a frontend with `env=` secret mounts (dockerfile 1.10+), that is
    `--mount=type=secret,id=<name>,env=<NAME>`. Otherwise no `# syntax=` line is added (it
    would make every build pull the frontend image, which fails offline): the `RUN` gets
    `--mount=type=secret,id=<name>` and reads the file into the variable,
    `NAME="$(cat /run/secrets/<name>)" && export NAME && <the command as it was>`, which fails
    the `RUN` when the secret is missing (`... || exit; export NAME; ...` when the script is not
    one `&&` chain). The fix notes give the new `docker build` option. It is not offered when
    another instruction reads the variable, when the instruction declares several variables,
    when (without `env=`) a `RUN` that needs the secret is in exec form, a here-document or a
    non-POSIX `SHELL`, or in legacy-builder mode. A secret that was written in the Dockerfile
    must be rotated: it stays in the repository's history.
    """

    code = "DF201"
    name = "secret-in-arg-or-env"
    severity = Severity.ERROR
    fixes = (Applicability.UNSAFE,)
    buildkit = ("SecretsUsedInArgOrEnv",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.may_have("arg", "env"):
            return
        from rewriter.fixes.secret_mounts import secret_env_fix

        for inst, decls in ctx.declared:
            for decl in decls:
                value = unquote(decl.value) if decl.value is not None else None
                hits = find_secret_values(value) if value else []
                named = is_secret_name(decl.name)
                if hits:
                    message = (
                        f"{decl.kind} {decl.name} holds what looks like {hits[0].kind} "
                        f"({mask_secret(hits[0].value)}): {_why(decl.kind)}"
                    )
                elif named and not _quiet(ctx, decl, value):
                    message = f"{decl.kind} {decl.name} looks like a secret: {_why(decl.kind)}"
                else:
                    continue
                where = inst.file_span(decl.start, decl.end)
                secrets = tuple(
                    dict.fromkeys([h.value for h in hits] + ([value] if value and named else []))
                )
                fix = secret_env_fix(ctx, decl) if len(decls) == 1 else None
                yield ctx.finding(self, where, message, fix=fix, secrets=secrets)


def _why(kind: str) -> str:
    if kind == "ENV":
        return "ENV values are stored in the image; pass it with a secret mount"
    return "build arguments are recorded in the image history; pass it with a secret mount"


def _quiet(ctx: RuleContext, decl: Declaration, value: str | None) -> bool:
    """Named like a secret, but holding nothing that could leak."""
    if value is not None:
        if decl.kind == "ENV" and not value.strip():
            return True  # ``ENV TOKEN=`` clears it
        return bool(value.strip()) and harmless_value(value)
    return decl.kind == "ARG" and _only_secret_mount_users(ctx, decl)


def _only_secret_mount_users(ctx: RuleContext, decl: Declaration) -> bool:
    """True when every RUN that mentions the ARG receives it through a secret mount."""
    from rewriter.fixes.secret_mounts import secret_mount_for, variable_users

    users = variable_users(ctx, decl)
    if users is None or not users.runs or users.others:
        return False
    return all(secret_mount_for(run, decl.name) is not None for run in users.runs)
