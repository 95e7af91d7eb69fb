"""Loading a user's exchange rates (``services.money.load_rates``): who may, what they
replace, what a conversion then uses, and that a bad file changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.errors import InvalidInput, NotFound, PledgeError
from pledge.domain.money import MoneyRange
from pledge.services import money
from pledge.services.base import Actor
from pledge.store import tables as t

ADMIN = Actor.of("treasury desk", "admin")
GBP_ROWS = ("date,base,quote,rate,source,note\n"
            "2026-01-05,USD,GBP,0.85,https://example.org/ecb-0105,\n"
            "2026-01-06,USD,GBP,0.86,https://example.org/ecb-0106,second day\n")


def _rows(engine: Engine) -> list[tuple[date, str, str, Decimal, str]]:
    with engine.connect() as conn:
        return [(r.on, r.base, r.quote, Decimal(r.rate), r.source) for r in conn.execute(
            select(t.fx_rates).order_by(t.fx_rates.c.on, t.fx_rates.c.id))]


def _loads_audited(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action == "fx.load")) or 0)


def test_loaded_rates_are_stored_audited_and_used(engine: Engine) -> None:
    dollars = MoneyRange(Decimal("1000000"), Decimal("2000000"), "USD")
    with pytest.raises(NotFound) as none_yet:
        money.rate_table(engine).convert(dollars, "GBP", date(2026, 1, 6))
    assert none_yet.value.first.rule == "fx.no_rate"

    assert money.load_rates(engine, GBP_ROWS, ADMIN) == 2
    assert _rows(engine) == [
        (date(2026, 1, 5), "USD", "GBP", Decimal("0.85"), "https://example.org/ecb-0105"),
        (date(2026, 1, 6), "USD", "GBP", Decimal("0.86"), "https://example.org/ecb-0106")]
    assert _loads_audited(engine) == 1
    c = money.rate_table(engine).convert(dollars, "GBP", date(2026, 1, 7))
    assert (c.result.low, c.result.high, c.result.currency) == (
        Decimal("860000.00"), Decimal("1720000.00"), "GBP")
    assert (c.rate_date, c.source) == (date(2026, 1, 6), "https://example.org/ecb-0106")
    # the day before the second rate still uses the first
    earlier = money.rate_table(engine).convert(dollars, "GBP", date(2026, 1, 5))
    assert earlier.result.low == Decimal("850000.00")


def test_a_rate_on_the_same_date_and_pair_replaces_the_one_loaded(engine: Engine) -> None:
    money.load_rates(engine, GBP_ROWS, ADMIN)
    again = "date,base,quote,rate,source\n2026-01-06,usd,gbp,0.9,https://example.org/fix\n"
    assert money.load_rates(engine, again, ADMIN) == 1
    assert [(r[0], r[3], r[4]) for r in _rows(engine)] == [
        (date(2026, 1, 5), Decimal("0.85"), "https://example.org/ecb-0105"),
        (date(2026, 1, 6), Decimal("0.9"), "https://example.org/fix")]
    assert _loads_audited(engine) == 2


def test_only_an_admin_loads_rates(engine: Engine) -> None:
    with pytest.raises(PledgeError) as refused:
        money.load_rates(engine, GBP_ROWS, Actor.of("ana", "analyst"))
    assert (refused.value.first.field, refused.value.first.value, refused.value.first.rule) == (
        "role", "analyst", "auth.forbidden")
    assert _rows(engine) == [] and _loads_audited(engine) == 0


def test_a_file_with_one_bad_row_loads_nothing(engine: Engine) -> None:
    text = GBP_ROWS + "2026-01-07,USD,XYZ,-1,,\n"
    with pytest.raises(InvalidInput) as refused:
        money.load_rates(engine, text, ADMIN)
    assert {(p.field, p.value, p.rule) for p in refused.value.problems} == {
        ("row 4 column quote", "XYZ", "fx.unknown_currency"),
        ("row 4 column rate", "-1", "fx.bad_rate"),
        ("row 4 column source", "", "fx.missing_source")}
    assert _rows(engine) == [] and _loads_audited(engine) == 0
