"""The record as it stood at a moment: what had been recorded before ``cutoff`` (rows
carry the time they were recorded; later corrections are undone from the audit log's
``before`` values). Every function runs in the caller's connection."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from pledge.store import tables as t

__all__ = ["estimates_before", "extension_before", "fields_before", "stages_before"]


def stages_before(s: Connection, cutoff: datetime) -> dict[int, str]:
    """Each project recorded before ``cutoff`` with its stage then: the stage its last
    change recorded before ``cutoff`` led to."""
    tr, p = t.transitions, t.projects
    last = (select(tr.c.project_id, func.max(tr.c.id).label("tid"))
            .where(tr.c.recorded_at < cutoff).group_by(tr.c.project_id).subquery())
    stmt = (select(tr.c.project_id, tr.c.to_stage)
            .join(last, last.c.tid == tr.c.id)
            .join(p, p.c.id == tr.c.project_id)
            .where(p.c.created_at < cutoff))
    return {int(pid): str(stage) for pid, stage in s.execute(stmt)}


def fields_before(s: Connection, cutoff: datetime) -> dict[int, dict[str, Any]]:
    """The fields of each project that were edited at or after ``cutoff``, with their
    values before the first such edit (name, sector, sector detail, location, states)."""
    a = t.audit_log
    out: dict[int, dict[str, Any]] = {}
    stmt = (select(a.c.project_id, a.c.before).where(
        a.c.action == "project.update", a.c.at >= cutoff, a.c.project_id.is_not(None))
        .order_by(a.c.id.desc()))
    for pid, before in s.execute(stmt):
        if isinstance(before, dict):  # newest first: the earliest edit's values win
            out.setdefault(int(pid), {}).update(before)
    return out


def estimates_before(s: Connection, cutoff: datetime, project_ids: Collection[int]
                     ) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """The US-dollar bounds of each project's primary estimate as it stood before
    ``cutoff``, for the projects in ``project_ids``: the estimate primary now, if it was
    recorded by then; else the first one recorded (a project's first estimate is its
    primary when it is recorded). A project with no estimate by then is left out."""
    e = t.estimates
    wanted = set(project_ids)
    known: dict[int, list[Any]] = {}
    stmt = (select(e.c.project_id, e.c.is_primary, e.c.usd_low, e.c.usd_high)
            .where(e.c.recorded_at < cutoff).order_by(e.c.id))
    for row in s.execute(stmt):
        if row.project_id in wanted:
            known.setdefault(int(row.project_id), []).append(row)
    out: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for pid, rows in known.items():
        pick = next((r for r in rows if r.is_primary), rows[0])
        out[pid] = (pick.usd_low, pick.usd_high)
    return out


def extension_before(s: Connection, project_id: int, cutoff: datetime) -> date | None:
    """The project's funding extension as granted before ``cutoff``: the value its last
    extension recorded before then set (None: none yet)."""
    a = t.audit_log
    after = s.execute(select(a.c.after).where(
        a.c.action == "project.extend", a.c.project_id == project_id, a.c.at < cutoff)
        .order_by(a.c.id.desc()).limit(1)).scalar()
    value = after.get("extension_until") if isinstance(after, dict) else None
    return date.fromisoformat(value) if isinstance(value, str) else None
