"""Read-only views the pages draw: a project's outlook and the priorities board.

Both run the analytics (a small seeded simulation, the exact optimiser), so they
are cached until the data changes (see ``dashboard.views``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Engine

from pledge.analytics.montecarlo import Summary
from pledge.domain.errors import PledgeError
from pledge.domain.selection import Objective
from pledge.services import priorities, simulation
from pledge.services.dashboard import views
from pledge.services.economics import WaterfallReport

OUTLOOK_PATHS = 2000


@dataclass(frozen=True, slots=True)
class Outlook:
    """A project's base-case waterfall and the simulated distribution of the partner's IRR.

    problem: why there is no outlook (no cost estimate, no model), else None.
    irr: the partner's annual IRR per path (NaN where none solves).
    """

    waterfall: WaterfallReport | None
    summary: Summary | None
    irr: Any
    problem: str | None = None


def _outlook(engine: Engine, project_id: int, paths: int, seed: int) -> Outlook:
    try:
        report = simulation.project_waterfall(engine, project_id)
        summary, res = simulation.simulate(simulation.project_spec(engine, project_id, paths,
                                                                   seed))
    except PledgeError as exc:
        return Outlook(None, None, np.empty(0), exc.first.message)
    return Outlook(report, summary, res.irr)


def project_outlook(engine: Engine, project_id: int, *, paths: int = OUTLOOK_PATHS,
                    seed: int = 0) -> Outlook:
    """The outlook of one project (seeded: the same data gives the same picture)."""
    return views.get(engine, ("outlook", project_id, paths, seed),
                     lambda: _outlook(engine, project_id, paths, seed))


@dataclass(frozen=True, slots=True)
class Board:
    """Both sides' rankings, the optimised batch per objective and the Pareto frontier.

    batches: objective -> solution (None when the instance has no candidates).
    frontier: (U_us, U_partner, selected ids joined) per Pareto point.
    """

    rankings: priorities.Rankings
    budget: Decimal
    budget_reasons: list[str]
    skipped: list[int]
    batches: dict[str, Any]
    frontier: list[tuple[float, float, str]]
    duplicates: list[int] = field(default_factory=list)  # counted through another row


def _board(engine: Engine, framework: str, budget: str | None) -> Board:
    from pledge.analytics.selection import pareto_frontier, solve

    rankings = priorities.prioritise(engine, framework)
    stored = priorities.stored_batch(engine, framework, priorities.BatchLimits(budget=budget))
    batches: dict[str, Any] = {}
    frontier: list[tuple[float, float, str]] = []
    if stored.instance.candidates:
        for obj in Objective:
            batches[obj.value] = solve(stored.instance, obj, time_limit=20)
        frontier = [(p.u_us, p.u_partner, ", ".join(p.selected))
                    for p in pareto_frontier(stored.instance)]
    return Board(rankings, stored.instance.budget, stored.budget_reasons, stored.skipped,
                 batches, frontier, stored.duplicates)


def priorities_board(engine: Engine, framework: str, budget: str | None = None) -> Board:
    """The board for ``framework`` with an optional batch budget ("US$100bn")."""
    return views.get(engine, ("board", framework, budget),
                     lambda: _board(engine, framework, budget))
