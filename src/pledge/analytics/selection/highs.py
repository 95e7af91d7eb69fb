"""One MILP (or its LP relaxation) through HiGHS (``highspy``).

A :class:`_Milp` is the model's binaries plus any continuous columns and rows an
objective adds; :func:`_run` solves it once by branch and bound, :func:`_relax` solves
its LP relaxation and turns HiGHS's row duals into a Lagrangian bound computed here.
Nothing in this module checks a batch against the rules: that is
:mod:`pledge.analytics.selection.optimise`'s job.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np

from pledge.analytics.selection.model import Array, _Model, _Row

_FEASIBILITY_TOLERANCE = 1e-9
_FEASIBILITY_JUMP_FROM = 1000  # HiGHS's feasibility-jump heuristic costs ~5 ms per MILP
_INTEGER = np.uint8(highspy.HighsVarType.kInteger.value)
_NO_INT = np.zeros(0, dtype=np.int32)
_NO_FLOAT = np.zeros(0, dtype=np.float64)


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
