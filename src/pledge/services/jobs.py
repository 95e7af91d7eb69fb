"""Background jobs, in one place for every edge: simulations submitted here, the queue and
its runner (``services.job_queue``), the priorities' analyses answered now or as jobs
(``services.analyses``).

A simulation never holds a request open: submitting checks the request and builds the
simulation at once, so a bad request fails then; only the paths run in the background,
and the result is the summary ``pledge simulate --json`` prints (money as text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from pledge.analytics import montecarlo as mc
from pledge.domain import fair_use
from pledge.domain.access import Action
from pledge.domain.bounds import check_seed
from pledge.services.analyses import (
    BoardAnswer,
    batch_or_job,
    board_or_job,
    decline_or_job,
    frontier_or_job,
    known_board,
    rankings_or_job,
)
from pledge.services.base import Actor, jsonable, permit
from pledge.services.job_queue import (
    BATCH,
    BOARD,
    DECLINE,
    DONE,
    FAILED,
    FRONTIER,
    OPEN_STATES,
    QUEUED,
    RANKINGS,
    RUNNING,
    SIMULATION,
    JobFailed,
    JobRunner,
    JobStatus,
    Progress,
    enqueue,
    error_document,
    job_result,
    job_status,
    job_work,
    mark_stale,
)
from pledge.services.simulation import (
    check_paths,
    simulate,
    simulation_spec,
    summary_document,
)

__all__ = [
    "BATCH", "BOARD", "DECLINE", "DONE", "FAILED", "FRONTIER", "OPEN_STATES",
    "QUEUED", "RANKINGS", "RUNNING", "SIMULATION", "BoardAnswer",
    "JobFailed", "JobRunner", "JobStatus", "Progress", "SimulationRequest", "batch_or_job",
    "board_or_job", "decline_or_job", "enqueue", "error_document", "frontier_or_job",
    "job_result", "job_status", "job_work", "known_board", "mark_stale", "rankings_or_job",
    "submit_simulation",
]


@dataclass(frozen=True, slots=True)
class SimulationRequest:
    """What ``pledge simulate`` asks for: one project, or a framework's portfolio."""

    project_id: int | None = None
    framework: str | None = None
    paths: int = 10_000
    seed: int = 0
    deemed_rate: str | None = None
    discount_rate: str | None = None


def _simulation_work(spec: mc.SimSpec, extra: dict[str, Any]
                     ) -> Callable[[int, JobRunner], None]:
    def compute(progress: Progress) -> Any:
        done = 0

        def paths_done(paths: int) -> None:
            nonlocal done
            done += paths
            progress(done / spec.paths)

        summary, _ = simulate(spec, progress=paths_done)
        return jsonable(summary_document(summary, extra))

    return job_work(compute)


def submit_simulation(engine: Engine, runner: JobRunner, request: SimulationRequest,
                      actor: Actor) -> JobStatus:
    """Queue a Monte Carlo simulation (as ``pledge simulate``) and return its job at once.

    The request is checked and the simulation built now (paths beyond the role's
    allowance, an unknown project, an empty portfolio or a bad rate fail here, not in
    the background); a full queue is TooManyRequests.
    """
    permit(actor, Action.ANALYSE)
    check_paths(request.paths)
    fair_use.check_paths(actor.role, request.paths)
    check_seed(request.seed)
    spec, extra = simulation_spec(engine, project_id=request.project_id,
                                  framework=request.framework, paths=request.paths,
                                  seed=request.seed, deemed_rate=request.deemed_rate,
                                  discount_rate=request.discount_rate)
    params = {"project_id": request.project_id, "framework": request.framework,
              "paths": request.paths, "seed": request.seed,
              "deemed_rate": request.deemed_rate}
    if request.discount_rate is not None:
        params["discount_rate"] = request.discount_rate
    return enqueue(engine, runner, actor, SIMULATION, params,
                   _simulation_work(spec, jsonable(extra)))


