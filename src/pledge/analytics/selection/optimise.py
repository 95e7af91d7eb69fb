"""The verified search: the best batch of one MILP that ``check_batch`` accepts.

Below ``_FIX_FROM`` candidates each MILP goes straight to HiGHS. From ``_FIX_FROM`` on,
the LP relaxation is solved first and its row duals give a Lagrangian bound (valid
whatever the LP's tolerances); its rounding and a ``_CORE``-variable core MILP give a
good batch; if the bound already proves that batch within the gap no branch-and-bound
runs, otherwise reduced-cost fixing removes every binary that cannot move in a batch
at least as good (exact) and HiGHS solves the rest. Every batch HiGHS proposes is then
checked with exact Decimal arithmetic; one it accepted only within floating-point
tolerance is cut off with a no-good row and the MILP is solved again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from pledge.analytics.selection.heuristic import _greedy_batch
from pledge.analytics.selection.highs import _Milp, _nogood, _Out, _relax, _Relaxation, _run
from pledge.analytics.selection.model import Array, _Model, _Row

_ACCEPT_TOLERANCE = 1e-7  # HiGHS's batches may miss an objective floor by this (relative)
_FIX_FROM = 1000  # reduced-cost fixing from this many candidates
_CORE = 200  # free binaries in the core problem that seeds reduced-cost fixing
_CORE_NODES = 1000  # branch-and-bound nodes the core problem may use
_MAX_REPAIRS = 100


def _fix(model: _Model, relax: _Relaxation, incumbent: float) -> tuple[Array, Array]:
    """Reduced-cost fixing: the binaries that no batch at least as good as
    ``incumbent`` can move off their LP bound (exact, with a 1e-9 relative margin)."""
    n = model.n
    r = relax.r[:n]
    margin = 1e-9 * max(1.0, abs(incumbent)) + 1e-9 * max(1.0, abs(relax.bound))
    free = model.lb < model.ub
    lb, ub = model.lb.copy(), model.ub.copy()
    ub[free & (r < 0) & (relax.bound + r < incumbent - margin)] = 0.0
    lb[free & (r > 0) & (relax.bound - r < incumbent - margin)] = 1.0
    return lb, ub


def _optimise(milp: _Milp, *, starts: Sequence[tuple[int, ...] | None] = (),
              rel_gap: float, abs_gap: float = 0.0, deadline: float | None = None
              ) -> tuple[_Out, tuple[int, ...] | None]:
    """Solve the MILP; return the outcome (state, proven bound) and the best verified
    batch (None when none was found).

    Every batch HiGHS proposes goes through ``check_batch``; one it rejects (accepted
    only within floating-point tolerance) is cut off by a no-good row and the MILP is
    solved again. ``starts`` are known batches; the best one that fits the MILP is
    HiGHS's starting solution.

    From ``_FIX_FROM`` candidates the LP relaxation is solved first. Its rounding and
    a small core MILP (``_core``) give good batches; if the LP's Lagrangian bound
    already proves the best of them within the gap, no branch-and-bound is run.
    Otherwise reduced-cost fixing against that batch removes the binaries that cannot
    move in any batch at least as good, which is exact: the optimum and HiGHS's bound
    on the restricted model are those of the full model.

    Raises RuntimeError if HiGHS keeps proposing batches ``check_batch`` rejects.
    """
    model = milp.model
    n = model.n
    best: tuple[int, ...] | None = None
    best_v: Array | None = None
    anchor = -math.inf  # the best value reached by a batch that fits the MILP exactly

    def consider(batch: Sequence[int] | None) -> None:
        nonlocal best, best_v, anchor
        if batch is None or model.problems(batch):
            return
        v = milp.vector(batch, _ACCEPT_TOLERANCE)
        if v is None:
            return
        if best_v is None or milp.value(v) > milp.value(best_v):
            best, best_v = tuple(batch), v
        if milp.vector(batch) is not None:
            anchor = max(anchor, milp.value(v))

    for b in starts:
        consider(b)
    lb, ub = model.lb, model.ub
    relax = _relax(milp, deadline) if n >= _FIX_FROM else None
    if relax is not None:
        seed = np.flatnonzero(relax.x[:n] > 1.0 - 1e-6).tolist()
        consider(_greedy_batch(model, model.us + model.partner, seed=seed, key=relax.r[:n]))
        if not (math.isfinite(anchor) and _closed(anchor, relax.bound, rel_gap, abs_gap)):
            consider(_core(milp, relax, rel_gap, abs_gap, deadline))
        if math.isfinite(anchor):
            if _closed(anchor, relax.bound, rel_gap, abs_gap):
                # the LP bound already proves the incumbent within the requested gap
                return _Out("optimal", best_v, anchor, relax.bound), best
            lb, ub = _fix(model, relax, anchor)
    cuts: list[_Row] = []
    for _ in range(_MAX_REPAIRS):
        out = _run(milp, lb, ub, cuts, start=best_v, rel_gap=rel_gap, abs_gap=abs_gap,
                   deadline=deadline)
        if out.x is None:
            break
        chosen = tuple(int(i) for i in np.flatnonzero(out.x[:n] > 0.5))
        if not model.problems(chosen):
            consider(chosen)
            break
        cuts.append(_nogood(n, chosen))
    else:
        raise RuntimeError("HiGHS kept returning batches that check_batch rejects")
    if relax is not None and out.state != "infeasible":
        out.bound = min(out.bound, relax.bound)
    return out, best


def _core(milp: _Milp, relax: _Relaxation, rel_gap: float, abs_gap: float,
          deadline: float | None) -> tuple[int, ...] | None:
    """A good batch from the core: the ``_CORE`` free binaries with the smallest
    reduced costs stay free, every other one is fixed at its rounded LP value; at most
    ``_CORE_NODES`` nodes (a heuristic: its batch only seeds the exact solve)."""
    model = milp.model
    n = model.n
    free = np.flatnonzero(model.lb < model.ub)
    if len(free) <= _CORE:
        return None
    r = np.abs(relax.r[free])
    core = free[np.argsort(r, kind="stable")[:_CORE]]
    rounded = (relax.x[:n] > 0.5).astype(np.float64)
    lb = np.maximum(model.lb, rounded)
    ub = np.minimum(model.ub, rounded)
    lb[core], ub[core] = model.lb[core], model.ub[core]
    out = _run(milp, lb, ub, [], start=None, rel_gap=rel_gap, abs_gap=abs_gap,
               deadline=deadline, max_nodes=_CORE_NODES)
    if out.x is None:
        return None
    return tuple(int(i) for i in np.flatnonzero(out.x[:n] > 0.5))


def _closed(value: float, bound: float, rel_gap: float, abs_gap: float) -> bool:
    """Whether ``bound`` proves ``value`` optimal within the gaps (HiGHS's definition:
    (bound - value) / |value| for the relative gap)."""
    diff = bound - value
    return diff <= abs_gap or (value != 0.0 and diff <= rel_gap * abs(value))
