"""Normalisers, utilities, the reported solution and its gap, and tie-breaks.

Utilities: ``U_side(S) = sum_{i in S} score_side_i / best_side`` where ``best_side`` is
the largest sum that side reaches over all feasible batches, found first by its own
MILP. When ``best_side`` is 0 (no feasible batch gives that side any score), that
side's utility is defined as 0 for every batch.

Ties are broken deterministically by a second stage (:func:`_lexicographic`) when the
first is proven exactly (to ``TIE_TOLERANCE``, so that ties can be recognised at all);
a second-stage batch is kept only if its objective is within ``TIE_TOLERANCE`` of the
first stage's.

The gap reported (:func:`_gap`) is the proven relative gap ``1 - value / upper_bound``
of the returned batch's objective, where a true utility is at least ``best_found /
proven_bound`` times the reported one; values below 1e-12 are reported as 0.0.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from pledge.analytics.selection.diagnosis import diagnose_infeasible
from pledge.analytics.selection.heuristic import _greedy_batch
from pledge.analytics.selection.highs import _Infeasible, _Milp
from pledge.analytics.selection.model import Array, _Model, _Row
from pledge.analytics.selection.optimise import _optimise
from pledge.domain.errors import Problem, RuleViolation
from pledge.domain.selection import Objective

Status = Literal["optimal", "feasible"]

TIE_TOLERANCE = 1e-12
"""Relative loss of objective a tie-break stage may cause (and ties it recognises)."""


@dataclass(frozen=True, slots=True)
class BatchSolution:
    """A batch the optimiser chose, with its value.

    selected:     candidate ids, in the instance's candidate order
    cost:         exact total cost (US dollars)
    u_us, u_partner: each side's utility (score sum over the side's normaliser)
    objective:    the value of the objective that was maximised (for a Pareto point:
                  U_us, the quantity each sweep step maximises)
    status:       "optimal" (proven within the requested relative gap, see the package
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
