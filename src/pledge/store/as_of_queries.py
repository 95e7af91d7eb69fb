"""The record as it stood at a moment: what had been recorded before ``cutoff`` (rows
carry the time they were recorded; later corrections are undone from the audit log's
``before`` values). Every function runs in the caller's connection."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, func, or_, select

from pledge.store import tables as t

__all__ = [
    "changed_before",
    "estimates_before",
    "extension_before",
    "extensions_before",
    "fields_before",
    "links_before",
    "postings_recorded_before",
    "reported_before",
    "stages_before",
]


def postings_recorded_before(stmt: Any, cutoff: datetime | None) -> Any:
    """``stmt`` on postings limited to those of ledger entries recorded before ``cutoff``
    (``stmt`` itself when ``cutoff`` is None): the one way every reading "as known then"
    cuts the ledger."""
    if cutoff is None:
        return stmt
    e = t.ledger_entries
    return stmt.where(t.postings.c.entry_id.in_(select(e.c.id).where(e.c.recorded_at < cutoff)))


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


def extensions_before(s: Connection, cutoff: datetime) -> dict[int, list[date]]:
    """The ends of the extensions granted to each project before ``cutoff``, oldest
    first (each extension audits the end it set)."""
    a = t.audit_log
    out: dict[int, list[date]] = {}
    stmt = (select(a.c.project_id, a.c.after).where(
        a.c.action == "project.extend", a.c.at < cutoff, a.c.project_id.is_not(None))
        .order_by(a.c.id))
    for pid, after in s.execute(stmt):
        value = after.get("extension_until") if isinstance(after, dict) else None
        if isinstance(value, str):
            out.setdefault(int(pid), []).append(date.fromisoformat(value))
    return out


def reported_before(s: Connection, cutoff: datetime) -> dict[int, str | None]:
    """The reported status of each project whose reported status changed at or after
    ``cutoff``: its value before the first such change."""
    a = t.audit_log
    out: dict[int, str | None] = {}
    stmt = (select(a.c.project_id, a.c.before).where(
        a.c.action == "project.status_report", a.c.at >= cutoff,
        a.c.project_id.is_not(None)).order_by(a.c.id.desc()))
    for pid, before in s.execute(stmt):  # newest first: the earliest change's value wins
        value = before.get("reported_status") if isinstance(before, dict) else None
        out[int(pid)] = value if isinstance(value, str) else None
    return out


def links_before(s: Connection, cutoff: datetime) -> list[Row[Any]]:
    """The links between projects recorded before ``cutoff`` and not withdrawn by then,
    in the order recorded."""
    pl = t.project_links
    return list(s.execute(select(pl).where(
        pl.c.recorded_at < cutoff,
        or_(pl.c.withdrawn_at.is_(None), pl.c.withdrawn_at >= cutoff)).order_by(pl.c.id)))


def changed_before(s: Connection, cutoff: datetime) -> dict[int, datetime]:
    """When each project last changed before ``cutoff`` (its newest audit row then)."""
    a = t.audit_log
    stmt = (select(a.c.project_id, func.max(a.c.at)).where(
        a.c.at < cutoff, a.c.project_id.is_not(None)).group_by(a.c.project_id))
    return {int(pid): at for pid, at in s.execute(stmt) if isinstance(at, datetime)}
