"""Read-only views the pages draw: a project's outlook and the priorities board.

Both run the analytics (a small seeded simulation, the exact optimiser), so they
are cached until the data changes (see ``dashboard.views``).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
from sqlalchemy import Engine

from pledge.analytics.montecarlo import Summary
from pledge.domain.errors import PledgeError
from pledge.domain.selection import Objective
from pledge.services import apart, priorities, simulation
from pledge.services.base import lower_thread_priority
from pledge.services.dashboard import views
from pledge.services.economics import WaterfallReport

OUTLOOK_PATHS = 2000


@dataclass(frozen=True, slots=True)
class Outlook:
    """A project's base-case waterfall and the simulated distribution of the partner's IRR.

    problem: why there is no outlook (no cost estimate, no model), else None.
    irr: the partner's annual IRR per path (NaN where none solves).
    tornado: the base case's sensitivity to each driver (``services.sensitivity``), present
    values at the deemed rate; None when it could not be worked out.
    capital: the capital structure and its base case
    (``services.capital_structure.capital_document``); None when it could not be worked
    out.
    """

    waterfall: WaterfallReport | None
    summary: Summary | None
    irr: Any
    problem: str | None = None
    tornado: Any = None
    capital: Any = None


def _outlook(engine: Engine, project_id: int, paths: int, seed: int) -> Outlook:
    from pledge.services.capital_structure import (
        capital_document,
        project_capital,
        settlement_report,
    )
    from pledge.services.sensitivity import sensitivity

    try:
        # the base case through the capital structure, read once: the waterfall
        # (``simulation.project_waterfall``'s) and the structure's own page line
        capital = project_capital(engine, project_id)
        report = settlement_report(capital.settlement)
        summary, res = simulation.simulate(simulation.project_spec(engine, project_id, paths,
                                                                   seed))
    except PledgeError as exc:
        return Outlook(None, None, np.empty(0), exc.first.message)
    try:
        tornado = sensitivity(engine, project_id)
    except PledgeError:
        tornado = None
    return Outlook(report, summary, res.irr, tornado=tornado,
                   capital=capital_document(capital))


def project_outlook(engine: Engine, project_id: int, *, paths: int = OUTLOOK_PATHS,
                    seed: int = 0) -> Outlook:
    """The outlook of one project (seeded: the same data gives the same picture), computed
    now unless it was at this data version: in a serving process, by the separate
    low-priority process (``services.apart``), so the threads answering requests lose
    neither CPU nor the interpreter's lock to it."""
    work = partial(_outlook, project_id=project_id, paths=paths, seed=seed)
    return views.get(engine, ("outlook", project_id, paths, seed),
                     lambda: apart.run(engine, work))


OUTLOOK_PENDING_LIMIT = 8
"""Outlooks waiting to be computed at most; a page asking beyond it is told to look again."""

_outlook_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pledge-outlook",
                                     initializer=lower_thread_priority)
_outlook_pending: set[tuple[Any, ...]] = set()
_outlook_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class OutlookAnswer:
    """What a project page shows: the outlook at this data version, else the last one
    computed (``computing`` True: a newer one is on its way, or will be on a later look)."""

    outlook: Outlook | None
    computing: bool


def outlook_or_job(engine: Engine, project_id: int, *, paths: int = OUTLOOK_PATHS,
                   seed: int = 0) -> OutlookAnswer:
    """The project's outlook for a page, never simulated within the request: the cached
    one, or the last one while one worker thread computes the current (at most
    ``OUTLOOK_PENDING_LIMIT`` waiting; the same project's waits once)."""
    key = ("outlook", project_id, paths, seed)
    found, value = views.fresh(engine, key)
    if found:
        return OutlookAnswer(value, False)
    with _outlook_lock:
        if key not in _outlook_pending and len(_outlook_pending) < OUTLOOK_PENDING_LIMIT:
            _outlook_pending.add(key)

            def compute() -> None:
                try:
                    project_outlook(engine, project_id, paths=paths, seed=seed)
                finally:
                    with _outlook_lock:
                        _outlook_pending.discard(key)

            _outlook_worker.submit(compute)
    return OutlookAnswer(views.last(engine, key), True)


def outlooks_pending() -> int:
    """Outlooks queued or being computed (for tests and the bench)."""
    with _outlook_lock:
        return len(_outlook_pending)


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


BOARD_TIME_LIMIT = 20.0  # seconds the optimiser may take per objective on the board


@dataclass(frozen=True, slots=True)
class BoardRequest:
    """A checked request for the board: the framework and the batch limits (the budget)."""

    framework: str
    limits: priorities.CheckedLimits

    @property
    def key(self) -> tuple[Any, ...]:
        return ("board", self.framework, self.limits)


def check_board(framework: str, budget: str | None = None) -> BoardRequest:
    """Refuse a bad budget before anything is computed."""
    return BoardRequest(framework.strip().lower(),
                        priorities.check_limits(priorities.BatchLimits(budget=budget)))


def compute_board(engine: Engine, request: BoardRequest,
                  progress: priorities.Progress | None = None) -> Board:
    """The board, computed now (its rankings and batches may come from the cache)."""
    import warnings

    from pledge.analytics.selection import FrontierTruncated, pareto_frontier

    c = request.limits
    rankings = priorities.prioritise(engine, request.framework, paths=c.paths,
                                     progress=progress)
    stored = priorities.batch_instance(engine, request.framework, budget=c.budget, on=c.on,
                                       paths=c.paths)
    batches: dict[str, Any] = {}
    frontier: list[tuple[float, float, str]] = []
    if stored.instance.candidates:
        for obj in Objective:
            batches[obj.value] = priorities.batch_for(engine, priorities.BatchRequest(
                request.framework, obj, c, BOARD_TIME_LIMIT)).solution
        with warnings.catch_warnings():  # a frontier cut short is drawn as far as it got
            warnings.simplefilter("ignore", FrontierTruncated)
            points = pareto_frontier(stored.instance, time_limit=BOARD_TIME_LIMIT)
        frontier = [(p.u_us, p.u_partner, ", ".join(p.selected)) for p in points]
    return Board(rankings, stored.instance.budget, stored.budget_reasons, stored.skipped,
                 batches, frontier, stored.duplicates)


def _board_here(engine: Engine, *, request: BoardRequest) -> Board:
    return compute_board(engine, request)


def compute_board_apart(engine: Engine, request: BoardRequest,
                        progress: priorities.Progress | None = None) -> Board:
    """The board, computed now: in a serving process by the separate low-priority process
    (``services.apart``; its progress is then not reported, only its end), elsewhere
    here."""
    if apart.in_use(engine):
        return apart.run(engine, partial(_board_here, request=request))
    return compute_board(engine, request, progress)


def priorities_board(engine: Engine, framework: str, budget: str | None = None) -> Board:
    """The board for ``framework`` with an optional batch budget ("US$100bn"), computed now
    unless it was at this data version (the budget is checked first)."""
    return board_for(engine, check_board(framework, budget))


def board_for(engine: Engine, request: BoardRequest,
              progress: priorities.Progress | None = None) -> Board:
    return views.get(engine, request.key, lambda: compute_board(engine, request, progress))


def cached_board(engine: Engine, request: BoardRequest) -> tuple[Board | None, Board | None]:
    """(the board at this data version or None, the last board computed or None)."""
    found, value = views.fresh(engine, request.key)
    return (value if found else None), views.last(engine, request.key)
