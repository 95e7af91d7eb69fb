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
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holiday_data

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
    found = holiday_data.country_holidays("US", years=_years(first_year, last_year),
                                         observed=True, categories=("public",))
    return frozenset(found.keys())


def _jp_bank(first_year: int, last_year: int) -> frozenset[date]:
    """Japanese bank holidays: national holidays plus 31 December and 1–3 January.

    ``holidays``' ``JP`` ``bank`` category already holds the year-end days (checked
    for version 0.109); they are added again here so the calendar stays right if
    a future version moves them.
    """
    found = holiday_data.country_holidays("JP", years=_years(first_year, last_year),
                                         categories=("public", "bank"))
    year_end = {
        d
        for y in _years(first_year, last_year)
        for d in (date(y, 1, 1), date(y, 1, 2), date(y, 1, 3), date(y, 12, 31))
    }
    return frozenset(found.keys()) | year_end
