"""Fair use: each role's allowance, the queue limits and the wait they suggest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pledge.domain import fair_use
from pledge.domain.errors import InvalidInput, TooManyRequests
from pledge.domain.lifecycle import Role

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def test_every_role_has_an_allowance_and_analysts_the_smallest() -> None:
    assert set(fair_use.ALLOWANCES) == set(Role)
    analyst = fair_use.allowance(Role.ANALYST)
    assert (analyst.paths, analyst.time_limit, analyst.open_jobs) == (200_000, 10.0, 1)
    for role in (Role.IC, Role.PRESIDENT, Role.CC_US, Role.CC_JP, Role.FUNDER):
        assert fair_use.allowance(role) == fair_use.Allowance(2_000_000, 60.0, 2)
    assert fair_use.allowance(Role.ADMIN).paths == 10_000_000


@pytest.mark.parametrize(("role", "paths", "cap"), [
    (Role.ANALYST, 200_001, "200,000"), (Role.CC_JP, 2_000_001, "2,000,000"),
    (Role.ADMIN, 10_000_001, "10,000,000")])
def test_paths_beyond_the_role_are_refused_naming_the_field_and_the_cap(
        role: Role, paths: int, cap: str) -> None:
    fair_use.check_paths(role, paths - 1)  # the cap itself is allowed
    with pytest.raises(InvalidInput) as err:
        fair_use.check_paths(role, paths)
    p = err.value.first
    assert (p.field, p.value, p.rule) == ("paths", paths, "fair_use.paths")
    assert cap in p.message and role.value in p.message


def test_a_time_limit_defaults_to_the_role_cap_and_may_not_exceed_it() -> None:
    assert fair_use.check_time_limit(Role.ANALYST, None) == 10.0
    assert fair_use.check_time_limit(Role.ANALYST, 2.5) == 2.5
    assert fair_use.check_time_limit(Role.IC, 45) == 45
    with pytest.raises(InvalidInput) as err:
        fair_use.check_time_limit(Role.ANALYST, 11)
    p = err.value.first
    assert (p.field, p.rule) == ("time_limit", "fair_use.time_limit")
    assert "at most 10 seconds" in p.message


def test_work_counts_paths_and_each_projects_overhead() -> None:
    assert fair_use.simulation_work(3, 1000) == 3 * (1000 + fair_use.PROJECT_OVERHEAD)
    assert fair_use.simulation_work(0, 10_000) == 0
    assert fair_use.fits_inline(fair_use.INLINE_WORK)
    assert not fair_use.fits_inline(fair_use.INLINE_WORK + 1)
    assert not fair_use.fits_inline(0, fair_use.INLINE_CANDIDATES + 1)
    assert not fair_use.fits_inline(0, frontier=True)


def job(by: str, started_min_ago: float | None, progress: float) -> fair_use.OpenJob:
    started = None if started_min_ago is None else NOW - timedelta(minutes=started_min_ago)
    return fair_use.OpenJob(by, started, progress)


def test_the_wait_is_the_soonest_end_at_the_pace_so_far() -> None:
    # 60 s for a quarter: 180 s to go; 30 s for half: 30 s to go -> 30.
    assert fair_use.wait_estimate([job("a", 1, 0.25), job("b", 0.5, 0.5)], NOW) == 30
    # a time without a zone (as SQLite returns it) is UTC
    naive = fair_use.OpenJob("a", (NOW - timedelta(seconds=30)).replace(tzinfo=None), 0.5)
    assert fair_use.wait_estimate([naive], NOW) == 30
    # queued jobs and jobs without progress give nothing to go on
    assert fair_use.wait_estimate([job("a", None, 0.0), job("b", 1, 0.0)], NOW) == \
        fair_use.DEFAULT_WAIT
    # never less than a second, never more than the longest wait
    assert fair_use.wait_estimate([job("a", 0.001, 0.99)], NOW) == 1
    assert fair_use.wait_estimate([job("a", 600, 0.01)], NOW) == fair_use.LONGEST_WAIT


def test_the_queue_refuses_beyond_the_authors_allowance_then_beyond_the_server() -> None:
    fair_use.check_queue("ann", Role.ANALYST, [job("bob", 1, 0.5)], NOW)
    with pytest.raises(TooManyRequests) as err:
        fair_use.check_queue("ann", Role.ANALYST, [job("ann", 1, 0.5)], NOW)
    assert (err.value.first.field, err.value.first.rule) == ("jobs", "fair_use.too_many_jobs")
    assert err.value.retry_after == 60  # a minute for half: a minute to go
    fair_use.check_queue("ic1", Role.IC, [job("ic1", None, 0.0)], NOW)  # committees have 2
    others = [job(f"user{i}", None, 0.0) for i in range(fair_use.QUEUE_LIMIT)]
    with pytest.raises(TooManyRequests) as err:
        fair_use.check_queue("ann", Role.ANALYST, others, NOW)
    assert err.value.first.rule == "fair_use.queue_full"
    assert err.value.retry_after == fair_use.DEFAULT_WAIT
    fair_use.check_queue("ann", Role.ANALYST, others[1:], NOW)
