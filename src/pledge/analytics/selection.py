"""The exact optimiser for a first batch: each side's best, max-min, Nash, the Pareto frontier.

The rules live in ``pledge.domain.selection``: ``check_batch`` says whether a batch is
feasible and this module only searches. Every batch it returns has been passed through
``check_batch`` (exact Decimal arithmetic); a batch the solver accepted within its
floating-point tolerances but ``check_batch`` rejects is cut off with a no-good
constraint and the model is solved again, so no infeasible batch is ever reported.

The model (one binary ``x_i`` per candidate, solved with HiGHS through ``highspy``):

* budget: ``sum cost_i x_i <= budget``;
* must-include candidates ``x_i = 1``; excluded or not ready by ``ready_by`` ``x_i = 0``;
* each sector's minimum and maximum count and amount;
* at most ``max_per_sponsor`` projects for each lead sponsor.

Amount rows are divided by their largest coefficient, so a row of US-dollar costs of
1e10 has coefficients of order one and HiGHS's tolerances are relative to the row.

Solving (``_optimise``): below ``_FIX_FROM`` candidates each MILP goes straight to
HiGHS. From ``_FIX_FROM`` on, the LP relaxation is solved first and its row duals give
a Lagrangian bound computed here (valid whatever the LP's tolerances); its rounding
and a 200-variable core MILP give a good batch; if the bound already proves that batch
within the gap no branch-and-bound runs, otherwise reduced-cost fixing removes every
binary that cannot move in a batch at least as good (exact) and HiGHS solves the
rest. Every batch is then checked as above.

Utilities: ``U_side(S) = sum_{i in S} score_side_i / best_side`` where ``best_side`` is
the largest sum that side reaches over all feasible batches, found first by its own
MILP. When ``best_side`` is 0 (no feasible batch gives that side any score), that
side's utility is defined as 0 for every batch.

Objectives: ``us`` / ``partner`` maximise one side's utility; ``maxmin`` maximises
``min(U_us, U_partner)`` with one MILP and an auxiliary ``t <= U_us, t <= U_partner``;
``nash`` maximises ``U_us * U_partner`` exactly by outer approximation (Kelley): the
MILP maximises ``a + b`` subject to tangent cuts ``a <= log u0 + (u - u0) / u0``
(and the same for ``b`` and ``p``), which over-estimate ``log u`` because ``log`` is
concave, so each MILP's proven bound is an upper bound on the log product; a tangent
is added at each new solution until the bound and the best batch's true product
agree within the gap. ``u`` and ``p`` are bounded below by the best product known
(a max-min batch's), which no better batch can fall under. When the product is 0 for
every feasible batch (one side has no score to gain, or max-min is proven 0) every
batch is Nash-optimal and the batch with the largest ``U_us + U_partner`` is returned.

Ties are broken deterministically by a second stage when the first is proven exactly
(to ``TIE_TOLERANCE``, so that ties can be recognised at all): ``us`` (``partner``)
then maximises the other side's utility among the batches within ``TIE_TOLERANCE``
(relative) of the optimum; ``maxmin`` then maximises ``U_us + U_partner`` among the
batches whose minimum is within ``TIE_TOLERANCE`` of the optimum. A second-stage
batch is kept only if its objective is within ``TIE_TOLERANCE`` of the first stage's.
Nash optima with a positive product are Pareto-optimal already. Everything is
deterministic (HiGHS included; node limits, never wall-clock ones, except the
caller's ``time_limit``), so the same instance always gives the same batch.

Status and gap: the normalisers are solved to ``mip_rel_gap / 4`` and the objective's
MILP (or Kelley's loop) to ``mip_rel_gap / 2``, so that the returned batch's
objective is proven within ``mip_rel_gap`` (1e-9 by default) of the true optimum with
the normalisers' own error counted. ``optimal`` means every one of those solves was
proven (HiGHS's status optimal at its gap, or the Lagrangian bound closing it);
``feasible`` means the time limit stopped one. ``gap`` is the proven relative gap
``1 - value / upper_bound`` of the returned batch's objective, where a true utility
is at least ``best_found / proven_bound`` times the reported one; it is at most
``mip_rel_gap`` when the status is optimal (up to rounding), and values below 1e-12
are reported as 0.0.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import highspy
import numpy as np
from numpy.typing import NDArray

from pledge.domain.errors import InvalidInput, Problem, RuleViolation
from pledge.domain.selection import (
    BatchInstance,
    Objective,
    check_batch,
    conflicts,
    eligible,
)

Array = NDArray[np.float64]
Index = NDArray[np.int32]
Status = Literal["optimal", "feasible"]

TIE_TOLERANCE = 1e-12
"""Relative loss of objective a tie-break stage may cause (and ties it recognises)."""

FRONTIER_STEP = 1e-9
"""Smallest rise of U_partner between two Pareto points (smaller ones count as equal)."""

_FEASIBILITY_TOLERANCE = 1e-9
_ACCEPT_TOLERANCE = 1e-7  # HiGHS's batches may miss an objective floor by this (relative)
_FIX_FROM = 1000  # reduced-cost fixing from this many candidates
_CORE = 200  # free binaries in the core problem that seeds reduced-cost fixing
_CORE_NODES = 1000  # branch-and-bound nodes the core problem may use
_NASH_SEED_GAP = 1e-3  # max-min only seeds Nash (a lower bound on U_us and U_partner)
_MAX_REPAIRS = 100
_MAX_KELLEY = 500
_FEASIBILITY_JUMP_FROM = 1000  # HiGHS's feasibility-jump heuristic costs ~5 ms per MILP
_INTEGER = np.uint8(highspy.HighsVarType.kInteger.value)
_NO_INT = np.zeros(0, dtype=np.int32)
_NO_FLOAT = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class BatchSolution:
    """A batch the optimiser chose, with its value.

    selected:     candidate ids, in the instance's candidate order
    cost:         exact total cost (US dollars)
    u_us, u_partner: each side's utility (score sum over the side's normaliser)
    objective:    the value of the objective that was maximised (for a Pareto point:
                  U_us, the quantity each sweep step maximises)
    status:       "optimal" (proven within the requested relative gap, see the module
                  docstring) or "feasible" (stopped by the time limit, or the greedy
                  heuristic; see ``gap``)
    gap:          proven relative gap 1 - objective / upper bound (0.0 when closed)
    solve_seconds: wall time spent
    best_us, best_partner: the normalisers, the largest score sum each side can reach
    """

    selected: tuple[str, ...]
    cost: Decimal
    u_us: float
    u_partner: float
    objective: float
    status: Status
    gap: float
    solve_seconds: float
    best_us: float
    best_partner: float


class Frontier(list[BatchSolution]):
    """The Pareto frontier, sorted by U_us descending.

    ``truncated`` is True when ``max_points`` or the time limit stopped the sweep before
    the end (the points returned are then the ones with the largest U_us).
    """

    truncated: bool = False


class FrontierTruncated(RuntimeWarning):
    """Warned when ``pareto_frontier`` stops at ``max_points`` or its time limit."""


# ---------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """lo <= sum val * x[idx] <= hi; ``group`` is the constraint's field name."""

    group: str
    lo: float
    hi: float
    idx: Index
    val: Array


@dataclass(slots=True)
class _Model:
    """The instance as arrays: bounds of the binaries and the constraint rows.

    ``relaxed`` lists the constraint groups left out (for diagnosing infeasibility).
    """

    instance: BatchInstance
    relaxed: frozenset[str]
    ids: tuple[str, ...]
    lb: Array
    ub: Array
    rows: list[_Row]
    us: Array
    partner: Array
    cost: Array  # US dollars as floats (for ordering only; checks use Decimal)

    @property
    def n(self) -> int:
        return len(self.ids)

    def problems(self, chosen: Sequence[int]) -> list[Problem]:
        """What ``check_batch`` rejects in the batch, ignoring the relaxed groups."""
        found = check_batch(self.instance, [self.ids[i] for i in chosen])
        return [p for p in found if p.field not in self.relaxed]


def _validate(instance: BatchInstance) -> None:
    """Reject instances the parser would have refused (built by hand)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, c in enumerate(instance.candidates):
        where = f"candidates[{i}]"
        if c.id in seen:
            problems.append(Problem(f"{where}.id", c.id, "batch.duplicate_id",
                                    "ids are unique"))
        seen.add(c.id)
        if not c.cost.is_finite() or c.cost < 0:
            problems.append(Problem(f"{where}.cost", str(c.cost), "batch.negative",
                                    "must be a number >= 0"))
        for side in ("us_score", "partner_score"):
            v = getattr(c, side)
            if not math.isfinite(v) or v < 0:
                problems.append(Problem(f"{where}.{side}", v, "batch.bad_score",
                                        "expected a number >= 0"))
    unknown = sorted(instance.must_include - seen)
    if unknown:
        problems.append(Problem("must_include", ",".join(unknown), "batch.unknown_candidate",
                                "not a candidate id"))
    if not instance.budget.is_finite():
        problems.append(Problem("budget", str(instance.budget), "batch.bad_number",
                                "expected a number"))
    if problems:
        raise InvalidInput(problems)


def _amount_row(group: str, members: list[int], cost: Array,
                lo: Decimal | None, hi: Decimal | None) -> _Row:
    idx = np.array([i for i in members if cost[i] != 0.0], dtype=np.int32)
    val = cost[idx]
    scale = float(np.max(np.abs(val))) if len(idx) else 1.0
    return _Row(group, -math.inf if lo is None else float(lo) / scale,
                math.inf if hi is None else float(hi) / scale, idx, val / scale)


def _count_row(group: str, members: list[int], lo: int | None, hi: int | None) -> _Row:
    return _Row(group, -math.inf if lo is None else float(lo),
                math.inf if hi is None else float(hi),
                np.array(members, dtype=np.int32), np.ones(len(members)))


def _build(instance: BatchInstance, relaxed: frozenset[str] = frozenset()) -> _Model:
    """The MILP's constraints for ``instance`` without the groups in ``relaxed``."""
    cands = instance.candidates
    n = len(cands)
    lb = np.zeros(n)
    ub = np.ones(n)
    for i, c in enumerate(cands):
        ready = "ready_by" in relaxed or eligible(instance, c)
        if c.id in instance.exclude or not ready:
            ub[i] = 0.0
        if "must_include" not in relaxed and c.id in instance.must_include:
            lb[i] = 1.0
    cost = np.array([float(c.cost) for c in cands], dtype=np.float64)
    rows: list[_Row] = []
    if "budget" not in relaxed:
        rows.append(_amount_row("budget", list(range(n)), cost, None, instance.budget))
    by_sector: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_sector[c.sector].append(i)
    for sector, k in sorted(instance.sector_max_count.items()):
        group = f"sector_max_count.{sector}"
        if group not in relaxed:
            rows.append(_count_row(group, by_sector.get(sector, []), None, k))
    for sector, k in sorted(instance.sector_min_count.items()):
        group = f"sector_min_count.{sector}"
        if group not in relaxed:
            rows.append(_count_row(group, by_sector.get(sector, []), k, None))
    for sector, amt in sorted(instance.sector_max_amount.items()):
        group = f"sector_max_amount.{sector}"
        if group not in relaxed:
            rows.append(_amount_row(group, by_sector.get(sector, []), cost, None, amt))
    for sector, amt in sorted(instance.sector_min_amount.items()):
        group = f"sector_min_amount.{sector}"
        if group not in relaxed:
            rows.append(_amount_row(group, by_sector.get(sector, []), cost, amt, None))
    if instance.max_per_sponsor is not None and "max_per_sponsor" not in relaxed:
        by_sponsor: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cands):
            if c.sponsor:
                by_sponsor[c.sponsor].append(i)
        for _, members in sorted(by_sponsor.items()):
            if len(members) > instance.max_per_sponsor:
                rows.append(_count_row("max_per_sponsor", members, None,
                                       instance.max_per_sponsor))
    return _Model(instance, relaxed, tuple(c.id for c in cands), lb, ub, rows,
                  np.array([c.us_score for c in cands], dtype=np.float64),
                  np.array([c.partner_score for c in cands], dtype=np.float64), cost)


# ---------------------------------------------------------------------------------
# One MILP
# ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Out:
    """What one MILP gave: ``x`` (all columns) is None when no solution was found;
    ``bound`` is HiGHS's proven upper bound on the (maximised) objective."""

    state: Literal["optimal", "limit", "infeasible"]
    x: Array | None
    value: float
    bound: float


class _Infeasible(Exception):
    """No batch satisfies the (non-relaxed) constraints."""


@dataclass(slots=True)
class _Milp:
    """Maximise ``cost . (x, extra)`` over the model's binaries ``x`` and continuous
    extra columns, subject to the model's rows and ``rows``.

    ``extras(batch)`` gives the extra columns' values that go with a batch (used to
    turn a known batch into a starting solution); None when there are none.
    """

    model: _Model
    cost: Array
    extra_lb: list[float] = field(default_factory=list)
    extra_ub: list[float] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    extras: Callable[[Sequence[int]], list[float]] | None = None

    def bounds(self, lb: Array, ub: Array) -> tuple[Array, Array]:
        return (np.concatenate([lb, np.asarray(self.extra_lb, dtype=np.float64)]),
                np.concatenate([ub, np.asarray(self.extra_ub, dtype=np.float64)]))

    def vector(self, batch: Sequence[int], tol: float = 1e-9) -> Array | None:
        """The full column vector of a batch; None if it breaks an extra row or bound
        by more than ``tol`` (relative)."""
        n = self.model.n
        v = np.zeros(n + len(self.extra_lb))
        v[list(batch)] = 1.0
        if self.extras is not None:
            v[n:] = self.extras(batch)
        lb, ub = self.bounds(self.model.lb, self.model.ub)
        slack = tol * np.maximum(1.0, np.abs(v))
        if np.any(v[n:] < lb[n:] - slack[n:]) or np.any(v[n:] > ub[n:] + slack[n:]):
            return None
        for r in self.rows:
            act = float(np.dot(r.val, v[r.idx]))
            if act < r.lo - tol * max(1.0, abs(r.lo)) or act > r.hi + tol * max(1.0, abs(r.hi)):
                return None
        return v

    def value(self, v: Array) -> float:
        return float(np.dot(self.cost, v))


@dataclass(slots=True)
class _Relaxation:
    """The LP relaxation: its solution, reduced costs ``r`` and a proven bound.

    ``bound`` is the Lagrangian bound ``sum_rows y * side + sum_cols max(r * lb, r * ub)``
    computed here from HiGHS's row duals (signs clipped), so it is valid whatever the
    LP solver's tolerances were: every feasible point has ``cost . v <= bound``, and
    ``cost . v <= bound - |r_j|`` when column j sits at the bound the sum did not take.
    """

    x: Array
    r: Array
    bound: float


_BANNER_LOCK = threading.Lock()
_banner_done = False


def _new_highs() -> highspy.Highs:
    """A HiGHS instance. The first in a process is made with the standard output pointed
    at /dev/null: HiGHS 1.16 prints a banner there whatever its options say, which would
    break the JSON that scripts read from ``pledge batch --json``."""
    global _banner_done
    if _banner_done:
        return highspy.Highs()  # type: ignore[no-untyped-call]  # highspy is untyped
    with _BANNER_LOCK:
        if _banner_done:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
            finally:
                os.close(null)
            h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy is untyped
            ctypes.CDLL(None).fflush(None)  # the C library's buffer, before fd 1 is back
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return h


def _highs(milp: _Milp, lb: Array, ub: Array, rows: Sequence[_Row], *, integer: bool,
           deadline: float | None) -> highspy.Highs | None:
    """A HiGHS instance holding the model (None when the deadline has passed)."""
    n = milp.model.n
    ncols = len(lb)
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_feasibility_tolerance", _FEASIBILITY_TOLERANCE)
    h.setOptionValue("primal_feasibility_tolerance", _FEASIBILITY_TOLERANCE)
    if n < _FEASIBILITY_JUMP_FROM:
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0.0:
            return None
        h.setOptionValue("time_limit", left)
    h.addCols(ncols, np.ascontiguousarray(milp.cost, dtype=np.float64), lb, ub, 0,
              _NO_INT, _NO_INT, _NO_FLOAT)
    if integer and n:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.full(n, _INTEGER, dtype=np.uint8))
    if rows:
        lengths = np.array([len(r.idx) for r in rows], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
        idx = np.concatenate([r.idx for r in rows]).astype(np.int32)
        val = np.concatenate([r.val for r in rows]).astype(np.float64)
        h.addRows(len(rows), np.array([r.lo for r in rows], dtype=np.float64),
                  np.array([r.hi for r in rows], dtype=np.float64), len(idx),
                  starts, idx, val)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def _relax(milp: _Milp, deadline: float | None) -> _Relaxation | None:
    """Solve the LP relaxation; None when it is not solved or its bound is not finite."""
    lb, ub = milp.bounds(milp.model.lb, milp.model.ub)
    rows = [*milp.model.rows, *milp.rows]
    if np.any(lb > ub):
        return None
    h = _highs(milp, lb, ub, rows, integer=False, deadline=deadline)
    if h is None:
        return None
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    x = np.array(sol.col_value, dtype=np.float64)
    y = np.array(sol.row_dual, dtype=np.float64)
    lo = np.array([r.lo for r in rows], dtype=np.float64)
    hi = np.array([r.hi for r in rows], dtype=np.float64)
    y = np.where((y > 0) & np.isfinite(hi), y, np.where((y < 0) & np.isfinite(lo), y, 0.0))
    aty = np.zeros(len(lb))
    for k, row in enumerate(rows):
        if y[k] != 0.0:
            np.add.at(aty, row.idx, y[k] * row.val)
    r = milp.cost - aty
    row_term = math.fsum(float(y[k] * (hi[k] if y[k] > 0 else lo[k]))
                         for k in range(len(rows)) if y[k] != 0.0)
    with np.errstate(invalid="ignore"):
        col = np.where(r > 0, r * ub, np.where(r < 0, r * lb, 0.0))
    if not np.all(np.isfinite(col)) or not math.isfinite(row_term):
        return None
    return _Relaxation(x, r, row_term + math.fsum(col.tolist()))


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


def _run(milp: _Milp, lb: Array, ub: Array, cuts: Sequence[_Row], *,
         start: Array | None, rel_gap: float, abs_gap: float,
         deadline: float | None, max_nodes: int | None = None) -> _Out:
    """One HiGHS branch-and-bound on the MILP with binary bounds ``lb``/``ub``
    (``max_nodes`` stops it deterministically; the outcome is then "limit")."""
    n = milp.model.n
    lb_all, ub_all = milp.bounds(lb, ub)
    rows = [*milp.model.rows, *milp.rows, *cuts]
    if np.any(lb_all > ub_all):
        return _Out("infeasible", None, -math.inf, -math.inf)
    if len(lb_all) == 0:
        ok = all(r.lo <= 0.0 <= r.hi for r in rows)
        return _Out("optimal" if ok else "infeasible", np.zeros(0) if ok else None, 0.0, 0.0)
    h = _highs(milp, lb_all, ub_all, rows, integer=True, deadline=deadline)
    if h is None:
        return _Out("limit", None, -math.inf, math.inf)
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_abs_gap", abs_gap)
    if max_nodes is not None:
        h.setOptionValue("mip_max_nodes", max_nodes)
    if start is not None:
        h.setSolution(len(lb_all), np.arange(len(lb_all), dtype=np.int32),
                      np.ascontiguousarray(start, dtype=np.float64))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == int(highspy.SolutionStatus
                                                      .kSolutionStatusFeasible.value)
    x = np.array(h.getSolution().col_value, dtype=np.float64) if has_solution else None
    value = float(info.objective_function_value) if has_solution else -math.inf
    if x is not None and not _agrees(value, milp.value(x)):
        # HiGHS 1.16 can report the objective of a different point than the one it
        # returns when given a starting solution; the returned batch is then not proven
        # optimal. Solve again from scratch, and never trust such a pair.
        if start is not None:
            return _run(milp, lb, ub, cuts, start=None, rel_gap=rel_gap, abs_gap=abs_gap,
                        deadline=deadline, max_nodes=max_nodes)
        return _Out("limit", x, milp.value(x), math.inf)
    bound = float(info.mip_dual_bound) if n else value
    if status == highspy.HighsModelStatus.kOptimal:
        if x is None:
            raise RuntimeError("HiGHS reported optimal without a solution")
        return _Out("optimal", x, value, max(bound, value))
    if status == highspy.HighsModelStatus.kInfeasible:
        return _Out("infeasible", None, -math.inf, -math.inf)
    if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt,
                  highspy.HighsModelStatus.kIterationLimit,
                  highspy.HighsModelStatus.kSolutionLimit):
        return _Out("limit", x, value, bound if math.isfinite(bound) else math.inf)
    raise RuntimeError(f"HiGHS stopped with status {h.modelStatusToString(status)}")


def _agrees(reported: float, computed: float) -> bool:
    """Whether the solver's objective value is that of the point it returned."""
    return abs(reported - computed) <= 1e-7 * max(1.0, abs(reported))


def _nogood(n: int, chosen: Sequence[int]) -> _Row:
    """A row that cuts off exactly the batch ``chosen``."""
    val = -np.ones(n)
    val[list(chosen)] = 1.0
    return _Row("nogood", -math.inf, float(len(chosen) - 1), np.arange(n, dtype=np.int32),
                val)


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


def _feasible(instance: BatchInstance, relaxed: frozenset[str]) -> bool:
    model = _build(instance, relaxed)
    _, chosen = _optimise(_Milp(model, np.zeros(model.n)), rel_gap=1e-4)
    return chosen is not None


# ---------------------------------------------------------------------------------
# Normalisers, values, gaps
# ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Side:
    """A side's normaliser: ``best`` (the best batch's score sum), the proven bound."""

    scores: Array
    best: float
    bound: float
    optimal: bool
    batch: tuple[int, ...]

    def total(self, chosen: Sequence[int]) -> float:
        return math.fsum(self.scores[list(chosen)].tolist())

    def utility(self, chosen: Sequence[int]) -> float:
        return self.total(chosen) / self.best if self.best > 0 else 0.0

    @property
    def weights(self) -> Array:
        """Coefficients of U_side in x (zero when the side's utility is identically 0)."""
        return self.scores / self.best if self.best > 0 else np.zeros_like(self.scores)

    @property
    def rho(self) -> float:
        """A lower bound on true utility / reported utility: best / proven bound."""
        if self.best <= 0 or self.bound <= self.best:
            return 1.0
        return self.best / self.bound if math.isfinite(self.bound) else 0.0

    @property
    def cap(self) -> float:
        """An upper bound on any batch's reported utility: proven bound / best."""
        if self.best <= 0:
            return 0.0 if self.bound <= 0 else math.inf
        return max(1.0, self.bound / self.best) if math.isfinite(self.bound) else math.inf


def _side(model: _Model, scores: Array, rel_gap: float, deadline: float | None) -> _Side:
    """Maximise one side's score sum. Raises _Infeasible, or TimeoutError when the time
    limit passes before any feasible batch is found."""
    top = float(scores.max()) if len(scores) else 0.0
    scale = top if top > 0 else 1.0
    out, chosen = _optimise(_Milp(model, scores / scale),
                            starts=[_greedy_batch(model, scores)], rel_gap=rel_gap,
                            deadline=deadline)
    if chosen is None:
        if out.state == "infeasible":
            raise _Infeasible
        raise TimeoutError("no feasible batch was found within the time limit")
    best = math.fsum(scores[list(chosen)].tolist())
    # Without a solver bound (time limit), every eligible candidate's score is one.
    trivial = math.fsum(scores[model.ub > 0.5].tolist())
    bound = max(best, min(out.bound * scale, trivial))
    return _Side(scores, best, bound, out.state == "optimal", chosen)


def _value(objective: Objective, u: float, p: float) -> float:
    if objective is Objective.US:
        return u
    if objective is Objective.PARTNER:
        return p
    if objective is Objective.MAXMIN:
        return min(u, p)
    return u * p


def _gap(objective: Objective, u: float, p: float, us: _Side, partner: _Side,
         model_bound: float) -> float:
    """Proven relative gap of a batch with reported utilities (u, p)."""
    low = _value(objective, us.rho * u, partner.rho * p)
    high = min(1.0, model_bound)
    if high <= 0.0:
        return 0.0
    g = 1.0 - low / high
    return 0.0 if g < 1e-12 else min(1.0, g)


def _solution(model: _Model, chosen: Sequence[int], objective: Objective, us: _Side,
              partner: _Side, optimal: bool, model_bound: float, started: float,
              gap: float | None = None) -> BatchSolution:
    problems = model.problems(chosen)
    if problems:  # unreachable: every batch comes through _optimise or _greedy_batch
        raise RuntimeError("an infeasible batch reached the report: "
                           + "; ".join(p.one_line() for p in problems))
    picked = sorted(chosen)
    u, p = us.utility(picked), partner.utility(picked)
    cands = model.instance.candidates
    return BatchSolution(
        selected=tuple(model.ids[i] for i in picked),
        cost=sum((cands[i].cost for i in picked), Decimal(0)),
        u_us=u, u_partner=p,
        objective=_value(objective, u, p),
        status="optimal" if optimal else "feasible",
        gap=_gap(objective, u, p, us, partner, model_bound) if gap is None else gap,
        solve_seconds=time.perf_counter() - started,
        best_us=us.best, best_partner=partner.best)


def _floor_row(weights: Array, floor: float) -> _Row:
    idx = np.flatnonzero(weights).astype(np.int32)
    return _Row("objective", floor, math.inf, idx, weights[idx])


def _lexicographic(model: _Model, chosen: tuple[int, ...], secondary: Array,
                   floors: Sequence[tuple[Array, float]], keep: float,
                   objective: Objective, us: _Side, partner: _Side, rel_gap: float,
                   deadline: float | None) -> tuple[int, ...]:
    """Second stage: maximise ``secondary`` with every ``weights . x >= floor``.

    Returns the second-stage batch if its objective is at least ``keep`` and its
    secondary value is no lower than the first stage's; else ``chosen``.
    """
    if not np.any(secondary):
        return chosen
    rows = [_floor_row(w, f) for w, f in floors if np.any(w)]
    _, second = _optimise(_Milp(model, secondary, rows=rows), starts=[chosen],
                          rel_gap=rel_gap, deadline=deadline)
    if second is None:
        return chosen

    def sec(batch: Sequence[int]) -> float:
        return math.fsum(float(secondary[i]) for i in batch)

    obj = _value(objective, us.utility(second), partner.utility(second))
    if obj >= keep and sec(second) >= sec(chosen):
        return second
    return chosen


def _keep(value: float) -> float:
    return value - TIE_TOLERANCE * abs(value)


# ---------------------------------------------------------------------------------
# The greedy heuristic
# ---------------------------------------------------------------------------------


def _greedy_batch(model: _Model, weights: Array, *, seed: Sequence[int] = (),
                  key: Array | None = None) -> tuple[int, ...] | None:
    """Greedy by weight / cost: must-include first, then each sector's minimum, then the
    rest in ratio order while they fit. None when the result is not feasible.

    ``seed``: candidates taken first (after the must-include ones) while they fit;
    ``key``: an order to use instead of weight / cost (larger first).
    """
    inst = model.instance
    cands = inst.candidates
    chosen: list[int] = [i for i in range(model.n) if model.lb[i] > 0.5]
    taken = set(chosen)
    spent = sum((cands[i].cost for i in chosen), Decimal(0))
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    sponsors: dict[str, int] = defaultdict(int)
    for i in chosen:
        c = cands[i]
        counts[c.sector] += 1
        amounts[c.sector] += c.cost
        if c.sponsor:
            sponsors[c.sponsor] += 1

    if key is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            key = np.where(model.cost > 0, weights / np.where(model.cost > 0, model.cost, 1.0),
                           np.where(weights > 0, math.inf, 0.0))
    open_ = (model.ub > 0.5) & (model.lb < 0.5)
    order = [int(i) for i in np.argsort(-key, kind="stable") if open_[i]]

    def fits(i: int) -> bool:
        c = cands[i]
        if spent + c.cost > inst.budget:
            return False
        k = inst.sector_max_count.get(c.sector)
        if k is not None and counts[c.sector] + 1 > k:
            return False
        amt = inst.sector_max_amount.get(c.sector)
        if amt is not None and amounts[c.sector] + c.cost > amt:
            return False
        return not (inst.max_per_sponsor is not None and c.sponsor
                    and sponsors[c.sponsor] + 1 > inst.max_per_sponsor)

    def add(i: int) -> None:
        nonlocal spent
        c = cands[i]
        chosen.append(i)
        taken.add(i)
        spent += c.cost
        counts[c.sector] += 1
        amounts[c.sector] += c.cost
        if c.sponsor:
            sponsors[c.sponsor] += 1

    for i in seed:
        if i not in taken and model.ub[i] > 0.5 and fits(i):
            add(i)
    short = sorted(set(inst.sector_min_count) | set(inst.sector_min_amount))
    for sector in short:
        for i in order:
            if counts[sector] >= inst.sector_min_count.get(sector, 0) and \
                    amounts[sector] >= inst.sector_min_amount.get(sector, Decimal(0)):
                break
            if i not in taken and cands[i].sector == sector and fits(i):
                add(i)
    positive = (weights > 0).tolist()
    for i in order:
        if positive[i] and i not in taken and fits(i):
            add(i)
    batch = tuple(sorted(chosen))
    return None if model.problems(batch) else batch


# ---------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------


def _prepare(instance: BatchInstance) -> _Model:
    _validate(instance)
    found = conflicts(instance)
    if found:
        raise RuleViolation(found)
    return _build(instance)


def _share(deadline: float | None, fraction: float) -> float | None:
    """A deadline ``fraction`` of the way from now to ``deadline``."""
    if deadline is None:
        return None
    now = time.perf_counter()
    return now + max(0.0, deadline - now) * fraction


def _sides(model: _Model, rel_gap: float, deadline: float | None,
           objective: Objective = Objective.MAXMIN) -> tuple[_Side, _Side]:
    """Both normalisers. Under a time limit the side being maximised gets 60% of the
    time, the other 20%; for max-min and Nash each gets 20% and the objective the rest.
    Raises RuleViolation (with the diagnosis) when no batch is feasible."""
    first, second = {Objective.US: (0.6, 0.5), Objective.PARTNER: (0.2, 0.75)}.get(
        objective, (0.2, 0.25))
    try:
        us = _side(model, model.us, rel_gap, _share(deadline, first))
    except _Infeasible:
        raise RuleViolation(diagnose_infeasible(model.instance) or [Problem(
            "instance", "", "batch.infeasible", "no batch satisfies every constraint")]) \
            from None
    return us, _side(model, model.partner, rel_gap, _share(deadline, second))


def solve(instance: BatchInstance, objective: Objective | str, *,
          time_limit: float | None = None, mip_rel_gap: float = 1e-9) -> BatchSolution:
    """The best feasible batch for ``objective`` (see the module docstring).

    time_limit: seconds for the whole call (normalisers included); when it runs out the
    best batch found so far is returned with status "feasible" and its proven gap.
    mip_rel_gap: the relative gap within which an "optimal" batch is proven (split
    between the normalisers and the objective's MILP as the module docstring says).

    The time limit is approximate: the Python work between solver calls (greedy starts,
    exact checks) can add a fraction of a second on 20,000 candidates.

    Raises ValueError for an unknown objective, InvalidInput for a malformed instance
    (duplicate ids, negative scores or costs, unknown must-include ids), RuleViolation
    naming the conflicting constraints when no batch is feasible, and TimeoutError when
    the time limit passes before any feasible batch is found.
    """
    started = time.perf_counter()
    objective = Objective(objective)
    deadline = None if time_limit is None else started + time_limit
    model = _prepare(instance)
    # Normalisers to a quarter of the gap, the objective to half: the reported batch is
    # then proven within mip_rel_gap of the true optimum, errors of both included.
    side_gap, main_gap = mip_rel_gap / 4.0, mip_rel_gap / 2.0
    us, partner = _sides(model, side_gap, deadline, objective)
    sides_optimal = us.optimal and partner.optimal
    if objective in (Objective.US, Objective.PARTNER):
        mine, other = (us, partner) if objective is Objective.US else (partner, us)
        chosen = mine.batch
        if mine.bound <= mine.best * (1.0 + TIE_TOLERANCE):  # exact: ties are recognisable
            u = mine.utility(chosen)
            chosen = _lexicographic(model, chosen, other.weights, [(mine.weights, u)],
                                    _keep(u), objective, us, partner, main_gap, deadline)
        return _solution(model, chosen, objective, us, partner, sides_optimal,
                         mine.cap, started)
    nash = objective is Objective.NASH
    gap = max(main_gap, _NASH_SEED_GAP) if nash else main_gap
    chosen, optimal, bound = _maxmin(model, us, partner, gap, deadline)
    t = min(us.utility(chosen), partner.utility(chosen))
    if not nash:
        if optimal and bound <= t * (1.0 + TIE_TOLERANCE):
            chosen = _lexicographic(model, chosen, us.weights + partner.weights,
                                    [(us.weights, t), (partner.weights, t)], _keep(t),
                                    objective, us, partner, main_gap, deadline)
        return _solution(model, chosen, objective, us, partner, optimal and sides_optimal,
                         bound, started)
    if t <= 0.0:
        # Max-min proven 0 (a relative gap cannot close on 0, so the bound is 0): the
        # product is 0 for every feasible batch and the batch with the largest
        # U_us + U_partner is returned.
        if optimal:
            chosen = _lexicographic(model, chosen, us.weights + partner.weights, [], 0.0,
                                    objective, us, partner, main_gap, deadline)
        nash_bound = bound * max(us.cap, partner.cap)
        return _solution(model, chosen, objective, us, partner, optimal and sides_optimal,
                         nash_bound, started)
    chosen, optimal, bound = _nash(model, us, partner, [us.batch, partner.batch, chosen],
                                   main_gap, deadline)
    return _solution(model, chosen, objective, us, partner, optimal and sides_optimal,
                     bound, started)


def _maxmin(model: _Model, us: _Side, partner: _Side, rel_gap: float,
            deadline: float | None) -> tuple[tuple[int, ...], bool, float]:
    """Max-min MILP: (batch, proven optimal, upper bound on the maximin utility)."""
    seeds = [us.batch, partner.batch]

    def low(b: Sequence[int]) -> float:
        return min(us.utility(b), partner.utility(b))

    start = max(seeds, key=low)
    if us.best <= 0 or partner.best <= 0:
        return start, True, 0.0
    n = model.n
    cost = np.zeros(n + 1)
    cost[n] = 1.0
    milp = _Milp(model, cost, [0.0], [min(us.cap, partner.cap)],
                 [_Row("maxmin", 0.0, math.inf, *_with_col(us.weights, n)),
                  _Row("maxmin", 0.0, math.inf, *_with_col(partner.weights, n))],
                 extras=lambda b: [low(b)])
    out, chosen = _optimise(milp, starts=seeds, rel_gap=rel_gap, deadline=deadline)
    if chosen is None or low(chosen) < low(start):
        chosen = start
    return chosen, out.state == "optimal", out.bound


def _with_col(weights: Array, col: int, coef: float = -1.0) -> tuple[Index, Array]:
    """Row entries ``weights . x + coef * column[col]``."""
    idx = np.flatnonzero(weights).astype(np.int32)
    return (np.concatenate([idx, np.array([col], dtype=np.int32)]),
            np.concatenate([weights[idx], np.array([coef])]))


def _nash(model: _Model, us: _Side, partner: _Side, seeds: list[tuple[int, ...]],
          rel_gap: float, deadline: float | None) -> tuple[tuple[int, ...], bool, float]:
    """Kelley's outer approximation of max log U_us + log U_partner.

    Columns: x, u, p, a, b; rows u = U_us(x), p = U_partner(x), tangent cuts on a and
    b. Returns (batch, proven optimal, upper bound on the product).
    """
    n = model.n

    def product(b: Sequence[int]) -> float:
        return us.utility(b) * partner.utility(b)

    best = max(seeds, key=product)
    best_value = product(best)
    if not (math.isfinite(us.cap) and math.isfinite(partner.cap)):
        return best, False, math.inf
    # At the optimum u * p >= best_value and p, u <= cap, so u >= best_value / cap.
    u_cap, p_cap = us.cap, partner.cap
    u_low = best_value / p_cap * (1.0 - 1e-12)
    p_low = best_value / u_cap * (1.0 - 1e-12)
    u_cuts: list[float] = sorted({*np.geomspace(u_low, u_cap, 6).tolist(),
                                  *(us.utility(b) for b in seeds if us.utility(b) > u_low)})
    p_cuts: list[float] = sorted({*np.geomspace(p_low, p_cap, 6).tolist(),
                                  *(partner.utility(b) for b in seeds
                                    if partner.utility(b) > p_low)})
    u_col, p_col, a_col, b_col = n, n + 1, n + 2, n + 3
    base_rows = [_Row("nash.u", 0.0, 0.0, *_with_col(us.weights, u_col)),
                 _Row("nash.p", 0.0, 0.0, *_with_col(partner.weights, p_col))]

    def cut(value_col: int, log_col: int, at: float) -> _Row:
        # log_col <= log(at) + (value - at) / at
        return _Row("nash.cut", -math.inf, math.log(at) - 1.0,
                    np.array([log_col, value_col], dtype=np.int32),
                    np.array([1.0, -1.0 / at]))

    def envelope(cuts: list[float], v: float) -> float:
        return min(math.log(c) + (v - c) / c for c in cuts)

    cost = np.zeros(n + 4)
    cost[a_col] = cost[b_col] = 1.0
    lows = [u_low, p_low, math.log(u_low), math.log(p_low)]
    highs = [u_cap, p_cap, math.log(u_cap), math.log(p_cap)]
    log_bound = math.inf
    gap = 1.0
    inner = 1e-2
    optimal = False
    for _ in range(_MAX_KELLEY):
        rows = [*base_rows, *(cut(u_col, a_col, c) for c in u_cuts),
                *(cut(p_col, b_col, c) for c in p_cuts)]
        uc, pc = list(u_cuts), list(p_cuts)

        def extras(b: Sequence[int], uc: list[float] = uc,
                   pc: list[float] = pc) -> list[float]:
            bu, bp = us.utility(b), partner.utility(b)
            return [bu, bp, envelope(uc, bu), envelope(pc, bp)]

        inner = max(rel_gap / 2.0, min(inner, gap / 10.0))
        out, chosen = _optimise(_Milp(model, cost, lows, highs, rows, extras),
                                starts=[best, *seeds], rel_gap=0.0, abs_gap=inner,
                                deadline=deadline)
        if out.state == "infeasible":
            break  # cannot happen: the incumbent is feasible in every approximation
        log_bound = min(log_bound, out.bound)
        if chosen is not None and product(chosen) > best_value:
            best, best_value = chosen, product(chosen)
        upper = math.exp(log_bound) if log_bound < 700 else math.inf
        gap = 1.0 - best_value / upper if upper > 0 else 0.0
        if gap <= rel_gap:
            optimal = True
            break
        if out.state != "optimal" or chosen is None:
            break  # time limit
        new = False
        cu, cp = us.utility(chosen), partner.utility(chosen)
        if cu > 0 and all(abs(cu - c) > 1e-12 * c for c in u_cuts):
            u_cuts = sorted([*u_cuts, cu])
            new = True
        if cp > 0 and all(abs(cp - c) > 1e-12 * c for c in p_cuts):
            p_cuts = sorted([*p_cuts, cp])
            new = True
        if not new:
            if inner <= rel_gap / 2.0:
                break  # nothing left to refine: the tolerance cannot be met
            inner = rel_gap / 2.0
    upper = math.exp(log_bound) if log_bound < 700 else math.inf
    return best, optimal, upper


def pareto_frontier(instance: BatchInstance, *, max_points: int = 500,
                    time_limit: float | None = None) -> Frontier:
    """Every non-dominated (U_us, U_partner) point, sorted by U_us descending.

    Exact epsilon-constraint sweep: from the batch that maximises U_us (then
    U_partner), each step maximises U_us subject to U_partner >= previous + step, then
    U_partner subject to that U_us, so no dominated point is returned. Points whose
    U_partner differ by less than FRONTIER_STEP (1e-9, widened only if HiGHS's
    tolerance needs it) count as one. One batch is reported for each point, with
    ``objective`` = U_us. When ``max_points`` stops the sweep the returned Frontier has
    ``truncated = True`` and a FrontierTruncated warning is issued; so has a sweep that
    ``time_limit`` (seconds, checked between points) stopped: every point returned is
    exact, the ones with the smaller U_us are missing.

    Raises InvalidInput / RuleViolation as ``solve`` does.
    """
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit
    model = _prepare(instance)
    rel_gap = 1e-9
    us, partner = _sides(model, rel_gap, None)
    frontier = Frontier()
    step = FRONTIER_STEP
    chosen = us.batch
    chosen = _lexicographic(model, chosen, partner.weights,
                            [(us.weights, us.utility(chosen))], _keep(us.utility(chosen)),
                            Objective.US, us, partner, rel_gap, None)
    ok = us.optimal and partner.optimal
    while True:
        frontier.append(_solution(model, chosen, Objective.US, us, partner, ok, 1.0,
                                  started, gap=0.0 if ok else 1.0))
        started = time.perf_counter()
        if len(frontier) >= max_points:
            break
        if partner.best <= 0:
            return frontier
        if deadline is not None and started >= deadline:
            frontier.truncated = True
            warnings.warn(f"the Pareto frontier took longer than {time_limit:g} s; only the "
                          "first points were returned", FrontierTruncated, stacklevel=2)
            return frontier
        floor = partner.utility(chosen)
        while True:
            milp = _Milp(model, us.weights, rows=[_floor_row(partner.weights, floor + step)])
            out, first = _optimise(milp, rel_gap=rel_gap)
            if first is None:
                return frontier
            if partner.utility(first) > floor + step / 2.0:
                break
            step *= 10.0
        u1 = us.utility(first)
        nxt = _lexicographic(model, first, partner.weights, [(us.weights, u1)], _keep(u1),
                             Objective.US, us, partner, rel_gap, None)
        ok = out.state == "optimal"
        chosen = nxt
    # max_points reached: is there anything left?
    floor = partner.utility(chosen)
    _, more = _optimise(_Milp(model, np.zeros(model.n),
                              rows=[_floor_row(partner.weights, floor + step)]), rel_gap=1e-4)
    if more is not None:
        frontier.truncated = True
        warnings.warn(f"the Pareto frontier has more than {max_points} points; "
                      "only the first were returned", FrontierTruncated, stacklevel=2)
    return frontier


def _groups(instance: BatchInstance) -> list[tuple[str, object]]:
    """The relaxable constraint groups present, with the value each limit has."""
    out: list[tuple[str, object]] = []
    for name, limits in (("sector_max_count", instance.sector_max_count),
                         ("sector_min_count", instance.sector_min_count),
                         ("sector_max_amount", instance.sector_max_amount),
                         ("sector_min_amount", instance.sector_min_amount)):
        for sector, v in sorted(limits.items()):
            out.append((f"{name}.{sector}", format(v, "f") if isinstance(v, Decimal) else v))
    if instance.max_per_sponsor is not None:
        out.append(("max_per_sponsor", instance.max_per_sponsor))
    if instance.ready_by is not None:
        out.append(("ready_by", instance.ready_by.isoformat()))
    if instance.must_include:
        out.append(("must_include", ",".join(sorted(instance.must_include))))
    out.append(("budget", format(instance.budget, "f")))
    return out


def diagnose_infeasible(instance: BatchInstance) -> list[Problem]:
    """Why no batch is feasible; an empty list when some batch is.

    First the quick checks of ``conflicts``. If they find nothing and no batch is
    feasible, a deletion filter over the constraint groups (budget; each sector's
    minimum/maximum count and amount; must-include; the sponsor limit; ready_by)
    solves feasibility MILPs to find a minimal set of groups that cannot hold
    together: dropping any one of them makes the rest of that set satisfiable. Each is
    reported as a Problem with rule "batch.conflict"; its message says whether dropping
    that group alone makes the whole instance feasible. Exclusions are never relaxed.

    Raises InvalidInput for a malformed instance.
    """
    _validate(instance)
    found = conflicts(instance)
    if found:
        return found
    if _feasible(instance, frozenset()):
        return []
    groups = _groups(instance)
    relaxed: set[str] = set()
    core: list[tuple[str, object]] = []
    for name, value in groups:
        trial = frozenset(relaxed | {name})
        if _feasible(instance, trial):
            core.append((name, value))
        else:
            relaxed = set(trial)
    names = [name for name, _ in core]
    problems = []
    for name, value in core:
        others = [o for o in names if o != name]
        alone = _feasible(instance, frozenset({name}))
        with_ = f"conflicts with {', '.join(others)}" if others else \
            "cannot be met by any batch"
        fix = ("dropping it alone makes the instance feasible" if alone
               else "dropping it alone is not enough")
        problems.append(Problem(name, value, "batch.conflict", f"{with_}; {fix}"))
    return problems


def greedy(instance: BatchInstance, objective: Objective | str, *,
           normalisers: tuple[float, float] | None = None) -> BatchSolution:
    """The greedy score/cost-ratio heuristic (status "feasible").

    Weights: the side's score for ``us`` / ``partner``; U_us + U_partner weights
    (score / normaliser) for ``maxmin`` and ``nash``. Must-include projects first,
    then each sector's minimum, then everything else in ratio order while it fits.
    ``normalisers`` = (best_us, best_partner) skips the two exact normaliser MILPs.
    ``gap`` is 1 - objective (utilities are at most 1), a trivial but proven bound.

    Raises InvalidInput / RuleViolation as ``solve`` does, and RuleViolation
    (rule "batch.greedy_failed") when the heuristic ends with an infeasible batch.
    """
    started = time.perf_counter()
    objective = Objective(objective)
    model = _prepare(instance)
    if normalisers is None:
        us, partner = _sides(model, 1e-9, None)
    else:
        us = _Side(model.us, normalisers[0], normalisers[0], True, ())
        partner = _Side(model.partner, normalisers[1], normalisers[1], True, ())
    weights = {Objective.US: model.us, Objective.PARTNER: model.partner}.get(
        objective, us.weights + partner.weights)
    chosen = _greedy_batch(model, weights)
    if chosen is None:
        raise RuleViolation([Problem("greedy", objective.value, "batch.greedy_failed",
                                     "the greedy heuristic found no feasible batch")])
    sol = _solution(model, chosen, objective, us, partner, False, 1.0, started)
    return sol
