"""The objectives: each side's best, max-min and Nash (:func:`solve`), and the greedy
heuristic's batch reported the same way (:func:`greedy`).

``us`` / ``partner`` maximise one side's utility; ``maxmin`` maximises
``min(U_us, U_partner)`` with one MILP and an auxiliary ``t <= U_us, t <= U_partner``;
``nash`` maximises ``U_us * U_partner`` exactly by outer approximation (Kelley,
:func:`_nash`). See :mod:`pledge.analytics.selection` for the guarantees.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from pledge.analytics.selection.heuristic import _greedy_batch
from pledge.analytics.selection.highs import _Milp
from pledge.analytics.selection.model import Array, Index, _Model, _prepare, _Row
from pledge.analytics.selection.optimise import _optimise
from pledge.analytics.selection.utilities import (
    TIE_TOLERANCE,
    BatchSolution,
    _keep,
    _lexicographic,
    _Side,
    _sides,
    _solution,
)
from pledge.domain.errors import Problem, RuleViolation
from pledge.domain.selection import BatchInstance, Objective

_NASH_SEED_GAP = 1e-3  # max-min only seeds Nash (a lower bound on U_us and U_partner)
_MAX_KELLEY = 500


def solve(instance: BatchInstance, objective: Objective | str, *,
          time_limit: float | None = None, mip_rel_gap: float = 1e-9) -> BatchSolution:
    """The best feasible batch for ``objective`` (see :mod:`pledge.analytics.selection`).

    time_limit: seconds for the whole call (normalisers included); when it runs out the
    best batch found so far is returned with status "feasible" and its proven gap.
    mip_rel_gap: the relative gap within which an "optimal" batch is proven (split
    between the normalisers and the objective's MILP as the package docstring says).

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
