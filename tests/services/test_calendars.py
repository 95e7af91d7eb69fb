"""The real US, Japanese and joint calendars, checked against hand-counted dates.

Holidays that matter below (weekday in brackets):

US federal 2026: Jan 1 (Thu), Jan 19 (Mon), Feb 16 (Mon, Washington's Birthday),
    May 25, Jun 19 (Fri, Juneteenth), Jul 3 (Fri, Independence Day observed),
    Sep 7, Oct 12 (Mon), Nov 11 (Wed), Nov 26 (Thu, Thanksgiving), Dec 25 (Fri).
US federal 2027: Jan 1 (Fri), Jun 18 (Fri: Juneteenth falls on Saturday the 19th),
    Dec 31 (Fri: New Year's Day 2028 falls on a Saturday).
Japan 2025: Apr 29 (Tue, Showa Day), May 3 (Sat), May 4 (Sun), May 5 (Mon),
    May 6 (Tue, substitute holiday); bank holidays Dec 31 and Jan 1–3.
Japan 2026: Jan 1–3, Jan 12 (Mon), Feb 11 (Wed), Feb 23 (Mon, Emperor's Birthday),
    Mar 20 (Fri, Vernal Equinox), Apr 29 (Wed), May 3 (Sun), May 4 (Mon),
    May 5 (Tue), May 6 (Wed, substitute), Sep 21–23 (Mon–Wed), Oct 12 (Mon),
    Nov 3 (Tue), Nov 23 (Mon), Dec 31 (Thu, bank holiday).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.calendars import BusinessCalendar, CalendarName, DayUnit, window_date
from pledge.domain.errors import InvalidInput
from pledge.services.calendars import build_calendar

D = date.fromisoformat
BIZ = DayUnit.BUSINESS
CAL = DayUnit.CALENDAR

# notice, n, unit, calendar -> expected date (all counted by hand)
WINDOW_CASES = [
    # Golden Week 2026 (notice Tuesday 28 April): Apr 29, May 4-6 are holidays in Japan
    ("2026-04-28", 1, BIZ, "jp", "2026-04-30"),
    ("2026-04-28", 2, BIZ, "jp", "2026-05-01"),
    ("2026-04-28", 3, BIZ, "jp", "2026-05-07"),
    ("2026-04-28", 5, BIZ, "jp", "2026-05-11"),
    ("2026-04-28", 3, BIZ, "us", "2026-05-01"),
    ("2026-04-28", 3, BIZ, "joint", "2026-05-07"),
    # Golden Week 2025 (notice Friday 25 April): Apr 29, May 5-6 on weekdays
    ("2025-04-25", 1, BIZ, "jp", "2025-04-28"),
    ("2025-04-25", 2, BIZ, "jp", "2025-04-30"),
    ("2025-04-25", 4, BIZ, "jp", "2025-05-02"),
    ("2025-04-25", 5, BIZ, "jp", "2025-05-07"),
    ("2025-04-25", 5, BIZ, "us", "2025-05-02"),
    # US Thanksgiving 2026 (Thursday 26 November); the Friday after is a business day
    ("2026-11-25", 1, BIZ, "us", "2026-11-27"),
    ("2026-11-25", 2, BIZ, "us", "2026-11-30"),
    ("2026-11-25", 1, BIZ, "jp", "2026-11-26"),
    # Thanksgiving week in both: Japan's Labor Thanksgiving Day is Monday 23 November
    ("2026-11-20", 5, BIZ, "us", "2026-11-30"),
    ("2026-11-20", 5, BIZ, "jp", "2026-11-30"),
    ("2026-11-20", 5, BIZ, "joint", "2026-12-01"),
    # Juneteenth 2026 falls on Friday 19 June
    ("2026-06-18", 1, BIZ, "us", "2026-06-22"),
    ("2026-06-18", 1, BIZ, "jp", "2026-06-19"),
    # Juneteenth 2027 falls on a Saturday and is observed on Friday 18 June
    ("2027-06-17", 1, BIZ, "us", "2027-06-21"),
    ("2027-06-17", 1, BIZ, "jp", "2027-06-18"),
    # Japanese year-end: banks shut Dec 31 - Jan 3 (notice Monday 28 December 2026)
    ("2026-12-28", 1, BIZ, "jp", "2026-12-29"),
    ("2026-12-28", 2, BIZ, "jp", "2026-12-30"),
    ("2026-12-28", 3, BIZ, "jp", "2027-01-04"),
    ("2026-12-28", 4, BIZ, "jp", "2027-01-05"),
    ("2026-12-28", 3, BIZ, "us", "2026-12-31"),
    ("2026-12-28", 4, BIZ, "us", "2027-01-04"),
    ("2026-12-28", 3, BIZ, "joint", "2027-01-04"),
    ("2025-12-30", 1, BIZ, "jp", "2026-01-05"),
    ("2025-12-30", 1, BIZ, "us", "2025-12-31"),
    ("2025-12-30", 2, BIZ, "us", "2026-01-02"),
    # weekend notices: Saturday/Sunday 14/15 February 2026; Monday the 16th is
    # Washington's Birthday in the US only
    ("2026-02-14", 1, BIZ, "us", "2026-02-17"),
    ("2026-02-15", 1, BIZ, "us", "2026-02-17"),
    ("2026-02-14", 1, BIZ, "jp", "2026-02-16"),
    ("2026-02-15", 1, BIZ, "jp", "2026-02-16"),
    ("2026-02-14", 1, BIZ, "joint", "2026-02-17"),
    ("2026-03-07", 1, BIZ, "joint", "2026-03-09"),
    ("2026-03-08", 1, BIZ, "joint", "2026-03-09"),
    ("2026-02-14", 45, CAL, "us", "2026-03-31"),
    # joint calendar skips both countries' holidays: Feb 11 (JP), 16 (US), 23 (JP)
    ("2026-02-06", 10, BIZ, "us", "2026-02-23"),
    ("2026-02-06", 10, BIZ, "jp", "2026-02-24"),
    ("2026-02-06", 10, BIZ, "joint", "2026-02-25"),
    # calendar-day windows landing on a holiday are rolled forward
    ("2026-10-12", 45, CAL, "us", "2026-11-27"),    # lands on Thanksgiving
    ("2026-10-12", 45, CAL, "jp", "2026-11-26"),
    ("2026-04-01", 35, CAL, "jp", "2026-05-07"),    # lands on May 6 (substitute holiday)
    ("2026-04-01", 35, CAL, "us", "2026-05-06"),
    ("2026-11-21", 40, CAL, "jp", "2027-01-04"),    # lands on Dec 31
    ("2026-11-21", 40, CAL, "us", "2026-12-31"),
    ("2027-05-04", 45, CAL, "us", "2027-06-21"),    # lands on Jun 18 (Juneteenth observed)
    ("2027-05-05", 45, CAL, "us", "2027-06-21"),    # lands on Saturday Jun 19
    ("2027-05-05", 45, CAL, "jp", "2027-06-21"),
    # 45 days from a real notice (Tuesday 17 February 2026)
    ("2026-02-17", 45, BIZ, "us", "2026-04-21"),
    ("2026-02-17", 45, BIZ, "jp", "2026-04-23"),    # Feb 23 and Mar 20 skipped
    ("2026-02-17", 45, BIZ, "joint", "2026-04-23"),
    ("2026-02-17", 45, CAL, "us", "2026-04-03"),
    ("2026-02-17", 45, CAL, "jp", "2026-04-03"),
    ("2026-02-17", 45, CAL, "joint", "2026-04-03"),
    # 45 business days from Thursday 1 October 2026, across each side's autumn holidays
    ("2026-10-01", 45, BIZ, "us", "2026-12-08"),
    ("2026-10-01", 45, BIZ, "jp", "2026-12-08"),
    ("2026-10-01", 45, BIZ, "joint", "2026-12-10"),
]


@pytest.mark.parametrize(("notice", "n", "unit", "calendar", "expected"), WINDOW_CASES)
def test_window_date(notice: str, n: int, unit: DayUnit, calendar: str, expected: str) -> None:
    cal = build_calendar(calendar)
    result = window_date(D(notice), n, unit, cal)
    assert result == D(expected)
    assert cal.is_business_day(result)
    if unit is BIZ:
        assert cal.add_business_days(D(notice), n) == result
        assert cal.business_days_between(D(notice), result) == n


# calendar, a, b -> business days in (a, b] (negative when b < a)
BETWEEN_CASES = [
    ("us", "2026-02-17", "2026-04-21", 45),
    ("jp", "2026-02-17", "2026-04-23", 45),
    ("jp", "2026-04-28", "2026-05-07", 3),     # across Golden Week
    ("jp", "2026-05-07", "2026-04-28", -3),
    ("us", "2026-04-28", "2026-05-07", 7),
    ("jp", "2026-05-02", "2026-05-06", 0),     # a weekend and three holidays
    ("us", "2026-05-02", "2026-05-06", 3),
    ("jp", "2026-12-30", "2027-01-04", 1),     # across the year-end
    ("us", "2026-12-30", "2027-01-04", 2),
    ("joint", "2026-12-30", "2027-01-04", 1),
    ("us", "2026-11-25", "2026-11-27", 1),     # across Thanksgiving
    ("us", "2026-11-27", "2026-11-25", -1),
    ("us", "2026-11-26", "2026-11-26", 0),
    ("joint", "2026-02-06", "2026-02-25", 10),
]


@pytest.mark.parametrize(("calendar", "a", "b", "expected"), BETWEEN_CASES)
def test_business_days_between(calendar: str, a: str, b: str, expected: int) -> None:
    assert build_calendar(calendar).business_days_between(D(a), D(b)) == expected


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        ("us", "2026-11-26", False),  # Thanksgiving
        ("us", "2026-11-27", True),   # the Friday after is not a federal holiday
        ("us", "2026-06-19", False),  # Juneteenth on a Friday
        ("us", "2027-06-18", False),  # Juneteenth 2027 observed
        ("us", "2026-07-03", False),  # Independence Day 2026 observed
        ("us", "2027-12-31", False),  # New Year's Day 2028 observed
        ("us", "2026-12-24", True),   # Christmas Eve is not a standing holiday
        ("jp", "2026-12-31", False),  # bank holiday
        ("jp", "2027-01-02", False),  # bank holiday (a Saturday anyway)
        ("jp", "2028-01-03", False),  # bank holiday on a Monday
        ("jp", "2026-09-22", False),  # citizens' holiday between two holidays
        ("jp", "2026-11-26", True),
        ("jp", "2026-06-19", True),
        ("joint", "2026-11-26", False),
        ("joint", "2026-12-31", False),
        ("joint", "2026-11-23", False),
        ("joint", "2026-11-27", True),
    ],
)
def test_is_business_day(calendar: str, day: str, expected: bool) -> None:
    assert build_calendar(calendar).is_business_day(D(day)) is expected


@pytest.mark.parametrize("year", range(2020, 2036))
def test_japanese_year_end_is_always_shut(year: int) -> None:
    jp = build_calendar(CalendarName.JP)
    for day in (date(year, 1, 1), date(year, 1, 2), date(year, 1, 3), date(year, 12, 31)):
        assert not jp.is_business_day(day)


def test_joint_holidays_are_both_sides() -> None:
    us, jp, joint = (build_calendar(n) for n in CalendarName)
    assert joint.holidays == us.holidays | jp.holidays
    assert joint.name == "joint"
    assert (joint.first_year, joint.last_year) == (2020, 2035)


def test_names_are_case_insensitive_and_cached() -> None:
    assert build_calendar(" US ") is build_calendar(CalendarName.US)
    assert build_calendar("jp") is build_calendar("JP")
    assert build_calendar("us", 2026, 2027) is not build_calendar("us")
    assert build_calendar("us", 2026, 2027).first_year == 2026


def test_unknown_calendar_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        build_calendar("mars")
    problem = err.value.first
    assert (problem.field, problem.value, problem.rule) == ("calendar", "mars", "calendar.unknown")
    for name in ("us", "jp", "joint"):
        assert name in problem.message


def test_bad_years_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        build_calendar("us", 2030, 2020)
    assert err.value.first.rule == "calendar.bad_year_range"


@pytest.mark.parametrize(
    ("calendar", "day"),
    [("us", "2019-12-31"), ("jp", "2036-01-02"), ("joint", "2036-01-01")],
)
def test_dates_outside_the_default_years_are_refused(calendar: str, day: str) -> None:
    with pytest.raises(InvalidInput) as err:
        build_calendar(calendar).add_business_days(D(day), 1)
    assert err.value.first.rule == "calendar.out_of_range"
    assert day in err.value.first.message


def test_a_window_running_past_the_last_year_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        window_date(D("2035-12-01"), 45, BIZ, build_calendar("us"))
    assert err.value.first.rule == "calendar.out_of_range"


_notices = st.dates(min_value=date(2020, 1, 1), max_value=date(2034, 12, 31))
_calendars = st.sampled_from([build_calendar(n) for n in CalendarName])


@settings(max_examples=300, deadline=None)
@given(cal=_calendars, start=_notices, n=st.integers(min_value=1, max_value=200))
def test_between_inverts_add(cal: BusinessCalendar, start: date, n: int) -> None:
    end = cal.add_business_days(start, n)
    assert cal.business_days_between(start, end) == n
    assert cal.is_business_day(end)
