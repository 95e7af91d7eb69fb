"""The ledger and the funding rules: balance, the cap, the annual cap, the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import Component, Instrument, Mechanism, WindowMeaning
from pledge.domain.funding import FundingRequest, check_allocation, plan_funding
from pledge.domain.ledger import (
    ALLOCATED,
    UNALLOCATED,
    USED,
    Entry,
    EntryKind,
    Posting,
    acct,
    allocation_entry,
    balances,
    commitment_entry,
    distribution_entry,
    release_entry,
    utilisation,
)
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.money import Money
from pledge.services.frameworks import shipped_frameworks

FRAMEWORKS = {f.key: f for f in shipped_frameworks()}
JAPAN = FRAMEWORKS["japan"].current
KOREA = FRAMEWORKS["korea"].current
BN = Decimal(10) ** 9


def usd(text: str) -> Decimal:
    return Decimal(text)


def test_an_unbalanced_entry_cannot_be_built() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, date(2026, 1, 1), "x", (
            Posting("strategic:capacity:allocated", Decimal("10.00")),
            Posting("strategic:capacity:unallocated", Decimal("-9.99"))))
    assert err.value.first.rule == "ledger.unbalanced"


def test_sub_cent_postings_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, date(2026, 1, 1), "x", (
            Posting("a", Decimal("0.001")), Posting("b", Decimal("-0.001"))))
    assert "ledger.sub_cent" in {p.rule for p in err.value.problems}


def request(**overrides: object) -> FundingRequest:
    base = FundingRequest(
        project_id=1, amount=Money(Decimal("1000000000"), "USD"), instrument=Instrument.LOAN,
        provider="JBIC", on=date(2026, 4, 1), role=Role.FUNDER, stage=Stage.NOTIFIED,
        terms=JAPAN, component=JAPAN.component(), funding_date=date(2026, 4, 21),
        window_meaning=WindowMeaning.DEADLINE, extension_until=None,
        unallocated=550 * BN, project_allocated=Decimal(0), used_in_year=Decimal(0))
    return replace(base, **overrides)  # type: ignore[arg-type]


# Funding cases as a table: what changes from the base request, and the rule expected.
FUNDING_CASES = [
    ("within the window", {}, "ok"),
    ("on the deadline itself", {"on": date(2026, 4, 21)}, "ok"),
    ("a day late", {"on": date(2026, 4, 22)}, "funding.window_late"),
    ("late but covered by an extension", {"on": date(2026, 5, 1),
                                          "extension_until": date(2026, 5, 15)}, "ok"),
    ("late beyond the extension", {"on": date(2026, 5, 16),
                                   "extension_until": date(2026, 5, 15)},
     "funding.window_late"),
    ("earliest-date window, too early", {"window_meaning": WindowMeaning.EARLIEST},
     "funding.window_early"),
    ("earliest-date window, on time", {"window_meaning": WindowMeaning.EARLIEST,
                                       "on": date(2026, 4, 21)}, "ok"),
    ("not notified yet", {"stage": Stage.SELECTED}, "funding.not_notified"),
    ("a second tranche of a funded project", {"stage": Stage.FUNDED}, "ok"),
    ("the wrong role", {"role": Role.IC}, "funding.role_not_allowed"),
    ("in yen", {"amount": Money(Decimal("1000"), "JPY")}, "funding.currency"),
    ("zero", {"amount": Money(Decimal("0"), "USD")}, "funding.not_positive"),
    ("exactly the headroom", {"unallocated": BN}, "ok"),
    ("a cent over the headroom", {"unallocated": BN - Decimal("0.01")}, "cap.exceeded"),
    ("over headroom but covered by the project's allocation",
     {"unallocated": Decimal(0), "project_allocated": BN}, "ok"),
]


@pytest.mark.parametrize(("case", "changes", "expected"), FUNDING_CASES,
                         ids=[c[0] for c in FUNDING_CASES])
def test_funding_rules(case: str, changes: dict[str, object], expected: str) -> None:
    try:
        plan = plan_funding(request(**changes))
        outcome = "ok"
        assert plan.counted == request(**changes).amount.amount
    except RuleViolation as exc:
        outcome = " ".join(p.rule for p in exc.problems)
    assert outcome == expected


def test_korea_annual_cap() -> None:
    comp = KOREA.component()
    assert comp.annual_cap == 20 * BN
    ok = request(terms=KOREA, component=comp, used_in_year=19 * BN, unallocated=200 * BN)
    assert plan_funding(ok).counted == BN
    over = replace(ok, used_in_year=19 * BN + Decimal("0.01"))
    with pytest.raises(RuleViolation) as err:
        plan_funding(over)
    assert err.value.first.rule == "cap.annual_exceeded"


def test_guarantees_count_at_the_framework_factor() -> None:
    half = replace(JAPAN, cap_counting={**JAPAN.cap_counting,
                                        Instrument.GUARANTEE: Decimal("0.5")})
    plan = plan_funding(request(terms=half, instrument=Instrument.GUARANTEE))
    assert plan.counted == BN / 2
    bal = balances(plan.entry.postings)
    assert bal[(acct("strategic", USED),)] == BN / 2
    assert bal[(acct("strategic", "spv:invested"),)] == BN


def test_utilisation_and_pace() -> None:
    entries = [commitment_entry("strategic", 550 * BN, date(2025, 9, 4), "c"),
               allocation_entry("strategic", 1, 36 * BN, date(2026, 2, 17), "a")]
    postings = [p for e in entries for p in e.postings]
    u = utilisation(postings, "strategic", date(2027, 1, 19), date(2029, 1, 19))
    assert (u.cap, u.allocated, u.remaining, u.disbursed) == (550 * BN, 36 * BN, 514 * BN, 0)
    # 731 days left = 24.0164... months of 365.25/12 days
    assert u.required_per_month == (514 * BN / (Decimal(731) / (Decimal("365.25") / 12))
                                    ).quantize(Decimal("0.01"))


OPS = st.one_of(
    st.tuples(st.just("allocate"), st.integers(0, 3), st.integers(1, 300)),
    st.tuples(st.just("fund"), st.integers(0, 3), st.integers(1, 300),
              st.sampled_from(list(Instrument))),
    st.tuples(st.just("release"), st.integers(0, 3)),
    st.tuples(st.just("distribute"), st.integers(0, 3), st.integers(0, 50),
              st.integers(0, 50)),
)


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(OPS, max_size=40),
       factor=st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(0)]))
def test_no_sequence_unbalances_the_ledger_or_exceeds_the_cap(
        ops: list[tuple[object, ...]], factor: Decimal) -> None:
    cap = Decimal(1000)
    comp = Component("strategic", "s", cap, Mechanism.FUND)
    terms = replace(JAPAN, commitment=cap, components=(comp,),
                    cap_counting={**JAPAN.cap_counting, Instrument.GUARANTEE: factor})
    entries = [commitment_entry("strategic", cap, date(2025, 9, 4), "commitment")]

    def bal(account: str, project: int | None = None) -> Decimal:
        return sum((p.amount for e in entries for p in e.postings
                    if p.account == acct("strategic", account)
                    and (project is None or p.project_id == project)), Decimal(0))

    for op in ops:
        kind, project = op[0], int(op[1])  # type: ignore[call-overload]
        try:
            if kind == "allocate":
                amount = Decimal(int(op[2]))  # type: ignore[call-overload]
                check_allocation(amount, bal(UNALLOCATED), Stage.SELECTED, Role.IC)
                entries.append(allocation_entry("strategic", project, amount,
                                                date(2026, 1, 1), "a"))
            elif kind == "fund":
                plan = plan_funding(request(
                    project_id=project, amount=Money(Decimal(int(op[2])), "USD"),  # type: ignore[call-overload]
                    instrument=op[3], terms=terms, component=comp,
                    unallocated=bal(UNALLOCATED), project_allocated=bal(ALLOCATED, project)))
                entries.append(plan.entry)
            elif kind == "release":
                outstanding = bal(ALLOCATED, project)
                if outstanding:
                    entries.append(release_entry("strategic", project, outstanding,
                                                 date(2026, 1, 1), "r"))
            else:
                entries.append(distribution_entry(
                    "strategic", project, "Japan", Decimal(int(op[2])),  # type: ignore[call-overload]
                    Decimal(int(op[3])), date(2027, 1, 1), "d"))  # type: ignore[call-overload]
        except (RuleViolation, InvalidInput):
            continue
        # Every entry balances, so the whole ledger sums to zero.
        assert sum((p.amount for e in entries for p in e.postings), Decimal(0)) == 0
        # Capacity is never negative and allocated + used + unallocated is the cap.
        assert bal(UNALLOCATED) >= 0
        assert bal(ALLOCATED) + bal(USED) + bal(UNALLOCATED) == cap
        for pid in range(4):
            assert bal(ALLOCATED, pid) >= 0
