"""Jobs: simulations submitted (202 at once), any job's status polled and result read.

A simulation never holds a request open: ``POST /simulations`` checks the request,
queues the job and answers 202 with where to look; the paths run on the
application's job runner (``install`` starts it with the application and stops it
on shutdown). Rankings, batches, frontiers and advice too large to compute within a
request answer 202 the same way (``routes_priorities``); ``/jobs/{id}`` reads any job.
Beyond a role's allowance of open jobs, or with the server's queue full, the answer is
429 with Retry-After.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse

from pledge.api.schemas import SimulationCreate
from pledge.domain.access import Action
from pledge.models.jobs import JOBS, SIMULATIONS, Job, JobResult, QueuedJob, SimulationQueued
from pledge.server.deps import EngineDep, JobsDep, require, require_actor
from pledge.server.errors import RESPONSES
from pledge.server.idempotency import OnceDep
from pledge.server.params import RecordId
from pledge.services import jobs as svc
from pledge.services.base import Actor, jsonable

router = APIRouter(tags=["simulations"])
jobs_router = APIRouter(tags=["jobs"])

QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": QueuedJob,
          "description": "Too large to compute within the request: queued as a job; the "
                         "body names it and Location points at its status"},
    429: {**RESPONSES[429], "description": "The caller's jobs or the server's queue are "
                                           "full; Retry-After says when to try again"},
}


def install(app: FastAPI) -> None:
    """Give ``app`` a job runner, started on startup (marking stale jobs failed) and shut
    down on shutdown, around whatever else the application's lifespan does."""
    runner = svc.JobRunner(app.state.engine)
    app.state.jobs = runner
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        runner.start()
        try:
            async with inner(a) as state:
                yield state
        finally:
            runner.shutdown()

    app.router.lifespan_context = lifespan


def _stored(result: dict[str, Any]) -> Response:
    """A finished job's result as it was stored: the document its model wrote when the job
    finished (the route's ``response_model`` describes it), sent as it is."""
    return JSONResponse(jsonable(result))


def queued(job: svc.JobStatus) -> Response:
    """Answer 202 with the job that computes the answer and where to follow it."""
    body = QueuedJob.of(job)
    return JSONResponse(body.document(), status_code=202,
                        headers={"Location": body.links.self})


@router.post("/simulations", status_code=202, responses={429: QUEUED_RESPONSES[429]},
             response_model=SimulationQueued)
def create_simulation(body: SimulationCreate, engine: EngineDep, runner: JobsDep,
                      response: Response, once: OnceDep,
                      actor: Actor = require_actor(Action.ANALYSE)) -> SimulationQueued:
    """Queue a Monte Carlo simulation of a project or a framework's portfolio."""

    def submit() -> dict[str, Any]:
        job = svc.submit_simulation(engine, runner, svc.SimulationRequest(
            project_id=body.project_id, framework=body.framework, paths=body.paths,
            seed=body.seed, deemed_rate=body.deemed_rate,
            discount_rate=body.discount_rate), actor)
        return SimulationQueued.of(job).document()

    created = SimulationQueued.model_validate(once(actor, submit))
    response.headers["Location"] = created.links.self
    return created


@router.get("/simulations/{job_id}", dependencies=[require(Action.ANALYSE)],
            response_model=Job)
def get_simulation(job_id: RecordId, engine: EngineDep) -> Job:
    """The job's state (queued, running, done, failed), progress from 0 to 1, and error."""
    return Job.of(svc.job_status(engine, job_id), SIMULATIONS)


@router.get("/simulations/{job_id}/result", dependencies=[require(Action.ANALYSE)],
            response_model=JobResult)
def get_simulation_result(job_id: RecordId, engine: EngineDep) -> Response:
    """The summary ``pledge simulate --json`` prints (money as text); 409
    ``job.not_finished`` until the job is done, and the job's own error if it failed."""
    return _stored(svc.job_result(engine, job_id))


@jobs_router.get("/jobs/{job_id}", dependencies=[require(Action.ANALYSE)], response_model=Job)
def get_job(job_id: RecordId, engine: EngineDep) -> Job:
    """Any job's kind, state (queued, running, done, failed), progress and error."""
    return Job.of(svc.job_status(engine, job_id), JOBS)


@jobs_router.get("/jobs/{job_id}/result", dependencies=[require(Action.ANALYSE)],
                 response_model=JobResult)
def get_job_result(job_id: RecordId, engine: EngineDep) -> Response:
    """A finished job's result: the body the request that queued it would have had; 409
    ``job.not_finished`` until it is done, and the job's own error if it failed."""
    return _stored(svc.job_result(engine, job_id))
