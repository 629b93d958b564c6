"""DF105's fix: a lone `RUN apt-get update` moves into the install RUN that needs it, joined with
`&&`; whatever could change what the update does or how a failure ends the build blocks it."""

from __future__ import annotations

import pytest

from rewriter.config import Config
from rewriter.fixes.engine import fix_source
from rewriter.parser import parse
from rewriter.rules.base import Applicability
from rewriter.rules.engine import lint_source

ONLY = Config(select=("DF105",))


def df105(source: str):
    [finding] = lint_source(source, config=ONLY).findings
    return finding


def fixed(source: str) -> str:
    result = fix_source(source, config=ONLY)
    again = fix_source(result.output, config=ONLY)
    assert again.output == result.output, "a second pass changed the file"
    return result.output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
        ),
        (  # the update's words as written; metadata and plain ENV between stay
            "FROM debian:12\nRUN apt-get -qq update\nLABEL a=b\n"
            "ENV DEBIAN_FRONTEND=noninteractive\n"
            "RUN apt-get install -y --no-install-recommends curl \\\n"
            "    ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\n",
            "FROM debian:12\nLABEL a=b\nENV DEBIAN_FRONTEND=noninteractive\n"
            "RUN apt-get -qq update && apt-get install -y --no-install-recommends curl \\\n"
            "    ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\n",
        ),
        (
            "FROM alpine:3.20\nRUN apk update\nRUN apk add curl | tee /tmp/log\n",
            "FROM alpine:3.20\nRUN apk add curl | tee /tmp/log\n".replace(
                "RUN apk add", "RUN apk update && apk add"
            ),
        ),
        (  # flags of the install stay in front; a comment above the update stays
            "FROM fedora:40\n# index\nRUN dnf makecache\n"
            "RUN --mount=type=cache,target=/var/cache/dnf dnf install -y git\n",
            "FROM fedora:40\n# index\n"
            "RUN --mount=type=cache,target=/var/cache/dnf dnf makecache && dnf install -y git\n",
        ),
        (
            "FROM debian:12\r\nRUN apt-get update\r\nRUN apt-get install -y curl\r\n",
            "FROM debian:12\r\nRUN apt-get update && apt-get install -y curl\r\n",
        ),
    ],
)
def test_the_update_moves_into_the_install_run(source: str, expected: str) -> None:
    finding = df105(source)
    assert finding.fix is not None and finding.fix.applicability == Applicability.SAFE
    assert "not fixed" not in finding.message
    out = fixed(source)
    assert out == expected
    assert parse(out).to_source() == out


@pytest.mark.parametrize(
    ("between_or_install", "why"),
    [
        ("RUN apk add curl; echo done", "joins commands with `;`"),
        ("RUN apk add curl || true", "joins commands with `||`"),
        ("RUN apk add curl &&\\\n  echo ok\nRUN apk add git", None),  # first install fixable
        ("RUN <<EOF\napk add curl\nEOF", "not in shell form"),
        ('RUN ["apk", "add", "curl"]', "not in shell form"),
        ("RUN --network=none apk add curl", "sets --network or --security"),
        ("RUN --mount=type=bind,target=/src apk add curl", "mounts something other than a cache"),
        ("COPY repositories /etc/apk/\nRUN apk add curl", "`COPY` on line 3 runs between"),
        ("RUN echo hi\nRUN apk add curl", "`RUN` on line 3 runs between"),
        ("USER app\nRUN apk add curl", "`USER` on line 3 runs between"),
        ("WORKDIR /x\nRUN apk add curl", "`WORKDIR` on line 3 runs between"),
        ("ENV http_proxy=http://p:3128\nRUN apk add curl", "sets a download setting"),
        ("ARG APK_MIRROR\nRUN apk add curl", "sets a download setting"),
        ('SHELL ["/bin/ash", "-c"]\nRUN apk add curl', "`SHELL` on line 3 runs between"),
    ],
)
def test_what_may_change_the_update_or_a_failure_blocks(between_or_install: str, why) -> None:
    source = f"FROM alpine:3.20\nRUN apk update\n{between_or_install}\n"
    finding = df105(source)
    if why is None:
        assert finding.fix is not None
        return
    assert finding.fix is None
    assert "; not fixed: " in finding.message and why in finding.message, finding.message
    assert fix_source(source, config=ONLY).output == source


@pytest.mark.parametrize(
    ("update", "why"),
    [
        ("RUN apk update # refresh", "a comment would be lost"),
        ("RUN apk update && echo updated", "does more than the update"),
        ("RUN apk update \\\n  --no-progress", "not a plain one-line RUN"),
        ("RUN --network=host apk update", "not a plain one-line RUN"),
    ],
)
def test_an_update_run_that_is_more_than_the_update_blocks(update: str, why: str) -> None:
    source = f"FROM alpine:3.20\n{update}\nRUN apk add curl\n"
    finding = df105(source)
    assert finding.fix is None and why in finding.message, finding.message


def test_a_powershell_stage_is_left_alone() -> None:
    source = (
        'FROM mcr.microsoft.com/powershell\nSHELL ["pwsh", "-c"]\nRUN apt-get update\n'
        "RUN apt-get install -y curl\n"
    )
    assert "runs in the SHELL `pwsh -c`" in df105(source).message
