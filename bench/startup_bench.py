"""Where a single-file ``dfopt`` run spends its time, phase by phase. Run by hand.

``python bench/startup_bench.py [--repeat N] [FILE]`` starts fresh interpreters and prints the
median wall time and CPU time (user + system) of each step, each step including the ones above
it, so the differences show what every phase adds:

- the interpreter alone, then the interpreter with click (the command-line library the project
  uses, with the standard-library modules it loads): the floor no click-based tool can go below;
- + dfopt's own modules, + loading both grammars' tables (lark itself is imported only
  when a grammar's table cache has to be built);
- the real commands ``dfopt parse FILE`` and ``dfopt check FILE``, and ``hadolint FILE``.

``--venv DIR`` measures another environment instead of the current one, e.g. a user-like install
made with ``python3 -m venv /tmp/u && /tmp/u/bin/pip install .``: the test extras pull in the
``regex`` module, which lark then imports at start-up (~7 ms here), and a user install lacks it.

Why CPU time too: on a busy machine wall time swings with other processes; CPU time of the child
is steadier and still shows what each phase costs.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import installed_like_env  # noqa: E402

DFOPT_MODULES = (
    "import rewriter.cli, rewriter.cli_check, rewriter.rules.engine, rewriter.fixes.engine; "
    "from rewriter.rules.registry import all_rules; all_rules()"
)
GRAMMARS = (
    "from rewriter.parser import parse; parse('FROM a\\n'); "
    "from rewriter.analyse.shell import parse_shell; parse_shell('if true; then :; fi')"
)


def measure(cmd: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``cmd`` over ``repeat`` fresh runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--venv", type=Path, help="measure this environment's python and dfopt")
    ap.add_argument("file", nargs="?", default=str(ROOT / "corpus/parse/basics/Dockerfile"))
    args = ap.parse_args()
    env = installed_like_env()
    py = str(args.venv / "bin" / "python") if args.venv else sys.executable
    bindir = Path(py).parent
    if args.venv:  # compile its bytecode as pip does at install time
        subprocess.run([py, "-m", "compileall", "-q", str(args.venv / "lib")], check=False)
    steps = [
        ("python -c pass", [py, "-c", "pass"]),
        ("python + click", [py, "-c", "import click"]),
        ("+ dfopt modules", [py, "-c", f"import click; {DFOPT_MODULES}"]),
        ("+ both grammars", [py, "-c", f"{DFOPT_MODULES}; {GRAMMARS}"]),
        ("dfopt parse FILE", [str(bindir / "dfopt"), "parse", args.file]),
        ("dfopt check FILE", [str(bindir / "dfopt"), "check", args.file]),
    ]
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if Path(hadolint).exists():
        steps.append(("hadolint FILE", [hadolint, args.file]))
    for cmd in (s[1] for s in steps):  # warm the OS file cache and lark's grammar cache
        subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=ROOT)
    results = {}
    print(f"median of {args.repeat} fresh runs; file: {args.file}")
    print(f"{'step':22} {'wall ms':>9} {'cpu ms':>9}")
    for label, cmd in steps:
        wall, cpu = measure(cmd, args.repeat, env)
        results[label] = wall
        print(f"{label:22} {wall * 1000:9.1f} {cpu * 1000:9.1f}")
    if "hadolint FILE" in results:
        for ours in ("dfopt parse FILE", "dfopt check FILE", "python + click"):
            ratio = results[ours] / results["hadolint FILE"]
            print(f"ratio {ours} / hadolint FILE (wall): {ratio:.2f}")


if __name__ == "__main__":
    main()
