"""The credential rules: login limits, session lifetimes, token expiry and rotation grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pledge.domain.credentials import (
    SessionTimes,
    parse_duration,
    retry_after,
    rotation_grace,
    token_expiry,
    touch_due,
)
from pledge.domain.errors import InvalidInput

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def _ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_attempts_are_allowed_below_the_limit() -> None:
    assert retry_after(_ago(1, 2, 3, 4), 5, WINDOW, NOW) is None
    assert retry_after([], 5, WINDOW, NOW) is None


def test_at_the_limit_the_wait_is_until_the_oldest_counted_failure_leaves_the_window() -> None:
    # Failures 10, 8, 6, 4 and 2 minutes ago: the oldest leaves the window in 5 minutes.
    assert retry_after(_ago(10, 8, 6, 4, 2), 5, WINDOW, NOW) == 300


def test_failures_older_than_the_window_do_not_count() -> None:
    assert retry_after(_ago(20, 16, 8, 6, 4), 5, WINDOW, NOW) is None


def test_beyond_the_limit_the_wait_lasts_until_fewer_than_the_limit_remain() -> None:
    # Seven failures (a race let two more through): 14..2 minutes ago. Four remain once
    # the third oldest (10 minutes ago) leaves, in 5 minutes.
    assert retry_after(_ago(14, 12, 10, 8, 6, 4, 2), 5, WINDOW, NOW) == 300


def test_the_wait_is_rounded_up_to_a_whole_second_and_never_zero() -> None:
    at = [NOW - WINDOW + timedelta(milliseconds=200)] * 5
    assert retry_after(at, 5, WINDOW, NOW) == 1
    at = [NOW - timedelta(minutes=14, seconds=30, milliseconds=500)] * 5
    assert retry_after(at, 5, WINDOW, NOW) == 30


def test_a_session_ends_when_idle_or_at_its_absolute_time() -> None:
    times = SessionTimes(idle=timedelta(hours=2), absolute=timedelta(hours=8))
    login = NOW - timedelta(hours=3)
    ends = times.expires_at(login)
    assert ends == login + timedelta(hours=8)
    assert times.is_live(ends, NOW - timedelta(minutes=119), NOW)
    assert not times.is_live(ends, NOW - timedelta(hours=2), NOW)
    assert not times.is_live(NOW, NOW, NOW)  # used this second, but its time is up


def test_last_use_is_written_at_most_once_a_minute() -> None:
    assert touch_due(None, NOW)
    assert not touch_due(NOW - timedelta(seconds=59), NOW)
    assert touch_due(NOW - timedelta(seconds=60), NOW)


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", timedelta(minutes=30)), ("12h", timedelta(hours=12)), ("90d", timedelta(days=90)),
    ("2w", timedelta(days=14)), ("0", timedelta(0)), (" 3D ", timedelta(days=3))])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text, "grace") == expected


@pytest.mark.parametrize("text", ["", "90", "1y", "-1d", "1.5h", "d"])
def test_bad_durations_name_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_duration(text, "grace")
    assert err.value.first.field == "grace" and err.value.first.rule == "input.bad_duration"


def test_token_expiry_by_default_lifetime_or_date() -> None:
    assert token_expiry(None, NOW) == NOW + timedelta(days=90)
    assert token_expiry(None, NOW, default_days=7) == NOW + timedelta(days=7)
    assert token_expiry("30d", NOW) == NOW + timedelta(days=30)
    # A date is the last day the token works: it stops at the next midnight, UTC.
    assert token_expiry("2026-06-30", NOW) == datetime(2026, 7, 1, tzinfo=UTC)
    assert token_expiry("never", NOW) is None and token_expiry("NEVER", NOW) is None


@pytest.mark.parametrize("text", ["2026-05-03", "0", "2026-02-30", "forever", "3651d"])
def test_expiries_in_the_past_too_far_or_unreadable_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        token_expiry(text, NOW)
    assert err.value.first.field == "expires" and err.value.first.rule == "users.bad_expiry"


def test_rotation_grace_is_bounded() -> None:
    assert rotation_grace(None) == timedelta(0)
    assert rotation_grace("1h") == timedelta(hours=1)
    with pytest.raises(InvalidInput) as err:
        rotation_grace("31d")
    assert err.value.first.rule == "users.bad_grace"
