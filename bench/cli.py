"""Benchmark of the command line's start: whole processes, as a user runs them.

Run:  .venv/bin/python bench/cli.py [--runs 7]

Each command is run as its own process (the ``pledge`` script installed beside this
Python), ``--runs`` times after one warm-up run, and its median wall time is compared
with a baseline process measured in the same run, round by round (one run of every
command per round, so a busy machine slows them all alike):

    python -c "import typer, rich, sqlalchemy, holidays"

the libraries the command line cannot do without. The commands that read a database use
one initialised once (``pledge init``) in a temporary folder, named by the setting
``PLEDGE_DATABASE_URL``, so their command lines are the ones a user types. Python runs
as it does for a user, writing and reusing compiled bytecode (``PYTHONDONTWRITEBYTECODE``
is dropped from the processes' environment: the warm-up run writes what an installed
package already has).

Targets (median time over the baseline's): ``pledge --help`` and ``pledge --version``
<= 1.3x; ``pledge money parse ... --json`` <= 1.5x; ``pledge deadline ... --json`` and
``pledge projects list --json`` <= 2x. Every command must also succeed and print what it
should. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

BASELINE_IMPORTS = "import typer, rich, sqlalchemy, holidays"


@dataclass(frozen=True)
class Case:
    label: str
    args: list[str]  # after the program
    target: float | None  # the largest ratio to the baseline allowed; None: the baseline
    check: Callable[[str], bool]  # what the command must print


def pledge_program() -> list[str]:
    """The installed ``pledge`` script beside this Python, else ``python -m pledge``."""
    script = Path(sys.executable).with_name("pledge")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pledge"]


def is_json(check: Callable[[Any], bool]) -> Callable[[str], bool]:
    def parse(out: str) -> bool:
        try:
            return check(json.loads(out))
        except ValueError:
            return False
    return parse


def cases() -> list[Case]:
    return [
        Case("baseline: python -c '" + BASELINE_IMPORTS + "'",
             [sys.executable, "-c", BASELINE_IMPORTS], None, lambda out: out == ""),
        Case("pledge --help", ["--help"], 1.3, lambda out: "Usage: pledge" in out),
        Case("pledge --version", ["--version"], 1.3, lambda out: out.startswith("pledge ")),
        Case("pledge money parse '6 to 7 trillion yen' --json",
             ["money", "parse", "6 to 7 trillion yen", "--json"], 1.5,
             is_json(lambda d: d["currency"] == "JPY"
                     and Decimal(d["high"]) == Decimal("7e12"))),
        Case("pledge deadline --framework japan --notice 2026-02-17 --json",
             ["deadline", "--framework", "japan", "--notice", "2026-02-17", "--json"], 2.0,
             is_json(lambda d: d["notice"] == "2026-02-17" and bool(d["date"]))),
        Case("pledge projects list --json", ["projects", "list", "--json"], 2.0,
             is_json(lambda d: isinstance(d, list) and len(d) > 0)),
    ]


def command(case: Case, program: list[str]) -> list[str]:
    return case.args if case.target is None else [*program, *case.args]


def run_once(argv: list[str], env: dict[str, str]
             ) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - t0, done


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each command (>= 5)")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs: at least 5")

    program = pledge_program()
    all_cases = cases()
    with tempfile.TemporaryDirectory(prefix="pledge-bench-cli-") as folder:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PLEDGE_") and k != "PYTHONDONTWRITEBYTECODE"}
        env["PLEDGE_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'pledge.db'}"
        env["COLUMNS"] = "100"
        _, init = run_once([*program, "init"], env)
        if init.returncode != 0:
            sys.exit(f"pledge init failed ({init.returncode}): {init.stderr.strip()}")

        times: dict[str, list[float]] = {c.label: [] for c in all_cases}
        for round_ in range(args.runs + 1):  # round 0 warms the caches and is not counted
            for case in all_cases:
                seconds, done = run_once(command(case, program), env)
                if done.returncode != 0 or not case.check(done.stdout):
                    sys.exit(f"{case.label}: exit {done.returncode}, unexpected output:\n"
                             f"{done.stdout[:500]}{done.stderr[:500]}")
                if round_:
                    times[case.label].append(seconds)

    base = statistics.median(times[all_cases[0].label])
    print(f"whole processes, median of {args.runs} runs each after a warm-up run, "
          f"interleaved; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    print()
    width = max(len(c.label) for c in all_cases)
    print(f"{'command':<{width}}  {'median':>8}  {'min':>8}  {'ratio':>6}  target")
    ok = True
    for case in all_cases:
        median, low = statistics.median(times[case.label]), min(times[case.label])
        ratio = median / base
        if case.target is None:
            verdict = "(the baseline)"
        else:
            met = ratio <= case.target
            ok &= met
            verdict = f"<= {case.target:.1f}x  {'PASS' if met else 'MISS'}"
        print(f"{case.label:<{width}}  {median * 1000:>6.0f}ms  {low * 1000:>6.0f}ms  "
              f"{ratio:>5.2f}x  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
