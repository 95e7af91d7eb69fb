"""Write how the news rules read each round of development articles before that round's
rules were written (the readings ``bench/fresh_rounds.py`` measures).

Run:  .venv/bin/python tools/round_readings.py [--out tests/data/rounds/readings.json]

For every round ``devN_*`` (N from 2) of ``tests/data/news``, the commit that first added
its labels holds the rules as they were before the round; this script checks that commit
out into a temporary work tree, reads the round's articles with it (as Python, in its own
process) and keeps, per article, the status facts and the project mentions it found. It
needs the project's git history (a clone, not an exported tree). Run it again when a new
round of development articles is added, before that round's rules are changed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "data" / "news"
OUT = ROOT / "tests" / "data" / "rounds" / "readings.json"

# Run inside the old tree: read the round's articles, print their facts as JSON.
_READ = r'''
import json, sys
from pathlib import Path
from pledge.ingest.extract import extract
from pledge.ingest.gazetteer import load
from pledge.ingest.match import ProjectIndex
from pledge.services.news import shipped_projects
gaz = load(); index = ProjectIndex(shipped_projects(), gaz)
KEEP_S = ("project", "project_id", "status", "reported", "written", "sentence", "evidence",
          "confidence")
KEEP_M = ("sentence", "evidence", "project_id", "project", "confidence")
out = []
for path in sorted(Path(sys.argv[1]).glob(sys.argv[2])):
    if path.suffix.lower() not in (".txt", ".html", ".htm"):
        continue
    labels = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    e = extract(path.read_text(encoding="utf-8"), source=path.name, gazetteer=gaz,
                projects=index, name=path.name, outlet=labels.get("outlet", ""))
    out.append({"name": path.name, "language": e.language,
                "statuses": [{k: getattr(s, k) for k in KEEP_S} for s in e.statuses],
                "mentions": [{k: getattr(m, k) for k in KEEP_M} for m in e.mentions
                             if m.project_id is not None]})
print(json.dumps(out, ensure_ascii=False, default=list))
'''


def rounds() -> list[int]:
    found = {int(m.group(1)) for p in NEWS.glob("dev*_*.json")
             if (m := re.match(r"dev(\d+)_", p.name))}
    return sorted(found)


def commit_adding(n: int) -> str:
    out = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--",
                          f"tests/data/news/dev{n}_*.json"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    if not out:
        sys.exit(f"no commit adds the dev{n}_* labels (is this a clone with its history?)")
    return out[-1]


def read_round(n: int, commit: str) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), commit],
                       cwd=ROOT, check=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PLEDGE_PURE": "1"}
            done = subprocess.run([sys.executable, "-c", _READ, str(NEWS), f"dev{n}_*"],
                                  cwd=tree, env=env, check=True, capture_output=True,
                                  text=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                           check=True)
    articles: list[dict[str, object]] = json.loads(done.stdout)
    for a in articles:
        a["round"] = n
        a["commit"] = commit
    return articles


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    everything = []
    for n in rounds():
        if n < 2:
            continue
        commit = commit_adding(n)
        got = read_round(n, commit)
        print(f"dev{n}_*: {len(got)} articles read by the rules of {commit[:10]}",
              file=sys.stderr)
        everything += got
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(everything, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT)} ({len(everything)} articles)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
