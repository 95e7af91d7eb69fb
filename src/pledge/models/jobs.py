"""The public shapes of jobs: a job's status, the answer that a request was queued (202),
and where to follow a job (its links)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import PlainSerializer

from pledge.models import Shape
from pledge.models.economics import Simulation
from pledge.models.priorities import Batch, BoardSummary, DeclineAdvice, Frontier, Rankings
from pledge.services import jobs as svc

#: A moment as ISO 8601 text, written as Python writes it (``+00:00`` for UTC, not ``Z``).
Stamp = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str,
                                            when_used="json")]

JOBS = "/api/v1/jobs"
SIMULATIONS = "/api/v1/simulations"


class JobLinks(Shape):
    """Where to follow a job: its status (``self``) and, once done, its ``result``."""

    self: str
    result: str

    @classmethod
    def under(cls, prefix: str, job_id: int) -> JobLinks:
        """The links of job ``job_id`` under ``prefix`` (``JOBS`` or ``SIMULATIONS``)."""
        return cls(self=f"{prefix}/{job_id}", result=f"{prefix}/{job_id}/result")


class Job(Shape):
    """A job's kind, state (queued, running, done, failed), progress from 0 to 1, what was
    asked (``params``), who asked and when, and its error in the API's error shape."""

    id: int
    kind: str
    state: str
    progress: float
    params: dict[str, Any]
    created_by: str
    created_at: Stamp
    started_at: Stamp | None
    finished_at: Stamp | None
    error: dict[str, Any] | None
    links: JobLinks

    @classmethod
    def of(cls, j: svc.JobStatus, prefix: str = JOBS) -> Job:
        return cls(id=j.id, kind=j.kind, state=j.state, progress=j.progress, params=j.params,
                   created_by=j.created_by, created_at=j.created_at, started_at=j.started_at,
                   finished_at=j.finished_at, error=j.error,
                   links=JobLinks.under(prefix, j.id))


class QueuedJob(Shape):
    """The answer to a request too large to compute within it (202): the job computing
    it and where to follow it."""

    id: int
    kind: str
    state: str
    links: JobLinks

    @classmethod
    def of(cls, j: svc.JobStatus) -> QueuedJob:
        return cls(id=j.id, kind=j.kind, state=j.state, links=JobLinks.under(JOBS, j.id))


class SimulationQueued(Shape):
    """The answer to a submitted simulation (202): its job's id, state and links."""

    id: int
    state: str
    links: JobLinks

    @classmethod
    def of(cls, j: svc.JobStatus) -> SimulationQueued:
        return cls(id=j.id, state=j.state, links=JobLinks.under(SIMULATIONS, j.id))


#: What a finished job's result is: the document the request that queued it would have
#: answered (a simulation's summary, rankings, a batch, a frontier, fund-or-decline
#: advice) or the priorities board's summary.
JobResult = (Simulation | Rankings | Batch | Frontier | DeclineAdvice | BoardSummary)
