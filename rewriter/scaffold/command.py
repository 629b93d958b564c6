"""``dfopt new``: the click command. Registered by ``rewriter/cli.py`` as ``new_command``.

Exit codes follow black's: 0 done (or diff shown), 1 refused to overwrite, 2 usage or input
error. Errors are one clear line on stderr, never a traceback; warnings about guessed values go
to stderr too, so that ``--stdout`` and ``--diff`` output stays clean for pipes.
"""

from __future__ import annotations

from pathlib import Path

import click

from rewriter.scaffold.model import CI_SYSTEMS, LANGUAGES, RUNTIMES


@click.command(
    "new", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.argument("lang", required=False, type=click.Choice(LANGUAGES, case_sensitive=False))
@click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder to read and write into.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace existing files (Dockerfile, .dockerignore, --bake, --ci).",
)
@click.option("--diff", "show_diff", is_flag=True, help="Show a diff against existing files.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the files, write nothing.")
@click.option(
    "--package-manager", help="npm|yarn|yarn-berry|pnpm, pip|poetry|uv|pipenv, maven|gradle."
)
@click.option(
    "--version", "version", help="Language version for the image tags (22, 3.12, 1.23, 21)."
)
@click.option("--port", type=int, help="Port the app listens on.")
@click.option("--entrypoint", help="ENTRYPOINT, as a shell-like string or a JSON array.")
@click.option("--cmd", help="CMD, as a shell-like string or a JSON array.")
@click.option(
    "--runtime",
    type=click.Choice(RUNTIMES, case_sensitive=False),
    help="Runtime image (jlink: Java only, a runtime trimmed to the modules the app needs).",
)
@click.option("--platforms", help="Target platforms, e.g. linux/amd64,linux/arm64.")
@click.option(
    "--bake", is_flag=True, help="Also write docker-bake.hcl with a registry layer cache."
)
@click.option(
    "--ci",
    type=click.Choice(CI_SYSTEMS, case_sensitive=False),
    help="Also write a CI pipeline that builds the image with a shared layer cache.",
)
@click.option(
    "--dockerignore-only",
    is_flag=True,
    help="Write only the .dockerignore, for a project with its own Dockerfile (files that "
    "Dockerfile copies by name stay visible).",
)
def new_command(
    lang: str | None,
    folder: Path,
    force: bool,
    show_diff: bool,
    to_stdout: bool,
    bake: bool,
    ci: str | None,
    dockerignore_only: bool,
    **choices: object,
) -> None:
    """Write an optimized Dockerfile and .dockerignore for a Node, Python, Go or Java project.

    LANG is detected from the folder's manifests when omitted. --bake and --ci add build files
    that keep BuildKit's layer cache in a registry (or the GitHub Actions cache), mode=max.
    """
    from rewriter.scaffold.api import scaffold
    from rewriter.scaffold.model import ScaffoldError
    from rewriter.scaffold.options import Overrides
    from rewriter.scaffold.writer import RefusedOverwrite, unified_diffs, write_files

    if show_diff and to_stdout:
        raise click.UsageError("--diff and --stdout cannot be used together")
    if not folder.is_dir():
        _fail(f"{folder} is not a directory", 2)
    try:
        result = scaffold(
            folder,
            lang.lower() if lang else None,
            Overrides(**choices),  # type: ignore[arg-type]
            bake=bake,
            ci=ci.lower() if ci else None,
            dockerignore_only=dockerignore_only,
        )
    except ScaffoldError as err:
        _fail(str(err), 2)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if to_stdout:
        for name, text in result.files.items():
            click.echo(f"# ---- {name} ----")
            click.echo(text, nl=False)
        return
    if show_diff:
        click.echo(unified_diffs(folder, result.files), nl=False)
        return
    try:
        written = write_files(folder, result.files, force)
    except RefusedOverwrite as err:
        _fail(str(err), 1)
    except ScaffoldError as err:
        _fail(str(err), 2)
    except OSError as err:
        _fail(f"cannot write into {folder}: {err.strerror or err}", 2)
    for path in written:
        click.echo(f"wrote {path}", err=True)


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)
