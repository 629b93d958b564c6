"""dfopt: a Dockerfile optimizing rewriter.

The package is laid out as the pipeline it runs:

    parser/   bytes -> lossless syntax tree (lark grammar + a small pre-lexer)
    analyse/  tree -> build model (stages, variables, RUN commands, build context)
    rules/    model -> findings, one rule per module
    fixes/    findings -> edits, applied until the file is stable
    emit/     atomic writes, unified diffs, reports

Only ``parse`` and ``ParseError`` are imported eagerly-on-demand here, so that
``import rewriter`` stays cheap for the command line.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["ParseError", "parse", "parse_file"]


def __getattr__(name: str):
    # Lazy re-exports: the CLI imports this package on every run, and start-up time matters.
    if name in __all__:
        from rewriter import parser as _parser_pkg

        return getattr(_parser_pkg, name)
    raise AttributeError(name)
