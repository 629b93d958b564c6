"""What the benchmark scripts share: the Dockerfiles they measure and an installed-like start.

Kept in one place so that every figure in a closing note is measured over the same files.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dockerfile_paths() -> list[Path]:
    """Every Dockerfile in ``corpus/``, plus BuildKit's testfiles if ``../shared`` is there."""
    paths = [p for p in (ROOT / "corpus").rglob("*") if p.is_file() and "Dockerfile" in p.name]
    shared = ROOT.parent / "shared" / "conformance" / "buildkit-parser" / "testfiles"
    if shared.is_dir():
        paths += shared.glob("*/Dockerfile")
    return sorted(paths)


def dockerfile_texts(*, parseable: bool = True) -> list[tuple[Path, str]]:
    """``(path, text)`` of each UTF-8 Dockerfile (only those dfopt parses when ``parseable``)."""
    from rewriter import ParseError, parse

    out = []
    for path in dockerfile_paths():
        try:
            text = path.read_bytes().decode("utf-8")
            if parseable:
                parse(text)
        except (UnicodeDecodeError, ParseError):
            continue
        out.append((path, text))
    return out


def installed_like_env() -> dict[str, str]:
    """Run the CLI as an installed copy runs: with compiled bytecode (pip compiles on install).

    Some environments set PYTHONDONTWRITEBYTECODE, which makes every start recompile dfopt and
    its dependencies and would measure compilation instead of dfopt.
    """
    import compileall
    import sysconfig

    compileall.compile_dir(str(ROOT / "rewriter"), quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
