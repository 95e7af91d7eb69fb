"""Use cases on funding deadlines: one computed on demand, and every project's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, select

from pledge.domain.bounds import MAX_WINDOW_DAYS, check_dates
from pledge.domain.calendars import CalendarName, DayUnit
from pledge.domain.errors import InvalidInput, NotFound, RuleViolation
from pledge.domain.framework import FundingWindow, StartEvent, WindowMeaning
from pledge.domain.lifecycle import Stage, funding_clock_start
from pledge.services.base import framework_row, load_framework
from pledge.services.calendars import build_calendar
from pledge.store import tables as t
from pledge.store.as_of_queries import extension_before, stages_before
from pledge.store.db import reading


@dataclass(frozen=True, slots=True)
class Deadline:
    """A window date computed from a notice.

    notice:  the date the clock started
    due:     the computed date
    meaning: "deadline" (fund on or before) or "earliest" (fund on or after)
    days, unit, calendar: the window used
    """

    notice: date
    due: date
    meaning: str
    days: int
    unit: str
    calendar: str
    framework: str


def _as_then(row: Any, stage: str, s: Any, known: datetime | None) -> Any:
    """``row`` as it stood before ``known``: its stage then, and its extension as granted
    by then (the latest extension recorded in the audit log before that moment)."""
    until = extension_before(s, row.id, known) if known is not None else row.extension_until
    return SimpleNamespace(**{**row._mapping, "status": stage, "extension_until": until})


def _choice(enum: type[CalendarName] | type[DayUnit], text: str, field: str) -> str:
    try:
        return enum(text.strip().lower()).value
    except ValueError:
        names = ", ".join(m.value for m in enum)
        raise InvalidInput.single(field, text, f"{field}.unknown",
                                  f"unknown {field} (one of: {names})") from None


def compute_deadline(engine: Engine, framework: str, notice: date, *, days: int | None = None,
                     unit: str | None = None, calendar: str | None = None) -> Deadline:
    """The funding date for a notice under the framework's window, with optional overrides."""
    check_dates(notice=notice)
    with reading(engine) as s:
        terms = load_framework(s, framework_row(s, framework)).terms_on(notice)
    if days is not None and not 1 <= days <= MAX_WINDOW_DAYS:
        raise InvalidInput.single("days", days, "window.length",
                                  f"days run from 1 to {MAX_WINDOW_DAYS}")
    w = terms.window
    if w is None:
        if days is None or unit is None or calendar is None:
            raise RuleViolation.single("framework", framework, "lifecycle.no_window",
                                       "this framework has no funding window; give --days, "
                                       "--unit and --calendar to compute one")
        w = FundingWindow(days, DayUnit.BUSINESS, WindowMeaning.DEADLINE, CalendarName.US,
                          StartEvent.NOTICE)
    window = FundingWindow(
        length=days if days is not None else w.length,
        unit=DayUnit(_choice(DayUnit, unit, "unit")) if unit else w.unit,
        meaning=w.meaning,
        calendar=CalendarName(_choice(CalendarName, calendar, "calendar")) if calendar
        else w.calendar,
        start=w.start)
    when = window.date_from(notice, build_calendar(window.calendar))
    return Deadline(notice, when, window.meaning.value, window.length, window.unit.value,
                    window.calendar.value, framework)


DEADLINE_STAGES = (Stage.SELECTED.value, Stage.NOTIFIED.value)
"""The stages at which a project has a funding date (``project_deadlines``)."""


@dataclass(frozen=True, slots=True)
class ProjectDeadline:
    """A selected or notified project's funding date and the business days left to it.

    provisional: True when the clock has not started (selected, waiting for the
    notice) and the date assumes a notice on the selection date.
    business_days_left: business days from ``as_of`` (exclusive) to ``due``
    (inclusive); negative once the date has passed.
    """

    project_id: int
    name: str
    framework: str
    status: str
    clock_start: date
    due: date
    meaning: str
    calendar: str
    business_days_left: int
    provisional: bool
    extension_until: date | None


def project_deadlines(engine: Engine, *, framework: str | None = None,
                      as_of: date | None = None,
                      project_id: int | None = None,
                      recorded_before: datetime | None = None) -> list[ProjectDeadline]:
    """Every selected or notified project's funding date, soonest first (with
    ``project_id``, that project's alone: an empty list when it has none); with
    ``recorded_before``, as known then (stages, terms and extensions recorded before it;
    ``services.as_of``).

    The whole list is cached until the data changes (``dashboard.views``); the projects
    are found by their stage (indexed), their stages' dates read in one query."""
    check_dates(on=as_of)
    day = as_of or date.today()
    if project_id is not None or recorded_before is not None:
        return _deadlines(engine, framework, day, project_id, recorded_before)
    from pledge.services.dashboard import views

    return list(views.get(engine, ("deadlines", framework, day),
                          lambda: _deadlines(engine, framework, day, None)))


def _deadlines(engine: Engine, framework: str | None, as_of: date,
               project_id: int | None, known: datetime | None = None
               ) -> list[ProjectDeadline]:
    out: list[ProjectDeadline] = []
    p = t.projects
    with reading(engine) as s:
        fws = [framework_row(s, framework)] if framework else list(
            s.execute(select(t.frameworks).order_by(t.frameworks.c.id)))
        stages_then = None if known is None else stages_before(s, known)
        for fw_row in fws:
            try:
                fw = load_framework(s, fw_row, recorded_before=known)
            except NotFound:  # nothing of this framework had been recorded by then
                continue
            if stages_then is None:
                where = [p.c.status.in_(DEADLINE_STAGES)]
            else:
                where = [p.c.id.in_([pid for pid, stage in stages_then.items()
                                     if stage in DEADLINE_STAGES])]
            rows = s.execute(select(p).where(
                p.c.framework_id == fw_row.id, *where,
                *([p.c.id == project_id] if project_id is not None else []))).all()
            if stages_then is not None:
                rows = [_as_then(row, stages_then[row.id], s, known) for row in rows]
            moves: dict[int, dict[str, date]] = {row.id: {} for row in rows}
            tr = t.transitions
            for r in s.execute(select(tr.c.project_id, tr.c.to_stage, tr.c.on).where(
                    tr.c.project_id.in_(list(moves)),
                    *([tr.c.recorded_at < known] if known is not None else []))
                    .order_by(tr.c.id)) if moves else ():
                moves[r.project_id][r.to_stage] = r.on  # the last move to each stage
            for row in rows:
                dates = moves[row.id]
                selected_on = dates.get(Stage.SELECTED.value)
                notified_on = dates.get(Stage.NOTIFIED.value)
                terms = fw.terms_on(notified_on or selected_on or as_of)
                if terms.window is None:
                    continue
                cal = build_calendar(terms.window.calendar)
                start = funding_clock_start(terms, selected_on, notified_on)
                provisional = start is None
                start = start or selected_on or as_of
                when = row.funding_date if (row.funding_date and not provisional) else \
                    terms.window.date_from(start, cal)
                target = max(when, row.extension_until) if (
                    row.extension_until and terms.window.meaning is WindowMeaning.DEADLINE
                ) else when
                out.append(ProjectDeadline(
                    row.id, row.name, fw_row.key, row.status, start, when,
                    terms.window.meaning.value, terms.window.calendar.value,
                    cal.business_days_between(as_of, target), provisional,
                    row.extension_until))
    return sorted(out, key=lambda d: (d.due, d.project_id))
