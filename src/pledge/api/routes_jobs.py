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

from pledge.api.schemas import SimulationCreate
from pledge.domain.access import Action
from pledge.server.deps import EngineDep, JobsDep, require, require_actor
from pledge.server.errors import RESPONSES
from pledge.server.idempotency import OnceDep
from pledge.server.params import RecordId
from pledge.services import jobs as svc
from pledge.services.base import Actor, jsonable

router = APIRouter(tags=["simulations"])
jobs_router = APIRouter(tags=["jobs"])

PREFIX = "/api/v1/simulations"
JOBS = "/api/v1/jobs"
QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Too large to compute within the request: queued as a job; the "
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


def _links(job_id: int) -> dict[str, str]:
    return {"self": f"{PREFIX}/{job_id}", "result": f"{PREFIX}/{job_id}/result"}


def job_links(job_id: int) -> dict[str, str]:
    return {"self": f"{JOBS}/{job_id}", "result": f"{JOBS}/{job_id}/result"}


def queued(job: svc.JobStatus, response: Response) -> dict[str, Any]:
    """Answer 202 with the job that computes the answer and where to follow it."""
    response.status_code = 202
    response.headers["Location"] = job_links(job.id)["self"]
    return {"id": job.id, "kind": job.kind, "state": job.state, "links": job_links(job.id)}


def _status(j: svc.JobStatus) -> dict[str, Any]:
    return jsonable({"id": j.id, "kind": j.kind, "state": j.state,  # type: ignore[no-any-return]
                     "progress": j.progress, "params": j.params, "created_by": j.created_by,
                     "created_at": j.created_at, "started_at": j.started_at,
                     "finished_at": j.finished_at, "error": j.error, "links": _links(j.id)})


@router.post("/simulations", status_code=202, responses={429: QUEUED_RESPONSES[429]})
def create_simulation(body: SimulationCreate, engine: EngineDep, runner: JobsDep,
                      response: Response, once: OnceDep,
                      actor: Actor = require_actor(Action.ANALYSE)) -> dict[str, Any]:
    """Queue a Monte Carlo simulation of a project or a framework's portfolio."""

    def submit() -> dict[str, Any]:
        job = svc.submit_simulation(engine, runner, svc.SimulationRequest(
            project_id=body.project_id, framework=body.framework, paths=body.paths,
            seed=body.seed, deemed_rate=body.deemed_rate), actor)
        return {"id": job.id, "state": job.state, "links": _links(job.id)}

    created = once(actor, submit)
    response.headers["Location"] = _links(created["id"])["self"]
    return created


@router.get("/simulations/{job_id}", dependencies=[require(Action.ANALYSE)])
def get_simulation(job_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """The job's state (queued, running, done, failed), progress from 0 to 1, and error."""
    return _status(svc.job_status(engine, job_id))


@router.get("/simulations/{job_id}/result", dependencies=[require(Action.ANALYSE)])
def get_simulation_result(job_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """The summary ``pledge simulate --json`` prints (money as text); 409
    ``job.not_finished`` until the job is done, and the job's own error if it failed."""
    return jsonable(svc.job_result(engine, job_id))  # type: ignore[no-any-return]


@jobs_router.get("/jobs/{job_id}", dependencies=[require(Action.ANALYSE)])
def get_job(job_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """Any job's kind, state (queued, running, done, failed), progress and error."""
    return {**_status(svc.job_status(engine, job_id)), "links": job_links(job_id)}


@jobs_router.get("/jobs/{job_id}/result", dependencies=[require(Action.ANALYSE)])
def get_job_result(job_id: RecordId, engine: EngineDep) -> dict[str, Any]:
    """A finished job's result: the body the request that queued it would have had; 409
    ``job.not_finished`` until it is done, and the job's own error if it failed."""
    return jsonable(svc.job_result(engine, job_id))  # type: ignore[no-any-return]
