"""Latency and throughput of the served app with 10,000 projects, on loopback.

Builds the demo database plus synthetic projects (10,000 in all), or copies the one
a previous run built from the same recipe (kept in the user's cache folder, named by
a hash of the recipe: the project count, the seed and the source of what builds it),
starts ``pledge serve`` on a free loopback port and measures, for each endpoint:

* latency at concurrency 1: p50 and p99 of ``--requests`` requests, one at a time;
* throughput at concurrency ``--concurrency`` (32): requests per second, as a ratio to
  the trivial endpoint's (``GET /api/v1/ping`` of the same app) measured in the same run
  in alternating rounds with it (``--rounds``), so both see the same load on the machine
  (the ratio is the median of the rounds' ratios, each round's endpoint rate over the
  trivial rate just before it: a burst of other work falls on one or two rounds, which
  the median sets aside, instead of moving the whole figure);
  beside it, the server's CPU milliseconds per request of each (from /proc), which other
  work on a shared machine hardly moves.

Endpoints: API list, list page, project page, API project, dashboard, priorities,
deadlines, review. Before anything else it times the cold first request: the first
project page right after the server reported ready. Targets: p99 < 50 ms for every
page and API call (dashboard and priorities < 100 ms); throughput ≥ 0.7× the trivial
endpoint's. A transport error (a connection reset or refused, a timeout) never stops
the run: the request is retried (up to 3 times) and the retries are counted and shown.

The load comes from a Python asyncio client (httpx) in this process; on a two-core
machine it takes CPU from the server too, the same for every endpoint and the
baseline, so the ratios are fair while the absolute figures are pessimistic.

    .venv/bin/python bench/api.py [--projects 10000] [--requests 60]
                                  [--concurrency 32] [--workers 2] [--rounds 7]
                                  [--only NAME] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

try:
    import httpx
except ImportError:  # not a runtime dependency of pledge
    sys.exit("bench/api.py needs httpx: .venv/bin/python -m pip install -e '.[bench]' "
             "(or `make bench`)")

from sqlalchemy import select

from pledge import __version__, user_cache_dir
from pledge.domain.lifecycle import Role
from pledge.domain.project import sponsors_from_lists, states_in
from pledge.domain.project_checks import NewProject, validated
from pledge.domain.text import fold_name, name_key
from pledge.services.base import SYSTEM, audit, framework_row, load_framework, now
from pledge.services.demo import SECTORS, STATES, build_demo, demo_password
from pledge.services.money import rate_table_in
from pledge.store import tables as t
from pledge.store.db import make_engine, transaction

SEED = 20260217
RETRIES = 3


# ---------------------------------------------------------------- the database


def recipe_hash(projects: int) -> str:
    """What the database depends on: the count, the seed, and the source that builds it."""
    h = hashlib.sha256(f"{projects}:{SEED}:{__version__}".encode())
    root = files("pledge")
    for rel in ("services/demo.py", "services/setup.py", "services/project_import.py",
                "domain/project_checks.py", "store/tables.py"):
        h.update((root / rel).read_bytes())
    h.update(Path(__file__).read_bytes())
    for mig in sorted((root / "store" / "migrations" / "versions").iterdir(),
                      key=lambda p: p.name):
        if mig.name.endswith(".py"):
            h.update(mig.name.encode())
    return h.hexdigest()[:16]


def bulk_projects(url: str, count: int) -> int:
    """``count`` synthetic proposed projects, checked by the same rules an import applies
    (``validated``), written with one multi-row insert per table and an audit row each
    (hash-chained as any other), in one transaction."""
    engine = make_engine(url)
    rng = random.Random(SEED)
    rows = [NewProject(
        name=f"Synthetic project {i:05d}", sector=SECTORS[i % len(SECTORS)], framework="japan",
        location=f"site {i}, {STATES[i % len(STATES)]}", lead=f"Sponsor {i % 97}",
        amount_text=f"US${rng.randint(2, 400) * 25}m") for i in range(1, count + 1)]
    with transaction(engine) as s:
        rates = rate_table_in(s)
        keys = {str(k) for k in s.execute(select(t.frameworks.c.key)).scalars()}
        fw = framework_row(s, "japan")
        terms = load_framework(s, fw).current
        component = terms.component().key if terms.has_machinery else None
        checked = []
        for i, new in enumerate(rows, start=2):
            v, problems = validated(new, f"row {i} ", rates=rates, frameworks=keys,
                                    strict_amount=False, report_stage=True)
            if problems:
                raise SystemExit(f"synthetic row {i}: {problems[0].message}")
            checked.append((new, v))
        stamp = now()
        ids = s.execute(t.projects.insert().returning(t.projects.c.id,
                                                      sort_by_parameter_order=True), [
            {"framework_id": fw.id, "component": component, "name": fold_name(new.name),
             "name_key": name_key(new.name), "sector": v["sector"][0],
             "sector_detail": fold_name(v["sector"][1]), "location": fold_name(new.location),
             "states": list(states_in(new.location)), "status": v["stage"].value,
             "reported_status": None, "created_at": stamp}
            for new, v in checked]).scalars().all()
        sponsors, estimates, transitions = [], [], []
        for pid, (new, v) in zip(ids, checked, strict=True):
            sponsors += [{"project_id": pid, "name": sp.name, "role": sp.role.value,
                          "note": sp.note} for sp in sponsors_from_lists(new.lead, new.partners)]
            estimates.append({"project_id": pid, "low": v["low"], "high": v["high"],
                              "currency": v["currency"], "usd_low": v["usd_low"],
                              "usd_high": v["usd_high"], "text": new.amount_text.strip(),
                              "source": "", "as_of": v["as_of"], "is_primary": True})
            transitions.append({"project_id": pid, "from_stage": None,
                                "to_stage": v["stage"].value, "actor": SYSTEM.name,
                                "role": SYSTEM.role.value, "on": v["as_of"] or date.today(),
                                "reason": "added", "sources": [], "recorded_at": stamp})
            audit(s, SYSTEM, "project.add", "project", pid, after={
                "name": new.name, "framework": new.framework, "status": v["stage"].value,
                "sector": v["sector"][0], "amount_low_usd": v["usd_low"],
                "amount_high_usd": v["usd_high"], "source": new.source}, project_id=pid)
        s.execute(t.sponsors.insert(), sponsors)
        s.execute(t.estimates.insert(), estimates)
        s.execute(t.transitions.insert(), transitions)
    engine.dispose()
    return len(ids)


def database(folder: Path, projects: int, rebuild: bool) -> tuple[str, str, str]:
    """The database URL in ``folder``, the analyst's API token, and how it was made."""
    cache = user_cache_dir() / "bench"
    cached = cache / f"api-{recipe_hash(projects)}.db"
    token_file = cached.with_suffix(".token")
    path = folder / "bench.db"
    t0 = time.perf_counter()
    if rebuild or not (cached.exists() and token_file.exists()):
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        demo = build_demo(engine)
        engine.dispose()
        added = bulk_projects(url, max(projects - demo.projects, 0))
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, cached)
        token_file.write_text(demo.users[Role.ANALYST].token)
        how = (f"{demo.projects + added:,} projects built in {time.perf_counter() - t0:.1f} s"
               f" (kept for the next run: {cached})")
    else:
        shutil.copyfile(cached, path)
        how = (f"{projects:,} projects copied from the last build of the same recipe in "
               f"{time.perf_counter() - t0:.1f} s ({cached}; --rebuild builds it anew)")
    return f"sqlite:///{path}", token_file.read_text().strip(), how


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(url: str, port: int, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], float]:
    """The server, and the seconds until it answered (it accepts connections only once
    its startup, engine warm-up included, is complete)."""
    exe = Path(sys.executable).with_name("pledge")
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "--db", url, "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", str(workers)],
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/ping", timeout=2).status_code == 200:
                return proc, time.perf_counter() - t0
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")


def log_in(base: str) -> httpx.Cookies:
    """A page session for the demo analyst."""
    with httpx.Client(base_url=base, timeout=30) as c:
        page = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        r = c.post("/login", data={"name": "demo_analyst",
                                   "password": demo_password(Role.ANALYST),
                                   "csrf_token": token.group(1), "next": "/"})
        assert r.status_code in (200, 303), r.status_code
        return c.cookies


# ---------------------------------------------------------------- the load


@dataclass
class Run:
    latencies: list[float]
    wall: float
    failures: int  # answers other than 200
    retries: int   # transport errors retried
    lost: int      # requests that failed on every try
    cpu: float = float("nan")  # CPU seconds the serving processes spent meanwhile


SERVER: list[int] = []  # the server's process id, once started


def server_cpu() -> float:
    """CPU seconds used so far by the server and its worker processes (Linux: read from
    /proc; NaN elsewhere). What they start in turn (a background process at the lowest
    priority) is not counted: it only gets the CPU nobody else wants."""
    if not SERVER or not Path("/proc/self/stat").exists():
        return float("nan")
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == SERVER[0] or ppid == SERVER[0]:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def load(client: httpx.AsyncClient, paths: list[str], concurrency: int) -> Run:
    """Send every path once with ``concurrency`` in flight; latencies in seconds."""
    run = Run([], 0.0, 0, 0, 0)
    queue = list(reversed(paths))

    async def worker() -> None:
        while queue:
            path = queue.pop()
            for attempt in range(RETRIES + 1):
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                except httpx.TransportError:
                    if attempt == RETRIES:
                        run.lost += 1
                    else:
                        run.retries += 1
                        await asyncio.sleep(0.05 * (attempt + 1))
                    continue
                run.latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    run.failures += 1
                break

    t0, cpu0 = time.perf_counter(), server_cpu()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.wall = time.perf_counter() - t0
    run.cpu = server_cpu() - cpu0
    return run


def add(total: Run, run: Run) -> None:
    """Count ``run`` into ``total`` (rounds of the same measurement)."""
    total.latencies += run.latencies
    total.wall += run.wall
    total.failures += run.failures
    total.retries += run.retries
    total.lost += run.lost
    total.cpu += run.cpu


def cpu_ms(run: Run) -> float:
    """The server's CPU milliseconds per request in ``run``."""
    return run.cpu / len(run.latencies) * 1000 if run.latencies else float("nan")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# What each endpoint is, its path (ID: a random project), whether it is an API call
# (token) or a page (session), and its p99 target in ms at concurrency 1.
ENDPOINTS: list[tuple[str, str, bool, float]] = [
    ("API list", "/api/v1/projects?limit=50&offset=OFFSET", True, 50),
    ("list page", "/projects?page=PAGE", False, 50),
    ("project page", "/projects/ID", False, 50),
    ("API project", "/api/v1/projects/ID", True, 50),
    ("dashboard", "/", False, 100),
    ("priorities", "/priorities", False, 100),
    ("deadlines", "/deadlines", False, 50),
    ("review", "/review", False, 50),
]
RATIO_TARGET = 0.7
RUN_TARGET = 180  # seconds the whole run may take with its defaults


def chosen(only: list[str]) -> list[tuple[str, str, bool, float]]:
    """The endpoints to measure: all, or those whose names start with one of ``only``."""
    picked = [e for e in ENDPOINTS if not only or any(e[0].startswith(o) for o in only)]
    if not picked:
        raise SystemExit(f"no endpoint named {only}: {', '.join(e[0] for e in ENDPOINTS)}")
    return picked


def plan(template: str, n: int, projects: int, rng: random.Random) -> list[str]:
    pages = -(-projects // 50)
    return [template.replace("OFFSET", str(rng.randrange(pages) * 50))
            .replace("PAGE", str(rng.randrange(1, pages + 1)))
            .replace("ID", str(rng.randrange(1, projects + 1))) for _ in range(n)]


async def measure(base: str, token: str, cookies: httpx.Cookies, args: argparse.Namespace,
                  rng: random.Random
                  ) -> tuple[dict[str, tuple[Run, Run, Run, list[float]]], tuple[Run, Run]]:
    limits = httpx.Limits(max_connections=args.concurrency,
                          max_keepalive_connections=args.concurrency)
    api = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"},
                            limits=limits, timeout=60)
    pages = httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=60)
    n, m = args.requests, args.requests * 2
    out: dict[str, tuple[Run, Run, Run, list[float]]] = {}
    try:
        # every connection open and every worker's first answer given before timing
        await load(api, ["/api/v1/ping"] * 4 * args.concurrency, args.concurrency)
        await load(pages, ["/"] * 2 * args.concurrency, args.concurrency)
        baseline_paths = ["/api/v1/ping"] * n
        base1 = await load(api, baseline_paths, 1)
        base32 = await load(api, ["/api/v1/ping"] * m, args.concurrency)
        for name, template, is_api, _ in chosen(args.only):
            client = api if is_api else pages
            one = await load(client, plan(template, n, args.projects, rng), 1)
            # the baseline again right before: a ratio compares two runs under the same
            # load on the machine (and behind the same background work of the server)
            # ... in rounds, alternating: a change of load on the machine (other work
            # starting or ending) then falls on both sides alike, not on one
            near, many = Run([], 0.0, 0, 0, 0, 0.0), Run([], 0.0, 0, 0, 0, 0.0)
            ratios = []
            for _ in range(args.rounds):
                # over the endpoint's own client: the same connections, so the same share
                # of them on each server process (which keeps a connection once it
                # accepted it, so a pool opened lopsided stays so for both sides alike)
                ping = await load(client, ["/api/v1/ping"] * m, args.concurrency)
                run = await load(client, plan(template, m, args.projects, rng),
                                 args.concurrency)
                add(near, ping)
                add(many, run)
                if ping.wall and run.wall:
                    ratios.append((len(run.latencies) / run.wall)
                                  / (len(ping.latencies) / ping.wall))
            out[name] = (one, many, near, ratios)
        return out, (base1, base32)
    finally:
        await api.aclose()
        await pages.aclose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=60,
                    help="requests per endpoint at concurrency 1 (twice as many at the "
                         "higher concurrency)")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=7,
                    help="rounds of the throughput measurement per endpoint, each the "
                         "trivial endpoint then the endpoint (twice --requests each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="measure only this endpoint (repeatable; a prefix of its name, "
                         "e.g. 'project page', 'review')")
    ap.add_argument("--rebuild", action="store_true",
                    help="build the database even when a copy of the same recipe is cached")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        url, token, how = database(Path(tmp), args.projects, args.rebuild)
        print(f"database: {how}")
        port = free_port()
        proc, up = start(url, port, args.workers, Path(tmp) / "server.log")
        SERVER[:] = [proc.pid]
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = log_in(base)
            # The cold first request: the first project page after the server is ready.
            # The client is made first: its set-up (an SSL context, even for plain HTTP)
            # is the client's cost, not the server's.
            with httpx.Client(base_url=base, cookies=cookies, timeout=120) as first:
                t0 = time.perf_counter()
                r = first.get(f"/projects/{rng.randrange(33, args.projects + 1)}")
                cold = time.perf_counter() - t0
            print(f"server ready in {up:.1f} s ({args.workers} processes; engines compiled or "
                  f"loaded during startup); cold first project page: {cold * 1000:.0f} ms "
                  f"(status {r.status_code}) — target < 1 s: "
                  f"{'PASS' if cold < 1 and r.status_code == 200 else 'MISS'}")
            figures, (base1, base32) = asyncio.run(measure(base, token, cookies, args, rng))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    base_rps = len(base32.latencies) / base32.wall
    print(f"\nconcurrency 1: {args.requests} requests per endpoint; concurrency "
          f"{args.concurrency}: {args.requests * 2} in each of {args.rounds} rounds; loopback, "
          f"{args.workers} server processes, {os.cpu_count()} cores shared with the client "
          f"(httpx)\n")
    head = (f"{'endpoint':<13} {'p50 ms':>7} {'p99 ms':>7} {'target':>7}      "
            f"{'req/s@' + str(args.concurrency):>9} {'ratio':>6}      {'non-200':>7} "
            f"{'retried':>7} {'lost':>5} {'ping/s':>9} {'cpu ms':>7} {'ping cpu':>8}")
    print(head)
    print(f"{'trivial':<13} {pct(base1.latencies, 50) * 1000:7.1f} "
          f"{pct(base1.latencies, 99) * 1000:7.1f} {'':>7}      {base_rps:9.0f} {1.0:6.2f}"
          f"      {base1.failures + base32.failures:7d} {base1.retries + base32.retries:7d} "
          f"{base1.lost + base32.lost:5d} {'':>9} {cpu_ms(base32):7.2f}")
    missed = 0
    for name, _, _, target in chosen(args.only):
        one, many, near, ratios = figures[name]
        p50, p99 = pct(one.latencies, 50) * 1000, pct(one.latencies, 99) * 1000
        rps = len(many.latencies) / many.wall if many.wall else 0.0
        near_rps = len(near.latencies) / near.wall if near.wall else base_rps
        ratio = statistics.median(ratios) if ratios else rps / near_rps
        lat_ok = p99 < target and one.failures == 0
        ratio_ok = ratio >= RATIO_TARGET and many.failures == 0
        missed += (not lat_ok) + (not ratio_ok)
        print(f"{name:<13} {p50:7.1f} {p99:7.1f} {'<' + str(int(target)):>7} "
              f"{'PASS' if lat_ok else 'MISS'} {rps:9.0f} {ratio:6.2f} "
              f"{'PASS' if ratio_ok else 'MISS'} {one.failures + many.failures:7d} "
              f"{one.retries + many.retries + near.retries:7d} "
              f"{one.lost + many.lost + near.lost:5d} {near_rps:9.0f} {cpu_ms(many):7.2f} "
              f"{cpu_ms(near):8.2f}")
    print(f"\ntargets: p99 at concurrency 1 below the target shown (ms), throughput at "
          f"concurrency {args.concurrency} ≥ {RATIO_TARGET}× the trivial endpoint's, measured "
          f"in rounds alternating with it (ping/s: its rate over all rounds; the ratio is the "
          f"median of the rounds' ratios); "
          f"{missed} missed. cpu ms: the server processes' CPU per request at concurrency "
          f"{args.concurrency} (the endpoint's, the trivial one's in the same rounds): what the "
          f"ratio is made of, unlike it hardly moved by other work on the machine")
    whole = time.perf_counter() - started
    print(f"whole run {whole:.0f} s — target < {RUN_TARGET} s: "
          f"{'PASS' if whole < RUN_TARGET else 'MISS'}")


if __name__ == "__main__":
    main()
