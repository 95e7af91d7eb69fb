"""Queries on the ``jobs`` table: reading a job, moving it between states, the open jobs
and the recent failures, queueing a new one (inside the caller's session)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from pledge.store import tables as t
from pledge.store.db import is_sqlite

QUEUE_LOCK = 0x706C6A62  # the PostgreSQL advisory lock that queues jobs one at a time


def job_by_id(s: Connection, job_id: int) -> Any:
    """The job's row, or None."""
    return s.execute(select(t.jobs).where(t.jobs.c.id == job_id)).first()


def fail_open(s: Connection, open_states: Sequence[str], state: str, at: datetime,
              error: dict[str, Any]) -> int:
    """Mark every job in ``open_states`` as ``state`` with ``error``; returns how many."""
    result = s.execute(t.jobs.update().where(t.jobs.c.state.in_(list(open_states))).values(
        state=state, finished_at=at, error=error))
    return int(result.rowcount or 0)


def finish(s: Connection, job_id: int, values: dict[str, Any],
           only_in: Sequence[str] | None = None) -> None:
    """Write a job's end (state, time, result or error); with ``only_in``, only while the
    job is in one of those states."""
    stmt = t.jobs.update().where(t.jobs.c.id == job_id)
    if only_in is not None:
        stmt = stmt.where(t.jobs.c.state.in_(list(only_in)))
    s.execute(stmt.values(**values))


def move(s: Connection, job_id: int, from_state: str, values: dict[str, Any]) -> bool:
    """Update a job that is in ``from_state``; False when it is not (any more)."""
    result = s.execute(t.jobs.update().where(t.jobs.c.id == job_id,
                                             t.jobs.c.state == from_state).values(**values))
    return bool(result.rowcount)


def lock_queue(s: Connection) -> None:
    """Queue jobs one at a time, so two requests cannot both take the last place (SQLite
    write transactions already run one at a time)."""
    if not is_sqlite(s.engine):
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": QUEUE_LOCK})


def jobs_in(s: Connection, states: Sequence[str]) -> list[Any]:
    """The jobs in one of ``states``, oldest first."""
    return list(s.execute(select(t.jobs).where(t.jobs.c.state.in_(list(states)))
                          .order_by(t.jobs.c.id)).all())


def latest_in_state(s: Connection, kind: str, state: str, limit: int) -> list[Any]:
    """The latest ``limit`` jobs of ``kind`` in ``state``, newest first."""
    return list(s.execute(select(t.jobs).where(t.jobs.c.kind == kind, t.jobs.c.state == state)
                          .order_by(t.jobs.c.id.desc()).limit(limit)))


def insert_job(s: Connection, **values: Any) -> int:
    """Record a new job; returns its id."""
    return int(s.execute(t.jobs.insert().values(**values).returning(t.jobs.c.id)).scalar_one())
