"""Latency and throughput of the served app with 10,000 projects, on loopback.

Builds the demo database plus synthetic projects (10,000 in all) in a temporary
folder, starts ``pledge serve`` on a free loopback port, logs in, and sends a
fixed number of requests at a fixed concurrency to each endpoint:

* baseline: GET /api/v1/frameworks (the smallest authenticated API answer)
* list:     GET /api/v1/projects?limit=50&offset=random (a page of 50)
* page:     GET /projects?page=random (the project list page, 50 rows)
* project:  GET /projects/ID (a project page: timeline, charts, simulation)
* dashboard GET / (the dashboard)

It prints p50/p99 latency, requests per second and each p50 as a ratio to the
baseline's. Every endpoint is loaded ``--rounds`` times, the endpoints taking turns,
and the medians over the rounds are printed with each round's p99 beside them (on a
shared two-core machine one busy moment can double a single round's tail). From the
second round on, the project pages' simulations are cached. Targets: list p99
under 100 ms, dashboard p99 under 300 ms.

The load comes from ApacheBench (``ab``, Debian's apache2-utils) when it is
installed: a client written in C leaves the two cores to the server. Each
endpoint's requests are split over several URLs (one ``ab`` run each, all at the
same concurrency) and every request's time is pooled for the percentiles.
Without ``ab`` a Python asyncio client does the same; it costs about as much CPU
as the server, so its figures are worse and say more about the client.

    .venv/bin/python bench/api.py [--projects 10000] [--requests 2000]
                                  [--concurrency 32] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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
from pathlib import Path

try:
    import httpx
except ImportError:  # not a runtime dependency of pledge
    sys.exit("bench/api.py needs httpx: .venv/bin/python -m pip install -e '.[bench]' "
             "(or `make bench`)")

from pledge.domain.lifecycle import Role
from pledge.services.demo import build_demo, demo_password
from pledge.store.db import make_engine

API = ("baseline", "list")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(path: Path, projects: int) -> tuple[str, str, float]:
    """The database URL, the analyst's API token, and the seconds it took to build."""
    url = f"sqlite:///{path}"
    t0 = time.perf_counter()
    demo = build_demo(make_engine(url), extra_projects=max(projects - 32, 0))
    return url, demo.users[Role.ANALYST].token, time.perf_counter() - t0


def start(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("pledge")
    proc = subprocess.Popen([str(exe), "--db", url, "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    err = proc.stderr.read().decode() if proc.stderr else ""
    raise SystemExit(f"the server did not start: {err}")


def log_in(base: str) -> httpx.Cookies:
    """A page session for the demo analyst."""
    with httpx.Client(base_url=base) as c:
        page = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        r = c.post("/login", data={"name": "demo_analyst",
                                   "password": demo_password(Role.ANALYST),
                                   "csrf_token": token.group(1), "next": "/"})
        assert r.status_code in (200, 303), r.status_code
        return c.cookies


async def load(base: str, paths: list[str], concurrency: int, headers: dict[str, str],
               cookies: httpx.Cookies) -> tuple[list[float], float, int]:
    """Send every path once with ``concurrency`` in flight; latencies in seconds."""
    latencies: list[float] = []
    failures = 0
    queue = list(reversed(paths))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, cookies=cookies,
                                 limits=limits, timeout=60) as client:
        async def worker() -> None:
            nonlocal failures
            while queue:
                path = queue.pop()
                t0 = time.perf_counter()
                r = await client.get(path)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    failures += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return latencies, wall, failures


def load_ab(base: str, paths: list[str], concurrency: int, headers: dict[str, str],
            cookies: httpx.Cookies, tmp: Path) -> tuple[list[float], float, int]:
    """The same load through ApacheBench: up to 10 distinct URLs, one ``ab`` run each."""
    groups: dict[str, int] = {}
    for p in paths:
        groups[p] = groups.get(p, 0) + 1
    distinct = list(groups)[:10]
    share = max(len(paths) // len(distinct), concurrency)
    latencies: list[float] = []
    wall = 0.0
    failures = 0
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    for i, path in enumerate(distinct):
        out = tmp / f"ab-{i}.tsv"
        cmd = ["ab", "-q", "-k", "-n", str(share), "-c", str(concurrency), "-g", str(out),
               "-s", "60"]
        for k, v in headers.items():
            cmd += ["-H", f"{k}: {v}"]
        if cookie:
            cmd += ["-C", cookie]
        t0 = time.perf_counter()
        res = subprocess.run([*cmd, base + path], capture_output=True, text=True, check=True)
        wall += time.perf_counter() - t0
        bad = re.search(r"Non-2xx responses:\s+(\d+)", res.stdout)
        failed = re.search(r"Failed requests:\s+(\d+)", res.stdout)
        failures += int(bad.group(1)) if bad else 0
        failures += int(failed.group(1)) if failed else 0
        rows = out.read_text().splitlines()[1:]
        latencies += [int(r.split("\t")[4]) / 1000 for r in rows]  # ttime, ms
    return latencies, wall, failures


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3,
                    help="load every endpoint this many times, in turn; the medians of the "
                         "rounds' figures are printed (one busy moment moves one round)")
    ap.add_argument("--python-client", action="store_true",
                    help="load from Python even when ApacheBench is installed")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url, token, built = build(Path(tmp) / "bench.db", args.projects)
        print(f"database: {args.projects:,} projects built in {built:.1f} s")
        # What the build left in memory is never freed here: keep the collector off it, so
        # its pauses do not show up as the server's latency.
        gc.collect()
        gc.freeze()
        port = free_port()
        proc = start(url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = log_in(base)
            headers = {"Authorization": f"Bearer {token}"}
            pages = -(-args.projects // 50)
            n = args.requests
            plans = {
                "baseline": ["/api/v1/frameworks"] * n,
                "list": [f"/api/v1/projects?limit=50&offset={rng.randrange(pages) * 50}"
                         for _ in range(n)],
                "page": [f"/projects?page={rng.randrange(1, pages + 1)}" for _ in range(n)],
                "project": [f"/projects/{rng.randrange(1, args.projects + 1)}"
                            for _ in range(n // 4)],
                "dashboard": ["/"] * n,
            }
            # Warm every worker (imports, JIT, first cache fill) before measuring.
            asyncio.run(load(base, ["/", "/projects/24", "/api/v1/projects"] * 8, 8,
                             headers, cookies))
            use_ab = shutil.which("ab") is not None and not args.python_client
            client = "ApacheBench" if use_ab else "a Python asyncio client (httpx)"
            print(f"\n{n:,} requests per endpoint (project pages: {n // 4:,}), concurrency "
                  f"{args.concurrency}, {args.workers} server processes, loopback, "
                  f"load from {client}\n")
            print(f"{'endpoint':<10} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} "
                  f"{'p50 / baseline':>15} {'errors':>7}  p99 per round")
            figures: dict[str, list[tuple[float, float, float, int]]] = {k: [] for k in plans}
            for _ in range(args.rounds):
                for name, paths in plans.items():
                    if use_ab:
                        lat, wall, failures = load_ab(base, paths, args.concurrency,
                                                      headers if name in API else {},
                                                      cookies, Path(tmp))
                    else:
                        lat, wall, failures = asyncio.run(load(base, paths, args.concurrency,
                                                               headers, cookies))
                    figures[name].append((pct(lat, 50) * 1000, pct(lat, 99) * 1000,
                                          len(lat) / wall, failures))
            base_p50 = statistics.median(f[0] for f in figures["baseline"])
            for name, rounds in figures.items():
                p50 = statistics.median(f[0] for f in rounds)
                p99 = statistics.median(f[1] for f in rounds)
                rps = statistics.median(f[2] for f in rounds)
                failures = sum(f[3] for f in rounds)
                spread = " ".join(f"{f[1]:.0f}" for f in rounds)
                print(f"{name:<10} {p50:8.1f} {p99:8.1f} {rps:8.0f} "
                      f"{p50 / base_p50:14.1f}× {failures:7d}  {spread}")
            print(f"\nper round: median and 99th percentile of per-request latencies; shown: "
                  f"the median over {args.rounds} rounds; targets: list p99 < 100 ms, "
                  f"dashboard p99 < 300 ms (cpu count {os.cpu_count()})")
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
