"""The demo's books: a funded project paying out on both sides of the partner's recovery."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pledge.services import capital
from pledge.services.demo import DEMO_DISTRIBUTIONS
from pledge.store.db import make_engine


def test_the_demo_project_pays_out_before_across_and_after_recovery(demo_url: str) -> None:
    last = max(on for on, _ in DEMO_DISTRIBUTIONS)
    account = capital.statement(make_engine(demo_url), 26, last).account
    phases = [d.phase.value if d.phase else None for d in account.distributions]
    assert phases == ["pre_recovery", "pre_recovery", "crossing", "post_recovery"]
    crossing = account.distributions[2]
    assert crossing.balance_before > 0 and crossing.balance_after == 0
    assert account.recouped_on == crossing.on
    assert account.balance == 0
    assert sum((d.amount for d in account.distributions), Decimal(0)) == Decimal(1_600_000_000)
    for d in account.distributions:
        assert d.partner + d.us == d.amount
    # before the crossing the account is still owed
    assert capital.statement(make_engine(demo_url), 26, date(2026, 10, 29)
                             ).account.recouped_on is None
