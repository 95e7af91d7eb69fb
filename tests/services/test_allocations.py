"""The books follow the rules: allocation at selection, fundings within the allocation,
guarantees as exposure until called, and a pace to the cap that can be met. Through the
services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.errors import InvalidInput, PledgeError, RuleViolation
from pledge.services import capital, funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
FUNDER = Actor.of("JBIC", "funder")
NEXI = Actor.of("NEXI", "funder")
ADMIN = Actor.of("admin", "admin")
BN = Decimal(10) ** 9
COPPER = 32  # "Copper smelting and refining plant": US$2bn, proposed after init
NOTICE = date(2026, 3, 9)
SOURCE = "https://newsdig.tbs.co.jp/articles/withbloomberg/2477116?display=1"
METI = "https://news.livedoor.com/article/detail/30612714/"


def rows(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {tbl.name: s.execute(select(func.count()).select_from(tbl)).scalar_one()
                for tbl in (t.ledger_entries, t.postings, t.audit_log, t.transitions,
                            t.projects)}


def to_recommended(engine: Engine, pid: int, on: date = NOTICE) -> None:
    projects.advance(engine, pid, "under_review", CC, on, "taken up")
    projects.advance(engine, pid, "finalist", IC, on, "short-listed")
    projects.consult(engine, pid, "committee", CC, on)
    projects.advance(engine, pid, "recommended", IC, on, "ready")


def to_notified(engine: Engine, pid: int, amount: str | None = None,
                on: date = NOTICE) -> None:
    to_recommended(engine, pid, on)
    projects.advance(engine, pid, "selected", PRESIDENT, on, "selected", amount=amount)
    projects.advance(engine, pid, "notified", IC, on, "notice sent")


def test_init_allocates_the_first_tranche_at_its_primary_estimates(engine: Engine) -> None:
    # The three selected projects' primary estimates, upper bounds in US dollars: the
    # Ohio plant US$33.3bn (METI's figure), the Texas terminal US$2.1bn and the diamond
    # grit plant US$600m: US$36bn, each allocated on the day of the selection.
    c = funding.commitments(engine, "japan", as_of=date(2026, 2, 17))
    assert (c.allocated, c.remaining, c.disbursed) == (36 * BN, 514 * BN, Decimal(0))
    assert funding.commitments(engine, "japan", as_of=date(2026, 2, 16)).allocated == 0
    selected = {p.name: p for p in projects.list_projects(engine, status="selected")}
    amounts = {}
    for name, p in selected.items():
        a = projects.show_project(engine, p.id).allocation
        assert a is not None and a["funded"] == 0 and a["available"] == a["amount"]
        assert a["note"].startswith("approved at selection: upper bound of the primary "
                                    "estimate in US dollars")
        # each with the estimate's source (the Ohio plant's: METI's figure as reported)
        assert (METI if "Portsmouth" in name else SOURCE) in a["note"]
        amounts[name.split()[0]] = a["amount"]
    assert amounts == {"Portsmouth": Decimal("33.3") * BN, "Texas": Decimal("2.1") * BN,
                       "HPHT": Decimal("0.6") * BN}


def test_selection_allocates_the_amount_given_or_the_estimate(engine: Engine) -> None:
    to_recommended(engine, COPPER)
    before = funding.commitments(engine, "japan").remaining
    detail = projects.advance(engine, COPPER, "selected", PRESIDENT, NOTICE, "selected",
                              amount="US$1.8bn")
    assert detail.allocation is not None
    assert (detail.allocation["amount"], detail.allocation["note"]) == (
        Decimal("1.8") * BN, "approved at selection: the approved amount given at selection")
    assert funding.commitments(engine, "japan").remaining == before - Decimal("1.8") * BN
    other = projects.add_project(engine, projects.NewProject(
        name="Battery plant", sector="energy", framework="japan", location="Ohio",
        amount_text="¥300bn to ¥450bn", reported_on="2026-03-02",
        source="https://example.org/battery"), IC).summary.id
    to_recommended(engine, other)
    selected = projects.advance(engine, other, "selected", PRESIDENT, NOTICE, "selected")
    high = projects.show_project(engine, other).summary.amount_high_usd
    assert high is not None and selected.allocation is not None
    assert selected.allocation["amount"] == high
    assert "https://example.org/battery" in selected.allocation["note"]


def test_a_selection_without_an_estimate_needs_the_amount_and_writes_nothing(
        engine: Engine) -> None:
    pid = projects.add_project(engine, projects.NewProject(
        name="Unpriced plant", sector="energy", framework="japan", location="Ohio",
        reported_on="2026-03-02"), IC).summary.id
    to_recommended(engine, pid)
    before = rows(engine)
    with pytest.raises(InvalidInput) as err:
        projects.advance(engine, pid, "selected", PRESIDENT, NOTICE, "selected")
    assert (err.value.first.field, err.value.first.rule) == ("amount",
                                                             "allocation.amount_needed")
    assert rows(engine) == before
    assert projects.show_project(engine, pid).summary.status == "recommended"


def test_a_selection_beyond_the_unallocated_capacity_is_refused(engine: Engine) -> None:
    to_recommended(engine, COPPER)
    before = rows(engine)
    with pytest.raises(RuleViolation) as err:
        projects.advance(engine, COPPER, "selected", PRESIDENT, NOTICE, amount="US$515bn")
    assert err.value.first.rule == "cap.exceeded"
    assert rows(engine) == before


def test_a_funding_over_the_allocation_is_refused_and_writes_nothing(engine: Engine) -> None:
    to_notified(engine, COPPER)  # allocated US$2bn at selection
    funding.fund(engine, COPPER, "US$1.5bn", date(2026, 4, 1), "loan", "JBIC", FUNDER)
    before = rows(engine)
    with pytest.raises(RuleViolation) as err:
        funding.fund(engine, COPPER, "US$600m", date(2026, 4, 2), "loan", "JBIC", FUNDER)
    [problem] = err.value.problems
    assert (problem.field, problem.rule) == ("amount", "funding.over_allocation")
    assert problem.message == (
        "project 32 (Copper smelting and refining plant (second-round candidate; possibly the "
        "Falcon Copper entry)) has an "
        "allocation of US$2bn (US$1.5bn drawn); this would count US$600m toward the cap: "
        "US$100m short (`pledge allocate` changes an allocation)")
    assert rows(engine) == before
    # Exactly what is left is accepted; unallocated capacity is never drawn on.
    remaining = funding.commitments(engine, "japan").remaining
    funding.fund(engine, COPPER, "US$500m", date(2026, 4, 2), "loan", "JBIC", FUNDER)
    assert funding.commitments(engine, "japan").remaining == remaining


def test_the_committee_changes_an_allocation_never_below_what_was_funded(
        engine: Engine) -> None:
    to_notified(engine, COPPER)
    funding.fund(engine, COPPER, "US$1.5bn", date(2026, 4, 1), "loan", "JBIC", FUNDER)
    before = rows(engine)
    with pytest.raises(RuleViolation) as err:
        funding.allocate(engine, COPPER, "US$1.4bn", date(2026, 4, 3), IC, "smaller plant")
    assert (err.value.first.rule, err.value.first.message) == (
        "allocation.below_funded",
        "project 32 (Copper smelting and refining plant (second-round candidate; possibly the "
        "Falcon Copper entry)) has drawn "
        "US$1.5bn of its allocation; it cannot fall below that")
    for who, reason, rule in ((ADMIN, "r", "allocation.role_not_allowed"),
                              (IC, " ", "allocation.no_reason")):
        with pytest.raises(RuleViolation) as err:
            funding.allocate(engine, COPPER, "US$1.6bn", date(2026, 4, 3), who, reason)
        assert err.value.first.rule == rule
    assert rows(engine) == before
    free = funding.commitments(engine, "japan").remaining
    down = funding.allocate(engine, COPPER, "US$1.5bn", date(2026, 4, 3), IC, "smaller plant")
    assert (down.allocation, down.previous, down.funded, down.unallocated) == (
        Decimal("1.5") * BN, 2 * BN, Decimal("1.5") * BN, free + Decimal("0.5") * BN)
    up = funding.allocate(engine, COPPER, "US$3bn", date(2026, 4, 4), IC, "second line")
    assert (up.previous, up.unallocated) == (Decimal("1.5") * BN, free - BN)
    funding.fund(engine, COPPER, "US$1.5bn", date(2026, 4, 5), "equity", "JBIC", FUNDER)
    a = projects.show_project(engine, COPPER).allocation
    assert a is not None and (a["amount"], a["funded"], a["available"], a["note"]) == (
        3 * BN, 3 * BN, 0, "second line")
    hist = projects.history(engine, COPPER)
    changes = [x["after"] for x in hist.audit if x["action"] == "project.allocate"]
    assert [(x["allocation"], x["reason"]) for x in changes][1:] == [
        ("1500000000.00", "smaller plant"), ("3000000000.00", "second line")]


def test_a_guarantee_is_exposure_and_leaves_disbursed_unchanged(engine: Engine) -> None:
    to_notified(engine, COPPER)
    funding.fund(engine, COPPER, "US$500m", date(2026, 4, 1), "loan", "JBIC", FUNDER)
    cash = funding.commitments(engine, "japan")
    funding.fund(engine, COPPER, "US$1.5bn", date(2026, 4, 2), "guarantee", "NEXI", NEXI)
    c = funding.commitments(engine, "japan")
    assert c.disbursed == cash.disbursed == Decimal("0.5") * BN
    assert (cash.guaranteed, c.guaranteed) == (Decimal(0), Decimal("1.5") * BN)
    # The cap counts it as the framework says (Japan: at face value), from the allocation.
    assert (c.allocated, c.remaining) == (cash.allocated, cash.remaining)
    assert c.by_instrument == {"loan": Decimal("0.5") * BN}
    a = projects.show_project(engine, COPPER)
    assert a.allocation is not None and a.allocation["funded"] == 2 * BN
    assert sorted((f["instrument"], f["amount"], f["contingent"]) for f in a.funding) == [
        ("guarantee", Decimal("1.5") * BN, True), ("loan", Decimal("0.5") * BN, False)]


def test_a_called_guarantee_becomes_cash_and_no_more_than_is_outstanding(
        engine: Engine) -> None:
    to_notified(engine, COPPER)
    funding.fund(engine, COPPER, "US$2bn", date(2026, 4, 2), "guarantee", "NEXI", NEXI)
    before = rows(engine)
    with pytest.raises(RuleViolation) as err:
        funding.call_guarantee(engine, COPPER, "US$2.01bn", date(2027, 6, 1), NEXI)
    assert err.value.first.rule == "guarantee.over_outstanding"
    with pytest.raises(PledgeError) as forbidden:
        funding.call_guarantee(engine, COPPER, "US$1bn", date(2027, 6, 1), IC)
    assert forbidden.value.first.rule == "auth.forbidden"
    assert rows(engine) == before
    called = funding.call_guarantee(engine, COPPER, "US$1.25bn", date(2027, 6, 1), NEXI)
    assert (called.provider, called.amount, called.outstanding) == (
        "NEXI", Decimal("1.25") * BN, Decimal("0.75") * BN)
    c = funding.commitments(engine, "japan", as_of=date(2027, 6, 1))
    assert (c.disbursed, c.guaranteed) == (Decimal("1.25") * BN, Decimal("0.75") * BN)
    assert c.by_instrument == {"guarantee_call": Decimal("1.25") * BN}
    # The partner's capital account holds the called cash, not the exposure.
    st = capital.statement(engine, COPPER, as_of=date(2027, 6, 1))
    assert st.account.contributed == Decimal("1.25") * BN
    assert [(g.provider, g.amount) for g in st.guarantees] == [("NEXI", 2 * BN)]
    earlier = funding.commitments(engine, "japan", as_of=date(2027, 5, 31))
    assert (earlier.disbursed, earlier.guaranteed) == (Decimal(0), 2 * BN)
    assert c.allocated == earlier.allocated  # counted once, when it was given
    funding.call_guarantee(engine, COPPER, "US$750m", date(2027, 7, 1), NEXI)
    with pytest.raises(RuleViolation) as err:
        funding.call_guarantee(engine, COPPER, "US$0.01", date(2027, 7, 2), NEXI)
    assert err.value.first.rule == "guarantee.over_outstanding"
    assert funding.commitments(engine, "japan", as_of=date(2027, 7, 2)).guaranteed == 0
    assert funding.ledger_balanced(engine, "japan")


def test_korea_cannot_reach_its_cap_under_the_annual_cap(engine: Engine) -> None:
    # US$200bn strategic at most US$20bn a calendar year, the period ending 2029-01-19:
    # from 2026-12-05 the years 2026, 2027, 2028 and 2029 allow US$80bn; the shipbuilding
    # pledge (US$150bn, no annual cap) counts at its headline.
    c = funding.commitments(engine, "korea", as_of=date(2026, 12, 5))
    assert (c.reachable, c.max_reachable) == (False, 230 * BN)
    [strategic] = [x for x in c.components if x.key == "strategic"]
    assert strategic.reach is not None
    assert (strategic.reach.reachable, strategic.reach.max_reachable) == (False, 80 * BN)
    months = Decimal((date(2029, 1, 19) - date(2026, 12, 5)).days) / (Decimal("365.25") / 12)
    assert c.required_per_month == (230 * BN / months).quantize(Decimal("0.01"))
    assert c.required_per_month_to_cap == (350 * BN / months).quantize(Decimal("0.01"))
    japan = funding.commitments(engine, "japan", as_of=date(2026, 12, 5))
    assert (japan.reachable, japan.max_reachable) == (True, japan.cap)
