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
def parse_command(files: tuple[str, ...], fmt: str) -> None:
    """Print the syntax tree of each FILE (``-`` reads standard input).

    Exit status: 0 when every file parsed, 2 when any could not be read or parsed.
    """
    from rewriter.emit.parse_output import print_parse_results

    raise SystemExit(print_parse_results(files, fmt))
