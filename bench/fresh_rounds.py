"""How the news rules read articles they were not written from, and what a learned second
reading of the stage would add: the evidence behind the held-out status-signal figure.

Run:  .venv/bin/python bench/fresh_rounds.py [--readings tests/data/rounds/readings.json]

Each round of development articles (``tests/data/news/devN_*``, N from 2) was written and
labelled before that round's rules were changed. ``tools/round_readings.py`` kept how the
rules of that moment (the commit that added the round's labels) read the round's articles:
their status facts and project mentions. From those readings, for every round:

* the status-signal F1 of the rules on text they had not seen (scored as
  ``bench/extract.py`` scores it), and the missed signals by kind: the right project at
  another stage; the stage found under another name or row; a known row not found though
  the article was matched to it, or not matched at all; a new project not found;
* the ceiling of reading each named project's stage perfectly: every project the rules name
  given its labelled stage (or none), nothing else changed;
* a learned second reading, left out one round at a time: a multinomial logistic regression
  (scikit-learn) trained on the other rounds' readings, one example per project named, from
  the stage the rules report, their weaker facts and the words of the project's sentences
  (not the words of its own name). It revises the left-out round two ways: ``revised``
  (the model's stage replaces the rules' where they differ, and it adds a stage with
  probability 0.5 or more where the rules report none) and ``added`` (additions only).

The model is not part of the reader: it is measured here only (see tests/data/news/README.md
for why). No target; the exit status is 0.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract import duplicate_heads, pair_signals, same_new_project
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from pledge.ingest.gazetteer import load
from pledge.ingest.match import ProjectIndex
from pledge.services.news import shipped_projects

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "data" / "news"
READINGS = ROOT / "tests" / "data" / "rounds" / "readings.json"
REPORT = 0.5          # a fact at this confidence or more is reported (REPORT_CONFIDENCE)
ADD_AT = 0.5          # the least probability at which the model adds a stage
C = 3.0               # the regression's inverse regularisation
NONE = "none"
_WORD = re.compile(r"[a-z][a-z'-]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
Signal = tuple[str, str]


def tokens(text: str) -> set[str]:
    """Lower-case Latin words, and adjacent pairs of characters of Japanese and Korean."""
    low = text.lower()
    out = set(_WORD.findall(low))
    for run in _CJK.findall(low):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


@dataclass
class Project:
    """A project an article names, with what the rules read of it."""

    key: str
    name: str
    fact: dict[str, Any] | None = None
    evidence: set[str] = field(default_factory=set)
    sentences: set[int] = field(default_factory=set)


class Reading:
    """One article as the rules before its round read it, with its labels."""

    def __init__(self, raw: dict[str, Any], heads: dict[int, tuple[int, str, str]],
                 rows: dict[str, str]) -> None:
        self.name: str = raw["name"]
        self.round: int = raw["round"]
        self.language: str = raw["language"]
        labels = json.loads((NEWS / self.name).with_suffix(".json").read_text("utf-8"))
        self.labels: set[Signal] = {(s["project"].strip().lower(), s["status"])
                                    for s in labels["status_signals"]}
        self.matched = {rows.get(m["project"].strip().lower(), "") for m in raw["mentions"]
                        if m["confidence"] >= REPORT}
        self.rules: set[Signal] = {(s["project"].strip().lower(), s["status"])
                                   for s in raw["statuses"] if s["confidence"] >= REPORT}

        def key(pid: int | None, name: str) -> str:
            if pid is None:
                return name.strip().lower()
            return f"#{heads[pid][0] if pid in heads else pid}"

        self.projects: dict[str, Project] = {}
        for m in raw["mentions"]:
            if m["confidence"] >= REPORT:
                p = self.projects.setdefault(key(m["project_id"], m["project"]),
                                             Project(key(m["project_id"], m["project"]),
                                                     m["project"].strip().lower()))
                p.evidence.add(m["evidence"])
                p.sentences.add(m["sentence"])
        for s in raw["statuses"]:
            k = key(s["project_id"], s["project"])
            p = self.projects.setdefault(k, Project(k, s["project"].strip().lower()))
            p.evidence.add(s["evidence"])
            if p.fact is None or s["confidence"] > p.fact["confidence"]:
                p.fact = s

    def features(self, p: Project) -> dict[str, int]:
        strong = p.fact is not None and p.fact["confidence"] >= REPORT
        out = {"bias", f"lang={self.language}", f"n={min(len(p.sentences), 3)}",
               f"rule={p.fact['status'] if strong and p.fact else NONE}"}
        if p.fact is not None:
            out |= {f"st={p.fact['status']}:{'hi' if strong else 'lo'}",
                    f"rep={p.fact['reported']}"}
        own = tokens(p.name)
        for e in p.evidence:
            out |= {f"w={t}" for t in tokens(e) - own}
        return dict.fromkeys(out, 1)

    def label(self, p: Project, rows: dict[str, str]) -> str:
        for name, stage in self.labels:
            k = rows.get(name, name)
            if k == p.key or (not p.key.startswith("#") and same_new_project(k, p.key)):
                return stage
        return NONE


def f1(found: Sequence[set[Signal]], wanted: Sequence[set[Signal]],
       names: dict[str, str]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for got, want in zip(found, wanted, strict=True):
        hit = len(pair_signals(got, want, names))
        tp, fp, fn = tp + hit, fp + len(got) - hit, fn + len(want) - hit
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def misses(a: Reading, names: dict[str, str], rows: dict[str, str]) -> Counter[str]:
    """The article's missed signals by kind."""
    paired = pair_signals(a.rules, a.labels, names)
    got = a.rules - {g for g, _ in paired}
    out: Counter[str] = Counter()
    for name, stage in a.labels - {w for _, w in paired}:
        def same(other: str, name: str = name) -> bool:
            return (names.get(other, other) == names.get(name, name)
                    or same_new_project(other, name))
        if any(same(q) for q, _ in got):
            out["right project, other stage"] += 1
        elif any(t == stage for _, t in got):
            out["stage found under another name or row"] += 1
        elif name in rows:
            out["known row named, no stage" if rows[name] in a.matched
                else "known row not matched"] += 1
        else:
            out["new project not found"] += 1
    return out


def revised(a: Reading, model: LogisticRegression, vec: DictVectorizer,
            replace: bool) -> set[Signal]:
    out = set(a.rules)
    projects = list(a.projects.values())
    if not projects:
        return out
    probs = model.predict_proba(vec.transform([a.features(p) for p in projects]))
    for p, row in zip(projects, probs, strict=True):
        i = int(row.argmax())
        stage, prob = str(model.classes_[i]), float(row[i])
        strong = p.fact is not None and p.fact["confidence"] >= REPORT
        if stage == NONE:
            continue
        if strong and p.fact is not None:
            if replace and stage != p.fact["status"]:
                out.discard((p.fact["project"].strip().lower(), p.fact["status"]))
                out.add((p.fact["project"].strip().lower(), stage))
        elif prob >= ADD_AT:
            out.add((p.name, stage))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readings", type=Path, default=READINGS)
    args = ap.parse_args()
    index = ProjectIndex(shipped_projects(), load())
    heads = index.heads
    rows = {p.project.name.strip().lower():
            f"#{heads[p.project.id][0] if p.project.id in heads else p.project.id}"
            for p in index.profiles}
    names = duplicate_heads(index)
    articles = [Reading(raw, heads, rows)
                for raw in json.loads(args.readings.read_text("utf-8"))]
    rounds = sorted({a.round for a in articles})
    print(f"{len(articles)} development articles of {len(rounds)} rounds, each read by the "
          f"rules as they were before its round\n")
    print(f"{'round':<8}{'articles':>9}{'labels':>7}{'rules':>8}{'ceiling':>9}"
          f"{'revised':>9}{'added':>8}   (status-signal F1)")
    kinds: Counter[str] = Counter()
    scores: dict[str, list[float]] = {"rules": [], "ceiling": [], "revised": [], "added": []}
    for n in rounds:
        test = [a for a in articles if a.round == n]
        train = [a for a in articles if a.round != n]
        xs = [a.features(p) for a in train for p in a.projects.values()]
        ys = [a.label(p, rows) for a in train for p in a.projects.values()]
        vec = DictVectorizer()
        model = LogisticRegression(C=C, max_iter=10_000).fit(vec.fit_transform(xs), ys)
        want = [a.labels for a in test]
        ceiling = [{(p.name if p.fact is None else p.fact["project"].strip().lower(),
                     a.label(p, rows)) for p in a.projects.values()
                    if a.label(p, rows) != NONE} for a in test]
        row = {"rules": f1([a.rules for a in test], want, names)[2],
               "ceiling": f1(ceiling, want, names)[2],
               "revised": f1([revised(a, model, vec, True) for a in test], want, names)[2],
               "added": f1([revised(a, model, vec, False) for a in test], want, names)[2]}
        for k, v in row.items():
            scores[k].append(v)
        for a in test:
            kinds += misses(a, names, rows)
        print(f"dev{n}_*{'':<{3 - len(str(n))}}{len(test):>9}{sum(map(len, want)):>7}"
              + "".join(f"{row[k]:>{w}.3f}" for k, w in
                        (("rules", 8), ("ceiling", 9), ("revised", 9), ("added", 8))))
    print(f"{'mean':<8}{'':>16}"
          + "".join(f"{statistics.mean(scores[k]):>{w}.3f}" for k, w in
                    (("rules", 8), ("ceiling", 9), ("revised", 9), ("added", 8))))
    for k in ("revised", "added"):
        better = sum(b > a for a, b in zip(scores["rules"], scores[k], strict=True))
        print(f"{k}: better than the rules on {better} of {len(rounds)} left-out rounds")
    total = sum(kinds.values())
    labels = sum(len(a.labels) for a in articles)
    print(f"\nmissed by the rules before their round: {total} of {labels} labelled signals")
    for kind, count in kinds.most_common():
        print(f"  {kind:<40}{count:>5}  ({count / total:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
