"""Guarantee entries posting by posting, utilisation of guarantees, and reach at its edges."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pledge.domain.ledger import (
    Entry,
    EntryKind,
    Posting,
    Reach,
    guarantee_call_entry,
    guarantee_entry,
    reach,
    utilisation,
)

D = Decimal
ON = date(2027, 3, 4)


def test_a_guarantee_posts_exposure_and_what_the_cap_counts_of_it() -> None:
    e = guarantee_entry("korea", 7, amount=D("500.00"), counted=D("125.00"),
                        provider="Bank A", on=ON, memo="guarantee of the loan")
    assert e == Entry(EntryKind.GUARANTEE, ON, "guarantee of the loan", (
        Posting("korea:spv:guaranteed", D("500.00"), project_id=7, instrument="guarantee",
                provider="Bank A"),
        Posting("korea:funding:guaranteed", D("-500.00"), provider="Bank A"),
        Posting("korea:capacity:used", D("125.00"), project_id=7, instrument="guarantee"),
        Posting("korea:capacity:allocated", D("-125.00"), project_id=7),
    ))
    # Field by field, so that a wrong kind, date, memo or instrument is named.
    assert (e.kind, e.on, e.memo) == (EntryKind.GUARANTEE, ON, "guarantee of the loan")
    assert [p.instrument for p in e.postings] == ["guarantee", None, "guarantee", None]
    assert [p.project_id for p in e.postings] == [7, None, 7, 7]
    assert [p.provider for p in e.postings] == ["Bank A", "Bank A", None, None]


def test_a_guarantee_the_cap_does_not_count_draws_nothing_from_the_allocation() -> None:
    e = guarantee_entry("korea", 7, amount=D("500.00"), counted=D("0"),
                        provider="Bank A", on=ON, memo="m")
    assert e.postings == (
        Posting("korea:spv:guaranteed", D("500.00"), project_id=7, instrument="guarantee",
                provider="Bank A"),
        Posting("korea:funding:guaranteed", D("-500.00"), provider="Bank A"),
    )


def test_a_called_guarantee_ends_exposure_and_becomes_cash_in_the_spv() -> None:
    e = guarantee_call_entry("japan", 3, amount=D("200.00"), more_counted=D("50.00"),
                             provider="Insurer B", on=ON, memo="call 1")
    assert e == Entry(EntryKind.GUARANTEE_CALL, ON, "call 1", (
        Posting("japan:spv:guaranteed", D("-200.00"), project_id=3, instrument="guarantee",
                provider="Insurer B"),
        Posting("japan:funding:guaranteed", D("200.00"), provider="Insurer B"),
        Posting("japan:spv:invested", D("200.00"), project_id=3, instrument="guarantee_call",
                provider="Insurer B"),
        Posting("japan:funding:provided", D("-200.00"), provider="Insurer B"),
        Posting("japan:capacity:used", D("50.00"), project_id=3, instrument="guarantee"),
        Posting("japan:capacity:allocated", D("-50.00"), project_id=3),
    ))
    assert (e.kind, e.on, e.memo) == (EntryKind.GUARANTEE_CALL, ON, "call 1")
    assert [p.instrument for p in e.postings] == [
        "guarantee", None, "guarantee_call", None, "guarantee", None]
    assert [p.project_id for p in e.postings] == [3, None, 3, None, 3, 3]
    assert len(e.postings) == 6


def test_a_call_the_cap_already_counted_draws_nothing_more() -> None:
    e = guarantee_call_entry("japan", 3, amount=D("200.00"), more_counted=D("0.00"),
                             provider="Insurer B", on=ON, memo="call 2")
    assert [(p.account, p.amount) for p in e.postings] == [
        ("japan:spv:guaranteed", D("-200.00")), ("japan:funding:guaranteed", D("200.00")),
        ("japan:spv:invested", D("200.00")), ("japan:funding:provided", D("-200.00"))]


def test_utilisation_reports_guarantee_exposure_and_what_the_cap_counts() -> None:
    postings = [
        Posting("korea:commitment", D("-1000.00")),
        Posting("korea:capacity:unallocated", D("700.00")),
        Posting("korea:capacity:allocated", D("80.00"), project_id=1),
        Posting("korea:capacity:used", D("220.00"), project_id=1),
        Posting("korea:spv:guaranteed", D("300.00"), project_id=1),
        Posting("korea:spv:invested", D("100.00"), project_id=1),
        # Another component's postings count for nothing here.
        Posting("japan:spv:guaranteed", D("999.00"), project_id=2),
        Posting("japan:capacity:used", D("999.00"), project_id=2),
    ]
    u = utilisation(postings, "korea", date(2027, 1, 1), None)
    assert (u.cap, u.allocated, u.remaining, u.disbursed) == (
        D("1000.00"), D("300.00"), D("700.00"), D("100.00"))
    assert u.guaranteed == D("300.00")
    assert u.used == D("220.00")


def test_reach_on_the_last_day_of_the_period_still_offers_that_years_room() -> None:
    # The period ends the day it is asked: 2028 still has 20 - 5 = 15 of room.
    got = reach(D(200), D(40), D(20), {2028: D(5)}, date(2028, 6, 1), date(2028, 6, 1))
    assert got == Reach(False, D("55.00"))


def test_reach_after_the_period_is_what_was_used() -> None:
    got = reach(D(200), D(40), D(20), {2028: D(5)}, date(2028, 6, 2), date(2028, 6, 1))
    assert got == Reach(False, D("40.00"))
    got = reach(D(200), D(40), D(20), {}, date(2029, 2, 1), date(2028, 6, 1))
    assert got == Reach(False, D("40.00"))
