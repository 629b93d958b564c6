"""Every shell-form RUN in BuildKit's parser test data parses into known commands.

The ``result`` files hold BuildKit's logical line for each RUN (continuations already joined),
exactly what dfopt hands to ``parse_shell``. Skips when ``../shared`` is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rewriter.analyse.shell import parse_shell

_RUN = re.compile(r'^\(run "((?:[^"\\]|\\.)*)"\)$')


def _shell_form_runs(shared: Path) -> list[str]:
    bodies = []
    for result in sorted((shared / "conformance/buildkit-parser/testfiles").glob("*/result")):
        for line in result.read_text(encoding="utf-8").splitlines():
            match = _RUN.match(line)
            if match:
                try:
                    bodies.append(json.loads(f'"{match.group(1)}"'))
                except json.JSONDecodeError:  # a Go-only escape such as \x00: not shell text
                    continue
    return bodies


def test_conformance_run_bodies_parse_without_unknown_commands(shared_dir: Path) -> None:
    bodies = _shell_form_runs(shared_dir)
    assert len(bodies) > 30
    failures = []
    for body in bodies:
        script = parse_shell(body)
        for command in script.commands:
            assert 0 <= command.start <= command.end <= len(body)
        if not script.ok:
            failures.append(body)
    assert failures == []


def test_conformance_apt_chains_are_recognised_as_apt(shared_dir: Path) -> None:
    from rewriter.analyse.packages import recognise

    tools = set()
    for body in _shell_form_runs(shared_dir):
        for command in parse_shell(body).commands:
            action = recognise(command)
            if action is not None:
                tools.add((action.tool, action.kind))
    assert ("apt-get", "index-update") in tools
    assert ("apt-get", "cleanup") in tools
