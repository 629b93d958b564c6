"""The ``dfopt`` command line.

``dfopt PATHS`` and ``dfopt check PATHS`` lint; ``--fix``/``--diff`` rewrite; ``dfopt parse``
prints the syntax tree; ``dfopt new`` scaffolds. Sub-commands import their modules lazily so
that a single-file run starts fast.
"""

from __future__ import annotations

import click


class _DefaultToCheck(click.Group):
    """A group that runs ``check`` when the first argument is not a sub-command.

    Users type ``dfopt Dockerfile`` and ``dfopt --fix Dockerfile``; both mean ``dfopt check ...``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dfopt", prog_name="dfopt")
def main() -> None:
    """dfopt: find and fix what makes Dockerfile builds slow or leaky."""


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "buildkit"]),
    default="text",
    show_default=True,
    help="text: an outline; json: one JSON object per file (JSON Lines); "
    "buildkit: BuildKit's parser-test dump.",
)
@click.option(
    "--model",
    is_flag=True,
    help="Also print what dfopt understood: stages, variables, RUN commands, package managers.",
)
@click.option(
    "--context",
    type=click.Path(file_okay=False, exists=True),
    help="Build context for --model (default: each file's folder).",
)
def parse_command(files: tuple[str, ...], fmt: str, model: bool, context: str | None) -> None:
    """Print the syntax tree of each FILE (``-`` reads standard input).

    Exit status: 0 when every file parsed, 2 when any could not be read or parsed.
    """
    from rewriter.emit.parse_output import print_parse_results

    raise SystemExit(print_parse_results(files, fmt, model=model, context=context))


def _severity(ctx, param, value):
    if value is None:
        return None
    from rewriter.rules.base import Severity

    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--fix", is_flag=True, help="Rewrite files in place with safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--diff", is_flag=True, help="Print the unified diff of the fixes; write nothing.")
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if fixes would change a file.")
@click.option("--show-fixes", is_flag=True, help="List the fixes that were applied.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
)
@click.option("--select", multiple=True, help="Codes, code prefixes or names to enable.")
@click.option("--ignore", multiple=True, help="Codes, code prefixes or names to disable.")
@click.option(
    "--failure-threshold",
    callback=_severity,
    help="Lowest severity that makes the exit status 1: style, info, warning, error.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--context",
    type=click.Path(file_okay=False, path_type=__import__("pathlib").Path),
    help="Build context folder (default: each Dockerfile's folder).",
)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--statistics", is_flag=True, help="Count findings by rule.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Worker processes.")
def check_command(
    paths,
    fix,
    unsafe_fixes,
    diff,
    check_only,
    show_fixes,
    fmt,
    select,
    ignore,
    failure_threshold,
    exit_zero,
    context,
    config_file,
    statistics,
    color,
    jobs,
):
    """Check Dockerfiles (files or folders; ``-`` reads stdin) and optionally fix them."""
    from pathlib import Path

    from rewriter.cli_check import run_check
    from rewriter.runner import Options

    options = Options(
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        check_only=check_only,
        show_fixes=show_fixes,
        select=_codes(select),
        ignore=_codes(ignore),
        failure_threshold=failure_threshold,
        context=context,
        config_file=Path(config_file) if config_file else None,
    )
    raise SystemExit(
        run_check(
            list(paths) or ["."],
            options,
            fmt=fmt,
            exit_zero=exit_zero,
            statistics=statistics,
            color=color,
            jobs=jobs,
        )
    )


@main.command("rules")
def rules_command() -> None:
    """List every rule: code, name, severity, fixability and hadolint/BuildKit equivalents."""
    from rewriter.rules.registry import all_rules

    for rule in all_rules():
        mapped = ", ".join((*rule.hadolint, *rule.buildkit))
        extra = f"  ({mapped})" if mapped else ""
        fix = rule.fix_summary() or "-"
        click.echo(
            f"{rule.code}  {rule.name:<36} {rule.severity!s:<8} {fix:<19} {rule.summary()}{extra}"
        )


@main.command("explain")
@click.argument("code")
def explain_command(code: str) -> None:
    """Print the documentation of a rule (by code or name)."""
    import inspect

    from rewriter.rules.registry import rule_by_code

    rule = rule_by_code(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `dfopt rules` lists them")
    click.echo(f"{rule.code} {rule.name} ({rule.severity})")
    mapped = ", ".join((*rule.hadolint, *rule.buildkit))
    if mapped:
        click.echo(f"Corresponds to: {mapped}")
    click.echo(f"Fix: {rule.fix_summary() or 'none'}")
    if any(str(kind) == "unsafe" for kind in rule.fixes):
        click.echo("(unsafe fixes are applied only with --unsafe-fixes)")
    click.echo("")
    click.echo(inspect.cleandoc(rule.__doc__ or ""))


class _LazyNew(click.Command):
    """``dfopt new``, loaded from ``rewriter.scaffold`` only when it is used."""

    def _real(self) -> click.Command:
        from rewriter.scaffold.command import new_command

        return new_command

    def get_params(self, ctx):
        return self._real().get_params(ctx)

    def get_help(self, ctx):
        return self._real().get_help(ctx)

    def parse_args(self, ctx, args):
        return self._real().parse_args(ctx, args)

    def invoke(self, ctx):
        return self._real().invoke(ctx)


main.add_command(
    _LazyNew("new", help="Scaffold an optimized Dockerfile and .dockerignore for a project."),
    "new",
)
