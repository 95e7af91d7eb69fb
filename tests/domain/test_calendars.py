"""Business calendars with hand-written holidays (no holiday data, no I/O).

The toy calendar covers 2026 only. January 2026 for reference:

    Mo Tu We Th Fr Sa Su
              1  2  3  4      1 Jan: holiday
     5  6  7  8  9 10 11
    12 13 14 15 16 17 18
    19 20 21 22 23 24 25     19 Jan: holiday
    26 27 28 29 30 31

and 25 December 2026 (a Friday) is a holiday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.calendars import BusinessCalendar, CalendarName, DayUnit, window_date
from pledge.domain.errors import InvalidInput

D = date.fromisoformat

TOY = BusinessCalendar("toy", frozenset({D("2026-01-01"), D("2026-01-19"), D("2026-12-25")}),
                       2026, 2026)
# Two calendars that differ only in one Monday/Tuesday holiday each.
MON = BusinessCalendar("mon", frozenset({D("2026-01-19")}), 2026, 2026)
TUE = BusinessCalendar("tue", frozenset({D("2026-01-20")}), 2025, 2027)
BOTH = BusinessCalendar.joint(MON, TUE, name="both")


def test_enums_have_the_stored_values() -> None:
    assert [c.value for c in CalendarName] == ["us", "jp", "joint"]
    assert [u.value for u in DayUnit] == ["business", "calendar"]
    assert DayUnit("business") is DayUnit.BUSINESS


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-01-01", False),  # holiday (Thursday)
        ("2026-01-02", True),   # Friday
        ("2026-01-03", False),  # Saturday
        ("2026-01-04", False),  # Sunday
        ("2026-01-05", True),   # Monday
        ("2026-01-19", False),  # holiday (Monday)
        ("2026-12-31", True),   # last day covered, a Thursday
    ],
)
def test_is_business_day(day: str, expected: bool) -> None:
    assert TOY.is_business_day(D(day)) is expected


def test_weekend_dates_in_holidays_are_harmless() -> None:
    cal = BusinessCalendar("x", frozenset({D("2026-01-03")}), 2026, 2026)
    assert cal.add_business_days(D("2026-01-02"), 1) == D("2026-01-05")


# notice, n, calendar -> the n-th business day after the notice
ADD_CASES = [
    ("2026-01-01", 1, TOY, "2026-01-02"),   # notice on a holiday: the next day counts
    ("2026-01-01", 2, TOY, "2026-01-05"),
    ("2026-01-02", 1, TOY, "2026-01-05"),   # Friday + 1 = Monday
    ("2026-01-03", 1, TOY, "2026-01-05"),   # Saturday notice
    ("2026-01-04", 1, TOY, "2026-01-05"),   # Sunday notice
    ("2026-01-05", 1, TOY, "2026-01-06"),
    ("2026-01-02", 10, TOY, "2026-01-16"),
    ("2026-01-02", 11, TOY, "2026-01-20"),  # skips the weekend and the Monday holiday
    ("2026-01-16", 1, TOY, "2026-01-20"),
    ("2026-12-24", 1, TOY, "2026-12-28"),   # Christmas Friday and the weekend
    ("2026-12-30", 1, TOY, "2026-12-31"),   # the last business day covered
    ("2026-01-16", 1, MON, "2026-01-20"),
    ("2026-01-16", 1, TUE, "2026-01-19"),
    ("2026-01-16", 1, BOTH, "2026-01-21"),  # joint: skips both holidays
    ("2026-01-16", 2, BOTH, "2026-01-22"),
]


@pytest.mark.parametrize(("notice", "n", "cal", "expected"), ADD_CASES)
def test_add_business_days(notice: str, n: int, cal: BusinessCalendar, expected: str) -> None:
    result = cal.add_business_days(D(notice), n)
    assert result == D(expected)
    assert cal.is_business_day(result)
    assert cal.business_days_between(D(notice), result) == n


@pytest.mark.parametrize(
    ("day", "cal", "expected"),
    [
        ("2026-01-01", TOY, "2026-01-02"),  # holiday -> next day
        ("2026-01-02", TOY, "2026-01-02"),  # business day stays
        ("2026-01-03", TOY, "2026-01-05"),  # Saturday -> Monday
        ("2026-01-04", TOY, "2026-01-05"),  # Sunday -> Monday
        ("2026-01-17", TOY, "2026-01-20"),  # Saturday -> past the Monday holiday
        ("2026-01-19", BOTH, "2026-01-21"),
        ("2026-12-31", TOY, "2026-12-31"),
    ],
)
def test_roll_following(day: str, cal: BusinessCalendar, expected: str) -> None:
    assert cal.roll_following(D(day)) == D(expected)


# a, b -> business days in (a, b], negative when b < a
BETWEEN_CASES = [
    ("2026-01-05", "2026-01-05", 0),    # same day
    ("2026-01-03", "2026-01-03", 0),    # same day, a Saturday
    ("2026-01-03", "2026-01-04", 0),    # a weekend
    ("2026-01-18", "2026-01-19", 0),    # Sunday to the Monday holiday
    ("2026-01-01", "2026-01-02", 1),    # from a holiday
    ("2026-01-02", "2026-01-05", 1),    # over a weekend
    ("2026-01-16", "2026-01-20", 1),    # over a weekend and a holiday
    ("2026-01-02", "2026-01-16", 10),
    ("2026-01-03", "2026-01-17", 10),   # weekend to weekend
    ("2026-01-16", "2026-01-02", -10),  # backwards
    ("2026-01-02", "2026-01-01", -1),
    ("2026-01-20", "2026-01-16", -1),
    ("2026-01-01", "2026-12-31", 258),  # 261 weekdays in 2026 less 3 holidays
]


@pytest.mark.parametrize(("a", "b", "expected"), BETWEEN_CASES)
def test_business_days_between(a: str, b: str, expected: int) -> None:
    assert TOY.business_days_between(D(a), D(b)) == expected
    assert TOY.business_days_between(D(b), D(a)) == -expected


# notice, length, unit, calendar -> window date
WINDOW_CASES = [
    ("2026-01-02", 10, DayUnit.BUSINESS, TOY, "2026-01-16"),
    ("2026-01-02", 11, DayUnit.BUSINESS, TOY, "2026-01-20"),
    ("2026-01-02", 3, DayUnit.CALENDAR, TOY, "2026-01-05"),   # lands on a Monday
    ("2026-01-01", 2, DayUnit.CALENDAR, TOY, "2026-01-05"),   # lands on a Saturday: rolled
    ("2026-01-02", 17, DayUnit.CALENDAR, TOY, "2026-01-20"),  # lands on the holiday: rolled
    ("2026-01-02", 17, DayUnit.CALENDAR, BOTH, "2026-01-21"),
    ("2026-11-30", 25, DayUnit.CALENDAR, TOY, "2026-12-28"),  # Christmas Friday: rolled
    ("2026-01-02", 10, "business", TOY, "2026-01-16"),         # unit given as text
    ("2026-01-02", 17, "calendar", TOY, "2026-01-20"),
]


@pytest.mark.parametrize(("notice", "length", "unit", "cal", "expected"), WINDOW_CASES)
def test_window_date(notice: str, length: int, unit: DayUnit, cal: BusinessCalendar,
                     expected: str) -> None:
    assert window_date(D(notice), length, unit, cal) == D(expected)


def test_joint_calendar_takes_union_of_holidays_and_common_years() -> None:
    assert BOTH.holidays == frozenset({D("2026-01-19"), D("2026-01-20")})
    assert (BOTH.first_year, BOTH.last_year) == (2026, 2026)
    assert BOTH.name == "both"
    assert BusinessCalendar.joint(MON, TUE).name == "mon+tue"
    assert not BOTH.is_business_day(D("2026-01-19"))
    assert not BOTH.is_business_day(D("2026-01-20"))


def test_joint_calendar_errors() -> None:
    with pytest.raises(InvalidInput) as err:
        BusinessCalendar.joint()
    assert err.value.first.rule == "calendar.joint_empty"
    later = BusinessCalendar("later", frozenset(), 2030, 2031)
    with pytest.raises(InvalidInput) as err:
        BusinessCalendar.joint(MON, later)
    assert err.value.first.rule == "calendar.joint_no_overlap"


def test_calendars_compare_by_value() -> None:
    again = BusinessCalendar("toy", frozenset(TOY.holidays), 2026, 2026)
    assert again == TOY
    assert hash(again) == hash(TOY)
    assert "_business" not in repr(TOY)


# (call, the field and the date the refusal names). A date outside 2026 is named itself;
# when only the answer would fall in 2027, the start it was counted from is named.
OUT_OF_RANGE = [
    (lambda: TOY.is_business_day(D("2025-12-31")), "on", D("2025-12-31")),
    (lambda: TOY.is_business_day(D("2027-01-01")), "on", D("2027-01-01")),
    (lambda: TOY.roll_following(D("2025-12-31")), "on", D("2025-12-31")),
    (lambda: TOY.add_business_days(D("2025-12-31"), 1), "start", D("2025-12-31")),
    # Thursday 31 December 2026 plus one business day is Friday 1 January 2027.
    (lambda: TOY.add_business_days(D("2026-12-31"), 1), "start", D("2026-12-31")),
    # After Tuesday 1 December 2026 only 21 business days remain in the year (below).
    (lambda: TOY.add_business_days(D("2026-12-01"), 22), "start", D("2026-12-01")),
    (lambda: TOY.add_business_days(D("2026-12-01"), 30), "start", D("2026-12-01")),
    (lambda: TOY.business_days_between(D("2026-01-05"), D("2027-01-04")), "b", D("2027-01-04")),
    (lambda: TOY.business_days_between(D("2025-12-31"), D("2026-01-05")), "a", D("2025-12-31")),
    # 20 December 2026 plus 45 days is 3 February 2027.
    (lambda: window_date(D("2026-12-20"), 45, DayUnit.CALENDAR, TOY), "start", D("2026-12-20")),
    (lambda: window_date(D("2026-12-20"), 10**9, DayUnit.CALENDAR, TOY), "start",
     D("2026-12-20")),
    (lambda: window_date(D("2026-12-20"), 45, DayUnit.BUSINESS, TOY), "start", D("2026-12-20")),
]


@pytest.mark.parametrize(("call", "field", "named"), OUT_OF_RANGE)
def test_dates_outside_the_years_are_refused(call: Callable[[], object], field: str,
                                             named: date) -> None:
    with pytest.raises(InvalidInput) as err:
        call()
    problem = err.value.first
    assert (problem.rule, problem.field, problem.value) == ("calendar.out_of_range", field,
                                                            named)


def test_the_last_business_day_of_the_years_is_still_answered() -> None:
    # After Tuesday 1 December 2026: 3 business days that week, 5, 5, 4 (the 25th is a
    # holiday) and 4 (28-31): the 21st is Thursday 31 December, the last one covered.
    assert TOY.add_business_days(D("2026-12-01"), 21) == D("2026-12-31")
    assert TOY.business_days_between(D("2026-12-01"), D("2026-12-31")) == 21


def test_out_of_range_names_the_date() -> None:
    with pytest.raises(InvalidInput) as err:
        TOY.is_business_day(D("2027-03-01"))
    problem = err.value.first
    assert problem.value == D("2027-03-01")
    assert "2027-03-01" in problem.message
    assert "2026" in problem.message


@pytest.mark.parametrize("n", [0, -1, -45])
def test_non_positive_counts_are_refused(n: int) -> None:
    with pytest.raises(InvalidInput) as err:
        TOY.add_business_days(D("2026-03-02"), n)
    assert (err.value.first.field, err.value.first.rule) == ("n", "calendar.non_positive")
    with pytest.raises(InvalidInput) as err:
        window_date(D("2026-03-02"), n, DayUnit.CALENDAR, TOY)
    assert (err.value.first.field, err.value.first.rule) == ("length", "calendar.non_positive")


@pytest.mark.parametrize("n", [True, 1.0, "1"])
def test_non_integer_counts_are_refused(n: object) -> None:
    with pytest.raises(InvalidInput) as err:
        TOY.add_business_days(D("2026-03-02"), n)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert err.value.first.rule == "calendar.non_positive"


def test_non_dates_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        TOY.is_business_day("2026-03-02")  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert err.value.first.rule == "calendar.bad_date"


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        window_date(D("2026-03-02"), 45, "weeks", TOY)
    assert (err.value.first.field, err.value.first.rule) == ("unit", "calendar.unknown_unit")
    assert "business" in err.value.first.message


@pytest.mark.parametrize(
    ("first", "last", "rule"),
    [
        (2027, 2026, "calendar.bad_year_range"),
        (0, 2026, "calendar.bad_year"),
        (2026, 9999, "calendar.bad_year"),
        (True, 2026, "calendar.bad_year"),
    ],
)
def test_bad_year_ranges_are_refused(first: int, last: int, rule: str) -> None:
    with pytest.raises(InvalidInput) as err:
        BusinessCalendar("x", frozenset(), first, last)
    assert err.value.first.rule == rule


# -- properties ---------------------------------------------------------------

# Three years; at most 60 holidays, so 200 business days always fit after a
# notice in the first year.
FIRST, LAST = 2024, 2026
_days = st.dates(min_value=date(FIRST, 1, 1), max_value=date(LAST, 12, 31))
_holiday_sets = st.frozensets(_days, max_size=60)
_notices = st.dates(min_value=date(FIRST, 1, 1), max_value=date(FIRST, 12, 31))


def _naive_add(cal: BusinessCalendar, start: date, n: int) -> date:
    d = start
    while n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in cal.holidays:
            n -= 1
    return d


@settings(max_examples=200, deadline=None)
@given(holidays=_holiday_sets, start=_notices, n=st.integers(min_value=1, max_value=200))
def test_between_inverts_add(holidays: frozenset[date], start: date, n: int) -> None:
    cal = BusinessCalendar("random", holidays, FIRST, LAST)
    end = cal.add_business_days(start, n)
    assert cal.business_days_between(start, end) == n
    assert cal.is_business_day(end)
    assert end == _naive_add(cal, start, n)


@settings(max_examples=200, deadline=None)
@given(holidays=_holiday_sets, a=_days, b=_days, c=_days)
def test_between_is_antisymmetric_and_additive(holidays: frozenset[date], a: date, b: date,
                                               c: date) -> None:
    cal = BusinessCalendar("random", holidays, FIRST, LAST)
    assert cal.business_days_between(a, b) == -cal.business_days_between(b, a)
    assert (cal.business_days_between(a, b) + cal.business_days_between(b, c)
            == cal.business_days_between(a, c))


@settings(max_examples=200, deadline=None)
@given(holidays=_holiday_sets, day=_notices)
def test_roll_following_is_the_first_business_day_on_or_after(holidays: frozenset[date],
                                                               day: date) -> None:
    cal = BusinessCalendar("random", holidays, FIRST, LAST)
    rolled = cal.roll_following(day)
    assert cal.is_business_day(rolled)
    assert rolled >= day
    assert all(not cal.is_business_day(day + timedelta(days=k))
               for k in range((rolled - day).days))


# -- what each refusal says ------------------------------------------------------------

# The toy calendar with the last four weekdays of 2026 off: nothing rolls past Christmas.
SHUT = BusinessCalendar("shut", frozenset({D("2026-12-28"), D("2026-12-29"), D("2026-12-30"),
                                           D("2026-12-31")}), 2026, 2026)

CALENDAR_REFUSALS = [
    ("a year that is not a whole number",
     lambda: BusinessCalendar("x", frozenset(), 2026.0, 2026),  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
     ("first_year", 2026.0, "calendar.bad_year", "first_year must be a whole number, not 2026.0")),
    ("a last year at the datetime limit",
     lambda: BusinessCalendar("x", frozenset(), 2026, 9999),
     ("last_year", 9999, "calendar.bad_year", "last_year must be between 2 and 9998")),
    ("years in the wrong order",
     lambda: BusinessCalendar("x", frozenset(), 2027, 2026),
     ("last_year", 2026, "calendar.bad_year_range", "last_year 2026 is before first_year 2027")),
    ("a count that is not a whole number",
     lambda: TOY.add_business_days(D("2026-03-02"), "3"),  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
     ("n", "3", "calendar.non_positive", "n must be a whole number of days, not '3'")),
    ("no days at all",
     lambda: window_date(D("2026-03-02"), 0, DayUnit.BUSINESS, TOY),
     ("length", 0, "calendar.non_positive", "length must be at least 1 day, not 0")),
    ("a text for a date",
     lambda: TOY.business_days_between(D("2026-03-02"), "2026-03-09"),  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
     ("b", "2026-03-09", "calendar.bad_date", "b must be a date, not '2026-03-09'")),
    ("a date after the calendar",
     lambda: TOY.business_days_between(D("2027-01-04"), D("2026-03-09")),
     ("a", D("2027-01-04"), "calendar.out_of_range",
      "2027-01-04 is outside the toy calendar, which covers 2026–2026 only")),
    ("a notice after the calendar",
     lambda: TOY.add_business_days(D("2027-01-04"), 1),
     ("start", D("2027-01-04"), "calendar.out_of_range",
      "2027-01-04 is outside the toy calendar, which covers 2026–2026 only")),
    ("no business day left to roll to",
     lambda: SHUT.roll_following(D("2026-12-26")),
     ("on", D("2026-12-26"), "calendar.out_of_range",
      "the first business day on or after 2026-12-26 falls after the end of the shut "
      "calendar (2026-12-31)")),
    ("an answer after the calendar",
     lambda: TOY.add_business_days(D("2026-12-30"), 2),
     ("start", D("2026-12-30"), "calendar.out_of_range",
      "the 2th business day after 2026-12-30 falls after the end of the toy calendar "
      "(2026-12-31)")),
    ("a window counted from a date after the calendar",
     lambda: window_date(D("2027-01-04"), 5, DayUnit.CALENDAR, TOY),
     ("start", D("2027-01-04"), "calendar.out_of_range",
      "2027-01-04 is outside the toy calendar, which covers 2026–2026 only")),
    ("a window ending after the calendar",
     lambda: window_date(D("2026-12-21"), 11, DayUnit.CALENDAR, TOY),
     ("start", D("2026-12-21"), "calendar.out_of_range",
      "11 days after 2026-12-21 falls after the end of the toy calendar (2026-12-31)")),
    ("an unknown unit",
     lambda: window_date(D("2026-03-02"), 45, "weeks", TOY),
     ("unit", "weeks", "calendar.unknown_unit",
      "unknown day unit 'weeks'; expected one of: business, calendar")),
    ("no calendar to join",
     lambda: BusinessCalendar.joint(),
     ("calendars", (), "calendar.joint_empty", "a joint calendar needs at least one calendar")),
    ("calendars with no year in common",
     lambda: BusinessCalendar.joint(MON, BusinessCalendar("later", frozenset(), 2030, 2031)),
     ("calendars", "mon+later", "calendar.joint_no_overlap",
      "the calendars share no year (mon 2026–2026, later 2030–2031)")),
]


@pytest.mark.parametrize(("case", "call", "expected"), CALENDAR_REFUSALS,
                         ids=[c[0] for c in CALENDAR_REFUSALS])
def test_each_refusal_says_what_is_wrong(case: str, call: object,
                                         expected: tuple[object, ...]) -> None:
    with pytest.raises(InvalidInput) as err:
        call()  # type: ignore[operator]  # each case's call is a function
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [expected]


def test_the_first_and_last_years_that_a_calendar_may_cover() -> None:
    low = BusinessCalendar("low", frozenset(), 2, 2)
    high = BusinessCalendar("high", frozenset(), 9998, 9998)
    assert (low.first_day, high.last_day) == (date(2, 1, 1), date(9998, 12, 31))
    with pytest.raises(InvalidInput) as err:
        BusinessCalendar("x", frozenset(), 1, 2026)
    assert (err.value.first.field, err.value.first.value) == ("first_year", 1)


def test_a_calendar_covers_whole_years_at_both_ends() -> None:
    cal = BusinessCalendar("two", frozenset(), 2026, 2027)
    assert (cal.first_day, cal.last_day) == (date(2026, 1, 1), date(2027, 12, 31))
    assert cal.is_business_day(D("2026-01-01")) and cal.is_business_day(D("2027-12-31"))
    # 261 weekdays in each year; the count leaves out its first day, 1 January 2026.
    assert cal.business_days_between(D("2026-01-01"), D("2027-12-31")) == 261 + 261 - 1


def test_a_window_may_end_on_the_last_day_covered() -> None:
    # Monday 21 December + 10 days is Thursday 31 December, the last day the calendar knows.
    assert window_date(D("2026-12-21"), 10, DayUnit.CALENDAR, TOY) == D("2026-12-31")
    assert TOY.add_business_days(D("2026-12-30"), 1) == D("2026-12-31")


def test_a_joint_calendar_keeps_the_holidays_of_each() -> None:
    joint = BusinessCalendar.joint(TOY, TUE)
    assert joint.name == "toy+tue"
    assert joint.holidays == TOY.holidays | TUE.holidays
    assert [joint.is_business_day(D(d)) for d in ("2026-01-19", "2026-01-20", "2026-01-21")] \
        == [False, False, True]
    one = BusinessCalendar.joint(TUE)
    assert (one.name, one.first_year, one.last_year) == ("tue", 2025, 2027)
    assert BusinessCalendar.joint(TOY, TUE, name="toy and tue").name == "toy and tue"


def test_a_calendar_built_now_knows_nothing_past_its_last_year() -> None:
    # Built inside the test (not at import), so that every rule of the constructor runs.
    cal = BusinessCalendar("y", frozenset(), 2026, 2026)
    with pytest.raises(InvalidInput) as err:
        cal.add_business_days(D("2026-12-31"), 1)  # Friday 1 January 2027 is not known
    assert (err.value.first.field, err.value.first.rule) == ("start", "calendar.out_of_range")
    assert cal.business_days_between(D("2026-01-01"), D("2026-12-31")) == 261 - 1
    with pytest.raises(InvalidInput) as err:
        cal.is_business_day(D("2027-01-01"))
    assert (err.value.first.field, err.value.first.value) == ("on", D("2027-01-01"))
