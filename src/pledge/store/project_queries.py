"""The queries on the projects family of tables (projects, estimates, sponsors, stages,
consultations, reported sites and stages, the postings on a project, its audit rows),
for the use cases in ``services.projects`` and ``services.project_views``.

Each function reads inside the caller's session; nothing here decides a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Row, bindparam, exists, func, or_, select

from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import Consultation, ConsultationKind, Stage, parse_stage
from pledge.domain.project import canonical_sector
from pledge.domain.text import lookup_text, name_key
from pledge.store import tables as t
from pledge.store.as_of_queries import postings_recorded_before


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """A project as the list shows it; USD bounds of its primary estimate."""

    id: int
    name: str
    framework: str
    sector: str
    status: str
    amount_low_usd: Decimal | None
    amount_high_usd: Decimal | None
    sector_detail: str = ""
    location: str = ""
    states: tuple[str, ...] = ()
    funding_date: date | None = None


def summaries(s: Connection, where: list[Any]) -> list[ProjectSummary]:
    """The projects matching ``where``, by id, with their primary estimate's US bounds."""
    p, e, f = t.projects, t.estimates, t.frameworks
    # only the columns a summary shows (a project's other columns, its model's JSON among
    # them, are not read for a list)
    stmt = (select(p.c.id, p.c.name, f.c.key, p.c.sector, p.c.status, e.c.usd_low,
                   e.c.usd_high, p.c.sector_detail, p.c.location, p.c.states,
                   p.c.funding_date)
            .join(f, f.c.id == p.c.framework_id)
            .outerjoin(e, (e.c.project_id == p.c.id) & e.c.is_primary)
            .where(*where).order_by(p.c.id))
    return [ProjectSummary(pid, name, fw, sector, status, low, high, detail, location,
                           tuple(states), funding)
            for pid, name, fw, sector, status, low, high, detail, location, states, funding
            in s.execute(stmt)]


def summary(s: Connection, pid: int) -> ProjectSummary:
    return summaries(s, [t.projects.c.id == pid])[0]


@lru_cache(maxsize=1)
def _lists() -> dict[str, Any]:
    """The tables of what may be recorded about a project, each with the condition that a
    row of it is about the project ``pid`` (a parameter)."""
    pid: Any = bindparam("pid")
    pl = t.project_links
    return {table.name: table.c.project_id == pid for table in (
        t.postings, t.sponsors, t.estimates, t.transitions, t.consultations, t.site_reports,
        t.status_reports, t.tranches, t.news_mentions)} | {
        pl.name: or_(pl.c.project_id == pid, pl.c.other_id == pid)}


@lru_cache(maxsize=1)
def _row_and_summary() -> Any:
    p, e, f = t.projects, t.estimates, t.frameworks
    # whether each list holds anything about the project: an indexed probe each, in the
    # same statement, so that an empty list costs no statement of its own
    held = [exists().where(about).label(f"holds_{name}") for name, about in _lists().items()]
    return (select(p, f.c.key.label("fw_key"), e.c.usd_low, e.c.usd_high, *held)
            .join(f, f.c.id == p.c.framework_id)
            .outerjoin(e, (e.c.project_id == p.c.id) & e.c.is_primary)
            .where(p.c.id == bindparam("pid")))


def holding(row: Row[Any]) -> frozenset[str]:
    """The tables holding rows about the project whose row ``row_and_summary`` read (the
    others hold none: nothing to read there): of ``postings``, ``sponsors``,
    ``estimates``, ``transitions``, ``consultations``, ``site_reports``,
    ``status_reports``, ``tranches``, ``news_mentions`` (the articles naming it) and
    ``project_links`` (its links, withdrawn ones too)."""
    return frozenset(name for name in _lists() if row._mapping[f"holds_{name}"])


def row_and_summary(s: Connection, pid: int) -> tuple[Row[Any], ProjectSummary] | None:
    """The project's row and its summary in one indexed lookup (None: no such project);
    the row also says which tables hold anything about the project (``holding``)."""
    r = s.execute(_row_and_summary(), {"pid": pid}).first()
    if r is None:
        return None
    return r, ProjectSummary(r.id, r.name, r.fw_key, r.sector, r.status, r.usd_low,
                             r.usd_high, r.sector_detail, r.location, tuple(r.states),
                             r.funding_date)


def filters(framework_id: int | None, status: str | None, sector: str | None) -> list[Any]:
    """Where-clauses for a framework, a stage and a sector (key or wording)."""
    where: list[Any] = []
    if framework_id is not None:
        where.append(t.projects.c.framework_id == framework_id)
    if status:
        where.append(t.projects.c.status == parse_stage(status, "status").value)
    if sector:
        needle = lookup_text("sector", sector).lower()
        try:
            key, detail = canonical_sector(sector)
        except InvalidInput:
            key, detail = needle, ""
        if detail:  # "energy (nuclear)": the sector and the detail
            where.append((t.projects.c.sector == key)
                         & func.lower(t.projects.c.sector_detail).contains(detail.lower()))
        else:
            where.append((t.projects.c.sector == key)
                         | func.lower(t.projects.c.sector_detail).contains(needle))
    return where


def matching_ids(s: Connection, where: list[Any]) -> list[int]:
    """The ids of the projects matching ``where``, in order (the list's order)."""
    return [int(i) for i in s.scalars(select(t.projects.c.id).where(*where)
                                      .order_by(t.projects.c.id))]


@lru_cache(maxsize=16)
def _by_project(table: Any) -> Any:
    """``table``'s rows of one project (the parameter ``pid``), by id: built once."""
    return select(table).where(table.c.project_id == bindparam("pid")).order_by(table.c.id)


def _rows(s: Connection, table: Any, pid: int, leave_out: tuple[str, ...],
          before: datetime | None = None, held: frozenset[str] | None = None
          ) -> list[dict[str, Any]]:
    """``table``'s rows of project ``pid`` without the columns ``leave_out``; with
    ``before``, those recorded before it (a table that keeps the time); none, read
    nothing, when ``held`` (``holding``) leaves the table out."""
    if held is not None and table.name not in held:
        return []
    stmt = _by_project(table)
    if before is not None and "recorded_at" in table.c:
        stmt = stmt.where(table.c.recorded_at < before)
    return [{k: v for k, v in r._mapping.items() if k not in leave_out}
            for r in s.execute(stmt, {"pid": pid})]


@dataclass(frozen=True, slots=True)
class Records:
    """What is recorded about one project, each list oldest first."""

    sponsors: list[dict[str, Any]]
    estimates: list[dict[str, Any]]
    transitions: list[dict[str, Any]]
    consultations: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    status_reports: list[dict[str, Any]]
    funding: list[dict[str, Any]]  # cash per instrument and provider, then guarantees


def postings_of(s: Connection, pid: int) -> list[Row[Any]]:
    """The project's postings (framework, account, amount, instrument, provider), by id:
    one indexed lookup that the funding list and the allocation are both read from."""
    return list(s.execute(_postings_of(), {"pid": pid}))


@lru_cache(maxsize=1)
def _postings_of() -> Any:
    q = t.postings
    return (select(q.c.framework_id, q.c.account, q.c.amount, q.c.instrument, q.c.provider)
            .where(q.c.project_id == bindparam("pid")).order_by(q.c.id))


def _invested(postings: list[Row[Any]], suffix: str) -> list[tuple[Any, Any, Decimal]]:
    """(instrument, provider, sum) over the postings on accounts ending ``suffix``."""
    sums: dict[tuple[Any, Any], Decimal] = {}
    for r in postings:
        if r.account.endswith(suffix):
            key = (r.instrument, r.provider)
            sums[key] = sums.get(key, Decimal(0)) + r.amount
    return [(i, p, v) for (i, p), v in sorted(
        sums.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or ""))]


def records(s: Connection, pid: int, postings: list[Row[Any]] | None = None, *,
            before: datetime | None = None, held: frozenset[str] | None = None) -> Records:
    """A project's sponsors, estimates, stages, consultations, reported sites and stages,
    and the money put into its SPV (``contingent``: a guarantee outstanding); ``postings``:
    the project's (``postings_of``), when already read; ``before``: the rows recorded
    before that moment (of the tables that keep the time); ``held``: the tables holding
    anything about the project (``holding``), when known: only those are read."""
    own, stamped = ("id", "project_id"), ("id", "project_id", "recorded_at")
    sponsors = [{k: r[k] for k in ("name", "role", "note")}
                for r in _rows(s, t.sponsors, pid, own, held=held)]
    rows = postings_of(s, pid) if postings is None else postings
    cash = [{"instrument": i, "provider": p, "amount": v, "contingent": False}
            for i, p, v in _invested(rows, ":spv:invested")]
    guaranteed = [{"instrument": i, "provider": p, "amount": v, "contingent": True}
                  for i, p, v in _invested(rows, ":spv:guaranteed") if v]
    return Records(sponsors, _rows(s, t.estimates, pid, own, before, held),
                   _rows(s, t.transitions, pid, stamped, before, held),
                   _rows(s, t.consultations, pid, own, held=held),
                   _rows(s, t.site_reports, pid, stamped, before, held),
                   _rows(s, t.status_reports, pid, stamped, before, held),
                   [*cash, *guaranteed])


def postings_before(s: Connection, pid: int, before: datetime) -> list[Row[Any]]:
    """``postings_of`` for the ledger entries recorded before ``before``."""
    q = t.postings
    return list(s.execute(postings_recorded_before(
        select(q.c.framework_id, q.c.account, q.c.amount, q.c.instrument, q.c.provider)
        .where(q.c.project_id == pid), before).order_by(q.c.id)))


def allocation_memo(s: Connection, pid: int, account: str) -> str | None:
    """The memo of the last allocation or release on the project's ``account``."""
    e, p = t.ledger_entries, t.postings
    memo = s.execute(select(e.c.memo).join(p, p.c.entry_id == e.c.id).where(
        p.c.project_id == pid, p.c.account == account,
        e.c.kind.in_(("allocation", "release"))).order_by(e.c.id.desc()).limit(1)).scalar()
    return None if memo is None else str(memo)


def framework_keys(s: Connection) -> set[str]:
    return {str(k) for k in s.execute(select(t.frameworks.c.key)).scalars()}


def same_name(s: Connection, framework_id: int, name: str, other_than: int | None = None
              ) -> Any:
    """The framework's project (id, name) whose name is ``name`` once case, width and
    spacing are set aside (``domain.text.name_key``), or None."""
    p = t.projects
    return s.execute(select(p.c.id, p.c.name).where(
        p.c.framework_id == framework_id, p.c.name_key == name_key(name),
        *([p.c.id != other_than] if other_than is not None else []))).first()


def sponsor_rows(s: Connection, pid: int) -> list[dict[str, str]]:
    return [{"name": r.name, "role": r.role, "note": r.note} for r in s.execute(
        select(t.sponsors).where(t.sponsors.c.project_id == pid).order_by(t.sponsors.c.id))]


def consultations(s: Connection, pid: int) -> tuple[Consultation, ...]:
    return tuple(Consultation(ConsultationKind(r.kind), r.on) for r in s.execute(
        select(t.consultations).where(t.consultations.c.project_id == pid)))


def last_transition(s: Connection, pid: int, to: Stage | None = None) -> date | None:
    """The date of the project's last move (to ``to``, when given)."""
    stmt = select(func.max(t.transitions.c.on)).where(t.transitions.c.project_id == pid)
    if to is not None:
        stmt = stmt.where(t.transitions.c.to_stage == to.value)
    value = s.execute(stmt).scalar()
    return value if isinstance(value, date) else None


def primary_estimate(s: Connection, pid: int) -> Row[Any] | None:
    return s.execute(select(t.estimates).where(t.estimates.c.project_id == pid,
                                               t.estimates.c.is_primary)).first()


def has_primary_estimate(s: Connection, pid: int) -> bool:
    return s.execute(select(t.estimates.c.id).where(
        t.estimates.c.project_id == pid, t.estimates.c.is_primary)).first() is not None


def locked_project(s: Connection, pid: int) -> Row[Any]:
    """The project's row, locked for the rest of the transaction."""
    return s.execute(select(t.projects).where(t.projects.c.id == pid).with_for_update()).one()


def lock_framework_of(s: Connection, pid: int) -> None:
    """Lock the project's framework row (before the project's: the order every
    cap-checking operation keeps)."""
    fw_id = s.execute(select(t.projects.c.framework_id)
                      .where(t.projects.c.id == pid)).scalar_one()
    s.execute(select(t.frameworks.c.id).where(t.frameworks.c.id == fw_id)
              .with_for_update()).one()


def framework_of(s: Connection, framework_id: int) -> Row[Any]:
    return s.execute(select(t.frameworks).where(t.frameworks.c.id == framework_id)).one()


def transitions_and_audit(s: Connection, pid: int
                          ) -> tuple[list[dict[str, Any]], list[Row[Any]]]:
    """The project's transitions (without ids) and its audit rows, oldest first."""
    trans = _rows(s, t.transitions, pid, ("id", "project_id"))
    rows = list(s.execute(select(t.audit_log).where(
        t.audit_log.c.project_id == pid).order_by(t.audit_log.c.id)))
    return trans, rows
