"""The priorities' analyses for a server: rankings, batches, frontiers, fund-or-decline
advice and the priorities board, answered from the per-process cache at the current data
version, computed within the request when small (``fair_use.fits_inline``), otherwise
queued as a job (``services.job_queue``) whose result is the answer's JSON document.

The edge that asks gives ``document``, the answer's public shape
(``pledge.models.priorities``), so a job stores exactly what the request would have
answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine

from pledge.domain import fair_use
from pledge.services import priorities as prio
from pledge.services import views as views_svc
from pledge.services.base import Actor, jsonable
from pledge.services.dashboard import data_version, views
from pledge.services.job_queue import (
    BATCH,
    BOARD,
    DECLINE,
    FRONTIER,
    RANKINGS,
    JobRunner,
    JobStatus,
    Progress,
    enqueue,
    job_work,
    open_job,
)

T = TypeVar("T")


def _answer(engine: Engine, runner: JobRunner, actor: Actor, *, kind: str,
            key: tuple[Any, ...], params: dict[str, Any], inline: Callable[[], bool],
            build: Callable[[Progress | None], T], document: Callable[[T], dict[str, Any]]
            ) -> T | JobStatus:
    """The cached answer at this data version; else computed now when ``inline()`` says it
    is small; else the job that computes it (joined when one is already queued)."""
    found, value = views.fresh(engine, key)
    if found:
        return value  # type: ignore[no-any-return]  # stored by build, so a T
    if inline():
        return views.get(engine, key, lambda: build(None))

    def compute(progress: Progress) -> Any:
        return jsonable(document(views.get(engine, key, lambda: build(progress))))

    return enqueue(engine, runner, actor, kind,
                    {**params, "data_version": data_version(engine)}, job_work(compute),
                    join=True)


def _ranking_work(engine: Engine, framework: str, paths: int, seed: int) -> int:
    """The simulation a ranking still needs (none when its simulated criteria are cached)."""
    if views.fresh(engine, ("simulated", framework, paths, seed))[0]:
        return 0
    return fair_use.simulation_work(prio.open_project_count(engine, framework), paths)


def rankings_or_job(engine: Engine, runner: JobRunner, actor: Actor, framework: str, *,
                    top_k: int = 5, paths: int = 2000, seed: int = 0,
                    document: Callable[[prio.Rankings], dict[str, Any]]
                    ) -> prio.Rankings | JobStatus:
    """Both sides' rankings (as ``priorities.prioritise``), or the job computing them."""
    prio.check_ranking(top_k, paths, seed, actor.role)
    fw = framework.strip().lower()
    return _answer(
        engine, runner, actor, kind=RANKINGS, key=prio.ranking_key(fw, top_k, paths, seed),
        params={"framework": fw, "top": top_k, "paths": paths, "seed": seed},
        inline=lambda: fair_use.fits_inline(_ranking_work(engine, fw, paths, seed)),
        build=lambda progress: prio.compute_rankings(engine, fw, top_k, paths, seed,
                                                     progress),
        document=document)


def _limits_params(c: prio.CheckedLimits) -> dict[str, Any]:
    return {"budget": c.budget, "sector_max": dict(c.sector_max),
            "sector_min": dict(c.sector_min), "max_per_sponsor": c.max_per_sponsor,
            "must_include": list(c.must_include), "exclude": list(c.exclude), "on": c.on,
            "paths": c.paths}


def batch_or_job(engine: Engine, runner: JobRunner, actor: Actor, framework: str,
                 objective: str = "nash", limits: prio.BatchLimits | None = None, *,
                 time_limit: float | None = None,
                 document: Callable[[prio.BatchChoice], dict[str, Any]]
                 ) -> prio.BatchChoice | JobStatus:
    """The best first batch (as ``priorities.choose_batch``), or the job choosing it."""
    request = prio.check_batch(framework, objective, limits, time_limit=time_limit,
                               role=actor.role)
    candidates = prio.open_project_count(engine, request.framework)
    c = request.limits
    return _answer(
        engine, runner, actor, kind=BATCH, key=request.key,
        params={"framework": request.framework, "objective": request.objective.value,
                "time_limit": request.time_limit, **_limits_params(c)},
        inline=lambda: fair_use.fits_inline(
            _ranking_work(engine, request.framework, c.paths, 0), candidates),
        build=lambda _progress: prio.compute_batch(engine, request),
        document=document)


def frontier_or_job(engine: Engine, runner: JobRunner, actor: Actor, framework: str,
                    limits: prio.BatchLimits | None = None, *, max_points: int = 500,
                    time_limit: float | None = None,
                    document: Callable[[prio.FrontierChoice], dict[str, Any]]
                    ) -> prio.FrontierChoice | JobStatus:
    """The Pareto frontier (as ``priorities.batch_frontier``), or the job sweeping it."""
    request = prio.check_frontier(framework, limits, max_points=max_points,
                                  time_limit=time_limit, role=actor.role)
    prio.open_project_count(engine, request.framework)  # the framework, and something to rank
    return _answer(
        engine, runner, actor, kind=FRONTIER, key=request.key,
        params={"framework": request.framework, "max_points": request.max_points,
                "time_limit": request.time_limit, **_limits_params(request.limits)},
        inline=lambda: fair_use.fits_inline(0, frontier=True),
        build=lambda _progress: prio.compute_frontier(engine, request),
        document=document)


def decline_or_job(engine: Engine, runner: JobRunner, actor: Actor, project_id: int | str,
                   *, document: Callable[[prio.DeclineReport], dict[str, Any]],
                   **inputs: Any) -> prio.DeclineReport | JobStatus:
    """Fund-or-decline advice (as ``priorities.decline_advice``), or the job computing it."""
    request = prio.check_decline(engine, project_id, role=actor.role, **inputs)
    return _answer(
        engine, runner, actor, kind=DECLINE, key=request.key,
        params={"project_id": request.project_id, "paths": request.paths,
                "seed": request.seed, "funding_cost": request.rate,
                "exports": request.exports, "duration_years": request.duration_years,
                "probability": request.probability, "incidence": request.incidence},
        inline=lambda: fair_use.fits_inline(fair_use.simulation_work(1, request.paths)),
        build=lambda _progress: prio.compute_decline(engine, request),
        document=document)


@dataclass(frozen=True, slots=True)
class BoardAnswer:
    """What the priorities page shows: the board at this data version, or the job computing
    it and the last board computed before (None when there is none)."""

    board: views_svc.Board | None
    job: JobStatus | None
    last: views_svc.Board | None


def known_board(engine: Engine, runner: JobRunner, framework: str,
                budget: str | None = None) -> BoardAnswer | None:
    """``board_or_job``'s answer when it takes reads only and never waits for another
    request: the board at this data version, or the open job computing it (with the last
    board); None when the checks ``board_or_job`` makes are not answered from the cache at
    this data version, or no job is open (``board_or_job`` then answers)."""
    request = views_svc.check_board(framework, budget)
    if not runner.open or not prio.open_projects_known(engine, request.framework):
        return None
    board, last = views_svc.cached_board(engine, request)
    if board is not None:
        return BoardAnswer(board, None, None)
    job = open_job(engine, BOARD, {**_board_params(request),
                                   "data_version": data_version(engine)})
    return None if job is None else BoardAnswer(None, job, last)


def _board_params(request: views_svc.BoardRequest) -> dict[str, Any]:
    return {"framework": request.framework, "budget": request.limits.budget}


def board_or_job(engine: Engine, runner: JobRunner, actor: Actor, framework: str,
                 budget: str | None = None) -> BoardAnswer:
    """The priorities board, never computed within the request: the cached board, or a job
    computing it (joined when queued already) and the last board to show meanwhile."""
    request = views_svc.check_board(framework, budget)
    prio.open_project_count(engine, request.framework)  # the framework, and something to rank
    board, last = views_svc.cached_board(engine, request)
    if board is not None:
        return BoardAnswer(board, None, None)

    def summary(b: views_svc.Board) -> dict[str, Any]:
        return {"framework": request.framework, "budget": b.budget,
                "projects": len(b.rankings.names),
                "batches": {k: list(sol.selected) for k, sol in b.batches.items()},
                "frontier_points": len(b.frontier)}

    job = _answer(
        engine, runner, actor, kind=BOARD, key=request.key,
        params=_board_params(request),
        inline=lambda: False,
        build=lambda progress: views_svc.compute_board_apart(engine, request, progress),
        document=summary)
    if isinstance(job, views_svc.Board):  # computed meanwhile by another request
        return BoardAnswer(job, None, None)
    return BoardAnswer(None, job, last)

