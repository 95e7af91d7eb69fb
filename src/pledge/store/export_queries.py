"""The queries the exports read: sponsors and ledger sums per project, a framework's
postings, and everything on record for one project (its OC4IDS document). Every function
runs in the caller's session."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select, type_coerce

from pledge.domain.project import SponsorRole
from pledge.store import tables as t
from pledge.store.as_of_queries import postings_recorded_before

__all__ = ["components", "framework_by_id", "last_change", "last_change_of", "ledger_postings",
           "posting_sums", "project_postings", "project_table", "projects_of", "rows_of",
           "sponsor_names"]


def components(s: Connection) -> dict[int, str | None]:
    """Each project's component (None or "" for a project of a pledge framework)."""
    return {int(pid): comp for pid, comp in s.execute(
        select(t.projects.c.id, t.projects.c.component))}


def sponsor_names(s: Connection) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """(lead sponsors, every other sponsor) of each project, in the order recorded; another
    sponsor's role is named unless it is "partner"."""
    lead: dict[int, list[str]] = defaultdict(list)
    others: dict[int, list[str]] = defaultdict(list)
    for sp in s.execute(select(t.sponsors).order_by(t.sponsors.c.id)):
        if sp.role == SponsorRole.LEAD.value:
            lead[sp.project_id].append(sp.name)
        else:
            others[sp.project_id].append(
                sp.name if sp.role == SponsorRole.PARTNER.value else f"{sp.name} ({sp.role})")
    return lead, others


def posting_sums(s: Connection, recorded_before: datetime | None = None
                 ) -> list[tuple[int, str, Decimal]]:
    """(project id, account, sum) of every project's postings per account (of the entries
    recorded before ``recorded_before`` when given)."""
    q = t.postings
    stmt = postings_recorded_before(
        select(q.c.project_id, q.c.account, type_coerce(func.sum(q.c.amount), t.Cents))
        .where(q.c.project_id.is_not(None)), recorded_before)
    return [(int(pid), str(account), amount or Decimal(0)) for pid, account, amount in
            s.execute(stmt.group_by(q.c.project_id, q.c.account))]


def ledger_postings(s: Connection, framework_id: int,
                    recorded_before: datetime | None = None) -> list[Row[Any]]:
    """Every posting of a framework's ledger with its entry's date, kind and memo, in entry
    order (of the entries recorded before ``recorded_before`` when given)."""
    p, e = t.postings, t.ledger_entries
    stmt = (select(p.c.entry_id, e.c.on, e.c.kind, e.c.memo, p.c.account, p.c.project_id,
                   p.c.party, p.c.instrument, p.c.provider, p.c.currency, p.c.amount)
            .join(e, e.c.id == p.c.entry_id).where(p.c.framework_id == framework_id))
    if recorded_before is not None:
        stmt = stmt.where(e.c.recorded_at < recorded_before)
    return list(s.execute(stmt.order_by(p.c.entry_id, p.c.id)))


def framework_by_id(s: Connection, framework_id: int) -> Row[Any]:
    """A framework's row."""
    return s.execute(select(t.frameworks).where(t.frameworks.c.id == framework_id)).one()


def project_table(s: Connection, table: Any, project_id: int,
                  recorded_before: datetime | None = None) -> list[Row[Any]]:
    """A project's rows of ``table`` (one with ``project_id`` and ``id``), in the order
    recorded (those recorded before ``recorded_before`` when given: ``table`` keeps a
    ``recorded_at``)."""
    stmt = select(table).where(table.c.project_id == project_id)
    if recorded_before is not None:
        stmt = stmt.where(table.c.recorded_at < recorded_before)
    return list(s.execute(stmt.order_by(table.c.id)))


def project_postings(s: Connection, project_id: int, recorded_before: datetime | None = None
                     ) -> list[Row[Any]]:
    """A project's postings with their entry's date, kind and memo, in entry order (of the
    entries recorded before ``recorded_before`` when given)."""
    p, e = t.postings, t.ledger_entries
    stmt = (select(p.c.id, p.c.entry_id, p.c.account, p.c.amount, p.c.currency, p.c.party,
                   p.c.instrument, p.c.provider, e.c.on, e.c.kind, e.c.memo)
            .join(e, e.c.id == p.c.entry_id).where(p.c.project_id == project_id))
    if recorded_before is not None:
        stmt = stmt.where(e.c.recorded_at < recorded_before)
    return list(s.execute(stmt.order_by(p.c.entry_id, p.c.id)))


def last_change(s: Connection, project_id: int) -> datetime | None:
    """When the project last changed (its newest audit row), or None."""
    value = s.execute(select(func.max(t.audit_log.c.at))
                      .where(t.audit_log.c.project_id == project_id)).scalar()
    return value if isinstance(value, datetime) else None


def projects_of(s: Connection, framework_id: int | None) -> list[Row[Any]]:
    """The rows of a framework's projects (every framework's when None), in id order."""
    q = select(t.projects).order_by(t.projects.c.id)
    if framework_id is not None:
        q = q.where(t.projects.c.framework_id == framework_id)
    return list(s.execute(q))


def last_change_of(s: Connection, framework: Row[Any] | None,
                   before: datetime | None = None) -> datetime | None:
    """When anything recorded for a framework (its terms or any of its projects; anything
    at all when None) last changed: its newest audit row (of those before ``before`` when
    given), or None."""
    a = t.audit_log
    q = select(func.max(a.c.at))
    if before is not None:
        q = q.where(a.c.at < before)
    if framework is not None:
        mine = select(t.projects.c.id).where(t.projects.c.framework_id == framework.id)
        q = q.where(or_(a.c.project_id.in_(mine),
                        and_(a.c.entity == "framework", a.c.entity_id == framework.key)))
    value = s.execute(q).scalar()
    return value if isinstance(value, datetime) else None


def rows_of(s: Connection, table: Any, recorded_before: datetime | None = None
            ) -> list[Row[Any]]:
    """Every row of ``table`` (one with an ``id``), in the order recorded (those recorded
    before ``recorded_before`` when given: ``table`` keeps a ``recorded_at``)."""
    stmt = select(table)
    if recorded_before is not None:
        stmt = stmt.where(table.c.recorded_at < recorded_before)
    return list(s.execute(stmt.order_by(table.c.id)))
