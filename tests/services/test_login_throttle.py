"""Login throttling at the service: attempts sent at once cannot slip past the limit, and
the wait reported is the one the rule gives. SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.credentials import LoginLimits
from pledge.domain.errors import TooManyRequests
from pledge.domain.lifecycle import Role
from pledge.services import sessions, users
from pledge.services.base import Actor, now
from pledge.store import tables as t
from pledge.store.db import transaction

ADMIN = Actor("setup", Role.ADMIN)


def test_attempts_sent_together_get_no_more_tries_than_the_limit(engine: Engine) -> None:
    users.add_user(engine, "ana", "analyst", ADMIN, password="the right password")

    def attempt(i: int) -> str:
        try:
            got = sessions.log_in(engine, "ana", f"wrong password {i}", f"198.51.100.{i}")
        except TooManyRequests:
            return "throttled"
        return "failed" if got is None else "in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("failed") == 5 and outcomes.count("throttled") == 11
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.login_failures)).scalar_one() \
            == 5


def test_the_wait_counts_from_the_oldest_failure_in_the_window(engine: Engine) -> None:
    limits = LoginLimits(per_name=3, per_address=100, window=timedelta(minutes=10))
    at = now()
    with transaction(engine) as s:  # failures 9, 6 and 3 minutes ago, and one long ago
        for minutes in (9, 6, 3, 30):
            s.execute(t.login_failures.insert().values(
                name="ana", address="192.0.2.1", at=at - timedelta(minutes=minutes)))
    with pytest.raises(TooManyRequests) as err:
        sessions.log_in(engine, "Ana", "whatever it is", "192.0.2.2", limits=limits)
    # The failure 9 minutes ago leaves the 10-minute window in about 60 s.
    assert 55 <= err.value.retry_after <= 60
    assert err.value.first.field == "name" and err.value.first.rule == "auth.throttled"
    with engine.connect() as conn:  # the old row is pruned, the refused try not recorded
        assert conn.execute(select(func.count()).select_from(t.login_failures)).scalar_one() \
            == 3
