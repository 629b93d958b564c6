"""How lint time grows with the size of one Dockerfile. Run by hand.

``python bench/scaling_bench.py [--repeat N]`` builds Dockerfiles of 300 to 4,800 lines in two
shapes and prints the median ``lint_source`` time per file and per line:

- ``apt``: RUNs with apt installs, ENVs and COPYs in one stage (the shape that once made DF107's
  planning look at every later RUN for each RUN);
- ``args``: ARGs and RUNs that read them (each RUN's words once expanded again for every
  earlier RUN's plan).

Per-line time that stays flat means linear growth; per-line time that doubles with the size
means a quadratic step somewhere.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def apt_shape(lines: int) -> str:
    out = ["FROM debian:12 AS base"]
    for i in range(lines):
        if i % 3 == 0:
            out.append(
                f"RUN apt-get update && apt-get install -y pkg{i} && rm -rf /var/lib/apt/lists/*"
            )
        elif i % 3 == 1:
            out.append(f"ENV V{i}=x{i}")
        else:
            out.append(f"COPY f{i} /app/f{i}")
    return "\n".join(out) + "\n"


def args_shape(lines: int) -> str:
    out = ["ARG BASE=debian:12", "FROM $BASE"]
    for i in range(lines):
        out.append(f"ARG A{i}=v{i}" if i % 2 else f"RUN echo $A{i - 1} && pip install -r r{i}.txt")
    return "\n".join(out) + "\n"


SHAPES = {"apt": apt_shape, "args": args_shape}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from rewriter.rules.engine import lint_source

    with tempfile.TemporaryDirectory() as context:
        print(f"{'shape':>6} {'lines':>6} {'ms per file':>12} {'us per line':>12}")
        for shape, make in SHAPES.items():
            for lines in (300, 600, 1200, 2400, 4800):
                source = make(lines)
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    lint_source(source, path="Dockerfile", context_dir=Path(context))
                    times.append(time.perf_counter() - start)
                t = statistics.median(times)
                print(f"{shape:>6} {lines:>6} {t * 1000:>12.1f} {t / lines * 1e6:>12.1f}")


if __name__ == "__main__":
    main()
