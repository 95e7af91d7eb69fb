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
    AllocationChange,
    FundingRequest,
    GuaranteeCall,
    check_cap_amendment,
    may_change_allocation,
    plan_allocation,
    plan_funding,
    plan_guarantee_call,
)
from pledge.domain.ledger import EntryKind
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.money import Money
from pledge.services.frameworks import shipped_frameworks

JAPAN = next(f for f in shipped_frameworks() if f.key == "japan").current
BN = Decimal(10) ** 9

# Notified on 2026-02-17; the 45-business-day deadline falls on 2026-04-21.
NOTICE = date(2026, 2, 17)
DEADLINE = date(2026, 4, 21)


def request(**overrides: object) -> FundingRequest:
    """A US$1bn JBIC loan to project 1 (allocated US$3bn), notified on NOTICE, that every
    rule accepts."""
    base = FundingRequest(
        project_id=1, amount=Money(BN, "USD"), instrument=Instrument.LOAN, provider="JBIC",
        on=date(2026, 3, 2), role=Role.FUNDER, stage=Stage.NOTIFIED, terms=JAPAN,
        component=JAPAN.component(), funding_date=DEADLINE,
        window_meaning=WindowMeaning.DEADLINE, extension_until=None,
        project_allocated=3 * BN, used_in_year=Decimal(0), window_opens=NOTICE)
    return replace(base, **overrides)  # type: ignore[arg-type]  # overrides are the request's own fields


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
    ("a cent more than what is left of the project's allocation",
     {"amount": Money(Decimal("1E+9"), "USD"), "project_allocated": BN - Decimal("0.01"),
      "project_used": 2 * BN, "project_name": "Ohio plant"},
     ("amount", "1000000000", "funding.over_allocation",
      "project 1 (Ohio plant) has an allocation of US$2.99999999999bn (US$2bn drawn); this "
      "would count US$1bn toward the cap: US$0.01 short (`pledge allocate` changes an "
      "allocation)")),
    ("a cent over Korea's annual cap",
     {"amount": Money(Decimal("1E+9"), "USD"), "terms": KOREA,
      "component": KOREA.component(),
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
    plan = plan_funding(request(provider=" JBIC ", project_allocated=BN))
    assert (plan.counted, plan.first) == (BN, True)
    assert (plan.entry.memo, plan.entry.on) == ("loan from JBIC", date(2026, 3, 2))
    assert {(p.account, p.amount, p.project_id, p.instrument, p.provider)
            for p in plan.entry.postings} == {
        ("strategic:spv:invested", BN, 1, "loan", "JBIC"),
        ("strategic:funding:provided", -BN, None, None, "JBIC"),
        ("strategic:capacity:used", BN, 1, "loan", None),
        ("strategic:capacity:allocated", -BN, 1, None, None)}


def test_a_further_tranche_is_not_the_first_funding() -> None:
    assert plan_funding(request(stage=Stage.FUNDED)).first is False


def test_no_allocation_means_no_funding() -> None:
    # Nothing is drawn from the framework's unallocated capacity behind the project's back.
    for allocated in (Decimal(0), Decimal(-5)):
        assert refusals(request(project_allocated=allocated)) == ["funding.over_allocation"]


def test_a_guarantee_is_exposure_not_cash() -> None:
    plan = plan_funding(request(instrument=Instrument.GUARANTEE, provider="NEXI"))
    assert {(p.account, p.amount, p.project_id, p.provider) for p in plan.entry.postings} == {
        ("strategic:spv:guaranteed", BN, 1, "NEXI"),
        ("strategic:funding:guaranteed", -BN, None, "NEXI"),
        ("strategic:capacity:used", BN, 1, None),
        ("strategic:capacity:allocated", -BN, 1, None)}
    assert not any(p.account.endswith(("spv:invested", "funding:provided"))
                   for p in plan.entry.postings)


def test_what_counts_toward_the_cap_is_rounded_to_cents() -> None:
    # A guarantee counted at a third: US$0.05 counts 0.0166... which is 0.02.
    third = replace(JAPAN, cap_counting={**JAPAN.cap_counting,
                                         Instrument.GUARANTEE: Decimal(1) / 3})
    plan = plan_funding(request(terms=third, instrument=Instrument.GUARANTEE,
                                amount=Money(Decimal("0.05"), "USD")))
    assert plan.counted == Decimal("0.02")
    assert sum(p.amount for p in plan.entry.postings
               if p.account == "strategic:capacity:used") == Decimal("0.02")


# -- guarantee calls ---------------------------------------------------------------------

def call(**overrides: object) -> GuaranteeCall:
    """US$1bn called of NEXI's US$5bn guarantee on project 1, that every rule accepts."""
    base = GuaranteeCall(
        project_id=1, amount=Money(BN, "USD"), on=date(2027, 6, 1), role=Role.FUNDER,
        provider="NEXI", outstanding=5 * BN, terms=JAPAN, component=JAPAN.component(),
        project_allocated=Decimal(0), project_used=5 * BN, used_in_year=Decimal(0))
    return replace(base, **overrides)  # type: ignore[arg-type]  # overrides are the request's own fields


def call_refusals(req: GuaranteeCall) -> list[tuple[str, object, str, str]]:
    try:
        plan_guarantee_call(req)
    except RuleViolation as exc:
        return [(p.field, p.value, p.rule, p.message) for p in exc.problems]
    return []


def test_a_called_guarantee_becomes_cash_in_the_spv() -> None:
    entry = plan_guarantee_call(call())
    assert {(p.account, p.amount, p.provider) for p in entry.postings} == {
        ("strategic:spv:guaranteed", -BN, "NEXI"),
        ("strategic:funding:guaranteed", BN, "NEXI"),
        ("strategic:spv:invested", BN, "NEXI"),
        ("strategic:funding:provided", -BN, "NEXI")}


def test_no_more_than_what_is_outstanding_is_called() -> None:
    assert call_refusals(call(outstanding=BN - Decimal("0.01"))) == [
        ("amount", "1000000000", "guarantee.over_outstanding",
         "project 1 has US$999.99999999m of guarantees from NEXI outstanding; no more can be "
         "called")]
    assert call_refusals(call(outstanding=BN)) == []
    assert [r for _, _, r, _ in call_refusals(call(role=Role.IC))] == [
        "funding.role_not_allowed"]


def test_a_guarantee_counted_at_a_fraction_draws_the_rest_from_the_allocation() -> None:
    half = replace(JAPAN, cap_counting={**JAPAN.cap_counting,
                                        Instrument.GUARANTEE: Decimal("0.5")})
    entry = plan_guarantee_call(call(terms=half, project_allocated=BN / 2))
    assert {(p.account, p.amount) for p in entry.postings
            if "capacity" in p.account} == {("strategic:capacity:used", BN / 2),
                                             ("strategic:capacity:allocated", -BN / 2)}
    assert [r for _, _, r, _ in call_refusals(
        call(terms=half, project_allocated=BN / 2 - Decimal("0.01")))] == [
        "funding.over_allocation"]


def test_the_caps_are_not_checked_for_an_amount_that_cannot_be_funded() -> None:
    # Yen, or nothing: the refusal names the amount, not a cap it could not reach.
    korea = {"terms": KOREA, "component": KOREA.component(), "project_allocated": Decimal(0),
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

def change(amount: str, *, outstanding: str = "0", used: str = "0", unallocated: str = "10",
           stage: Stage = Stage.SELECTED, role: Role | None = Role.IC,
           reason: str = "revised estimate") -> AllocationChange:
    return AllocationChange(
        project_id=7, component="strategic", amount=Decimal(amount),
        outstanding=Decimal(outstanding), used=Decimal(used), unallocated=Decimal(unallocated),
        stage=stage, on=date(2026, 6, 1), role=role, reason=reason)


def allocation_problems(req: AllocationChange) -> list[tuple[str, object, str, str]]:
    try:
        plan_allocation(req)
    except RuleViolation as exc:
        return [(p.field, p.value, p.rule, p.message) for p in exc.problems]
    return []


def test_the_forms_predicate_is_the_rule_plan_allocation_applies() -> None:
    # what the pages offer is exactly what the rule accepts, role by role, stage by stage
    for role in Role:
        for stage in Stage:
            refused = {rule for _, _, rule, _ in allocation_problems(
                change("5", stage=stage, role=role))}
            allowed = not refused & {"allocation.role_not_allowed", "allocation.stage"}
            assert may_change_allocation(role, stage) is allowed, (role, stage)


def test_who_changes_allocations_of_which_projects() -> None:
    allocating = (Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED, Stage.FUNDED,
                  Stage.OPERATING)
    for stage in Stage:
        for role in Role:
            got = [rule for _, _, rule, _ in allocation_problems(change("10", stage=stage,
                                                                        role=role))]
            expected = ([] if role is Role.IC else ["allocation.role_not_allowed"]) + (
                [] if stage in allocating else ["allocation.stage"])
            assert got == expected, (stage, role)


def test_an_allocation_moves_up_from_and_down_to_unallocated_capacity() -> None:
    up = plan_allocation(change("25", outstanding="10", used="5", unallocated="10"))
    assert up is not None and {(p.account, p.amount) for p in up.postings} == {
        ("strategic:capacity:allocated", Decimal(10)),
        ("strategic:capacity:unallocated", Decimal(-10))}
    down = plan_allocation(change("6", outstanding="10", used="5"))
    assert down is not None and {(p.account, p.amount) for p in down.postings} == {
        ("strategic:capacity:allocated", Decimal(-9)),
        ("strategic:capacity:unallocated", Decimal(9))}
    assert down.memo == "revised estimate"


def test_each_allocation_refusal_says_what_is_wrong() -> None:
    assert allocation_problems(change("10", stage=Stage.FINALIST, role=Role.FUNDER,
                                      reason=" ")) == [
        ("role", "funder", "allocation.role_not_allowed",
         "only the investment committee changes an allocation"),
        ("reason", " ", "allocation.no_reason", "say why the allocation changes"),
        ("project", "finalist", "allocation.stage",
         "capacity is allocated to recommended, selected, notified, funded or operating "
         "projects only")]
    assert allocation_problems(change("-1")) == [
        ("amount", "-1", "allocation.not_positive", "an allocation must be positive")]
    assert allocation_problems(change("4.99", outstanding="3", used="5")) == [
        ("amount", "4.99", "allocation.below_funded",
         "project 7 has drawn US$5 of its allocation; it cannot fall below that")]
    assert allocation_problems(change("8", outstanding="3", used="5")) == [
        ("amount", "8", "allocation.unchanged", "project 7 is already allocated US$8")]
    assert allocation_problems(change("1.1E+2", unallocated="100")) == [
        ("amount", "110", "cap.exceeded",
         "project 7 would need US$110 more but only US$100 is unallocated")]
    assert allocation_problems(change("5", outstanding="0", used="5")) == [
        ("amount", "5", "allocation.unchanged", "project 7 is already allocated US$5")]
    assert allocation_problems(change("0.01", unallocated="0.01")) == []


def test_a_selection_at_the_amount_already_allocated_posts_nothing() -> None:
    assert plan_allocation(change("10", outstanding="10", role=None, reason="")) is None
    assert [r for _, _, r, _ in allocation_problems(change("0", role=None))] == [
        "allocation.not_positive"]


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
                            project_allocated=Decimal("0.49"))) == ["funding.over_allocation"]


def test_an_infinite_amount_is_quoted_as_written() -> None:
    # Parsed amounts are always finite; the rules still quote whatever they are given.
    assert [(f, v, r) for f, v, r, _ in allocation_problems(change("Infinity"))] == [
        ("amount", "Infinity", "cap.exceeded")]
    with pytest.raises(RuleViolation) as err:
        check_cap_amendment("strategic", Decimal("-Infinity"), Decimal(100))
    assert err.value.first.value == "-Infinity"


def test_a_guarantee_funding_is_posted_on_its_day_with_its_memo() -> None:
    plan = plan_funding(request(instrument=Instrument.GUARANTEE, provider=" NEXI "))
    assert (plan.entry.on, plan.entry.memo) == (date(2026, 3, 2), "guarantee from NEXI")


def test_each_allocation_entry_names_the_project_its_day_and_its_reason() -> None:
    up = plan_allocation(change("25", outstanding="10", used="5", unallocated="10"))
    assert up is not None
    assert (up.on, up.memo) == (date(2026, 6, 1), "revised estimate")
    assert {(p.account, p.amount, p.project_id) for p in up.postings} == {
        ("strategic:capacity:allocated", Decimal(10), 7),
        ("strategic:capacity:unallocated", Decimal(-10), None)}
    down = plan_allocation(change("6", outstanding="10", used="5"))
    assert down is not None and down.on == date(2026, 6, 1)
    assert {(p.account, p.amount, p.project_id) for p in down.postings} == {
        ("strategic:capacity:allocated", Decimal(-9), 7),
        ("strategic:capacity:unallocated", Decimal(9), None)}


def test_an_allocation_at_selection_is_posted_as_an_allocation() -> None:
    entry = plan_allocation(change("10", role=None, reason=" "))
    assert entry is not None and entry.memo == "allocation"


def test_an_allocation_may_move_up_by_less_than_a_dollar() -> None:
    entry = plan_allocation(change("10.50", outstanding="10"))
    assert entry is not None and entry.kind is EntryKind.ALLOCATION
    assert {(p.account, p.amount) for p in entry.postings} == {
        ("strategic:capacity:allocated", Decimal("0.50")),
        ("strategic:capacity:unallocated", Decimal("-0.50"))}


def test_the_committee_may_take_an_undrawn_allocation_down_to_nothing() -> None:
    entry = plan_allocation(change("0", outstanding="10"))
    assert entry is not None and entry.kind is EntryKind.RELEASE
    assert {(p.account, p.amount) for p in entry.postings} == {
        ("strategic:capacity:allocated", Decimal(-10)),
        ("strategic:capacity:unallocated", Decimal(10))}


def test_an_allocation_refusal_names_the_project() -> None:
    named = replace(change("4", outstanding="3", used="5"), project_name="Ohio plant")
    assert allocation_problems(named) == [
        ("amount", "4", "allocation.below_funded",
         "project 7 (Ohio plant) has drawn US$5 of its allocation; it cannot fall below that")]
