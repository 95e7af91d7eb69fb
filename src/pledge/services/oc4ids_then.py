"""The OC4IDS documents of the projects as recorded by the end of a day (``pledge export
oc4ids --as-of``): each document is built from the rows recorded by then, the way
``services.as_of`` reads the projects' list.

What a project's row held then: its stage and fields then (``as_of.list_projects_as_of``),
the reported status before any later report, the extension granted by then; of its
tables, the estimates (the primary one then), stage changes, reported sites and stages
recorded by then, the postings of the ledger entries recorded by then, the extensions
granted by then, the links recorded and not withdrawn by then. Consultations and
sponsors keep no recording time: the consultations dated by then and every sponsor are
shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine

from pledge.domain.lifecycle import STAGE_ORDER, Stage
from pledge.exports.oc4ids import ProjectRecord
from pledge.services import relations
from pledge.services.as_of import cutoff_of, list_projects_as_of
from pledge.store import as_of_queries as aq
from pledge.store import export_queries as xq
from pledge.store import tables as t
from pledge.store.project_queries import ProjectSummary

__all__ = ["Then", "record_then", "then_of"]

_NOTIFIED = STAGE_ORDER[Stage.NOTIFIED]


@dataclass(frozen=True, slots=True)
class Then:
    """What reading every project as of ``on`` needs, read once for a whole package.

    summaries: the projects recorded by then (their stage and fields then), by id
    """

    on: date
    cutoff: datetime
    summaries: dict[int, ProjectSummary]
    extensions: dict[int, list[date]]
    reported: dict[int, str | None]
    links: list[Any]
    changed: dict[int, datetime]
    heads: dict[int, int]


def then_of(engine: Engine, s: Connection, on: date) -> Then:
    """The reading of the record as of the end of ``on`` (``s``: the package's
    connection; the projects' list is read as ``list_projects_as_of`` reads it)."""
    summaries = {p.id: p for p in list_projects_as_of(engine, on)}
    cutoff = cutoff_of(on)
    links = [r for r in aq.links_before(s, cutoff)
             if r.project_id in summaries and r.other_id in summaries]
    heads = relations.canonical_among({i: p.status for i, p in summaries.items()}, links)
    return Then(on, cutoff, summaries, aq.extensions_before(s, cutoff),
                aq.reported_before(s, cutoff), links, aq.changed_before(s, cutoff), heads)


def _notified(stage: str) -> bool:
    order = next((STAGE_ORDER[s] for s in Stage if s.value == stage), -1)
    return order >= _NOTIFIED


def record_then(s: Connection, then: Then, row: Any, framework: Any) -> ProjectRecord | None:
    """The project's record as of ``then`` for its OC4IDS document (None: it had not been
    recorded by then)."""
    p = then.summaries.get(row.id)
    if p is None:
        return None
    pid, cutoff = row.id, then.cutoff
    granted = then.extensions.get(pid, [])
    notified = _notified(p.status)
    project = SimpleNamespace(**{
        **row._mapping, "status": p.status, "name": p.name, "sector": p.sector,
        "sector_detail": p.sector_detail, "location": p.location, "states": list(p.states),
        "reported_status": then.reported.get(pid, row.reported_status),
        "funding_date": row.funding_date if notified else None,
        "window_meaning": row.window_meaning if notified else None,
        "extension_until": granted[-1] if granted else None})

    def recorded(table: Any) -> list[Any]:
        return xq.project_table(s, table, pid, recorded_before=cutoff)

    estimates = recorded(t.estimates)
    primary = next((e.id for e in estimates if e.is_primary),
                   estimates[0].id if estimates else None)
    names = {i: (q.name, q.status) for i, q in then.summaries.items()}
    head = then.heads.get(pid, pid)
    return ProjectRecord(
        project=project, framework=framework,
        sponsors=xq.project_table(s, t.sponsors, pid),
        estimates=[SimpleNamespace(**{**e._mapping, "is_primary": e.id == primary})
                   for e in estimates],
        transitions=recorded(t.transitions),
        consultations=[c for c in xq.project_table(s, t.consultations, pid)
                       if c.on <= then.on],
        extensions=xq.project_table(s, t.extensions, pid)[:len(granted)],
        sites=recorded(t.site_reports), reports=recorded(t.status_reports),
        postings=xq.project_postings(s, pid, recorded_before=cutoff),
        updated=then.changed.get(pid),
        related=relations.related_among(pid, then.links, names),
        duplicate_of=None if head == pid else head)
