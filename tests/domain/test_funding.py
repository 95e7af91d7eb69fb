"""The funding rules of ``domain/funding.py``, one rule at a time.

The table-driven cases and the ledger properties are in ``test_ledger.py``; this
file pins the edges of each rule (the day itself, a cent either side) and what a
refusal says.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pledge.domain.errors import RuleViolation
from pledge.domain.framework import Instrument, WindowMeaning
from pledge.domain.funding import (
    FundingRequest,
    check_allocation,
    check_cap_amendment,
    plan_funding,
)
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.money import Money
from pledge.services.frameworks import shipped_frameworks

JAPAN = next(f for f in shipped_frameworks() if f.key == "japan").current
BN = Decimal(10) ** 9

# Notified on 2026-02-17; the 45-business-day deadline falls on 2026-04-21.
NOTICE = date(2026, 2, 17)
DEADLINE = date(2026, 4, 21)


def request(**overrides: object) -> FundingRequest:
    """A US$1bn JBIC loan to project 1, notified on NOTICE, that every rule accepts."""
    base = FundingRequest(
        project_id=1, amount=Money(BN, "USD"), instrument=Instrument.LOAN, provider="JBIC",
        on=date(2026, 3, 2), role=Role.FUNDER, stage=Stage.NOTIFIED, terms=JAPAN,
        component=JAPAN.component(), funding_date=DEADLINE,
        window_meaning=WindowMeaning.DEADLINE, extension_until=None,
        unallocated=550 * BN, project_allocated=Decimal(0), used_in_year=Decimal(0),
        window_opens=NOTICE)
    return replace(base, **overrides)  # type: ignore[arg-type]


def refusals(req: FundingRequest) -> list[str]:
    """The rules ``req`` breaks, in the order they are reported ([] when accepted)."""
    try:
        plan_funding(req)
    except RuleViolation as exc:
        return [p.rule for p in exc.problems]
    return []


def test_a_project_can_be_funded_on_the_day_it_was_notified() -> None:
    plan = plan_funding(request(on=NOTICE))
    assert plan.entry.on == NOTICE
    assert plan.counted == BN


def test_a_funding_the_day_before_the_notice_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        plan_funding(request(on=date(2026, 2, 16)))
    [problem] = err.value.problems
    assert (problem.field, problem.value, problem.rule) == (
        "on", "2026-02-16", "funding.before_notice")
    assert "2026-02-17" in problem.message


def problems(req: FundingRequest) -> list[tuple[str, object, str, str]]:
    """Every problem ``req`` raises, as (field, value, rule, message)."""
    with pytest.raises(RuleViolation) as err:
        plan_funding(req)
    return [(p.field, p.value, p.rule, p.message) for p in err.value.problems]


KOREA = next(f for f in shipped_frameworks() if f.key == "korea").current
# A framework whose funding ends on a fixed day (none of the shipped ones has one yet).
CLOSING = replace(JAPAN, funding_deadline=date(2026, 3, 31))

# Each refusal, and exactly what it tells the person who asked.
REFUSALS = [
    ("a selected project is not yet notified", {"stage": Stage.SELECTED},
     ("project", "selected", "funding.not_notified",
      "the project is 'selected'; only a notified (or already funded) project can be funded")),
    ("a declined project", {"stage": Stage.DECLINED},
     ("project", "declined", "funding.not_notified",
      "the project is 'declined'; only a notified (or already funded) project can be funded")),
    ("the investment committee is not a funder", {"role": Role.IC},
     ("role", "ic", "funding.role_not_allowed", "only the partner's funder may fund")),
    ("an administrator is not a funder either", {"role": Role.ADMIN},
     ("role", "admin", "funding.role_not_allowed", "only the partner's funder may fund")),
    # Amounts are quoted in plain digits, however the Decimal was written.
    ("yen", {"amount": Money(Decimal("1.5E+11"), "JPY")},
     ("amount", "150000000000 JPY", "funding.currency", "fundings are made in USD only")),
    ("nothing", {"amount": Money(Decimal("0E+2"), "USD")},
     ("amount", "0", "funding.not_positive", "a funding must be a positive amount")),
    ("a negative amount", {"amount": Money(Decimal("-1E+3"), "USD")},
     ("amount", "-1000", "funding.not_positive", "a funding must be a positive amount")),
    ("no provider named", {"provider": "  "},
     ("provider", "  ", "funding.no_provider", "name the provider (JBIC, NEXI, a bank)")),
    ("the day after the deadline", {"on": date(2026, 4, 22)},
     ("on", "2026-04-22", "funding.window_late",
      "the funding deadline was 2026-04-21 and no extension is recorded")),
    ("the day after an extension ends", {"on": date(2026, 5, 16),
                                         "extension_until": date(2026, 5, 15)},
     ("on", "2026-05-16", "funding.window_late",
      "the funding deadline was 2026-04-21 and the extension ends 2026-05-15")),
    ("an extension that ends before the deadline extends nothing",
     {"on": date(2026, 4, 22), "extension_until": date(2026, 4, 1)},
     ("on", "2026-04-22", "funding.window_late",
      "the funding deadline was 2026-04-21 and the extension ends 2026-04-21")),
    ("the day before the earliest date", {"window_meaning": WindowMeaning.EARLIEST,
                                          "on": date(2026, 4, 20)},
     ("on", "2026-04-20", "funding.window_early",
      "funding may not happen before 2026-04-21 under this framework")),
    ("the day before the notice", {"on": date(2026, 2, 16)},
     ("on", "2026-02-16", "funding.before_notice",
      "the project was notified on 2026-02-17; it cannot be funded before that")),
    ("the day before the investment period", {"on": date(2025, 9, 3), "window_opens": None},
     ("on", "2025-09-03", "funding.before_period", "the investment period starts 2025-09-04")),
    ("the day after the framework's last funding day",
     {"terms": CLOSING, "on": date(2026, 4, 1)},
     ("on", "2026-04-01", "funding.after_framework_deadline",
      "the framework allows no funding after 2026-03-31")),
    ("a cent more than the unallocated capacity",
     {"amount": Money(Decimal("1E+9"), "USD"), "unallocated": BN - Decimal("0.01")},
     ("amount", "1000000000", "cap.exceeded",
      "this funding needs US$1bn of unallocated capacity but only US$999.99999999m remains "
      "under the US$550bn cap")),
    ("a cent over Korea's annual cap",
     {"amount": Money(Decimal("1E+9"), "USD"), "terms": KOREA,
      "component": KOREA.component(), "unallocated": 200 * BN,
      "used_in_year": 19 * BN + Decimal("0.01")},
     ("amount", "1000000000", "cap.annual_exceeded",
      "2026 fundings would reach US$20.00000000001bn, over the annual cap of US$20bn")),
]


@pytest.mark.parametrize(("case", "changes", "expected"), REFUSALS,
                         ids=[c[0] for c in REFUSALS])
def test_each_refusal_says_what_is_wrong(case: str, changes: dict[str, object],
                                         expected: tuple[str, object, str, str]) -> None:
    assert problems(request(**changes)) == [expected]


def test_an_accepted_funding_posts_what_it_counts() -> None:
    plan = plan_funding(request(provider=" JBIC ", project_allocated=Decimal(300_000_000)))
    assert (plan.counted, plan.from_allocation, plan.fresh, plan.first) == (
        BN, Decimal(300_000_000), Decimal(700_000_000), True)
    assert (plan.entry.memo, plan.entry.on) == ("loan from JBIC", date(2026, 3, 2))
    assert {(p.account, p.amount, p.project_id, p.instrument, p.provider)
            for p in plan.entry.postings} == {
        ("strategic:spv:invested", BN, 1, "loan", "JBIC"),
        ("strategic:funding:provided", -BN, None, None, "JBIC"),
        ("strategic:capacity:used", BN, 1, "loan", None),
        ("strategic:capacity:allocated", Decimal(-300_000_000), 1, None, None),
        ("strategic:capacity:unallocated", Decimal(-700_000_000), None, None, None)}


def test_a_further_tranche_is_not_the_first_funding() -> None:
    assert plan_funding(request(stage=Stage.FUNDED)).first is False


def test_no_allocation_means_all_of_it_is_fresh_capacity() -> None:
    for allocated in (Decimal(0), Decimal(-5)):
        plan = plan_funding(request(project_allocated=allocated))
        assert (plan.from_allocation, plan.fresh) == (0, BN)


def test_what_counts_toward_the_cap_is_rounded_to_cents() -> None:
    # A guarantee counted at a third: US$0.05 counts 0.0166... which is 0.02.
    third = replace(JAPAN, cap_counting={**JAPAN.cap_counting,
                                         Instrument.GUARANTEE: Decimal(1) / 3})
    plan = plan_funding(request(terms=third, instrument=Instrument.GUARANTEE,
                                amount=Money(Decimal("0.05"), "USD")))
    assert (plan.counted, plan.fresh) == (Decimal("0.02"), Decimal("0.02"))


def test_the_caps_are_not_checked_for_an_amount_that_cannot_be_funded() -> None:
    # Yen, or nothing: the refusal names the amount, not a cap it could not reach.
    korea = {"terms": KOREA, "component": KOREA.component(), "unallocated": Decimal(0),
             "used_in_year": 21 * BN}
    assert refusals(request(amount=Money(2 * BN, "JPY"), **korea)) == ["funding.currency"]
    assert refusals(request(amount=Money(Decimal(0), "USD"), **korea)) == [
        "funding.not_positive"]


def test_every_broken_rule_is_reported_at_once() -> None:
    req = request(stage=Stage.SELECTED, role=Role.IC, amount=Money(Decimal(-1), "EUR"),
                  provider="", on=date(2025, 9, 1))
    assert refusals(req) == ["funding.not_notified", "funding.role_not_allowed",
                             "funding.currency", "funding.not_positive", "funding.no_provider",
                             "funding.before_notice", "funding.before_period"]


def test_an_extension_does_not_move_an_earliest_date() -> None:
    req = request(window_meaning=WindowMeaning.EARLIEST, on=date(2026, 4, 20),
                  extension_until=date(2026, 5, 15))
    assert refusals(req) == ["funding.window_early"]
    assert refusals(replace(req, on=date(2026, 6, 1))) == []


def test_no_window_date_means_no_window_rule() -> None:
    assert refusals(request(funding_date=None, window_meaning=None, on=date(2027, 1, 4))) == []
    assert refusals(request(funding_date=None, window_meaning=WindowMeaning.EARLIEST,
                            on=date(2026, 2, 18))) == []


def test_the_last_funding_day_of_a_framework_is_allowed() -> None:
    assert refusals(request(terms=CLOSING, on=date(2026, 3, 31))) == []
    assert refusals(request(on=date(2025, 9, 4), window_opens=None)) == []


# -- allocations and cap amendments ------------------------------------------------------

def allocation_problems(amount: str, unallocated: str, stage: Stage,
                        role: Role) -> list[tuple[str, object, str, str]]:
    try:
        check_allocation(Decimal(amount), Decimal(unallocated), stage, role)
    except RuleViolation as exc:
        return [(p.field, p.value, p.rule, p.message) for p in exc.problems]
    return []


def test_who_allocates_what_to_which_projects() -> None:
    allocating = (Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED, Stage.FUNDED)
    for stage in Stage:
        for role in Role:
            got = [rule for _, _, rule, _ in allocation_problems("10", "10", stage, role)]
            expected = ([] if role in (Role.IC, Role.ADMIN) else
                        ["allocation.role_not_allowed"]) + (
                [] if stage in allocating else ["allocation.stage"])
            assert got == expected, (stage, role)


def test_each_allocation_refusal_says_what_is_wrong() -> None:
    assert allocation_problems("10", "10", Stage.FINALIST, Role.FUNDER) == [
        ("role", "funder", "allocation.role_not_allowed",
         "only the investment committee allocates capacity"),
        ("project", "finalist", "allocation.stage",
         "capacity is allocated to recommended, selected, notified or funded projects only")]
    assert allocation_problems("0E+1", "10", Stage.SELECTED, Role.IC) == [
        ("amount", "0", "allocation.not_positive", "an allocation must be positive")]
    assert allocation_problems("1.1E+2", "100", Stage.SELECTED, Role.IC) == [
        ("amount", "110", "cap.exceeded", "only US$100 is unallocated")]
    assert allocation_problems("0.01", "0.01", Stage.SELECTED, Role.IC) == []


def test_a_cap_may_be_amended_down_to_what_is_allocated_and_no_further() -> None:
    check_cap_amendment("strategic", Decimal(100), Decimal(100))
    with pytest.raises(RuleViolation) as err:
        check_cap_amendment("strategic", Decimal("99.99"), Decimal(100))
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("commitment", "99.99", "cap.below_allocated",
         "the strategic component already has US$100 allocated or funded; its cap cannot be "
         "amended below that")]


def test_an_amended_cap_is_quoted_in_plain_digits() -> None:
    with pytest.raises(RuleViolation) as err:
        check_cap_amendment("strategic", Decimal("5E+1"), Decimal(100))
    assert err.value.first.value == "50"


def test_the_cap_binds_amounts_below_one_dollar_too() -> None:
    assert refusals(request(amount=Money(Decimal("0.50"), "USD"),
                            unallocated=Decimal("0.49"))) == ["cap.exceeded"]


def test_an_infinite_amount_is_quoted_as_written() -> None:
    # Parsed amounts are always finite; the rules still quote whatever they are given.
    assert allocation_problems("Infinity", "10", Stage.SELECTED, Role.IC) == [
        ("amount", "Infinity", "cap.exceeded", "only US$10 is unallocated")]
    with pytest.raises(RuleViolation) as err:
        check_cap_amendment("strategic", Decimal("-Infinity"), Decimal(100))
    assert err.value.first.value == "-Infinity"
