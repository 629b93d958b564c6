"""Recipes: turn a detected ``Project`` into a template name and the values that fill it.

One module per language. All decisions about *what* the Dockerfile does live here (which image,
which install command, which cache path); the templates only decide how it reads.
"""

from __future__ import annotations

from rewriter.scaffold.model import Project


def recipe_for(project: Project) -> tuple[str, dict[str, object]]:
    """(template file name, values) for ``project``."""
    if project.lang == "node":
        from rewriter.scaffold.recipes.node import node_recipe as recipe
    elif project.lang == "python":
        from rewriter.scaffold.recipes.python import python_recipe as recipe
    elif project.lang == "go":
        from rewriter.scaffold.recipes.go import go_recipe as recipe
    else:
        from rewriter.scaffold.recipes.java import java_recipe as recipe
    return recipe(project)
