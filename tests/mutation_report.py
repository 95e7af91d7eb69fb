"""``make mutate``: mutation-test the domain rules and judge what survives.

Runs mutmut (configured under ``[tool.mutmut]`` in pyproject.toml) over
``src/pledge/domain/``, then prints, module by module, how many mutants were made
and killed and every survivor. A survivor is *explained* when
``tests/mutation_equivalents.toml`` names it (module, function and the changed
code, so an entry survives edits elsewhere in the file) with the reason it cannot
change behaviour; any other survivor is *unexplained*. The exit status is 1 when a
module in ``GATED`` has an unexplained survivor (a mutant no test reached counts as
one), and 0 otherwise: survivors in the other domain modules are printed only.

    python -m tests.mutation_report              # a fresh run, then the report
    python -m tests.mutation_report --no-run     # the report of the last run only
    python -m tests.mutation_report --survivors  # test again what survived in GATED modules
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.toml"
PACKAGE = "pledge.domain."
# The modules whose every survivor must be killed or explained.
GATED = ("funding", "lifecycle", "waterfall", "calendars", "amount_parser", "amount_words",
         "money", "ledger")
KILLED = {"killed", "timeout", "caught by type check"}


@dataclass(frozen=True)
class Mutant:
    name: str        # as mutmut gives it: pledge.domain.money.xǁMoneyǁ__add____mutmut_3
    module: str      # money
    function: str    # Money.__add__
    status: str      # killed, survived, no tests, timeout, ...
    before: str      # the changed lines of the original, stripped, joined by newlines
    after: str       # the same lines in the mutant

    def describe(self) -> str:
        return f"{self.function}: {one_line(self.before)}  ->  {one_line(self.after)}"


@dataclass(frozen=True)
class Equivalent:
    module: str
    function: str
    before: str
    after: str
    reason: str

    def matches(self, m: Mutant) -> bool:
        return (m.module, m.function, m.before, m.after) == (
            self.module, self.function, self.before, self.after)


def one_line(code: str) -> str:
    return " / ".join(code.splitlines()) or "(nothing)"


def function_of(name: str) -> tuple[str, str]:
    """(module, function) of a mutant name: 'money', 'Money.__add__'."""
    qualified, _, _ = name.rpartition("__mutmut_")
    module, _, mangled = qualified.rpartition(".")
    parts = [p for p in mangled.removeprefix("x").removeprefix("_").split("ǁ") if p]
    return module.removeprefix(PACKAGE), ".".join(parts)


def changed_lines(diff: str) -> tuple[str, str]:
    minus = [ln[1:].strip() for ln in diff.splitlines()
             if ln.startswith("-") and not ln.startswith("---")]
    plus = [ln[1:].strip() for ln in diff.splitlines()
            if ln.startswith("+") and not ln.startswith("+++")]
    return "\n".join(minus), "\n".join(plus)


def load_mutants() -> list[Mutant]:
    """Every mutant of the last run with its status and, for survivors, the changed code."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    mutants = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            status = status_by_exit_code[code]
            module, function = function_of(name)
            before = after = ""
            if status == "survived":
                before, after = changed_lines(get_diff_for_mutant(name, path=path))
            mutants.append(Mutant(name, module, function, status, before, after))
    return mutants


def load_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    data = tomllib.loads(path.read_text("utf-8"))
    out = []
    for e in data.get("equivalent", []):
        lines = {k: "\n".join(v) if isinstance(v, list) else v
                 for k, v in e.items() if k in ("before", "after")}
        out.append(Equivalent(e["module"], e["function"], lines["before"], lines["after"],
                              e["reason"]))
    return out


def report(mutants: list[Mutant], equivalents: list[Equivalent]) -> int:
    """Print the figures and the survivors; the number of unexplained gated survivors."""
    by_module: dict[str, list[Mutant]] = defaultdict(list)
    for m in mutants:
        by_module[m.module].append(m)
    used: set[int] = set()
    rows = []
    failing = 0
    survivors_text: list[str] = []
    for module in sorted(by_module, key=lambda mod: (mod not in GATED, mod)):
        counts: Counter[str] = Counter()
        lines = []
        tag = "UNEXPLAINED" if module in GATED else "survived"
        untested: Counter[tuple[str, str]] = Counter()
        for m in sorted(by_module[module], key=lambda m: (m.function, m.name)):
            if m.status in KILLED:
                counts["killed"] += 1
                continue
            match = next((i for i, e in enumerate(equivalents) if e.matches(m)), None)
            if match is not None and m.status == "survived":
                used.add(match)
                counts["equivalent"] += 1
                lines.append(f"    equivalent  {m.describe()}")
                continue
            counts["unexplained"] += 1
            if m.status == "survived":
                lines.append(f"  {tag:<11} {m.describe()}    ({m.name})")
            else:  # no test reaches it, or it was not run: one line per function
                untested[(m.function, m.status)] += 1
        for (function, status), n in sorted(untested.items()):
            lines.append(f"  {tag:<11} {function}: {n} mutant(s) [{status}]")
        if module in GATED:
            failing += counts["unexplained"]
        rows.append((module, len(by_module[module]), counts["killed"], counts["equivalent"],
                     counts["unexplained"], "gated" if module in GATED else ""))
        if lines:
            survivors_text.append(f"{PACKAGE}{module}:")
            survivors_text.extend(lines)

    print("\nSurvivors (equivalent: named in tests/mutation_equivalents.toml):")
    print("\n".join(survivors_text) if survivors_text else "  none")
    stale = [e for i, e in enumerate(equivalents) if i not in used]
    if stale:
        print("\nEntries in tests/mutation_equivalents.toml that matched no survivor this "
              "time (killed, if only by a timeout, or the code changed: update or remove):")
        for e in stale:
            print(f"  {e.module}.{e.function}: {one_line(e.before)}  ->  {one_line(e.after)}")
    print(f"\n{'module':<16}{'mutants':>9}{'killed':>9}{'equivalent':>12}{'unexplained':>13}")
    for module, total, killed, equivalent, unexplained, gated in rows:
        print(f"{module:<16}{total:>9}{killed:>9}{equivalent:>12}{unexplained:>13}  {gated}")
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]  # type: ignore[misc]  # columns 1 to 4 are ints
    print(f"{'total':<16}{totals[0]:>9}{totals[1]:>9}{totals[2]:>12}{totals[3]:>13}")
    return failing


def forget_survivors() -> int:
    """Mark the last run's survivors in GATED modules as untested; how many there were."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    count = 0
    for path in walk_mutatable_files():
        if Path(path).stem not in GATED:
            continue
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            if status_by_exit_code[code] not in KILLED:
                data.exit_code_by_key[name] = None
                count += 1
        data.save()
    # Collect again which tests reach which function: mutmut's own update for new tests
    # passes their ids on the command line, which fails for ids in Japanese or Korean.
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    return count


def run_mutmut(children: int, fresh: bool = True) -> None:
    """Test every mutant afresh, or (fresh=False) only those the last run left untested;
    mutmut itself also retests the mutants of functions changed since."""
    if fresh:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = {**os.environ, "PLEDGE_HYPOTHESIS_PROFILE": "mutation"}
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
                   cwd=ROOT, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true",
                        help="report on the last run instead of running again")
    parser.add_argument("--survivors", action="store_true",
                        help="test again only what survived the last run in "
                             f"{', '.join(GATED)} (and whatever changed since)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2,
                        help="mutants tested at once (default: the number of CPUs)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    started = time.monotonic()
    if args.survivors:
        print(f"testing again {forget_survivors()} survivors of the last run")
        run_mutmut(args.children, fresh=False)
    elif not args.no_run:
        run_mutmut(args.children)
    failing = report(load_mutants(), load_equivalents())
    if not args.no_run:
        print(f"\nmake mutate took {time.monotonic() - started:.0f} s")
    if failing:
        print(f"\n{failing} unexplained survivor(s) in {', '.join(GATED)}: kill each with a "
              "test, or name it in tests/mutation_equivalents.toml with the reason it "
              "cannot change behaviour.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
