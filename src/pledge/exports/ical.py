"""Funding deadlines as an iCalendar feed: one all-day event per selected or notified
project, on its funding date (the extension's end when a deadline was extended)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from pledge.domain.framework import FundingWindow, WindowMeaning

__all__ = ["CALENDAR_NAMES", "ICS_MEDIA_TYPE", "PRODID", "deadline_uid", "deadlines_feed"]

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//pledge//funding deadlines//EN"
CALENDAR_NAMES = {"us": "US", "jp": "Japanese", "joint": "joint US and Japanese"}


def deadline_uid(project_id: int) -> str:
    """The event UID of a project's funding date; stable, so a calendar updates in place."""
    return f"project-{project_id}-funding@pledge"


def _days(n: int, unit: str) -> str:
    return f"{n} {unit} day{'' if abs(n) == 1 else 's'}"


def deadlines_feed(rows: Sequence[Any],
                   windows: Mapping[tuple[str, date], FundingWindow | None], *,
                   framework: str | None, as_of: date, stamp: datetime) -> bytes:
    """The feed of ``rows`` (``services.deadlines.project_deadlines``; ``windows``: the
    funding window of each (framework, clock start)).

    The summary names the project and its stage; the description says what the date
    means (fund by it, or not before it), the window that produced it (length, unit,
    calendar, the event that started the clock) and the business and calendar days left
    as of ``as_of``. A date computed before the notice exists is provisional: marked in
    the summary, the description and with STATUS:TENTATIVE. UIDs are stable
    (``project-32-funding@pledge``); ``stamp`` is the DTSTAMP.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "pledge funding deadlines" + (f" ({framework.strip().lower()})"
                                                          if framework else ""))
    for d in rows:
        deadline = d.meaning == WindowMeaning.DEADLINE.value
        day = max(d.due, d.extension_until) if (deadline and d.extension_until) else d.due
        word = "Fund by" if deadline else "Fund no earlier than"
        summary = f"{word} {day.isoformat()}: {d.name} ({d.status})"
        if d.provisional:
            summary = f"Provisional - {summary}"
        lines = [f"Project {d.project_id} ({d.framework}), stage: {d.status}."]
        if deadline:
            lines.append(f"Deadline: the funding must arrive on or before {day.isoformat()}.")
        else:
            lines.append(f"Earliest date: the funding may not arrive before {day.isoformat()}.")
        window = windows.get((d.framework, d.clock_start))
        calendar = CALENDAR_NAMES.get(d.calendar, d.calendar)
        if window is not None and d.provisional:
            lines.append(f"Window: {_days(window.length, window.unit.value)} on the "
                         f"{calendar} calendar from the {window.start.value}.")
        elif window is not None:
            lines.append(f"Window: {_days(window.length, window.unit.value)} on the "
                         f"{calendar} calendar from the {window.start.value} of "
                         f"{d.clock_start.isoformat()}.")
        if d.provisional:
            lines.append(f"Provisional: no funding notice yet; the date assumes the clock "
                         f"started on {d.clock_start.isoformat()}.")
        if deadline and d.extension_until and d.extension_until > d.due:
            lines.append(f"Extended until {d.extension_until.isoformat()} (the window's date "
                         f"was {d.due.isoformat()}).")
        calendar_days = (day - as_of).days
        if calendar_days >= 0:
            lines.append(f"As of {as_of.isoformat()}: {_days(d.business_days_left, 'business')}"
                         f" ({_days(calendar_days, 'calendar')}) left.")
        else:
            lines.append(f"As of {as_of.isoformat()}: passed "
                         f"{_days(-d.business_days_left, 'business')} "
                         f"({_days(-calendar_days, 'calendar')}) ago.")
        ev = Event()
        ev.add("uid", deadline_uid(d.project_id))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("summary", summary)
        ev.add("description", "\n".join(lines))
        ev.add("categories", ["funding", d.framework])
        ev.add("status", "TENTATIVE" if d.provisional else "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    feed: bytes = cal.to_ical()
    return feed
