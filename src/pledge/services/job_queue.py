"""The job queue: a job is submitted now, runs on a thread pool, is read back later.

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

Fair use (``domain/fair_use.py``): a job is queued only while its author has fewer
open jobs than their role allows and the server fewer than ``QUEUE_LIMIT``; otherwise
TooManyRequests says when to try again. Rankings, batches, frontiers, fund-or-decline
advice and the priorities board are answered from the per-process cache of computed
views when they were computed at the current data version, computed within the request
when they are small (``fits_inline``), and otherwise queued as a job whose result is
also put in the cache; the same request at the same data version joins the job already
queued instead of queueing another.

This module is the queue and its runner; ``services.analyses`` answers the priorities'
analyses from the cache, within the request or as jobs; ``services.jobs`` submits
simulations and is where every edge imports all of these from.
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

from sqlalchemy import Engine

from pledge.domain import fair_use
from pledge.domain.bounds import is_possible_id
from pledge.domain.errors import Conflict, NotFound, PledgeError, Problem
from pledge.services.base import Actor, jsonable, lower_thread_priority, now
from pledge.store import jobs as q
from pledge.store.db import after_commit, reading, transaction

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
OPEN_STATES = (QUEUED, RUNNING)
SIMULATION = "simulation"
RANKINGS, BATCH, FRONTIER, DECLINE, BOARD = "rankings", "batch", "frontier", "decline", "board"


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
    row = q.job_by_id(s, jid) if is_possible_id(jid) else None
    if row is None:
        raise NotFound.single("id", job_id, "job.unknown", "no job with this id")
    return row


def mark_stale(engine: Engine) -> int:
    """Mark every queued or running job failed (none can finish); returns how many."""
    with transaction(engine) as s:
        return q.fail_open(s, OPEN_STATES, FAILED, now(), _interrupted(
            "the server stopped before the job finished; submit it again"))


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

    @property
    def open(self) -> bool:
        """Its pool is open (the jobs a process before it left open are marked failed)."""
        return self._executor is not None

    def _open(self) -> None:  # with the lock held
        if self._executor is None and not self.stopping:
            mark_stale(self.engine)
            self._executor = ThreadPoolExecutor(max_workers=self.workers,
                                                thread_name_prefix="pledge-job",
                                                initializer=lower_thread_priority)

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
        values: dict[str, Any] = {"state": state, "finished_at": now(), "result": result,
                                  "error": error}
        if state == DONE:
            values["progress"] = 1.0
        q.finish(s, job_id, values, OPEN_STATES if only_open else None)


def _begin(engine: Engine, job_id: int) -> bool:
    """Mark a queued job running; False when it is no longer queued."""
    with transaction(engine) as s:
        return q.move(s, job_id, QUEUED, {"state": RUNNING, "started_at": now(),
                                          "progress": 0.0})


def _set_progress(engine: Engine, job_id: int, progress: float) -> None:
    with transaction(engine) as s:
        q.move(s, job_id, RUNNING, {"progress": progress})


Progress = Callable[[float], None]


def job_work(compute: Callable[[Progress], Any]) -> Callable[[int, JobRunner], None]:
    """A job's body: mark it running, compute (reporting the share done), store the result
    (JSON-ready) or the error in the one shape; stop at the next report when the runner
    shuts down."""
    def work(job_id: int, runner: JobRunner) -> None:
        engine = runner.engine
        try:
            if runner.stopping or not _begin(engine, job_id):
                return
            last = time.monotonic()

            def progress(share: float) -> None:
                nonlocal last
                if runner.stopping:
                    raise _Stopping
                if time.monotonic() - last >= runner.progress_every:
                    last = time.monotonic()
                    _set_progress(engine, job_id, min(share, 0.99))

            result = compute(progress)
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


RECENT_FAILURES = 20  # how many of a kind's latest failures a new request is compared with


def _failed_before(s: Any, kind: str, params: dict[str, Any]) -> Any:
    """The latest job of ``kind`` with ``params`` that failed by itself (not interrupted)."""
    for r in q.latest_in_state(s, kind, FAILED, RECENT_FAILURES):
        if dict(r.params) == params and (r.error or {}).get("code") != "job.interrupted":
            return r
    return None


def enqueue(engine: Engine, runner: JobRunner, actor: Actor, kind: str,
             params: dict[str, Any], work: Callable[[int, JobRunner], None], *,
             join: bool = False) -> JobStatus:
    """Queue ``work`` as a job of ``kind`` within the author's and the server's limits
    (TooManyRequests beyond them). With ``join``, an open job of the same kind and params
    is returned instead of queueing another (it does not count against the author)."""
    runner.ensure_started()  # before the job is written: starting marks open jobs stale
    params = jsonable(params)
    if join:  # the same job open already: joined by a read, without taking the queue's lock
        same = open_job(engine, kind, params)
        if same is not None:
            return same
    with transaction(engine) as s:
        q.lock_queue(s)
        rows = q.jobs_in(s, OPEN_STATES)
        if join:
            same = next((r for r in rows if r.kind == kind and dict(r.params) == params),
                        None)
            if same is not None:
                return _status(same)
            failed = _failed_before(s, kind, params)
            if failed is not None:  # the same data gives the same failure: say so at once
                raise _failure(failed)
        fair_use.check_queue(actor.name, actor.role, [
            fair_use.OpenJob(r.created_by, r.started_at, float(r.progress)) for r in rows],
            now())
        job_id = q.insert_job(s, kind=kind, params=params, state=QUEUED, progress=0.0,
                              created_by=actor.name, created_at=now())
    # Handed to a worker once the job's row is committed (a caller's unit of work, such as
    # an idempotent request, may hold it open a little longer).
    after_commit(engine, lambda: runner.submit(job_id, work))
    return job_status(engine, job_id)


def open_job(engine: Engine, kind: str, params: dict[str, Any]) -> JobStatus | None:
    """The open job of ``kind`` with ``params`` (the one ``enqueue`` joins), read only."""
    params = jsonable(params)
    with reading(engine) as s:
        same = next((r for r in q.jobs_in(s, OPEN_STATES)
                     if r.kind == kind and dict(r.params) == params), None)
    return None if same is None else _status(same)


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
        raise _failure(row)
    return dict(row.result or {})


def _failure(row: Any) -> JobFailed:
    """The error a failed job stored, as the error it failed with."""
    err = dict(row.error or {})
    problems = [Problem(str(p.get("field") or "job"), p.get("value", ""),
                        str(p.get("code", "job.failed")), str(p.get("message", "")))
                for p in err.get("problems", [])]
    return JobFailed(problems or [Problem(str(err.get("field") or "job"), row.state,
                                         str(err.get("code", "job.failed")),
                                         str(err.get("message", "the job failed")))])
