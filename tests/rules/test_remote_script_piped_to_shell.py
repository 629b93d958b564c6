"""DF206 remote-script-piped-to-shell."""

from __future__ import annotations

import pytest

from tests.rules.harness import lint


def df206(source: str):
    return [f for f in lint(source) if f.code == "DF206"]


@pytest.mark.parametrize(
    "run",
    [
        "curl -fsSL https://get.example.com/install.sh | sh",
        "wget -qO- https://get.example.com | bash",
        "curl -sSL https://x.example.com/i | sudo -E bash -",
        "curl -sSL https://install.python-poetry.org | python3 -",
        'sh -c "$(curl -fsSL https://raw.example.com/install.sh)"',
        "curl -fsSL https://x.example.com/i | tee /tmp/log | sh",
    ],
)
def test_downloads_run_by_an_interpreter_fire(run):
    (finding,) = df206(f"FROM debian:12\nRUN {run}\n")
    assert "unchecked" in finding.message


def test_span_starts_at_the_download():
    (finding,) = df206("FROM debian:12\nRUN set -e; curl -fsSL https://x.example.com/i | sh\n")
    assert (finding.line, finding.column) == (2, 13)


@pytest.mark.parametrize(
    "run",
    [
        "curl -fsSLo /tmp/i.sh https://x.example.com/i && sha256sum -c sums && sh /tmp/i.sh",
        "curl -fsSL https://api.example.com/v | python3 -c 'import json,sys; print(1)'",
        "curl -fsSL https://x.example.com/a.tgz | tar xz -C /opt",
        "curl -fsSL https://x.example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "echo hi | sh",
    ],
)
def test_checked_or_non_executing_pipes_are_quiet(run):
    assert df206(f"FROM debian:12\nRUN {run}\n") == []
