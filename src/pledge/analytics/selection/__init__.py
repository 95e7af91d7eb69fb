"""The exact optimiser for a first batch: each side's best, max-min, Nash, the Pareto frontier.

The rules live in ``pledge.domain.selection``: ``check_batch`` says whether a batch is
feasible and this package only searches. Every batch it returns has been passed through
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

Solving (``optimise._optimise``): below ``_FIX_FROM`` candidates each MILP goes straight to
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

The package, one job a module:

``model``       the instance as the MILP's arrays (constraint rows, bounds of the binaries)
``highs``       one MILP or LP relaxation through HiGHS
``optimise``    the verified search: bounds, reduced-cost fixing, the core, no-good repairs
``heuristic``   the greedy score/cost-ratio batch
``utilities``   normalisers, utilities, the reported solution and its gap, tie-breaks
``objectives``  :func:`solve` (each side's best, max-min, Nash) and :func:`greedy`
``frontier``    :func:`pareto_frontier`
``diagnosis``   :func:`diagnose_infeasible`
"""

from __future__ import annotations

from pledge.analytics.selection.diagnosis import _groups as _groups  # read by the tests
from pledge.analytics.selection.diagnosis import diagnose_infeasible
from pledge.analytics.selection.frontier import (
    FRONTIER_STEP,
    Frontier,
    FrontierTruncated,
    pareto_frontier,
)
from pledge.analytics.selection.objectives import greedy, solve
from pledge.analytics.selection.utilities import TIE_TOLERANCE, BatchSolution, Status

__all__ = [
    "FRONTIER_STEP",
    "TIE_TOLERANCE",
    "BatchSolution",
    "Frontier",
    "FrontierTruncated",
    "Status",
    "diagnose_infeasible",
    "greedy",
    "pareto_frontier",
    "solve",
]
