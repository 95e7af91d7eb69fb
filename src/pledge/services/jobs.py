"""Background jobs: a simulation is submitted now, runs on a thread pool, is read back later.

A job is one row of ``jobs``: what was asked (``params``), its state (queued ->
running -> done | failed), its progress from 0 to 1, and then either its result
(JSON with money as text) or its error in the one error shape (``code``,
``message``, ``field`` and every ``problems`` entry). Submitting checks the
request and builds the simulation at once, so a bad request fails then; only the
paths themselves run in the background.

The thread pool (``JobRunner``) belongs to whoever serves requests, the API
application: it is started on the application's startup (or on the first
submission) and stopped on its shutdown. A job a stopped or dead process left
queued or running can never finish; starting a runner marks every such job
failed (``job.interrupted``). This assumes one serving process per database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from pledge.analytics import montecarlo as mc
from pledge.domain.access import Action
from pledge.domain.bounds import is_possible_id
from pledge.domain.errors import Conflict, NotFound, PledgeError, Problem
from pledge.services.base import Actor, insert_id, jsonable, now, permit
from pledge.services.simulation import simulate, simulation_spec, summary_document
from pledge.store import tables as t
from pledge.store.db import after_commit, transaction

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
OPEN_STATES = (QUEUED, RUNNING)
SIMULATION = "simulation"


def error_document(exc: PledgeError) -> dict[str, Any]:
    """An error as the API shows it: the first problem, then every problem."""
    p = exc.first
    return {"code": p.rule, "message": p.message, "field": p.field,
            "problems": [{"code": q.rule, "message": q.message, "field": q.field,
                          "value": str(q.value)} for q in exc.problems]}


def _interrupted(message: str) -> dict[str, Any]:
    return error_document(Conflict.single("state", RUNNING, "job.interrupted", message))


class JobFailed(Conflict):
    """A finished job has no result: it failed, with the problems stored with it."""


class _Stopping(Exception):
    """Raised inside a running job when its runner is shutting down."""


@dataclass(frozen=True, slots=True)
class SimulationRequest:
    """What ``pledge simulate`` asks for: one project, or a framework's portfolio."""

    project_id: int | None = None
    framework: str | None = None
    paths: int = 10_000
    seed: int = 0
    deemed_rate: str | None = None


@dataclass(frozen=True, slots=True)
class JobStatus:
    id: int
    kind: str
    state: str
    progress: float
    params: dict[str, Any]
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: dict[str, Any] | None


def _status(row: Any) -> JobStatus:
    return JobStatus(row.id, row.kind, row.state, float(row.progress), dict(row.params),
                     row.created_by, row.created_at, row.started_at, row.finished_at,
                     None if row.error is None else dict(row.error))


def _job_row(s: Any, job_id: int | str) -> Any:
    try:
        jid = int(job_id)
    except (TypeError, ValueError):
        raise NotFound.single("id", job_id, "job.unknown", "no job with this id") from None
    row = s.execute(select(t.jobs).where(t.jobs.c.id == jid)).first() \
        if is_possible_id(jid) else None
    if row is None:
        raise NotFound.single("id", job_id, "job.unknown", "no job with this id")
    return row


def mark_stale(engine: Engine) -> int:
    """Mark every queued or running job failed (none can finish); returns how many."""
    with transaction(engine) as s:
        result = s.execute(t.jobs.update().where(t.jobs.c.state.in_(OPEN_STATES)).values(
            state=FAILED, finished_at=now(),
            error=_interrupted("the server stopped before the job finished; submit it "
                               "again")))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class JobRunner:
    """The thread pool jobs run on: one per application.

    ``start`` is called on the application's startup: it marks the jobs a previous
    process left open as failed and opens the pool (``ensure_started`` does the same
    on first use, so a runner nobody started still works). ``shutdown`` is called on
    the application's shutdown: queued jobs never start, running ones stop at their
    next block of paths, and every job it did not finish is marked failed; until the
    next ``start`` a submitted job fails at once.
    """

    def __init__(self, engine: Engine, *, workers: int = 2,
                 progress_every: float = 0.25) -> None:
        self.engine = engine
        self.workers = workers
        self.progress_every = progress_every
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._futures: dict[int, Future[None]] = {}

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _open(self) -> None:  # with the lock held
        if self._executor is None and not self.stopping:
            mark_stale(self.engine)
            self._executor = ThreadPoolExecutor(max_workers=self.workers,
                                                thread_name_prefix="pledge-job")

    def start(self) -> None:
        """Open the pool (again, after a shutdown)."""
        with self._lock:
            if self._executor is None:
                self._stopping.clear()
            self._open()

    def ensure_started(self) -> None:
        """Open the pool unless it is open or has been shut down."""
        with self._lock:
            self._open()

    def submit(self, job_id: int, work: Callable[[int, JobRunner], None]) -> None:
        """Queue ``work(job_id, runner)``; a runner that was shut down fails the job."""
        with self._lock:
            self._open()
            if self._executor is None:
                _finish(self.engine, job_id, FAILED, error=_interrupted(
                    "the server is stopping; submit the job again"))
                return
            future = self._executor.submit(work, job_id, self)
            self._futures[job_id] = future
        future.add_done_callback(lambda _f: self._forget(job_id))

    def _forget(self, job_id: int) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def shutdown(self) -> None:
        """Stop: queued jobs never start, running ones stop at their next block."""
        self._stopping.set()
        with self._lock:
            executor, self._executor = self._executor, None
            left = list(self._futures)
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        for job_id in left:
            _finish(self.engine, job_id, FAILED, only_open=True, error=_interrupted(
                "the server stopped before the job finished; submit it again"))


def _finish(engine: Engine, job_id: int, state: str, *, result: Any = None,
            error: dict[str, Any] | None = None, only_open: bool = False) -> None:
    with transaction(engine) as s:
        stmt = t.jobs.update().where(t.jobs.c.id == job_id)
        if only_open:
            stmt = stmt.where(t.jobs.c.state.in_(OPEN_STATES))
        values: dict[str, Any] = {"state": state, "finished_at": now(), "result": result,
                                  "error": error}
        if state == DONE:
            values["progress"] = 1.0
        s.execute(stmt.values(**values))


def _begin(engine: Engine, job_id: int) -> bool:
    """Mark a queued job running; False when it is no longer queued."""
    with transaction(engine) as s:
        result = s.execute(t.jobs.update().where(t.jobs.c.id == job_id,
                                                 t.jobs.c.state == QUEUED)
                           .values(state=RUNNING, started_at=now(), progress=0.0))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _set_progress(engine: Engine, job_id: int, progress: float) -> None:
    with transaction(engine) as s:
        s.execute(t.jobs.update().where(t.jobs.c.id == job_id, t.jobs.c.state == RUNNING)
                  .values(progress=progress))


def _simulation_work(spec: mc.SimSpec, extra: dict[str, Any]
                     ) -> Callable[[int, JobRunner], None]:
    def work(job_id: int, runner: JobRunner) -> None:
        engine = runner.engine
        try:
            if runner.stopping or not _begin(engine, job_id):
                return
            done = 0
            last = time.monotonic()

            def progress(paths: int) -> None:
                nonlocal done, last
                if runner.stopping:
                    raise _Stopping
                done += paths
                if time.monotonic() - last >= runner.progress_every:
                    last = time.monotonic()
                    _set_progress(engine, job_id, min(done / spec.paths, 0.99))

            summary, _ = simulate(spec, progress=progress)
            result = jsonable(summary_document(summary, extra))
            _finish(engine, job_id, DONE, result=result)
        except _Stopping:
            _finish(engine, job_id, FAILED, only_open=True, error=_interrupted(
                "the server stopped before the job finished; submit it again"))
        except PledgeError as exc:
            _finish(engine, job_id, FAILED, error=error_document(exc))
        except Exception as exc:  # a job must end in a state, whatever went wrong
            log.exception("job %s failed", job_id)
            _finish(engine, job_id, FAILED, error=error_document(PledgeError([Problem(
                "job", type(exc).__name__, "job.internal_error",
                f"the job failed unexpectedly: {type(exc).__name__}: {exc}")])))

    return work


def submit_simulation(engine: Engine, runner: JobRunner, request: SimulationRequest,
                      actor: Actor) -> JobStatus:
    """Queue a Monte Carlo simulation (as ``pledge simulate``) and return its job at once.

    The request is checked and the simulation built now (an unknown project, an
    empty portfolio or a bad rate fails here, not in the background).
    """
    permit(actor, Action.ANALYSE)
    spec, extra = simulation_spec(engine, project_id=request.project_id,
                                  framework=request.framework, paths=request.paths,
                                  seed=request.seed, deemed_rate=request.deemed_rate)
    runner.ensure_started()  # before the job is written: starting marks open jobs stale
    params = {"project_id": request.project_id, "framework": request.framework,
              "paths": request.paths, "seed": request.seed,
              "deemed_rate": request.deemed_rate}
    with transaction(engine) as s:
        job_id = insert_id(s, t.jobs.insert().values(
            kind=SIMULATION, params=params, state=QUEUED, progress=0.0,
            created_by=actor.name, created_at=now()))
    # Handed to a worker once the job's row is committed (a caller's unit of work, such as
    # an idempotent request, may hold it open a little longer).
    work = _simulation_work(spec, jsonable(extra))
    after_commit(engine, lambda: runner.submit(job_id, work))
    return job_status(engine, job_id)


def job_status(engine: Engine, job_id: int | str) -> JobStatus:
    """A job's state, progress and (when it failed) its error."""
    with transaction(engine) as s:
        return _status(_job_row(s, job_id))


def job_result(engine: Engine, job_id: int | str) -> dict[str, Any]:
    """A finished job's result.

    Raises Conflict (``job.not_finished``) while it is queued or running, and
    JobFailed, carrying the problems it failed with, when it failed.
    """
    with transaction(engine) as s:
        row = _job_row(s, job_id)
    if row.state in OPEN_STATES:
        raise Conflict.single("state", row.state, "job.not_finished",
                              f"the job is {row.state} ({float(row.progress):.0%} done); "
                              f"ask again when its state is '{DONE}'")
    if row.state == FAILED:
        err = dict(row.error or {})
        problems = [Problem(str(p.get("field") or "job"), p.get("value", ""),
                            str(p.get("code", "job.failed")), str(p.get("message", "")))
                    for p in err.get("problems", [])]
        raise JobFailed(problems or [Problem(str(err.get("field") or "job"), row.state,
                                             str(err.get("code", "job.failed")),
                                             str(err.get("message", "the job failed")))])
    return dict(row.result or {})
