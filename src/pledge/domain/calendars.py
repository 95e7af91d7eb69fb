"""Business calendars and the date a funding window ends on.

A framework's funding window is "45 days" or "45 business days" after a
selection notice (the sources dispute which). Both readings are computed here:

* ``BusinessCalendar`` knows which days money can move on. Saturdays and Sundays
  are never business days; the other non-business days (holidays) are injected
  by the caller, so this module performs no I/O and needs nothing outside the
  standard library. ``pledge.services.calendars`` is the one place that knows
  which holidays make the US, Japanese and joint calendars.
* ``window_date`` turns (notice date, length, unit, calendar) into a date.

A calendar covers the whole years ``first_year`` to ``last_year``. Any date
outside them raises ``InvalidInput`` (rule ``calendar.out_of_range``) rather than
being treated as holiday-free, because an unknown year's holidays are unknown,
not absent.

Counting conventions (shared by every method):

* ``add_business_days(start, n)`` is the n-th business day strictly after
  ``start``; ``start`` itself never counts, whether or not it is a business day.
* ``business_days_between(a, b)`` counts the business days in ``(a, b]``, so the
  two are inverse: ``business_days_between(s, add_business_days(s, n)) == n``.

Lookups are O(log n): each calendar precomputes, once, the sorted ordinals of
its business days and answers every question with ``bisect``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, timedelta
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem

__all__ = [
    "BusinessCalendar",
    "CalendarName",
    "DayUnit",
    "check_year_range",
    "window_date",
]

_SATURDAY = 5  # date.weekday(): Monday is 0, Saturday 5, Sunday 6


class CalendarName(StrEnum):
    """Whose business days count: the United States', Japan's, or both at once."""

    US = "us"
    JP = "jp"
    JOINT = "joint"


class DayUnit(StrEnum):
    """How a window's length is counted: business days, or calendar days."""

    BUSINESS = "business"
    CALENDAR = "calendar"


def check_year_range(first_year: int, last_year: int) -> None:
    """Raise ``InvalidInput`` unless ``first_year..last_year`` is a usable range of years.

    Both must be whole numbers (not bools) with ``first_year <= last_year``, and
    the range must leave a year of headroom on each side of the ``datetime``
    limits (so a window can always be computed and then found out of range).
    Rules: ``calendar.bad_year`` (field ``first_year``/``last_year``) and
    ``calendar.bad_year_range`` (field ``last_year``).
    """
    for name, year in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidInput.single(name, year, "calendar.bad_year",
                                      f"{name} must be a whole number, not {year!r}")
        if not MINYEAR < year < MAXYEAR:
            raise InvalidInput.single(name, year, "calendar.bad_year",
                                      f"{name} must be between {MINYEAR + 1} and {MAXYEAR - 1}")
    if first_year > last_year:
        raise InvalidInput.single("last_year", last_year, "calendar.bad_year_range",
                                  f"last_year {last_year} is before first_year {first_year}")


def _check_count(field_name: str, n: int) -> None:
    """Raise ``InvalidInput`` (rule ``calendar.non_positive``) unless ``n`` is an int >= 1."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise InvalidInput.single(field_name, n, "calendar.non_positive",
                                  f"{field_name} must be a whole number of days, not {n!r}")
    if n < 1:
        raise InvalidInput.single(field_name, n, "calendar.non_positive",
                                  f"{field_name} must be at least 1 day, not {n}")


@dataclass(frozen=True)
class BusinessCalendar:
    """The business days of one place (or several at once) over whole years.

    name:       short identifier used in messages (``"us"``, ``"jp"``, ``"joint"``)
    holidays:   the weekdays on which money cannot move; weekend dates in it are
                harmless and dates outside the years are ignored
    first_year: the first year covered (from 1 January)
    last_year:  the last year covered (to 31 December)

    Saturdays and Sundays are never business days. Every method that takes a
    date raises ``InvalidInput`` (rule ``calendar.out_of_range``, naming the
    date) when the date, or the answer, falls outside the covered years.
    Constructing with an unusable year range raises ``InvalidInput`` (see
    ``check_year_range``).
    """

    name: str
    holidays: frozenset[date]
    first_year: int
    last_year: int
    # Sorted ordinals of every business day in the covered years; built once.
    _business: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_year_range(self.first_year, self.last_year)
        first = date(self.first_year, 1, 1).toordinal()
        last = date(self.last_year, 12, 31).toordinal()
        holiday_ordinals = {d.toordinal() for d in self.holidays}
        # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is date.weekday().
        business = tuple(
            o for o in range(first, last + 1)
            if (o - 1) % 7 < _SATURDAY and o not in holiday_ordinals
        )
        object.__setattr__(self, "_business", business)

    # -- range checks -------------------------------------------------------

    @property
    def first_day(self) -> date:
        """1 January of ``first_year``: the first date this calendar knows."""
        return date(self.first_year, 1, 1)

    @property
    def last_day(self) -> date:
        """31 December of ``last_year``: the last date this calendar knows."""
        return date(self.last_year, 12, 31)

    def _out_of_range(self, field_name: str, value: date, message: str) -> InvalidInput:
        """The ``calendar.out_of_range`` error for ``value`` (not raised here)."""
        return InvalidInput([Problem(field_name, value, "calendar.out_of_range", message)])

    def _ordinal(self, d: date, field_name: str = "on") -> int:
        """``d.toordinal()``, or ``InvalidInput`` if ``d`` is outside the covered years."""
        if not isinstance(d, date):
            raise InvalidInput.single(field_name, d, "calendar.bad_date",
                                      f"{field_name} must be a date, not {d!r}")
        if not self.first_year <= d.year <= self.last_year:
            raise self._out_of_range(
                field_name, d,
                f"{d.isoformat()} is outside the {self.name} calendar, which covers "
                f"{self.first_year}–{self.last_year} only",
            )
        return d.toordinal()

    def _business_day_at(self, index: int, field_name: str, start: date, what: str) -> date:
        """The business day at ``index`` in the precomputed list, or ``InvalidInput``."""
        if index >= len(self._business):
            raise self._out_of_range(
                field_name, start,
                f"{what} falls after the end of the {self.name} calendar "
                f"({self.last_day.isoformat()})",
            )
        return date.fromordinal(self._business[index])

    # -- questions ----------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        """Whether money can move on ``d``: a weekday that is not a holiday.

        Raises ``InvalidInput`` (``calendar.out_of_range``) outside the covered years.
        """
        o = self._ordinal(d)
        i = bisect_left(self._business, o)
        return i < len(self._business) and self._business[i] == o

    def roll_following(self, d: date) -> date:
        """``d`` if it is a business day, otherwise the next business day after it.

        Raises ``InvalidInput`` (``calendar.out_of_range``) if ``d`` is outside
        the covered years or no business day follows it within them.
        """
        o = self._ordinal(d)
        i = bisect_left(self._business, o)
        return self._business_day_at(i, "on", d,
                                     f"the first business day on or after {d.isoformat()}")

    def add_business_days(self, start: date, n: int) -> date:
        """The ``n``-th business day strictly after ``start`` (``n`` >= 1).

        ``start`` itself never counts: a Friday notice plus 1 is the following
        Monday, and so is a Saturday or Sunday notice plus 1 (when that Monday
        is a business day). The result is always a business day.

        Zero and negative ``n`` are refused with ``InvalidInput`` (field ``n``,
        rule ``calendar.non_positive``): "0 business days after" has no single
        sensible answer when ``start`` is a holiday, and nothing in a framework
        counts backwards. Raises ``InvalidInput`` (``calendar.out_of_range``) if
        ``start`` or the answer is outside the covered years.
        """
        _check_count("n", n)
        o = self._ordinal(start, "start")
        i = bisect_right(self._business, o) + n - 1
        return self._business_day_at(
            i, "start", start, f"the {n}th business day after {start.isoformat()}"
        )

    def business_days_between(self, a: date, b: date) -> int:
        """The number of business days in ``(a, b]``; minus those in ``(b, a]`` if ``b < a``.

        Zero when ``a == b``. Antisymmetric: ``between(a, b) == -between(b, a)``,
        and additive: ``between(a, b) + between(b, c) == between(a, c)``. Raises
        ``InvalidInput`` (``calendar.out_of_range``) if either date is outside
        the covered years.
        """
        oa = self._ordinal(a, "a")
        ob = self._ordinal(b, "b")
        return bisect_right(self._business, ob) - bisect_right(self._business, oa)

    # -- combining ----------------------------------------------------------

    @classmethod
    def joint(cls, *calendars: BusinessCalendar, name: str | None = None) -> BusinessCalendar:
        """The calendar whose business days are business days in *every* one of ``calendars``.

        Its holidays are the union of theirs and its years are the years they
        all cover. ``name`` defaults to the names joined with ``"+"``. Raises
        ``InvalidInput`` if no calendar is given (rule ``calendar.joint_empty``)
        or their years do not overlap (rule ``calendar.joint_no_overlap``).
        """
        if not calendars:
            raise InvalidInput.single("calendars", (), "calendar.joint_empty",
                                      "a joint calendar needs at least one calendar")
        first = max(c.first_year for c in calendars)
        last = min(c.last_year for c in calendars)
        joined = name if name is not None else "+".join(c.name for c in calendars)
        if first > last:
            spans = ", ".join(f"{c.name} {c.first_year}–{c.last_year}" for c in calendars)
            raise InvalidInput.single("calendars", joined, "calendar.joint_no_overlap",
                                      f"the calendars share no year ({spans})")
        holidays: frozenset[date] = frozenset().union(*(c.holidays for c in calendars))
        return cls(joined, holidays, first, last)


def window_date(start: date, length: int, unit: DayUnit | str,
                calendar: BusinessCalendar) -> date:
    """The date a funding window of ``length`` ``unit``s ends on, counted from ``start``.

    * ``DayUnit.BUSINESS``: the ``length``-th business day of ``calendar``
      strictly after ``start`` (``calendar.add_business_days(start, length)``).
    * ``DayUnit.CALENDAR``: ``start + length`` days, then rolled forward to the
      next business day of ``calendar`` if it is a weekend or holiday, because
      money cannot move on a day the banks are shut. A window that ends on a
      holiday therefore gains the days up to the next business day.

    ``unit`` may be given as text (``"business"``/``"calendar"``). Raises
    ``InvalidInput``: ``length`` below 1 (field ``length``, rule
    ``calendar.non_positive``); an unknown unit (field ``unit``, rule
    ``calendar.unknown_unit``); ``start`` or the answer outside the calendar's
    years (rule ``calendar.out_of_range``).
    """
    _check_count("length", length)
    try:
        how = DayUnit(unit)
    except ValueError:
        names = ", ".join(u.value for u in DayUnit)
        raise InvalidInput.single("unit", unit, "calendar.unknown_unit",
                                  f"unknown day unit {unit!r}; expected one of: {names}") from None
    if how is DayUnit.BUSINESS:
        return calendar.add_business_days(start, length)
    o = calendar._ordinal(start, "start")
    if o + length > calendar.last_day.toordinal():
        raise calendar._out_of_range(
            "start", start,
            f"{length} days after {start.isoformat()} falls after the end of the "
            f"{calendar.name} calendar ({calendar.last_day.isoformat()})",
        )
    return calendar.roll_following(start + timedelta(days=length))

