"""Cost of the build model next to the cost of parsing, over the same Dockerfiles.

Run by hand (not in CI): ``python bench/model_bench.py [--repeat N]``. Files: every Dockerfile in
``corpus/`` and the BuildKit parser conformance files (when ``../shared`` is there). Prints the
median time of each phase per round and its ratio to parsing:

- parse: ``rewriter.parse`` alone;
- model: ``build_model`` on the parsed tree (stages, scopes, state per instruction, references);
- runs: ``model.runs()`` on top (parses every RUN's shell code and recognises package commands);
- copies: ``model.copies()``.

The target is model <= parse: rules that never look at shell code pay only for ``model``;
and (issue 3) the whole analysis, ``total`` = model + runs + copies, costs no more than parsing.

Where it stands (November 2026, 2-core machine, medians): ``model`` is about 0.35x the parse,
``total`` about 1.15-1.35x after four speed rounds (2.36x before them). The rest is spread over
object creation in the shell lexer, the recogniser and the model walk. A probe that compiled the
hot modules with mypyc, the parser included so that the ratio stays fair, made both sides about
2x faster and left ``total`` at about 1.2x; compiling only the model side shows 0.7x, which would
flatter the ratio. It was not adopted: it needs platform wheels, segfaults on Dockerfiles nested
thousands of levels deep (C-stack recursion), breaks pickling of trees and slows start-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import dockerfile_texts  # noqa: E402


def dockerfiles() -> list[str]:
    """The text of every Dockerfile the parser accepts."""
    return [text for _, text in dockerfile_texts()]


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        rounds.append(time.perf_counter() - start)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()

    from rewriter import parse
    from rewriter.analyse.model import build_model

    texts = dockerfiles()
    trees = [parse(t) for t in texts]
    models = [build_model(t) for t in trees]
    for model in models:  # warm the shell grammar and the recogniser once
        model.runs()

    from rewriter.analyse.shell import parse_shell

    def fresh_runs() -> None:
        parse_shell.cache_clear()  # RUN bodies are parsed afresh in every round
        for tree in trees:
            build_model(tree).runs()

    def fresh_copies() -> None:
        for tree in trees:
            build_model(tree).copies()

    parse_s = median_seconds(lambda: [parse(t) for t in texts], options.repeat)
    model_s = median_seconds(lambda: [build_model(t) for t in trees], options.repeat)
    runs_s = median_seconds(fresh_runs, options.repeat) - model_s
    copies_s = median_seconds(fresh_copies, options.repeat) - model_s
    lines = sum(t.count("\n") + 1 for t in texts)
    print(f"{len(texts)} Dockerfiles, {lines} lines, median of {options.repeat} rounds")
    for name, seconds in (
        ("parse", parse_s),
        ("model", model_s),
        ("runs", runs_s),
        ("copies", copies_s),
        ("total", model_s + runs_s + copies_s),
    ):
        print(f"  {name:7} {seconds * 1000:8.2f} ms   {seconds / parse_s:5.2f} x parse")


if __name__ == "__main__":
    main()
