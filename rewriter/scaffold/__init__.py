"""``dfopt new``: an optimized Dockerfile and .dockerignore for a Node, Python, Go or Java project.

The package is a small pipeline, each step in its own module so that each can be tested alone:

    detect/    folder -> Project (language, package manager, versions, entry point, port ...)
    options    command-line overrides applied on top of what was detected
    recipes/   Project -> template name + values (one module per language)
    render     template file + values -> Dockerfile text
    dockerignore  folder + Project -> .dockerignore text
    pipelines  Project -> docker-bake.hcl / CI pipeline text (--bake, --ci), remote layer cache
    writer     atomic writes, overwrite guard, unified diff
    command    the click command ``new_command``

Nothing here imports click or reads a template until it is used, so ``import rewriter`` stays cheap.
"""

from __future__ import annotations

__all__ = ["Scaffold", "ScaffoldError", "scaffold"]


def __getattr__(name: str):
    # Lazy re-exports keep ``import rewriter.scaffold`` free of the detection and template code.
    if name in __all__:
        from rewriter.scaffold import api

        return getattr(api, name)
    raise AttributeError(name)
