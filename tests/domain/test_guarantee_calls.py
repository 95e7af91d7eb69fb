"""Calls on guarantees (``plan_guarantee_call``): what each refusal says exactly, the
edges of each limit, and every posting of an accepted call.

A guarantee counted toward the cap below the cash it becomes draws the difference from
the project's allocation and the year's annual cap when it is called; the frameworks
shipped count every instrument at face value, so these tests build terms that do not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pledge.domain.errors import RuleViolation
from pledge.domain.framework import FrameworkTerms, Instrument
from pledge.domain.funding import GuaranteeCall, plan_guarantee_call
from pledge.domain.ledger import EntryKind
from pledge.domain.lifecycle import Role
from pledge.domain.money import Money
from pledge.services.frameworks import shipped_frameworks

JAPAN = next(f for f in shipped_frameworks() if f.key == "japan").current
KOREA = next(f for f in shipped_frameworks() if f.key == "korea").current
BN = Decimal(10) ** 9
ON = date(2027, 6, 1)
ALLOCATE = "(`pledge allocate` changes an allocation)"


def counting(terms: FrameworkTerms, **factors: str) -> FrameworkTerms:
    """``terms`` with some instruments counted toward the cap at another factor."""
    return replace(terms, cap_counting={
        **terms.cap_counting, **{Instrument(k): Decimal(v) for k, v in factors.items()}})


HALF = counting(JAPAN, guarantee="0.5")


def call(**overrides: object) -> GuaranteeCall:
    """US$1bn called of NEXI's US$5bn guarantee on project 4, that every rule accepts."""
    base = GuaranteeCall(
        project_id=4, amount=Money(BN, "USD"), on=ON, role=Role.FUNDER,
        provider="NEXI", outstanding=5 * BN, terms=JAPAN, component=JAPAN.component(),
        project_allocated=Decimal(0), project_used=5 * BN, used_in_year=Decimal(0))
    return replace(base, **overrides)  # type: ignore[arg-type]  # overrides are the request's own fields


def problems(req: GuaranteeCall) -> list[tuple[str, object, str, str]]:
    """Every problem ``req`` raises, as (field, value, rule, message)."""
    with pytest.raises(RuleViolation) as err:
        plan_guarantee_call(req)
    return [(p.field, p.value, p.rule, p.message) for p in err.value.problems]


def postings(req: GuaranteeCall) -> set[tuple[str, Decimal, int | None, str | None, str | None]]:
    entry = plan_guarantee_call(req)
    return {(p.account, p.amount, p.project_id, p.instrument, p.provider)
            for p in entry.postings}


def test_a_call_at_face_value_posts_cash_in_and_exposure_out() -> None:
    entry = plan_guarantee_call(call())
    assert (entry.kind, entry.on, entry.memo) == (
        EntryKind.GUARANTEE_CALL, ON, "guarantee from NEXI called")
    assert sorted((p.account, p.amount, p.project_id, p.instrument, p.provider)
                  for p in entry.postings) == [
        ("strategic:funding:guaranteed", BN, None, None, "NEXI"),
        ("strategic:funding:provided", -BN, None, None, "NEXI"),
        ("strategic:spv:guaranteed", -BN, 4, "guarantee", "NEXI"),
        ("strategic:spv:invested", BN, 4, "guarantee_call", "NEXI")]


def test_a_call_of_one_dollar_is_accepted() -> None:
    assert postings(call(amount=Money(Decimal(1), "USD"))) == {
        ("strategic:funding:guaranteed", Decimal(1), None, None, "NEXI"),
        ("strategic:funding:provided", Decimal(-1), None, None, "NEXI"),
        ("strategic:spv:guaranteed", Decimal(-1), 4, "guarantee", "NEXI"),
        ("strategic:spv:invested", Decimal(1), 4, "guarantee_call", "NEXI")}


# Each refusal of a call, and exactly what it says; amounts in plain digits however the
# Decimal was written.
REFUSALS = [
    ("the investment committee does not record calls", {"role": Role.IC},
     ("role", "ic", "funding.role_not_allowed",
      "only the partner's funder records a guarantee call")),
    ("nor does an administrator", {"role": Role.ADMIN},
     ("role", "admin", "funding.role_not_allowed",
      "only the partner's funder records a guarantee call")),
    ("yen", {"amount": Money(Decimal("1E+9"), "JPY")},
     ("amount", "1000000000 JPY", "funding.currency", "guarantees are called in USD")),
    ("nothing", {"amount": Money(Decimal("0E+2"), "USD")},
     ("amount", "0", "funding.not_positive", "a guarantee call must be a positive amount")),
    ("a negative amount", {"amount": Money(Decimal("-1E+3"), "USD")},
     ("amount", "-1000", "funding.not_positive",
      "a guarantee call must be a positive amount")),
    ("a cent more than is outstanding",
     {"amount": Money(Decimal("1E+9"), "USD"), "outstanding": BN - Decimal("0.01"),
      "project_name": "Ohio plant"},
     ("amount", "1000000000", "guarantee.over_outstanding",
      "project 4 (Ohio plant) has US$999.99999999m of guarantees from NEXI outstanding; "
      "no more can be called")),
    ("half counted: the other half is a cent more than the allocation left",
     {"terms": HALF, "amount": Money(Decimal("1E+9"), "USD"), "project_name": "Ohio plant",
      "project_allocated": BN / 2 - Decimal("0.01"), "project_used": 2 * BN},
     ("amount", "1000000000", "funding.over_allocation",
      "project 4 (Ohio plant) has an allocation of US$2.49999999999bn (US$2bn drawn); "
      f"this would count US$500m toward the cap: US$0.01 short {ALLOCATE}")),
    ("half counted, nothing allocated: fifty cents is too much",
     {"terms": HALF, "amount": Money(Decimal(1), "USD"), "project_used": Decimal(0)},
     ("amount", "1", "funding.over_allocation",
      "project 4 has an allocation of US$0 (US$0 drawn); this would count US$0.50 toward "
      f"the cap: US$0.50 short {ALLOCATE}")),
    ("half counted: a cent over Korea's annual cap",
     {"terms": counting(KOREA, guarantee="0.5"), "component": KOREA.component(),
      "amount": Money(Decimal("1E+9"), "USD"), "project_allocated": BN,
      "used_in_year": Decimal("19.5E+9") + Decimal("0.01")},
     ("amount", "1000000000", "cap.annual_exceeded",
      "2027 fundings would reach US$20.00000000001bn, over the annual cap of US$20bn")),
]


@pytest.mark.parametrize(("case", "changes", "expected"), REFUSALS,
                         ids=[c[0] for c in REFUSALS])
def test_each_refusal_of_a_call_says_what_is_wrong(
        case: str, changes: dict[str, object], expected: tuple[str, object, str, str]) -> None:
    assert problems(call(**changes)) == [expected]


def test_all_that_is_outstanding_may_be_called() -> None:
    entry = plan_guarantee_call(call(outstanding=BN))
    assert sum(p.amount for p in entry.postings if p.account == "strategic:spv:invested") == BN


def test_a_half_counted_call_draws_the_other_half_from_the_allocation() -> None:
    assert postings(call(terms=HALF, project_allocated=BN / 2)) == {
        ("strategic:funding:guaranteed", BN, None, None, "NEXI"),
        ("strategic:funding:provided", -BN, None, None, "NEXI"),
        ("strategic:spv:guaranteed", -BN, 4, "guarantee", "NEXI"),
        ("strategic:spv:invested", BN, 4, "guarantee_call", "NEXI"),
        ("strategic:capacity:used", BN / 2, 4, "guarantee", None),
        ("strategic:capacity:allocated", -BN / 2, 4, None, None)}


def test_cash_is_counted_as_equity_is() -> None:
    # Equity at 80%, guarantees at half: the call adds 30% of its amount to the cap count.
    terms = counting(JAPAN, equity="0.8", guarantee="0.5")
    used = {(p.account, p.amount) for p in plan_guarantee_call(
        call(terms=terms, project_allocated=BN)).postings if "capacity" in p.account}
    assert used == {("strategic:capacity:used", Decimal("3E+8")),
                    ("strategic:capacity:allocated", Decimal("-3E+8"))}
    # 30% fits an allocation of exactly that; cash counted at face value (50% more) would not.
    assert plan_guarantee_call(call(terms=terms, project_allocated=Decimal("3E+8")))


def test_a_guarantee_counted_above_cash_draws_nothing_more() -> None:
    terms = counting(JAPAN, equity="0.5", guarantee="1")
    assert not any("capacity" in p.account
                   for p in plan_guarantee_call(call(terms=terms)).postings)


def test_the_caps_are_left_alone_when_the_call_adds_nothing_to_them() -> None:
    # At face value nothing more counts: no allocation left and a full year are no bar.
    korea = call(terms=KOREA, component=KOREA.component(), used_in_year=25 * BN,
                 project_allocated=Decimal(-5))
    assert not any("capacity" in p.account for p in plan_guarantee_call(korea).postings)


def test_the_caps_are_not_checked_for_a_call_refused_already() -> None:
    # The same call as the accepted-but-for-the-allocation one: only the role is reported.
    assert [r for _, _, r, _ in problems(call(terms=HALF, role=Role.IC))] == [
        "funding.role_not_allowed"]


def test_a_call_reaching_the_annual_cap_exactly_is_accepted() -> None:
    korea = counting(KOREA, guarantee="0.5")
    entry = plan_guarantee_call(call(terms=korea, component=KOREA.component(),
                                     project_allocated=BN, used_in_year=Decimal("19.5E+9")))
    assert {(p.account, p.amount) for p in entry.postings if "capacity" in p.account} == {
        ("strategic:capacity:used", BN / 2), ("strategic:capacity:allocated", -BN / 2)}


def test_the_allocation_and_the_annual_cap_are_both_reported() -> None:
    korea = counting(KOREA, guarantee="0.5")
    assert [r for _, _, r, _ in problems(call(
        terms=korea, component=KOREA.component(), project_allocated=Decimal(0),
        used_in_year=20 * BN))] == ["funding.over_allocation", "cap.annual_exceeded"]
