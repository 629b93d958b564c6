"""Find the rules: every module in ``rewriter/rules/checks/`` defines exactly one Rule subclass.

Rules are discovered, not listed by hand, so adding a rule is adding a module. Importing the
rule modules is deferred until a command needs them.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from rewriter.rules.base import CODE_PATTERN, Rule


@functools.cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code. Raises if two rules share a code or a module has none."""
    from rewriter.rules import checks

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"{checks.__name__}.{info.name}")
        classes = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Rule)
            and obj is not Rule
            and obj.__module__ == module.__name__
        ]
        if len(classes) != 1:
            raise RuntimeError(
                f"{module.__name__} must define exactly one rule, not {len(classes)}"
            )
        rule = classes[0]
        if not CODE_PATTERN.match(rule.code):
            raise RuntimeError(f"{rule.__name__}: code {rule.code!r} is not DF + 3 digits")
        if rule.code in found:
            raise RuntimeError(f"{rule.code} is used by two rules")
        found[rule.code] = rule
    return tuple(found[code] for code in sorted(found))


def rule_by_code(code: str) -> type[Rule] | None:
    code = code.strip().upper()
    for rule in all_rules():
        if rule.code == code or rule.name == code.lower():
            return rule
    return None


def select_rules(select: list[str] | None, ignore: list[str] | None) -> list[type[Rule]]:
    """Rules matching ``select`` prefixes (all when empty) minus ``ignore`` prefixes.

    A prefix is a code or its start (``DF1`` selects every cache rule) or a rule name.
    """

    def matches(rule: type[Rule], patterns: list[str]) -> bool:
        for p in patterns:
            p = p.strip()
            if rule.code.startswith(p.upper()) or rule.name == p.lower() or p.upper() == "ALL":
                return True
        return False

    rules = [r for r in all_rules() if not select or matches(r, select)]
    return [r for r in rules if not ignore or not matches(r, ignore)]
