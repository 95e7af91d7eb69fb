"""The Pareto frontier of (U_us, U_partner) by an exact epsilon-constraint sweep."""

from __future__ import annotations

import time
import warnings

import numpy as np

from pledge.analytics.selection.highs import _Milp
from pledge.analytics.selection.model import _prepare
from pledge.analytics.selection.optimise import _optimise
from pledge.analytics.selection.utilities import (
    BatchSolution,
    _floor_row,
    _keep,
    _lexicographic,
    _sides,
    _solution,
)
from pledge.domain.selection import BatchInstance, Objective

FRONTIER_STEP = 1e-9
"""Smallest rise of U_partner between two Pareto points (smaller ones count as equal)."""


class Frontier(list[BatchSolution]):
    """The Pareto frontier, sorted by U_us descending.

    ``truncated`` is True when ``max_points`` or the time limit stopped the sweep before
    the end (the points returned are then the ones with the largest U_us).
    """

    truncated: bool = False


class FrontierTruncated(RuntimeWarning):
    """Warned when ``pareto_frontier`` stops at ``max_points`` or its time limit."""


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
