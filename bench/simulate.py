"""Benchmark of the full Monte Carlo model against the waterfall engine alone, in one run.

Run:  .venv/bin/python bench/simulate.py [--paths 1000000] [--project 24] [--chunk-blocks 12]

The model is a stored project's, as ``pledge simulate ID`` runs it: a database in a
temporary folder is set up with the shipped data (``pledge init``), and the project's
specification comes from the same service as the command's. Paths are run chunk by
chunk (a chunk is ``--chunk-blocks`` blocks of ``cashflows.BLOCK`` paths, the unit of
reproducibility), so memory stays bounded whatever --paths is. On each chunk, in the
same run:

  (A) the full model: ``montecarlo.run_block`` over the chunk's blocks, what a
      simulation does (random draws, cash flows, the split rule and the partner's IRR,
      present values); the figure the issue asks for
  (B) the cash flows alone: the same draws and cash flows (``pathflows.block_cash``)
  (C) the waterfall alone: ``engine.waterfall_batch`` over (B)'s arrays, partner flows
      kept, as stage (b) of bench/waterfall.py
  (D) ``engine.irr_batch`` over (C)'s partner flows less the funding
  (E) ``engine.waterfall_irr_fused`` over (B)'s arrays (the rule and the IRR in one pass,
      what (A) runs after its cash flows)

A stage's rate is the median over the chunks of each chunk's paths over its time (the
median of ``--repeats`` timings), so a burst of other work on a shared machine moves one
sample, not the figure. Numba compiles before anything is timed.

Printed: each stage's paths a second; the full model against the waterfall alone (its
throughput as a share of (C)'s, and how many times longer a path takes), the share of
the full model's time spent on cash flows, and the one target: every default stage over
1,000,000 paths finishes within 3 minutes. The same figures follow in CPU time of one
thread (numba held to one thread, medians of 3 on two blocks of the first chunk), which
a machine shared with other work disturbs far less than two-thread wall time. A check
that (A) and (C) agree path by path (the partner's totals) comes last.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from _timing import Stage, median_cpu, median_time

from pledge.analytics import cashflows as cf
from pledge.analytics import engine, pathflows
from pledge.analytics import montecarlo as mc
from pledge.services import simulation
from pledge.services.setup import init
from pledge.store.db import make_engine

TARGET_SECONDS = 180.0   # the whole default run, at most


def one_thread(spec: mc.SimSpec, blocks: list[tuple[int, int]], f: np.ndarray,
               d: np.ndarray, repeats: int) -> list[str]:
    """(A), (B), (C) and (E) again in CPU time of one thread (numba held to one thread),
    on one chunk: the figures a shared machine disturbs least."""
    n = f.shape[0]
    rule = (spec.period_rate, spec.pre_share, spec.post_share)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        full = median_cpu(lambda: full_model(spec, blocks), repeats)
        flows = median_cpu(lambda: cash(spec, blocks, f, d), repeats)
        wf = median_cpu(lambda: engine.waterfall_batch(f, d, *rule), repeats)
        fused = median_cpu(lambda: engine.waterfall_irr_fused(f, d, *rule), repeats)
    finally:
        numba.set_num_threads(threads)

    def us(seconds: float) -> str:
        return f"{seconds / n * 1e6:.2f} us/path"

    return [f"one thread, CPU time, medians of {repeats} on {n:,} paths:",
            f"  (A) full model {us(full)} ({n / full:,.0f} paths/s a core); "
            f"(B) cash flows {us(flows)} ({flows / full:.0%} of (A))",
            f"  (C) waterfall alone {us(wf)}: (A)/(C) throughput {wf / full:.3f}x "
            f"({full / wf:.1f}x the time a path); (E) fused {us(fused)}"]


def project_spec(project: int, paths: int, seed: int) -> mc.SimSpec:
    """The project's specification from a fresh database with the shipped data."""
    with tempfile.TemporaryDirectory() as tmp:
        db = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        init(db)
        spec = simulation.project_spec(db, project, paths, seed)
        db.dispose()
    return spec


def chunks(spec: mc.SimSpec, per_chunk: int) -> list[list[tuple[int, int]]]:
    """The spec's blocks, ``per_chunk`` at a time."""
    blocks = spec.blocks
    return [blocks[i:i + per_chunk] for i in range(0, len(blocks), per_chunk)]


def full_model(spec: mc.SimSpec, blocks: list[tuple[int, int]]) -> list[mc.PathResults]:
    return [mc.run_block(spec, b, size) for b, size in blocks]


def cash(spec: mc.SimSpec, blocks: list[tuple[int, int]], f: np.ndarray,
         d: np.ndarray) -> None:
    """The chunk's funding and distributable cash, block after block, into ``f``, ``d``."""
    row = 0
    for b, size in blocks:
        bf, bd = pathflows.block_cash(spec, b, size)
        f[row:row + size] = bf
        d[row:row + size] = bd
        row += size


def time_chunk(spec: mc.SimSpec, blocks: list[tuple[int, int]], f: np.ndarray,
               d: np.ndarray, net: np.ndarray, stages: dict[str, Stage],
               repeats: int) -> engine.BatchResult:
    """Time every stage on one chunk (its cash written into ``f``, ``d``); return the
    waterfall's result over the chunk."""
    n = f.shape[0]
    rule = (spec.period_rate, spec.pre_share, spec.post_share)
    stages["full"].add(median_time(lambda: full_model(spec, blocks), repeats), n)
    stages["cash"].add(median_time(lambda: cash(spec, blocks, f, d), repeats), n)
    res = engine.waterfall_batch(f, d, *rule)
    assert res.partner is not None
    stages["waterfall"].add(median_time(
        lambda: engine.waterfall_batch(f, d, *rule, out=res), repeats), n)
    np.subtract(res.partner, f, out=net)
    stages["irr"].add(median_time(lambda: engine.irr_batch(net), repeats), n)
    stages["fused"].add(median_time(lambda: engine.waterfall_irr_fused(f, d, *rule),
                                    repeats), n)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--project", type=int, default=24, help="a project id of the shipped data")
    ap.add_argument("--chunk-blocks", type=int, default=12,
                    help=f"blocks of {cf.BLOCK:,} paths per chunk")
    ap.add_argument("--repeats", type=int, default=1, help="timings per chunk (median)")
    ap.add_argument("--seed", type=int, default=550)
    args = ap.parse_args(argv)
    wall = time.perf_counter()

    start = time.perf_counter()
    engine.warm()
    compile_s = time.perf_counter() - start
    spec = project_spec(args.project, args.paths, args.seed)
    if len(spec.models) != 1:
        sys.exit("bench/simulate.py runs one project")
    horizon = spec.horizon
    per_chunk = max(1, args.chunk_blocks)
    rows = per_chunk * cf.BLOCK
    f_buf, d_buf, net_buf = (np.empty((rows, horizon)) for _ in range(3))
    stages = {key: Stage(label) for key, label in (
        ("full", "(A) full model: cash flows + waterfall + IRR"),
        ("cash", "(B) cash flows alone"),
        ("waterfall", "(C) waterfall_batch alone, flows kept"),
        ("irr", "(D) irr_batch alone"),
        ("fused", "(E) waterfall_irr_fused alone"))}
    worst = 0.0
    recovered = 0
    cpu_lines: list[str] = []
    chunk_list = chunks(spec, per_chunk)
    for blocks in chunk_list:
        n = sum(size for _, size in blocks)
        f, d, net = f_buf[:n], d_buf[:n], net_buf[:n]
        res = time_chunk(spec, blocks, f, d, net, stages, args.repeats)
        recovered += int((res.final_balance <= 0).sum())
        if blocks is chunk_list[0]:
            model = mc.PathResults.concat(full_model(spec, blocks))
            worst = float(np.max(np.abs(model.partner_total - res.partner_total)
                                 / np.maximum(1.0, np.abs(res.partner_total))))
            cpu_lines = one_thread(spec, blocks[:2], f[:2 * cf.BLOCK], d[:2 * cf.BLOCK], 3)

    elapsed = time.perf_counter() - wall
    print(f"pledge simulation benchmark: project {args.project}, {args.paths:,} paths x "
          f"{horizon} periods ({spec.n} a year), chunks of {rows:,} paths "
          f"({len(chunk_list)} chunks); numba {numba.__version__}, "
          f"{numba.get_num_threads()} threads; compile/load {compile_s:.1f} s")
    print(f"{'stage':46} {'paths/s':>12} {'seconds':>9}")
    for stage in stages.values():
        print(f"{stage.label:46} {stage.rate:12,.0f} {stage.seconds:9.3f}")

    full, wf = stages["full"], stages["waterfall"]
    print()
    print(f"{'figure':52} {'value':>9}")
    print(f"{'(A)/(C) throughput (full model vs waterfall alone)':52} "
          f"{full.rate / wf.rate:8.3f}x  ({wf.rate / full.rate:.1f}x the time a path)")
    print(f"{'(A)/(E) throughput (full model vs fused rule+IRR)':52} "
          f"{full.rate / stages['fused'].rate:8.3f}x")
    print(f"{'(B) cash flows, share of (A) time':52} "
          f"{stages['cash'].seconds / full.seconds:8.1%}")
    print(f"{'(A) time for 1,000,000 paths at its rate':52} "
          f"{1_000_000 / full.rate:8.1f}s")
    met = elapsed <= TARGET_SECONDS
    print(f"{'whole run, wall time':52} {elapsed:8.1f}s  <= {TARGET_SECONDS:.0f}s  "
          f"{'met' if met else 'MISSED'}")
    print()
    for line in cpu_lines:
        print(line)
    print()
    print(f"check: (A) vs (C) partner totals on the first chunk, max relative diff "
          f"{worst:.1e}; paths recovered {recovered / args.paths:.1%}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
