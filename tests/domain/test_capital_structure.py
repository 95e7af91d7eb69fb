"""The SPV's capital structure: debt first, the rules for overruns and shortfalls, and cash
conserved to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.capital_settlement import settle
from pledge.domain.capital_structure import (
    NIL,
    CapitalStructure,
    FundingRule,
    Holder,
    Layer,
    LayerKind,
    StructuredFlows,
    apply_structure,
    parse_rule,
    payment_order,
)
from pledge.domain.errors import InvalidInput
from pledge.domain.waterfall import SplitTerms

D = Decimal
ZERO_RATE = SplitTerms(deemed_rate=D(0), periods_per_year=1)
EQUITY = Layer("partner equity", LayerKind.EQUITY, Holder.PARTNER, D(100))
BANK = Layer("bank loan", LayerKind.LOAN, Holder.LENDER, D(100), rate=D("0.10"),
             tenor_years=D(2))
JBIC = Layer("JBIC loan", LayerKind.LOAN, Holder.PARTNER, D(100), rate=D("0.10"),
             tenor_years=D(2))
LAND = Layer("land", LayerKind.IN_KIND, Holder.US, D(100))


def structure(*layers: Layer, overrun: str = "partner", shortfall: str = "partner",
              debt_first: bool = True) -> CapitalStructure:
    return CapitalStructure(layers, FundingRule(overrun), FundingRule(shortfall), debt_first)


def run(s: CapitalStructure, capex: list[int], operating: list[int], start: int = 1
        ) -> StructuredFlows:
    return apply_structure(s, [D(c) for c in capex], [D(o) for o in operating], start, 1)


def test_debt_service_is_paid_before_the_split() -> None:
    # 200 built in year 0, half equity, half a bank loan at 10% over two years; 150 a
    # year of operating cash. The level payment is 100 * 0.1 / (1 - 1.1^-2) = 57.62.
    flows = run(structure(EQUITY, BANK), [200, 0, 0], [0, 150, 150])
    p = flows.periods
    assert p[0].draws == (D(100), D(100)) and p[0].partner_allocation == D(100)
    assert [x.debt_paid for x in p] == [(NIL,), (D("57.62"),), (D("57.62"),)]
    # year 2: 52.38 left earns 5.24 and the last payment clears 57.62
    assert [x.loan_balances for x in p] == [(D(100),), (D("52.38"),), (NIL,)]
    assert [x.to_split for x in p] == [NIL, D("92.38"), D("92.38")]
    assert flows.totals["lender_receipts"] == D("115.24")
    assert payment_order(flows.structure)[0].startswith("debt service to bank loan")


def test_partner_receipts_are_its_loan_receipts_plus_its_split_share() -> None:
    flows = run(structure(EQUITY, JBIC), [200, 0, 0], [0, 150, 150])
    st_ = settle(flows, ZERO_RATE)
    split = [w.partner for w in st_.waterfall.periods]
    loans = [p.partner_loan_receipts for p in flows.periods]
    assert loans == [NIL, D("57.62"), D("57.62")]
    assert list(st_.partner_receipts) == [a + b for a, b in zip(loans, split, strict=True)]
    # the partner funds 200 (100 of it a loan), and only its equity enters the allocation
    assert st_.partner_funding == (D(200), NIL, NIL)
    assert st_.waterfall.funding_total == D(100)
    # 50/50 of 92.38 until 100 is recovered, then 10/90: 46.19 + (53.81 + 0.1 * 0) ...
    assert split[1] == D("46.19")


def test_partner_loans_count_in_the_allocation_when_the_terms_do_not_put_debt_first() -> None:
    flows = run(structure(EQUITY, JBIC, debt_first=False), [200, 0, 0], [0, 150, 150])
    assert flows.structure.loans == ()
    assert flows.funding == [D(200), NIL, NIL]
    assert flows.distributable == [NIL, D(150), D(150)]


@pytest.mark.parametrize(("rule", "partner", "us", "alloc"), [
    ("partner", D(30), NIL, D(30)),
    ("us", NIL, D(30), NIL),
    ("pro-rata", D(15), D(15), D(15)),  # partner equity 100, US land 100
])
def test_negative_operating_cash_is_funded_by_the_rule(rule: str, partner: Decimal, us: Decimal,
                                                       alloc: Decimal) -> None:
    flows = run(structure(EQUITY, LAND, shortfall=rule), [100, 0, 0], [0, -30, 80])
    p1 = flows.periods[1]
    assert (p1.shortfall.partner, p1.shortfall.us) == (partner, us)
    assert p1.partner_allocation == alloc and p1.us_funding == us
    assert flows.totals["shortfall_funded"] == D(30)
    # the loss is not dropped: the split gets nothing that period, the next one's cash
    assert flows.distributable == [NIL, NIL, D(80)]
    assert flows.abandoned_period is None


def test_nobody_funding_a_shortfall_abandons_the_project() -> None:
    flows = run(structure(EQUITY, BANK, shortfall="none-abandon"), [200, 0, 0, 0],
                [0, 40, 150, 150])
    assert flows.abandoned_period == 1
    p = flows.periods
    # 40 pays the bank what it can; 17.62 of the 57.62 due is nobody's
    assert p[1].debt_paid == (D(40),) and p[1].shortfall_unfunded == D("17.62")
    assert flows.distributable == [NIL] * 4
    assert flows.lender_loss == D(70)  # 110 owed less 40
    assert all(x.operating == NIL for x in p[2:])


@pytest.mark.parametrize(("rule", "partner", "us"), [("partner", D(50), NIL),
                                                     ("us", NIL, D(50))])
def test_an_overrun_is_funded_by_the_rule(rule: str, partner: Decimal, us: Decimal) -> None:
    flows = run(structure(EQUITY, BANK, overrun=rule), [150, 100, 0], [0, 0, 90], start=2)
    p = flows.periods
    assert p[0].draws == (D(75), D(75)) and p[1].draws == (D(25), D(25))
    assert (p[1].overrun.partner, p[1].overrun.us) == (partner, us)
    assert flows.totals["overrun_funded"] == D(50)


def test_nobody_funding_an_overrun_abandons_the_project_while_building() -> None:
    flows = run(structure(EQUITY, overrun="none-abandon"), [80, 50, 0], [0, 0, 90], start=2)
    assert flows.abandoned_period == 1
    assert flows.periods[1].overrun_unfunded == D(30)
    assert flows.distributable == [NIL, NIL, NIL]


def test_co_investors_take_their_share_after_debt_and_before_the_split() -> None:
    co = Layer("co-investor", LayerKind.EQUITY, Holder.CO_INVESTOR, D(100))
    flows = run(structure(EQUITY, co), [200, 0], [0, 99])
    p1 = flows.periods[1]
    assert (p1.co_investors, p1.to_split) == (D("49.50"), D("49.50"))


def test_a_guarantee_has_an_expected_loss_and_no_cash() -> None:
    nexi = Layer("NEXI guarantee", LayerKind.GUARANTEE, Holder.PARTNER, D("900000000"),
                 call_probability=D("0.05"), loss_given_call=D("0.4"))
    s = structure(EQUITY, nexi)
    assert nexi.expected_loss == D("18000000.00")
    assert s.planned == D(100) and s.expected_guarantee_loss == D("18000000.00")
    st_ = settle(run(s, [100, 0], [0, 50]), ZERO_RATE)
    assert st_.partner_guarantee_expected_loss == D("18000000.00")
    assert st_.partner_funding_total == D(100)


def test_bad_layers_and_rules_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        Layer("x", LayerKind.LOAN, Holder.LENDER, D(-1), rate=D(2))
    fields = {p.field for p in exc.value.problems}
    assert fields == {"layer 'x' amount", "layer 'x' rate", "layer 'x' tenor_years"}
    with pytest.raises(InvalidInput) as exc:
        parse_rule("nobody", "shortfall_rule")
    assert exc.value.first.field == "shortfall_rule"


cents = st.integers(min_value=-50_000, max_value=200_000).map(lambda c: D(c).scaleb(-2))
rules = st.sampled_from(list(FundingRule))


@settings(max_examples=150, deadline=None)
@given(capex=st.lists(cents.map(abs), min_size=1, max_size=4),
       operating=st.lists(cents, min_size=1, max_size=8), overrun=rules, shortfall=rules,
       plan=st.integers(min_value=1, max_value=300_000), loan_share=st.integers(0, 100),
       rate=st.integers(0, 30), debt_first=st.booleans(), land=st.integers(0, 50_000))
def test_cash_is_conserved_to_the_cent(capex: list[Decimal], operating: list[Decimal],
                                       overrun: FundingRule, shortfall: FundingRule, plan: int,
                                       loan_share: int, rate: int, debt_first: bool,
                                       land: int) -> None:
    loan_amount = D(plan * loan_share // 100).scaleb(-2)
    layers = (Layer("equity", LayerKind.EQUITY, Holder.PARTNER, D(plan).scaleb(-2) - loan_amount),
              Layer("bank", LayerKind.LOAN, Holder.LENDER, loan_amount, rate=D(rate) / 100,
                    tenor_years=D(3), seniority=1),
              Layer("jbic", LayerKind.LOAN, Holder.PARTNER, loan_amount, rate=D(rate) / 200,
                    tenor_years=D(2), seniority=2),
              Layer("land", LayerKind.IN_KIND, Holder.US, D(land)))
    s = CapitalStructure(layers, overrun, shortfall, debt_first)
    T = len(capex) + len(operating)
    cx = capex + [NIL] * len(operating)
    op = [NIL] * len(capex) + operating
    flows = apply_structure(s, cx, op, len(capex), 4)
    for p in flows.periods:
        assert p.capex == sum(p.draws, NIL) + p.overrun.total + p.overrun_unfunded
        assert (p.operating + p.shortfall.total + p.shortfall_unfunded
                == sum(p.debt_due, NIL) + p.co_investors + p.to_split)
        assert p.to_split >= 0 and p.co_investors >= 0
        assert sum(p.debt_paid, NIL) == p.partner_loan_receipts + p.lender_receipts
    st_ = settle(flows, SplitTerms(deemed_rate=D("0.06"), periods_per_year=4))
    assert st_.waterfall.partner_total + st_.waterfall.us_total == sum(flows.distributable,
                                                                         NIL)
    assert len(st_.partner_receipts) == T
    if flows.abandoned_period is None:
        assert flows.totals["overrun_unfunded"] == flows.totals["shortfall_unfunded"] == NIL


def test_a_case_given_as_it_is_shows_the_negative_cash_nobody_funds() -> None:
    from pledge.domain.waterfall import run_waterfall
    r = run_waterfall([D(100), NIL, NIL], [NIL, D(-30), D(80)], ZERO_RATE)
    assert r.undistributed_negative_cash == D(30)
    # through a structure the same loss is funded (by the partner here) and none is left
    flows = run(structure(EQUITY), [100, 0, 0], [0, -30, 80])
    funded = settle(flows, ZERO_RATE).waterfall
    assert funded.undistributed_negative_cash == 0 and funded.funding_total == D(130)
