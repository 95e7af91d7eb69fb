"""The programme as it was known on a date: what had been recorded by the end of that
day (UTC), not today's corrections.

Every stage change, estimate, ledger entry and project carries the time pledge recorded
it, and every edit of a project's fields keeps its earlier values in the audit log; a
reading "as of" a day takes the rows recorded by the end of it and undoes the edits made
later. (Dates on which things took effect are another matter: a funding recorded in
December for March is in the record of March 31 only when read as of December.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from pledge.domain.bounds import check_dates
from pledge.domain.errors import NotFound
from pledge.domain.lifecycle import STAGE_ORDER, Stage
from pledge.services import deadlines, funding
from pledge.services.base import project_row
from pledge.services.deadlines import ProjectDeadline
from pledge.services.funding import Commitments
from pledge.services.project_views import (
    ProjectDetail,
    allocation_of,
    list_projects,
    project_filters,
    show_project,
    with_claims,
    with_provenance,
)
from pledge.store import as_of_queries as aq
from pledge.store import project_queries as q
from pledge.store import tables as t
from pledge.store.db import reading
from pledge.store.project_queries import ProjectSummary

__all__ = ["commitments_as_of", "commitments_known", "cutoff_of", "deadlines_known",
           "list_projects_as_of", "list_projects_known", "show_project_as_of",
           "show_project_known"]

_NOTIFIED = STAGE_ORDER[Stage.NOTIFIED]
_STAGES = {s.value: s for s in Stage}


def cutoff_of(day: date) -> datetime:
    """The first moment after ``day`` (midnight UTC of the next day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def list_projects_as_of(engine: Engine, on: date, *, framework: str | None = None,
                        status: str | None = None, sector: str | None = None
                        ) -> list[ProjectSummary]:
    """``list_projects`` as recorded by the end of ``on``: the projects recorded by then,
    each at the stage, with the fields and the primary estimate it had then. ``status``
    filters on the stage then; ``framework`` and ``sector`` as ``list_projects`` does.
    A funding date is shown once the project had been notified by then."""
    check_dates(as_of=on)
    cutoff = cutoff_of(on)
    with reading(engine) as s:
        stages = aq.stages_before(s, cutoff)
        edits = aq.fields_before(s, cutoff)
        rows = q.summaries(s, [*project_filters(s, framework, None, sector),
                               t.projects.c.created_at < cutoff])
        estimates = aq.estimates_before(s, cutoff, [r.id for r in rows])
    out = []
    for r in rows:
        stage = stages.get(r.id)
        if stage is None or (status and stage != status):
            continue
        old = edits.get(r.id, {})
        low, high = estimates.get(r.id, (None, None))
        notified = STAGE_ORDER.get(_STAGES.get(stage, Stage.DECLINED), -1) >= _NOTIFIED
        out.append(replace(
            r, status=stage, name=old.get("name", r.name), sector=old.get("sector", r.sector),
            sector_detail=old.get("sector_detail", r.sector_detail),
            location=old.get("location", r.location),
            states=tuple(old.get("states", r.states)), amount_low_usd=low,
            amount_high_usd=high, funding_date=r.funding_date if notified else None))
    return out


def commitments_as_of(engine: Engine, framework: str, on: date) -> Commitments:
    """The commitments against the cap as known at the end of ``on``: the terms and the
    ledger entries recorded by then, dated on or before ``on``."""
    check_dates(as_of=on)
    return funding.commitments(engine, framework, on, recorded_before=cutoff_of(on))


def list_projects_known(engine: Engine, on: date | None, framework: str | None = None,
                        status: str | None = None, sector: str | None = None
                        ) -> list[ProjectSummary]:
    """``list_projects_as_of`` when ``on`` is given, else today's ``list_projects``."""
    if on is None:
        return list_projects(engine, framework=framework, status=status, sector=sector)
    return list_projects_as_of(engine, on, framework=framework, status=status, sector=sector)


def commitments_known(engine: Engine, framework: str, on: date | None,
                      as_of: date | None) -> Commitments:
    """The commitments on ``on`` (default ``as_of``, else today) as recorded by the end of
    ``as_of`` (default: everything recorded)."""
    if as_of is None:
        return funding.commitments(engine, framework, on)
    check_dates(as_of=as_of)
    return funding.commitments(engine, framework, on or as_of,
                               recorded_before=cutoff_of(as_of))


def deadlines_known(engine: Engine, framework: str | None, on: date | None,
                    as_of: date | None) -> list[ProjectDeadline]:
    """The funding dates, days counted from ``on`` (default ``as_of``, else today), as
    recorded by the end of ``as_of`` (default: everything recorded)."""
    if as_of is None:
        return deadlines.project_deadlines(engine, framework=framework, as_of=on)
    check_dates(as_of=as_of)
    return deadlines.project_deadlines(engine, framework=framework, as_of=on or as_of,
                                       recorded_before=cutoff_of(as_of))


def show_project_as_of(engine: Engine, project_id: int | str, on: date) -> ProjectDetail:
    """One project as recorded by the end of ``on``: its stage, fields and estimate then,
    the stage changes, estimates, reported sites and stages recorded by then, and the money
    of the ledger entries recorded by then. Raises NotFound when it had not been recorded.
    (Consultations keep no recording time: those dated by then are shown.)"""
    check_dates(as_of=on)
    cutoff = cutoff_of(on)
    with reading(engine) as s:
        row = project_row(s, project_id)
    then = next((p for p in list_projects_as_of(engine, on) if p.id == row.id), None)
    if then is None:
        raise NotFound.single("as_of", on.isoformat(), "project.not_yet_recorded",
                              f"project {row.id} had not been recorded by then")
    with reading(engine) as s:
        postings = q.postings_before(s, row.id, cutoff)
        r = q.records(s, row.id, postings, before=cutoff)
        allocation = allocation_of(s, row, postings)
        extended = aq.extension_before(s, row.id, cutoff)
        reported = aq.reported_before(s, cutoff).get(row.id, row.reported_status)
    return with_claims(ProjectDetail(
        then, row.component, reported, row.window_meaning, extended, r.sponsors,
        with_provenance(r.estimates), r.transitions,
        [c for c in r.consultations if c["on"] <= on], r.funding, r.sites, r.status_reports,
        [], None, allocation))


def show_project_known(engine: Engine, project_id: int | str, on: date | None
                       ) -> ProjectDetail:
    """``show_project_as_of`` when ``on`` is given, else the project as recorded today."""
    if on is None:
        return show_project(engine, project_id)
    return show_project_as_of(engine, project_id, on)
