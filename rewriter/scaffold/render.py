"""A tiny template renderer: ``{{name}}`` values and whole-line ``{{#if}}`` blocks.

Why not ``string.Template``: Dockerfiles are full of ``$VAR`` and ``${VAR}``, which would all need
escaping and make the templates unreadable. Why not jinja: a dependency and ~40 ms of import for
what is a dozen lines here. The syntax:

    {{name}}                  replaced by ``values[name]`` (a str; a missing name is an error)
    {{#if name}} / {{#if not name}} / {{else}} / {{/if}}   on lines of their own, nestable
    {{! a note for template authors }}                      a line dropped from the output

Runs of blank lines left by skipped blocks collapse into one. Braces that do not form one of
these tags stay as they are, so GitHub Actions expressions (``${{ github.actor }}``, always a
dotted path or an operator inside) can be written literally in a workflow template.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_VALUE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_IF = re.compile(r"^\s*\{\{#if\s+(not\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$")
_ELSE = re.compile(r"^\s*\{\{else\}\}\s*$")
_END = re.compile(r"^\s*\{\{/if\}\}\s*$")
_NOTE = re.compile(r"^\s*\{\{!.*\}\}\s*$")
# What is left of a tag the renderer did not consume: a misplaced block tag or an unknown value.
_LEFTOVER = re.compile(r"\{\{\s*(?:[#/!]|else\s*\}\}|[A-Za-z_][A-Za-z0-9_]*\s*\}\})")


class TemplateError(Exception):
    """A template bug (unbalanced block, unknown value): never the user's fault."""


@functools.cache
def load_template(name: str) -> str:
    """The text of ``templates/<name>`` shipped inside the package."""
    return resources.files("rewriter.scaffold").joinpath("templates", name).read_text("utf-8")


def render(template: str, values: dict[str, object]) -> str:
    """Render ``template`` with ``values``; see the module docstring for the syntax."""
    out: list[str] = []
    # Each entry: (this block's condition, whether every enclosing block is active).
    stack: list[tuple[bool, bool]] = []
    active = True
    for number, line in enumerate(template.splitlines(keepends=True), start=1):
        if _NOTE.match(line):
            continue
        if match := _IF.match(line):
            name = match.group(2)
            if name not in values:
                raise TemplateError(f"line {number}: unknown condition {name!r}")
            condition = bool(values[name]) != bool(match.group(1))
            stack.append((condition, active))
            active = active and condition
            continue
        if _ELSE.match(line):
            if not stack:
                raise TemplateError(f"line {number}: {{{{else}}}} outside a block")
            condition, outer = stack[-1]
            stack[-1] = (not condition, outer)
            active = outer and not condition
            continue
        if _END.match(line):
            if not stack:
                raise TemplateError(f"line {number}: {{{{/if}}}} outside a block")
            _, active = stack.pop()
            continue
        if active:
            out.append(_VALUE.sub(lambda m, n=number: _value(values, m.group(1), n), line))
    if stack:
        raise TemplateError("unclosed {{#if}} block")
    text = re.sub(r"\n{3,}", "\n\n", "".join(out))
    if leftover := _LEFTOVER.search(text):
        raise TemplateError("unrendered tag left in output: " + text[leftover.start() :][:40])
    return text.lstrip("\n")


def _value(values: dict[str, object], name: str, number: int) -> str:
    if name not in values:
        raise TemplateError(f"line {number}: unknown value {name!r}")
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TemplateError(f"line {number}: value {name!r} is {type(value).__name__}, not text")
    return str(value)


def render_template(name: str, values: dict[str, object]) -> str:
    return render(load_template(name), values)
