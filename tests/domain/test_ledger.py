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
from pledge.domain.funding import AllocationChange, FundingRequest, plan_allocation, plan_funding
from pledge.domain.ledger import (
    ALLOCATED,
    UNALLOCATED,
    USED,
    Entry,
    EntryKind,
    InKind,
    Posting,
    Reach,
    acct,
    allocation_entry,
    balances,
    cents,
    commitment_entry,
    disbursement_entry,
    distribution_entry,
    in_kind_entry,
    reach,
    release_entry,
    required_pace,
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
        project_allocated=BN, used_in_year=Decimal(0))
    return replace(base, **overrides)  # type: ignore[arg-type]  # overrides are the entry's own fields


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
    ("exactly what is left of the allocation", {"project_allocated": BN}, "ok"),
    ("a cent over the allocation", {"project_allocated": BN - Decimal("0.01")},
     "funding.over_allocation"),
    ("no allocation at all", {"project_allocated": Decimal(0)}, "funding.over_allocation"),
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
    ok = request(terms=KOREA, component=comp, used_in_year=19 * BN)
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
    # Exposure, not cash: nothing reaches the SPV until the guarantee is called.
    assert bal[(acct("strategic", "spv:guaranteed"),)] == BN
    assert (acct("strategic", "spv:invested"),) not in bal


def test_utilisation_and_pace() -> None:
    entries = [commitment_entry("strategic", 550 * BN, date(2025, 9, 4), "c"),
               allocation_entry("strategic", 1, 36 * BN, date(2026, 2, 17), "a")]
    postings = [p for e in entries for p in e.postings]
    u = utilisation(postings, "strategic", date(2027, 1, 19), date(2029, 1, 19))
    assert (u.cap, u.allocated, u.remaining, u.disbursed) == (
        550 * BN, 36 * BN, 514 * BN, Decimal(0))
    # 731 days left = 24.0164... months of 365.25/12 days
    assert u.required_per_month == (514 * BN / (Decimal(731) / (Decimal("365.25") / 12))
                                    ).quantize(Decimal("0.01"))


def test_an_annual_cap_can_put_the_cap_out_of_reach() -> None:
    # Korea: US$200bn at most US$20bn a calendar year, the period ending 2029-01-19. From
    # 2026-12-05 four calendar years remain (2026 to 2029): at most 4 x 20 = 80bn, less
    # the 15bn 2026 has used, on top of the 15bn funded: 80bn in all.
    got = reach(200 * BN, 15 * BN, 20 * BN, {2026: 15 * BN}, date(2026, 12, 5),
                date(2029, 1, 19))
    assert got == Reach(False, 80 * BN)
    # Without an annual cap, or with room enough, the cap is reachable.
    assert reach(200 * BN, Decimal(0), None, {}, date(2026, 12, 5), date(2029, 1, 19)) == Reach(
        True, 200 * BN)
    assert reach(200 * BN, 150 * BN, 20 * BN, {}, date(2026, 12, 5), date(2029, 1, 19)
                 ) == Reach(True, 200 * BN)
    # A year already over its share offers nothing more (never less than nothing).
    assert reach(200 * BN, 25 * BN, 20 * BN, {2028: 25 * BN}, date(2028, 6, 1),
                 date(2029, 1, 19)) == Reach(False, 45 * BN)


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
        kind, project = op[0], int(op[1])  # type: ignore[call-overload]  # hypothesis draws ints here
        try:
            if kind == "allocate":
                amount = Decimal(int(op[2]))  # type: ignore[call-overload]  # hypothesis draws ints here
                entry = plan_allocation(AllocationChange(
                    project_id=project, component="strategic", amount=amount,
                    outstanding=bal(ALLOCATED, project), used=bal(USED, project),
                    unallocated=bal(UNALLOCATED), stage=Stage.SELECTED, on=date(2026, 1, 1),
                    role=Role.IC, reason="r"))
                assert entry is not None
                entries.append(entry)
            elif kind == "fund":
                plan = plan_funding(request(
                    project_id=project, amount=Money(Decimal(int(op[2])), "USD"),  # type: ignore[call-overload]  # hypothesis draws ints here
                    instrument=op[3], terms=terms, component=comp,
                    project_allocated=bal(ALLOCATED, project)))
                entries.append(plan.entry)
            elif kind == "release":
                outstanding = bal(ALLOCATED, project)
                if outstanding:
                    entries.append(release_entry("strategic", project, outstanding,
                                                 date(2026, 1, 1), "r"))
            else:
                entries.append(distribution_entry(
                    "strategic", project, "Japan", Decimal(int(op[2])),  # type: ignore[call-overload]  # hypothesis draws ints here
                    Decimal(int(op[3])), date(2027, 1, 1), "d"))  # type: ignore[call-overload]  # hypothesis draws ints here
        except (RuleViolation, InvalidInput):
            continue
        # Every entry balances, so the whole ledger sums to zero.
        assert sum((p.amount for e in entries for p in e.postings), Decimal(0)) == 0
        # Capacity is never negative and allocated + used + unallocated is the cap.
        assert bal(UNALLOCATED) >= 0
        assert bal(ALLOCATED) + bal(USED) + bal(UNALLOCATED) == cap
        for pid in range(4):
            assert bal(ALLOCATED, pid) >= 0
        # Cash and exposure never mix: a guarantee is never disbursed.
        assert not any(p.account == acct("strategic", "spv:invested")
                       and p.instrument == "guarantee" for e in entries for p in e.postings)


# -- entries, one builder at a time ------------------------------------------------------

D0 = date(2026, 3, 2)


def lines(entry: Entry) -> list[tuple[object, ...]]:
    """An entry's postings as (account, amount, project, party, instrument, provider)."""
    return [(p.account, p.amount, p.project_id, p.party, p.instrument, p.provider)
            for p in entry.postings]


def test_an_entry_problem_says_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, D0, "x", (Posting("a", Decimal("0.005")),))
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("postings", 1, "ledger.too_few", "an entry needs at least two postings"),
        ("amount", "0.005", "ledger.sub_cent", "postings are in whole cents"),
        ("postings", "0.005 USD", "ledger.unbalanced", "postings in USD sum to 0.005, not zero"),
    ]
    with pytest.raises(TypeError, match=r"^posting amounts must be Decimal$"):
        Entry(EntryKind.ALLOCATION, D0, "x", (Posting("a", 1), Posting("b", -1)))  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested


def test_each_currency_balances_on_its_own() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, D0, "x", (
            Posting("a", Decimal("5.00")), Posting("b", Decimal("-5.00"), currency="JPY")))
    # One problem per currency, in the currencies' alphabetical order.
    assert [(p.value, p.message) for p in err.value.problems] == [
        ("-5.00 JPY", "postings in JPY sum to -5.00, not zero"),
        ("5.00 USD", "postings in USD sum to 5.00, not zero")]
    two = Entry(EntryKind.ALLOCATION, D0, "x", (
        Posting("a", Decimal("5")), Posting("b", Decimal("-5")),
        Posting("c", Decimal("7"), currency="JPY"), Posting("d", Decimal("-7"), currency="JPY")))
    assert len(two.postings) == 4


def test_cents_round_half_even() -> None:
    assert [cents(Decimal(x)) for x in ("0.125", "0.135", "-0.125", "2")] == [
        Decimal("0.12"), Decimal("0.14"), Decimal("-0.12"), Decimal("2.00")]


def test_commitment_allocation_and_release_entries() -> None:
    made = commitment_entry("strategic", Decimal(550), D0, "m")
    assert (made.kind, made.on, made.memo) == (EntryKind.COMMITMENT, D0, "m")
    assert lines(made) == [
        ("strategic:capacity:unallocated", 550, None, None, None, None),
        ("strategic:commitment", -550, None, None, None, None)]
    alloc = allocation_entry("strategic", 7, Decimal(36), D0, "reserve")
    assert (alloc.kind, alloc.on, alloc.memo) == (EntryKind.ALLOCATION, D0, "reserve")
    assert lines(alloc) == [("strategic:capacity:allocated", 36, 7, None, None, None),
                            ("strategic:capacity:unallocated", -36, None, None, None, None)]
    release = release_entry("strategic", 7, Decimal(36), D0, "back")
    assert (release.kind, release.on, release.memo) == (EntryKind.RELEASE, D0, "back")
    assert lines(release) == [("strategic:capacity:unallocated", 36, None, None, None, None),
                              ("strategic:capacity:allocated", -36, 7, None, None, None)]


def test_a_disbursement_uses_the_allocation_first_then_fresh_capacity() -> None:
    entry = disbursement_entry("strategic", 7, amount=Decimal(100), counted=Decimal(50),
                               from_allocation=Decimal(30), instrument="guarantee",
                               provider="NEXI", on=D0, memo="guarantee from NEXI")
    assert (entry.kind, entry.memo) == (EntryKind.DISBURSEMENT, "guarantee from NEXI")
    assert lines(entry) == [
        ("strategic:spv:invested", 100, 7, None, "guarantee", "NEXI"),
        ("strategic:funding:provided", -100, None, None, None, "NEXI"),
        ("strategic:capacity:used", 50, 7, None, "guarantee", None),
        ("strategic:capacity:allocated", -30, 7, None, None, None),
        ("strategic:capacity:unallocated", -20, None, None, None, None)]
    # All from the allocation, or all fresh: no zero posting either way.
    whole = disbursement_entry("strategic", 7, amount=Decimal(10), counted=Decimal(10),
                               from_allocation=Decimal(10), instrument="loan",
                               provider="JBIC", on=D0, memo="m")
    assert [a for a, *_ in lines(whole)][3:] == ["strategic:capacity:allocated"]
    fresh = disbursement_entry("strategic", 7, amount=Decimal(10), counted=Decimal(10),
                               from_allocation=Decimal(0), instrument="loan",
                               provider="JBIC", on=D0, memo="m")
    assert [a for a, *_ in lines(fresh)][3:] == ["strategic:capacity:unallocated"]


def test_in_kind_and_distribution_entries() -> None:
    entry = in_kind_entry("strategic", 7, InKind.LAND, Decimal(40), D0, "site")
    assert (entry.kind, entry.on, entry.memo) == (EntryKind.IN_KIND, D0, "site")
    assert lines(entry) == [
        ("strategic:spv:in_kind", 40, 7, "United States", "land", None),
        ("strategic:us:in_kind", -40, None, "United States", None, None)]
    paid = distribution_entry("strategic", 7, "Japan", Decimal(30), Decimal(70), D0, "q1")
    assert (paid.kind, paid.on, paid.memo) == (EntryKind.DISTRIBUTION, D0, "q1")
    assert lines(paid) == [
        ("strategic:received", 30, 7, "Japan", None, None),
        ("strategic:received", 70, 7, "United States", None, None),
        ("strategic:spv:distributed", -100, 7, None, None, None)]


def test_balances_by_several_dimensions() -> None:
    postings = [p for e in (
        distribution_entry("strategic", 1, "Japan", Decimal(30), Decimal(70), D0, "a"),
        distribution_entry("strategic", 2, "Japan", Decimal(5), Decimal(5), D0, "b"))
        for p in e.postings]
    assert balances(postings, ("account", "party")) == {
        ("strategic:received", "Japan"): Decimal(35),
        ("strategic:received", "United States"): Decimal(75),
        ("strategic:spv:distributed", None): Decimal(-110)}
    assert balances(postings)[("strategic:received",)] == Decimal(110)


def test_utilisation_counts_only_its_own_component() -> None:
    entries = [commitment_entry("strategic", 100 * BN, D0, "c"),
               commitment_entry("shipbuilding", 150 * BN, D0, "c"),
               allocation_entry("strategic", 1, 10 * BN, D0, "a"),
               disbursement_entry("strategic", 2, amount=6 * BN, counted=3 * BN,
                                  from_allocation=Decimal(0), instrument="guarantee",
                                  provider="NEXI", on=D0, memo="m")]
    postings = [p for e in entries for p in e.postings]
    u = utilisation(postings, "strategic", date(2029, 1, 19), date(2029, 1, 19))
    assert (u.cap, u.allocated, u.disbursed, u.remaining) == (
        100 * BN, 13 * BN, 6 * BN, 87 * BN)
    assert u.share_allocated == Decimal("0.13")
    assert u.required_per_month is None  # the period ends today: no months left
    assert (u.as_of, u.period_end) == (date(2029, 1, 19), date(2029, 1, 19))
    empty = utilisation([], "strategic", D0, None)
    assert (empty.cap, empty.share_allocated, empty.required_per_month) == (
        Decimal(0), Decimal(0), None)


def test_required_pace() -> None:
    # A month is 365.25 / 12 = 30.4375 days: 100 over the 60 days to 2 March is
    # 100 * 30.4375 / 60 = 50.729... a month.
    assert required_pace(Decimal(100), date(2026, 1, 1), date(2026, 3, 2)) == Decimal("50.73")
    assert required_pace(Decimal(100), date(2026, 1, 1), date(2026, 1, 2)) == Decimal("3043.75")
    assert required_pace(Decimal(100), date(2026, 1, 2), date(2026, 1, 1)) is None
    assert required_pace(Decimal(100), date(2026, 1, 1), None) is None


def test_entry_problems_quote_amounts_in_plain_digits() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, D0, "x", (Posting("a", Decimal("1E-7")),
                                               Posting("b", Decimal("0"))))
    assert [(p.value, p.rule) for p in err.value.problems] == [
        ("0.0000001", "ledger.sub_cent"), ("0.0000001 USD", "ledger.unbalanced")]


def test_a_posting_that_is_not_a_number_is_quoted_as_written() -> None:
    with pytest.raises(InvalidInput) as err:
        Entry(EntryKind.ALLOCATION, D0, "x", (Posting("a", Decimal("NaN")),
                                               Posting("b", Decimal("0"))))
    assert [(p.value, p.rule) for p in err.value.problems] == [
        ("NaN", "ledger.sub_cent"), ("NaN USD", "ledger.unbalanced")]
