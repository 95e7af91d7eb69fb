"""The real business calendars: which holidays make the US, Japanese and joint calendars.

This is the only module that knows where holidays come from (the third-party
``holidays`` package); the domain receives ready-made ``BusinessCalendar``s.

* ``us``: US federal holidays as observed (``holidays`` ``US``, public category,
  ``observed=True``): New Year's Day, Martin Luther King Jr. Day, Washington's
  Birthday, Memorial Day, Juneteenth, Independence Day, Labor Day, Columbus Day,
  Veterans Day, Thanksgiving and Christmas. A holiday on a Saturday is observed
  on the Friday before and one on a Sunday on the Monday after (so New Year's
  Day 2028, a Saturday, closes Friday 31 December 2027). One-off closures by
  executive order (Christmas Eve 2024, the day of mourning of 9 January 2025)
  are *not* included; neither is the day after Thanksgiving.
* ``jp``: Japanese bank holidays: every national holiday (with substitute and
  "sandwiched" citizens' holidays) plus 31 December and 1–3 January, on which
  Japanese banks are shut by law.
* ``joint``: a business day only if it is one in both countries.

Asking ``holidays`` for one country loads its data for every country (about a sixth of a
second), so the holidays found are kept in the user cache directory
(:func:`pledge.user_cache_dir`, ``calendars/``), one file per country, categories, years
and version of ``holidays``: a new version of the data is a new file. A file that cannot
be read, or reads as anything but dates of those years, is computed again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import holidays as holiday_data
from holidays.version import __version__ as holidays_version

from pledge import user_cache_dir
from pledge.domain.calendars import BusinessCalendar, CalendarName, check_year_range
from pledge.domain.errors import InvalidInput

__all__ = ["build_calendar"]

DEFAULT_FIRST_YEAR = 2020
DEFAULT_LAST_YEAR = 2035


def build_calendar(name: CalendarName | str, first_year: int = DEFAULT_FIRST_YEAR,
                   last_year: int = DEFAULT_LAST_YEAR) -> BusinessCalendar:
    """The business calendar called ``name`` (``us``, ``jp`` or ``joint``) for whole years.

    ``name`` is case-insensitive and may have surrounding spaces. Results are
    cached per (name, first_year, last_year), so repeated calls are cheap and
    return the same object. Raises ``InvalidInput``: an unknown name (field
    ``calendar``, rule ``calendar.unknown``, listing the valid names); an
    unusable year range (rules ``calendar.bad_year``/``calendar.bad_year_range``).
    """
    check_year_range(first_year, last_year)
    return _build(_calendar_name(name), first_year, last_year)


def _calendar_name(name: CalendarName | str) -> CalendarName:
    """``name`` as a ``CalendarName``, or ``InvalidInput`` (rule ``calendar.unknown``)."""
    if isinstance(name, CalendarName):
        return name
    try:
        return CalendarName(str(name).strip().lower())
    except ValueError:
        valid = ", ".join(c.value for c in CalendarName)
        raise InvalidInput.single("calendar", name, "calendar.unknown",
                                  f"unknown calendar {name!r}; expected one of: {valid}") from None


@lru_cache(maxsize=32)
def _build(name: CalendarName, first_year: int, last_year: int) -> BusinessCalendar:
    if name is CalendarName.JOINT:
        return BusinessCalendar.joint(
            _build(CalendarName.US, first_year, last_year),
            _build(CalendarName.JP, first_year, last_year),
            name=CalendarName.JOINT.value,
        )
    if name is CalendarName.US:
        days = _us_federal(first_year, last_year)
    else:
        days = _jp_bank(first_year, last_year)
    return BusinessCalendar(name.value, days, first_year, last_year)


def _years(first_year: int, last_year: int) -> range:
    return range(first_year, last_year + 1)


def _us_federal(first_year: int, last_year: int) -> frozenset[date]:
    """US federal holidays as observed (Saturday → Friday, Sunday → Monday)."""
    return _holidays("US", ("public",), first_year, last_year)


def _jp_bank(first_year: int, last_year: int) -> frozenset[date]:
    """Japanese bank holidays: national holidays plus 31 December and 1–3 January.

    ``holidays``' ``JP`` ``bank`` category already holds the year-end days (checked
    for version 0.109); they are added again here so the calendar stays right if
    a future version moves them.
    """
    found = _holidays("JP", ("public", "bank"), first_year, last_year)
    year_end = {
        d
        for y in _years(first_year, last_year)
        for d in (date(y, 1, 1), date(y, 1, 2), date(y, 1, 3), date(y, 12, 31))
    }
    return found | year_end


def _holidays(country: str, categories: tuple[str, ...], first_year: int, last_year: int,
              ) -> frozenset[date]:
    """``holidays``' days of ``country`` in those categories and years, as observed
    (substitute days included): from the cache file when it holds them, else computed and
    written there."""
    path = (user_cache_dir() / "calendars" /
            f"holidays-{holidays_version}-{country}-{'+'.join(categories)}"
            f"-{first_year}-{last_year}.txt")
    kept = _read_days(path, first_year, last_year)
    if kept is not None:
        return kept
    found = frozenset(holiday_data.country_holidays(
        country, years=_years(first_year, last_year), observed=True,
        categories=categories).keys())
    _write_days(path, sorted(found))
    return found


def _read_days(path: Path, first_year: int, last_year: int) -> frozenset[date] | None:
    try:
        lines = path.read_text(encoding="ascii").split()
        days = frozenset(date.fromisoformat(line) for line in lines)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not lines or any(not first_year <= d.year <= last_year for d in days):
        return None
    return days


def _write_days(path: Path, days: Iterable[date]) -> None:
    """Write the file whole or not at all (a cache that cannot be written is no error)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".holidays-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write("".join(f"{d.isoformat()}\n" for d in days))
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
