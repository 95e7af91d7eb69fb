"""A project's books through the services: the statement, and distributions split by the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.capital import CapitalTerms, DayCount, year_fraction
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.waterfall import Compounding, SplitTerms, run_waterfall
from pledge.services import capital, frameworks, funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import transaction

D = Decimal
IC = Actor.of("Investment Committee", "ic")
CC = Actor.of("Consultation Committee", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
FUNDER = Actor.of("JBIC", "funder")
ADMIN = Actor.of("setup", "admin")
COPPER = 32  # US$2bn; proposed in the default data


def notify_copper(engine: Engine) -> None:
    """Taken up, short-listed, consulted, recommended, selected, notified (fund by 06-09)."""
    projects.advance(engine, COPPER, "under_review", CC, date(2026, 3, 31))
    projects.advance(engine, COPPER, "finalist", IC, date(2026, 3, 31))
    projects.consult(engine, COPPER, "committee", CC, date(2026, 4, 1),
                     sources=["https://example.org/committee-minutes"])
    projects.advance(engine, COPPER, "recommended", IC, date(2026, 4, 2))
    projects.advance(engine, COPPER, "selected", PRESIDENT, date(2026, 4, 3), "first batch",
                     ["https://example.org/selection"])
    projects.advance(engine, COPPER, "notified", IC, date(2026, 4, 6))


def fund_copper(engine: Engine) -> None:
    """A loan, a guarantee (not cash) and equity, all within the window."""
    notify_copper(engine)
    funding.fund(engine, COPPER, "1000000000.00", date(2026, 6, 1), "loan", "JBIC", FUNDER)
    funding.fund(engine, COPPER, "US$250m", date(2026, 6, 2), "guarantee", "NEXI", FUNDER)
    funding.fund(engine, COPPER, "200000000.00", date(2026, 6, 3), "equity", "JBIC", FUNDER)


def counts(engine: Engine) -> tuple[int, int, int]:
    with transaction(engine) as s:
        return tuple(int(s.execute(select(func.count()).select_from(tbl)).scalar_one())
                     for tbl in (t.ledger_entries, t.postings, t.audit_log))  # type: ignore[return-value]  # three counts


def test_the_statement_counts_cash_only_and_accrues_deemed_interest(engine: Engine) -> None:
    fund_copper(engine)
    st = capital.statement(engine, COPPER, date(2027, 6, 1))
    a = st.account
    assert a.contributed == D("1200000000.00")
    assert a.by_instrument == {"loan": D("1000000000.00"), "equity": D("200000000.00")}
    assert [(g.instrument, g.amount) for g in st.guarantees] == [("guarantee", D("250000000"))]
    # Japan: 6% a year (4% benchmark + 200bp), compound; no day count set: act/365 assumed.
    # Interest is booked on 06-03 (two days on 1bn) and on the statement's date.
    first = (D("1000000000.00") * D("1.06") ** (D(2) / D(365))).quantize(D("0.01"))
    owed = ((first + D("200000000.00")) * D("1.06") ** (D(363) / D(365))).quantize(D("0.01"))
    assert a.balance == owed
    assert a.deemed_interest == owed - D("1200000000.00")
    assert (a.partner_distributions, a.us_distributions, a.recouped_on) == (
        D(0), D(0), None)
    assert a.partner_irr is None and a.partner_moic == 0
    doc = st.document()
    assert {"project", "as_of", "contributed", "deemed_interest", "partner_distributions",
            "us_distributions", "balance", "recouped_on", "partner_irr",
            "partner_moic"} <= set(doc)
    assert doc["convention"]["compounding"] == "compound"
    assert doc["convention"]["day_count"] == "act/365"
    assert doc["convention"]["day_count_assumed"] is True
    assert doc["balance"] == format(owed, "f") and doc["recouped_on"] is None


def test_a_distribution_crossing_recovery_is_split_inside_it(engine: Engine) -> None:
    fund_copper(engine)
    on = date(2028, 6, 3)
    owed = capital.statement(engine, COPPER, on).account.balance
    cash = D("3000000000.00")
    r = capital.distribute(engine, COPPER, on, IC, amount="US$3bn")
    # 2 x owed clears the balance 50/50; the rest goes 10/90
    partner = (owed + D("0.1") * (cash - 2 * owed)).quantize(D("0.01"))
    assert (r.partner, r.us, r.amount) == (partner, cash - partner, cash)
    assert (r.balance_before, r.balance_after, r.phase.value) == (owed, D(0), "crossing")
    a = capital.statement(engine, COPPER, date(2029, 1, 1)).account
    assert (a.balance, a.recouped_on) == (D(0), on)
    assert (a.partner_distributions, a.us_distributions) == (r.partner, r.us)
    # afterwards 90/10 in the US's favour
    after = capital.distribute(engine, COPPER, date(2028, 9, 1), IC, amount="1000000.05")
    assert (after.partner, after.us, after.phase.value) == (D("100000.00"), D("900000.05"),
                                                            "post_recovery")
    assert after.partner + after.us == D("1000000.05")


def test_a_manual_split_that_is_not_the_rule_is_refused_and_nothing_is_written(
        engine: Engine) -> None:
    fund_copper(engine)
    before = counts(engine)
    with pytest.raises(RuleViolation) as err:
        funding.distribute(engine, COPPER, "10m", "90m", date(2026, 9, 1), IC)
    assert err.value.first.rule == "distribution.split_mismatch"
    assert "partner 50000000.00 / us 50000000.00" in err.value.first.message
    assert counts(engine) == before
    # the rule's own split is accepted in the old form
    r = funding.distribute(engine, COPPER, "50000000", "50000000", date(2026, 9, 1), IC)
    assert (r.partner, r.us, r.phase.value) == (D(50000000), D(50000000), "pre_recovery")
    assert counts(engine) != before


def test_bad_distributions_name_the_field(sqlite_engine: Engine) -> None:
    fund_copper(sqlite_engine)
    for kwargs, field, rule in [
        ({"amount": "0"}, "amount", "distribution.not_positive"),
        ({"amount": "¥1bn"}, "amount", "funding.currency"),
        ({"partner": "1"}, "us", "input.missing"),
        ({"amount": "3", "partner": "1", "us": "1"}, "amount", "distribution.shares_total"),
        ({}, "amount", "input.missing"),
    ]:
        with pytest.raises(InvalidInput) as err:
            capital.distribute(sqlite_engine, COPPER, date(2026, 9, 1), IC, **kwargs)
        assert (err.value.first.field, err.value.first.rule) == (field, rule), kwargs
    capital.distribute(sqlite_engine, COPPER, date(2026, 9, 1), IC, amount="10")
    with pytest.raises(RuleViolation) as rv:
        capital.distribute(sqlite_engine, COPPER, date(2026, 8, 1), IC, amount="10")
    assert rv.value.first.rule == "distribution.out_of_order"
    with pytest.raises(RuleViolation) as rv:
        capital.distribute(sqlite_engine, 24, date(2026, 9, 1), IC, amount="10")  # not funded
    assert rv.value.first.rule == "ledger.not_funded"


def test_the_account_is_the_exact_waterfall_on_the_same_dated_cash(
        sqlite_engine: Engine) -> None:
    # With the day count set to 30/360 and movements on the same day of every third month,
    # each period is a quarter of a year: the statement must be the exact waterfall (6%
    # compound, quarterly) fed with the same cash, cent for cent.
    frameworks.amend_framework(sqlite_engine, "japan", date(2026, 1, 1),
                               {"deemed_rate.day_count": "30/360"},
                               ["https://example.org/day-count"], "30/360", ADMIN)
    notify_copper(sqlite_engine)
    funding.fund(sqlite_engine, COPPER, "1000000000.00", date(2026, 6, 1), "loan", "JBIC",
                 FUNDER)
    cash = [D("30000000.00"), D("45000000.01"), D("0.03"), D("90000000.00"),
            D("2500000000.00"), D("12345678.91"), D("70000000.00")]
    days = [date(2026 + (5 + 3 * k) // 12, (5 + 3 * k) % 12 + 1, 1) for k in range(1, 8)]
    assert days[0] == date(2026, 9, 1) and days[-1] == date(2028, 3, 1)
    assert all(year_fraction(a, b, DayCount.THIRTY_360) == D("0.25")
               for a, b in zip([date(2026, 6, 1), *days], days, strict=False))
    got = [capital.distribute(sqlite_engine, COPPER, on, IC, amount=str(c))
           for on, c in zip(days, cash, strict=True)]
    wf = run_waterfall([D("1000000000.00")] + [D(0)] * 7, [D(0), *cash],
                       SplitTerms(D("0.06"), 4, D("0.5"), D("0.1"), Compounding.COMPOUND))
    assert [(r.partner, r.us, r.balance_after) for r in got] == [
        (p.partner, p.us, p.balance) for p in wf.periods[1:]]
    st = capital.statement(sqlite_engine, COPPER, days[-1])
    a = st.account
    assert a.balance == wf.periods[-1].balance
    assert (a.partner_distributions, a.us_distributions) == (wf.partner_total, wf.us_total)
    assert wf.recoup_period is not None and a.recouped_on == days[wf.recoup_period - 1]
    assert st.document()["convention"]["day_count_assumed"] is False
    assert isinstance(a.terms, CapitalTerms)


def test_a_framework_without_a_deemed_rate_cannot_keep_the_account(
        sqlite_engine: Engine) -> None:
    pid = projects.add_project(sqlite_engine, projects.NewProject(
        name="A Korean shipyard", sector="shipbuilding", framework="korea"), ADMIN).summary.id
    with pytest.raises(RuleViolation) as err:
        capital.statement(sqlite_engine, pid, date(2027, 1, 1))
    assert (err.value.first.field, err.value.first.rule) == ("framework", "capital.no_rate")


def test_the_statement_workbook(sqlite_engine: Engine) -> None:
    from io import BytesIO

    from openpyxl import load_workbook  # type: ignore[import-untyped]  # openpyxl has no inline types

    fund_copper(sqlite_engine)
    capital.distribute(sqlite_engine, COPPER, date(2026, 9, 1), IC, amount="1.91")
    st = capital.statement(sqlite_engine, COPPER, date(2027, 1, 1))
    wb = load_workbook(BytesIO(capital.statement_xlsx(st)))
    assert wb.sheetnames == ["Statement", "Movements", "Contributions"]
    items = {r[0]: r[1:] for r in wb["Statement"].iter_rows(min_row=2, values_only=True)}
    assert D(str(items["balance owed to the partner"][0])) == st.account.balance
    moves = list(wb["Movements"].iter_rows(min_row=2, values_only=True))
    paid = next(m for m in moves if m[1] == "distribution")
    assert paid[3:5] == (0.96, 0.95)   # the partner's and the US share of 1.91
