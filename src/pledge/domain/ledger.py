"""The double-entry ledger of a framework.

Every movement is an ``Entry`` of ``Posting``s that sum to zero per currency
(debits positive, credits negative); an unbalanced entry cannot be built. The
accounts, per framework component (``strategic:...``):

==========================  ===========================================================
``commitment``              credit: the partner's commitment to this component (the cap)
``capacity:unallocated``    debit: commitment not yet allocated to any project
``capacity:allocated``      debit, per project: reserved for a project, not yet funded
``capacity:used``           debit, per project: counted toward the cap by fundings
``funding:provided``        credit, per provider: money provided (JBIC, NEXI, banks)
``spv:invested``            debit, per project/instrument/provider: cash in the SPV (equity,
                            loans, and the called part of a guarantee)
``spv:guaranteed``          debit, per project/provider: guarantee exposure outstanding (a
                            contingent liability of the provider: no cash moves)
``funding:guaranteed``      credit, per provider: guarantees given and not called
``us:in_kind``              credit: in-kind contributions by the United States
``spv:in_kind``             debit, per project/kind: land, utilities, offtake at value
``spv:distributed``         credit, per project: cash the SPV distributed
``received``                debit, per party: cash each side received
==========================  ===========================================================

So the cap is minus the ``commitment`` balance, what is allocated against it is
``capacity:allocated`` plus ``capacity:used``, what is left is
``capacity:unallocated``, what was disbursed (cash only) is ``spv:invested`` and the
guarantee exposure outstanding is ``spv:guaranteed``. A project's allocation is its
``capacity:allocated`` (not yet drawn) plus its ``capacity:used`` (drawn by fundings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem

ZERO = Decimal(0)
CENT = Decimal("0.01")
US_PARTY = "United States"

COMMITMENT = "commitment"
UNALLOCATED = "capacity:unallocated"
ALLOCATED = "capacity:allocated"
USED = "capacity:used"
PROVIDED = "funding:provided"
INVESTED = "spv:invested"
GUARANTEED = "spv:guaranteed"
GUARANTEES_GIVEN = "funding:guaranteed"
#: The instrument of the cash a called guarantee puts into the SPV (a guarantee itself
#: is exposure, never cash).
CALLED_GUARANTEE = "guarantee_call"
US_IN_KIND = "us:in_kind"
SPV_IN_KIND = "spv:in_kind"
DISTRIBUTED = "spv:distributed"
RECEIVED = "received"


class EntryKind(StrEnum):
    COMMITMENT = "commitment"
    ALLOCATION = "allocation"
    RELEASE = "release"
    DISBURSEMENT = "disbursement"
    GUARANTEE = "guarantee"
    GUARANTEE_CALL = "guarantee_call"
    RECLASSIFICATION = "reclassification"
    IN_KIND = "in_kind"
    DISTRIBUTION = "distribution"


class InKind(StrEnum):
    """What the United States contributes in kind to an SPV."""

    LAND = "land"
    UTILITIES = "utilities"
    OFFTAKE = "offtake"
    PERMITS = "permits"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of an entry.

    account:    ``component:account`` (see the module docstring)
    amount:     signed Decimal, debit positive, at most two decimal places
    currency:   ISO code
    project_id, party, instrument, provider: the dimensions balances are taken by
    """

    account: str
    amount: Decimal
    currency: str = "USD"
    project_id: int | None = None
    party: str | None = None
    instrument: str | None = None
    provider: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A balanced set of postings made on one date for one reason."""

    kind: EntryKind
    on: date
    memo: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if len(self.postings) < 2:
            problems.append(Problem("postings", len(self.postings), "ledger.too_few",
                                    "an entry needs at least two postings"))
        for p in self.postings:
            if not isinstance(p.amount, Decimal):
                raise TypeError("posting amounts must be Decimal")
            if p.amount != p.amount.quantize(CENT):
                problems.append(Problem("amount", format(p.amount, "f"), "ledger.sub_cent",
                                        "postings are in whole cents"))
        for cur, total in imbalance(self.postings).items():
            problems.append(Problem("postings", f"{format(total, 'f')} {cur}",
                                    "ledger.unbalanced",
                                    f"postings in {cur} sum to {total}, not zero"))
        if problems:
            raise InvalidInput(problems)


def imbalance(postings: Iterable[Posting]) -> dict[str, Decimal]:
    """What keeps postings from balancing: each currency whose amounts do not sum to zero,
    with its sum (empty when they balance). Every entry balances, so the postings of a
    whole ledger, or of any set of whole entries, do too."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        totals[p.currency] += p.amount
    return {cur: total for cur, total in sorted(totals.items()) if total != ZERO}


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-even to whole cents (the ledger's precision)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def acct(component: str, account: str) -> str:
    return f"{component}:{account}"


def commitment_entry(component: str, amount: Decimal, on: date, memo: str) -> Entry:
    """Record (or, with a negative amount, reduce) a commitment to ``component``."""
    return Entry(EntryKind.COMMITMENT, on, memo, (
        Posting(acct(component, UNALLOCATED), amount),
        Posting(acct(component, COMMITMENT), -amount),
    ))


def allocation_entry(component: str, project_id: int, amount: Decimal, on: date,
                     memo: str) -> Entry:
    """Reserve ``amount`` of unallocated capacity for a project."""
    return Entry(EntryKind.ALLOCATION, on, memo, (
        Posting(acct(component, ALLOCATED), amount, project_id=project_id),
        Posting(acct(component, UNALLOCATED), -amount),
    ))


def release_entry(component: str, project_id: int, amount: Decimal, on: date,
                  memo: str) -> Entry:
    """Return a project's outstanding allocation to unallocated capacity."""
    return Entry(EntryKind.RELEASE, on, memo, (
        Posting(acct(component, UNALLOCATED), amount),
        Posting(acct(component, ALLOCATED), -amount, project_id=project_id),
    ))


def disbursement_entry(component: str, project_id: int, *, amount: Decimal, counted: Decimal,
                       from_allocation: Decimal, instrument: str, provider: str, on: date,
                       memo: str) -> Entry:
    """Money from ``provider`` into the project's SPV, and the capacity it uses.

    ``counted`` is the part of ``amount`` that counts toward the cap; the first
    ``from_allocation`` of it comes out of the project's allocation, the rest out
    of unallocated capacity.
    """
    fresh = counted - from_allocation
    postings = [
        Posting(acct(component, INVESTED), amount, project_id=project_id,
                instrument=instrument, provider=provider),
        Posting(acct(component, PROVIDED), -amount, provider=provider),
        Posting(acct(component, USED), counted, project_id=project_id, instrument=instrument),
    ]
    if from_allocation:
        postings.append(Posting(acct(component, ALLOCATED), -from_allocation,
                                project_id=project_id))
    if fresh:
        postings.append(Posting(acct(component, UNALLOCATED), -fresh))
    return Entry(EntryKind.DISBURSEMENT, on, memo, tuple(postings))


def guarantee_entry(component: str, project_id: int, *, amount: Decimal, counted: Decimal,
                    provider: str, on: date, memo: str) -> Entry:
    """A guarantee by ``provider`` for the project: exposure, not cash.

    The provider's contingent liability grows by ``amount``; nothing reaches the SPV.
    ``counted`` (what the framework counts of it toward the cap) is drawn from the
    project's allocation.
    """
    postings = [
        Posting(acct(component, GUARANTEED), amount, project_id=project_id,
                instrument="guarantee", provider=provider),
        Posting(acct(component, GUARANTEES_GIVEN), -amount, provider=provider),
    ]
    if counted:
        postings += [
            Posting(acct(component, USED), counted, project_id=project_id,
                    instrument="guarantee"),
            Posting(acct(component, ALLOCATED), -counted, project_id=project_id)]
    return Entry(EntryKind.GUARANTEE, on, memo, tuple(postings))


def guarantee_call_entry(component: str, project_id: int, *, amount: Decimal,
                         more_counted: Decimal, provider: str, on: date, memo: str) -> Entry:
    """``amount`` of a guarantee is called: that much exposure ends and becomes cash paid
    by ``provider`` into the SPV. ``more_counted`` is what the cap counts of the cash
    beyond what it counted of the guarantee, drawn from the project's allocation."""
    postings = [
        Posting(acct(component, GUARANTEED), -amount, project_id=project_id,
                instrument="guarantee", provider=provider),
        Posting(acct(component, GUARANTEES_GIVEN), amount, provider=provider),
        Posting(acct(component, INVESTED), amount, project_id=project_id,
                instrument=CALLED_GUARANTEE, provider=provider),
        Posting(acct(component, PROVIDED), -amount, provider=provider),
    ]
    if more_counted:
        postings += [
            Posting(acct(component, USED), more_counted, project_id=project_id,
                    instrument="guarantee"),
            Posting(acct(component, ALLOCATED), -more_counted, project_id=project_id)]
    return Entry(EntryKind.GUARANTEE_CALL, on, memo, tuple(postings))


def in_kind_entry(component: str, project_id: int, kind: InKind, value: Decimal, on: date,
                  memo: str) -> Entry:
    """An in-kind US contribution to the SPV, valued separately from the cap."""
    return Entry(EntryKind.IN_KIND, on, memo, (
        Posting(acct(component, SPV_IN_KIND), value, project_id=project_id,
                instrument=kind.value, party=US_PARTY),
        Posting(acct(component, US_IN_KIND), -value, party=US_PARTY),
    ))


def distribution_entry(component: str, project_id: int, partner: str, partner_amount: Decimal,
                       us_amount: Decimal, on: date, memo: str) -> Entry:
    """Cash distributed by a project's SPV to each side."""
    return Entry(EntryKind.DISTRIBUTION, on, memo, (
        Posting(acct(component, RECEIVED), partner_amount, project_id=project_id, party=partner),
        Posting(acct(component, RECEIVED), us_amount, project_id=project_id, party=US_PARTY),
        Posting(acct(component, DISTRIBUTED), -(partner_amount + us_amount),
                project_id=project_id),
    ))


def balances(postings: Iterable[Posting], by: Sequence[str] = ("account",)
             ) -> dict[tuple[object, ...], Decimal]:
    """Sum of posting amounts grouped by the named Posting attributes."""
    out: dict[tuple[object, ...], Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        out[tuple(getattr(p, name) for name in by)] += p.amount
    return dict(out)


@dataclass(frozen=True, slots=True)
class Utilisation:
    """Where a commitment stands on ``as_of``.

    cap:        US dollars committed
    allocated:  capacity allocated to projects (reserved plus used by fundings)
    disbursed:  cash put into SPVs (equity, loans, called guarantees; face value)
    remaining:  cap minus allocated
    period_end: end of the investment period, or None
    required_per_month: remaining divided by the months left to period_end (cents),
                None when there is no period end or it has passed
    guaranteed: guarantee exposure outstanding (contingent: never counted as disbursed)
    used:       what fundings and guarantees count toward the cap so far
    """

    cap: Decimal
    allocated: Decimal
    disbursed: Decimal
    remaining: Decimal
    as_of: date
    period_end: date | None
    required_per_month: Decimal | None
    guaranteed: Decimal = ZERO
    used: Decimal = ZERO

    @property
    def share_allocated(self) -> Decimal:
        return ZERO if not self.cap else self.allocated / self.cap


DAYS_PER_MONTH = Decimal("365.25") / Decimal(12)


def utilisation(postings: Iterable[Posting], component: str, as_of: date,
                period_end: date | None) -> Utilisation:
    """The utilisation of ``component`` computed from its postings."""
    bal = balances((p for p in postings if p.account.startswith(component + ":")), ("account",))

    def b(account: str) -> Decimal:
        return bal.get((acct(component, account),), ZERO)

    cap = -b(COMMITMENT)
    allocated = b(ALLOCATED) + b(USED)
    remaining = b(UNALLOCATED)
    disbursed = b(INVESTED)
    return Utilisation(cap, allocated, disbursed, remaining, as_of, period_end,
                       required_pace(remaining, as_of, period_end), guaranteed=b(GUARANTEED),
                       used=b(USED))


def required_pace(remaining: Decimal, as_of: date, period_end: date | None) -> Decimal | None:
    """US dollars a month needed from ``as_of`` to reach the cap by ``period_end``."""
    if period_end is None or period_end <= as_of:
        return None
    months = Decimal((period_end - as_of).days) / DAYS_PER_MONTH
    return cents(remaining / months)


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether a component's cap can be reached by the end of the investment period.

    reachable:     False when the annual cap leaves too little room in the years left
    max_reachable: the most that can count toward the cap by ``period_end``: what fundings
                   have counted so far plus each remaining calendar year's room under the
                   annual cap (the year of ``as_of`` less what it already used), at most
                   the cap; the cap itself without an annual cap
    """

    reachable: bool
    max_reachable: Decimal


def reach(cap: Decimal, used: Decimal, annual_cap: Decimal | None,
          used_by_year: Mapping[int, Decimal], as_of: date, period_end: date | None) -> Reach:
    """How far fundings can take a component by ``period_end``.

    The annual cap applies per calendar year, as the funding rule checks it
    (``domain.funding``), so each year from ``as_of``'s to ``period_end``'s offers the
    annual cap less what that year's fundings already counted. With no annual cap or
    no period end, the cap is reachable.
    """
    if annual_cap is None or period_end is None:
        return Reach(True, cap)
    room = sum((max(annual_cap - used_by_year.get(year, ZERO), ZERO)
                for year in range(as_of.year, period_end.year + 1)), ZERO)
    if period_end < as_of:
        room = ZERO
    most = min(cap, used + room)
    return Reach(most >= cap, cents(most))
