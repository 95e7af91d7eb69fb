"""Benchmark of news extraction (pledge.ingest): accuracy per field on both parts, and speed.

Run:  .venv/bin/python bench/extract.py [--runs 7] [--repeat 5] [--data tests/data/news]
                                        [--glob 'dev_*'] [--show] [--dev-only]

Accuracy: every article ``NAME.txt`` / ``NAME.html`` has a labels file ``NAME.json``
written by reading the article (the contract fields: amounts, companies, sectors,
us_locations, status_signals, matched_projects, language, pledging_country; and the
sites; an optional ``outlet`` is passed to the extractor, as ingestion from the
outlet's address would). The articles of the data folder are the development part;
those of its ``heldout/`` folder the held-out part, which no rule is tuned on (see the
folder's README). The extractor runs against the shipped gazetteer and the shipped
project list (no database). Each field is compared as a set per article (amounts as
(low, high, currency); status signals as (project, stage)); precision, recall and
F1 are micro-averaged over the articles of each part. A status signal's project is told
by its name, with two allowances for naming, never for the stage: a row the shipped project
links make a duplicate of another counts as the row that stands for it (the same
project, reported twice), and a new project's descriptive name "company facility (State)"
matches another when both name the same state and the words of one hold every word of the
other ("Korea Zinc smelter (Tennessee)", "Korea Zinc critical minerals smelter
(Tennessee)"). The line ``status_exact_name`` scores the same signals by exact names.
``--show`` prints the misses of the development part only.

Speed (of the compiled reader when ``make compiled`` has built one that matches the
sources, else of the Python modules; the line ``speed:`` says which): every article of both
parts is extracted ``--repeat`` times per run, ``--runs`` runs; the median run gives
articles per second, on one process and on one process per core (as ``pledge ingest`` reads
a batch of 200 or more articles; the processes start once, before the timing, and the time
of their start and first pass is printed). Two baselines are timed in the same runs on the
same texts: the cleaning pass alone (HTML to text, noise lines out), and a naive extractor
(one money regex and a substring search for every organisation alias, no parser, no
matching). Their ratios are printed.

Targets, on the held-out part: amounts and companies F1 >= 0.95, status signals F1 >=
0.9; on the development part amounts and companies F1 >= 0.9; at least 1,000 articles
per second on this machine (all its cores). The exit status is 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pledge.ingest import compiled
from pledge.ingest.clean import clean
from pledge.ingest.extract import extract
from pledge.ingest.gazetteer import load
from pledge.ingest.match import ProjectIndex
from pledge.services.news import shipped_projects
from pledge.services.news_reading import read_with, start_pool

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("amounts", "companies", "sectors", "us_locations", "sites", "status_signals",
          "status_exact_name", "matched_projects", "language", "pledging_country")
TARGET_F1 = {"amounts": 0.9, "companies": 0.9}
TARGET_F1_HELD_OUT = {"amounts": 0.95, "companies": 0.95, "status_signals": 0.9}
TARGET_RATE = 1000.0
HELD_OUT = "heldout"


def articles(folder: Path, pattern: str) -> list[tuple[Path, str, dict[str, Any]]]:
    out = []
    for path in sorted(folder.glob(pattern)):
        if path.suffix.lower() not in (".txt", ".html", ".htm"):
            continue
        labels = path.with_suffix(".json")
        if not labels.exists():
            sys.exit(f"{path.name}: no labels file {labels.name}")
        out.append((path, path.read_text(encoding="utf-8"),
                    json.loads(labels.read_text(encoding="utf-8"))))
    return out


def expected(labels: dict[str, Any]) -> dict[str, Any]:
    """The labels as the contract prints them: us_locations lists the states, then the
    sites' names (the labels keep the two apart)."""
    sites = [s["name"] if isinstance(s, dict) else s for s in labels.get("sites", [])]
    return {**labels, "us_locations": [*labels.get("us_locations", []), *sites]}


def as_set(field: str, value: Any) -> set[Any]:
    if field == "amounts":
        return {(a["low"], a["high"], a["currency"]) for a in value}
    if field in ("status_signals", "status_exact_name"):
        return {(s["project"].strip().lower(), s["status"]) for s in value}
    if field == "sites":
        return {s["name"] if isinstance(s, dict) else s for s in value}
    if field in ("language", "pledging_country"):
        return {value} if value else set()
    return set(value)


_STATE_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]+)\)$")


def same_new_project(a: str, b: str) -> bool:
    """Whether two descriptive names "company facility (State)" name one new project: the
    same state, and the words of one (two or more) hold every word of the other."""
    ma, mb = _STATE_SUFFIX.match(a), _STATE_SUFFIX.match(b)
    if not ma or not mb or ma.group(2).strip() != mb.group(2).strip():
        return False
    wa, wb = set(ma.group(1).split()), set(mb.group(1).split())
    return min(len(wa), len(wb)) >= 2 and (wa <= wb or wb <= wa)


def pair_signals(got: set[tuple[str, str]], want: set[tuple[str, str]],
                 heads: dict[str, str]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Found and labelled status signals paired one to one: the same stage, and the same
    project by name (a duplicate row as the row standing for it), else the same new project
    by ``same_new_project``."""
    def row(sig: tuple[str, str]) -> tuple[str, str]:
        return heads.get(sig[0], sig[0]), sig[1]

    pairs = []
    left = sorted(want)
    for g in sorted(got):
        hit = next((w for w in left if row(w) == row(g)), None)
        if hit is None:
            hit = next((w for w in left if w[1] == g[1] and same_new_project(g[0], w[0])),
                       None)
        if hit is not None:
            left.remove(hit)
            pairs.append((g, hit))
    return pairs


def duplicate_heads(index: ProjectIndex) -> dict[str, str]:
    """Shipped rows that report a project another row stands for (lower-cased names), as
    the project index reads the project links."""
    names = {p.project.id: p.project.name for p in index.profiles}
    return {names[pid].strip().lower(): head.strip().lower()
            for pid, (_, head, _) in index.heads.items()}


def score(found: list[dict[str, Any]], labels: list[dict[str, Any]], heads: dict[str, str]
          ) -> dict[str, tuple[float, float, float, int]]:
    """Micro-averaged precision, recall, F1 and label count per field (``labels`` as the
    contract prints them: see ``expected``)."""
    out = {}
    for field in FIELDS:
        tp = fp = fn = 0
        for got, want in zip(found, labels, strict=True):
            key = "status_signals" if field == "status_exact_name" else field
            g, w = as_set(field, got.get(key, [])), as_set(field, want.get(key, []))
            both = len(pair_signals(g, w, heads) if field == "status_signals" else g & w)
            tp += both
            fp += len(g) - both
            fn += len(w) - both
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[field] = (p, r, f1, tp + fn)
    return out


def naive(gaz_aliases: list[str]) -> Callable[[str], int]:
    money = re.compile(r"(?:US\$|\$|¥|₩)\s?\d[\d,.]*\s?(?:billion|million|trillion|bn|m)?"
                       r"|\d[\d,.]*\s?(?:兆|億|조|억)\s?(?:円|ドル|원|달러)")

    def run(text: str) -> int:
        n = len(money.findall(text))
        return n + sum(1 for alias in gaz_aliases if alias in text)

    return run


def timed(fn: Callable[[], None], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def table(title: str, data: list[tuple[Path, str, dict[str, Any]]],
          found: list[dict[str, Any]], targets: dict[str, float], heads: dict[str, str]
          ) -> bool:
    """Print one part's scores; True when its targets are met."""
    labels = [expected(want) for _, _, want in data]
    results = score(found, labels, heads)
    langs = sorted({w.get("language", "?") for w in labels})
    html = sum(1 for p, _, _ in data if p.suffix.lower() in (".html", ".htm"))
    print(f"{title}: {len(data)} labelled articles ({html} HTML; languages "
          f"{', '.join(langs)})")
    print(f"{'field':<18}{'precision':>10}{'recall':>9}{'F1':>8}{'labels':>8}  target")
    ok = True
    for field in FIELDS:
        p, r, f1, n = results[field]
        target = targets.get(field)
        mark = ""
        if target is not None:
            met = f1 >= target
            ok &= met
            mark = f"F1 >= {target}: {'met' if met else 'MISSED'}"
        print(f"{field:<18}{p:>10.3f}{r:>9.3f}{f1:>8.3f}{n:>8}  {mark}")
    print()
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "news")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--glob", default="*", help="only the development articles whose names "
                                                "match (e.g. 'dev_*')")
    ap.add_argument("--show", action="store_true",
                    help="print each development article's misses (never the held-out ones)")
    ap.add_argument("--dev-only", action="store_true",
                    help="score the development part only (while rules are being changed); "
                         "the speed is still timed on both parts")
    args = ap.parse_args()

    gaz = load()
    index = ProjectIndex(shipped_projects(), gaz)
    heads = duplicate_heads(index)
    dev = articles(args.data, args.glob)
    held = articles(args.data / HELD_OUT, "*") if (args.data / HELD_OUT).is_dir() else []
    if not dev or (args.glob == "*" and len(dev) < 15):
        sys.exit(f"need at least 15 labelled articles, found {len(dev)}")

    def run_extract(part: list[tuple[Path, str, dict[str, Any]]]) -> list[dict[str, Any]]:
        return [extract(text, source=path.name, gazetteer=gaz, projects=index,
                        name=path.name, outlet=want.get("outlet", "")).contract()
                for path, text, want in part]

    found = run_extract(dev)
    ok = table("development part", dev, found, TARGET_F1, heads)
    if args.dev_only:
        print("held-out part not scored (--dev-only)\n")
    elif held:
        ok &= table("held-out part (never tuned on)", held, run_extract(held),
                    TARGET_F1_HELD_OUT, heads)
    else:
        print(f"no held-out part (no labelled articles in {args.data / HELD_OUT})\n")

    if args.show:
        for (path, _, want), got in zip(dev, found, strict=True):
            for field in FIELDS:
                if field == "status_exact_name":
                    continue
                g = as_set(field, got.get(field, []))
                w = as_set(field, expected(want).get(field, []))
                if field == "status_signals":
                    paired = pair_signals(g, w, heads)
                    g -= {a for a, _ in paired}
                    w -= {b for _, b in paired}
                    if g or w:
                        print(f"  {path.name} {field}: missed {sorted(map(str, w))} "
                              f"extra {sorted(map(str, g))}")
                elif g != w:
                    print(f"  {path.name} {field}: missed {sorted(map(str, w - g))} "
                          f"extra {sorted(map(str, g - w))}")

    aliases = [a for o in gaz.organisations.values() for a in (o.name, *o.aliases)]
    simple = naive(aliases)
    texts = [(path.name, text, want.get("outlet", "")) for path, text, want in [*dev, *held]]
    n = len(texts) * args.repeat

    def full() -> None:
        for _ in range(args.repeat):
            for name, text, outlet in texts:
                extract(text, source=name, gazetteer=gaz, projects=index, name=name,
                        outlet=outlet)

    def cleaning() -> None:
        for _ in range(args.repeat):
            for name, text, _outlet in texts:
                clean(text, name=name)

    def regex_only() -> None:
        for _ in range(args.repeat):
            for _name, text, _outlet in texts:
                simple(text)

    full()  # warm caches (compiled patterns, gazetteer) before timing
    t_full, _ = timed(full, args.runs)
    t_clean, _ = timed(cleaning, args.runs)
    t_naive, _ = timed(regex_only, args.runs)
    rate = n / t_full

    # the same extractions on one process per core, as `pledge ingest` reads a batch of
    # 200 or more articles (pledge.services.news_reading); the processes start once,
    # before the timing, as they do once per batch
    cores = os.cpu_count() or 1
    items = [(name, text, None, outlet) for _ in range(args.repeat)
             for name, text, outlet in texts]
    t_start = time.perf_counter()
    with start_pool(shipped_projects(), gaz, cores) as pool:
        read_with(pool, items)  # the processes start on the first pass, then stay
        start_s = time.perf_counter() - t_start
        t_par, _ = timed(lambda: read_with(pool, items), args.runs)
    rate_par = n / t_par
    print(f"speed: {len(texts)} articles (both parts) x {args.repeat} per run, "
          f"median of {args.runs} runs; the reader runs {compiled.describe()} "
          "(make compiled; PLEDGE_PURE=1 for the Python modules)")
    print(f"{'pass':<34}{'seconds':>10}{'articles/s':>12}{'vs extract':>12}")
    for label, t in (("extract (clean + facts + match)", t_full),
                     (f"extract on {cores} processes", t_par),
                     ("baseline: cleaning pass only", t_clean),
                     ("baseline: naive regex extractor", t_naive)):
        print(f"{label:<34}{t:>10.4f}{n / t:>12.1f}{t_full / t:>11.2f}x")
    met = rate_par >= TARGET_RATE
    ok &= met
    print(f"(starting the {cores} processes and their first pass took {start_s:.2f} s, "
          "once per batch)")
    print(f"target: >= {TARGET_RATE:,.0f} articles/s on this machine: "
          f"{'met' if met else 'MISSED'} ({rate_par:.1f}/s on {cores} processes, "
          f"{rate:.1f}/s on one: {rate / 1000:.2f}x the target alone; extraction costs "
          f"{t_full / t_clean:.1f}x the cleaning pass)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
