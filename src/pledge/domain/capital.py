"""The partner's capital account in one project: what it is owed back, day by day.

The account runs on the project's real, dated cash: the partner's cash contributions
into the SPV (equity and loans; a guarantee is contingent exposure, not cash, and never
enters the account until it is called and becomes a cash disbursement) and the SPV's
distributions to each side. Its balance is the partner's outstanding *deemed allocation
amount*:

* a contribution adds its amount on its date;
* between two dates the balance grows by the deemed rate ``r`` over the year fraction
  ``y`` the day count gives (``act/365``: days / 365, ``act/360``: days / 360,
  ``30/360``: the US bond basis): by ``(1 + r)^y`` when the terms compound, by
  ``1 + r * y`` when they are simple (simple interest on the balance, booked at each
  dated movement: interest is never earned on interest between two movements);
* the interest is booked in whole cents on each date something happens (and on the
  statement's date), rounded half-even, so the balance is always whole cents;
* on a date, contributions come before distributions (as in the waterfall, where a
  period's funding is added before its cash is split);
* a distribution reduces the balance by the partner's share while the balance is
  positive, never below zero: the 50/50 phase. Once the balance is zero the partner's
  further receipts (the 90/10 phase) leave it at zero, until a later contribution makes
  it positive again.

A distribution recorded from now on is split by :func:`split_next` from the account's
state on its date, with the rule and rounding of :mod:`pledge.domain.waterfall`. With
every period one dated movement and a day count that makes each period ``1/n`` of a
year (``30/360`` and period dates on the same day of the month), the account's balance
is the exact waterfall's, cent for cent.

The partner's realised IRR is the annual rate ``x`` at which its dated flows (each
contribution negative, each receipt positive, up to the statement's date) have zero
present value, discounting by ``(1 + x)^(days / 365)`` from the first flow: the XIRR
convention spreadsheets use. Unrecovered balance is not a flow: the IRR is what was
realised, not what is owed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.waterfall import (
    NIL,
    PRECISION,
    ROUNDING_RULE,
    ZERO,
    Compounding,
    Phase,
    Split,
    deemed_rate_problem,
    grow,
    split_distribution,
    to_cents,
)

CASH_INSTRUMENTS = frozenset({"equity", "loan", "guarantee_call"})
"""Instruments whose money is cash in the SPV (a guarantee is contingent exposure; the
part of it that is called is cash, ``ledger.CALLED_GUARANTEE``)."""


def is_cash(instrument: str) -> bool:
    """Whether money given through ``instrument`` is cash in the SPV."""
    return instrument in CASH_INSTRUMENTS


class DayCount(StrEnum):
    """How the days between two dates become a fraction of a year."""

    ACT_365 = "act/365"
    ACT_360 = "act/360"
    THIRTY_360 = "30/360"


def year_fraction_exact(start: date, end: date, basis: DayCount) -> Fraction:
    """The years from ``start`` to ``end`` (``end`` on or after ``start``) by ``basis``."""
    if basis is DayCount.THIRTY_360:
        d1 = min(start.day, 30)
        d2 = 30 if (end.day == 31 and d1 == 30) else end.day
        days = 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
        return Fraction(days, 360)
    return Fraction((end - start).days, 365 if basis is DayCount.ACT_365 else 360)


def year_fraction(start: date, end: date, basis: DayCount) -> Decimal:
    """:func:`year_fraction_exact` as a Decimal (40 significant digits)."""
    y = year_fraction_exact(start, end, basis)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(y.numerator) / Decimal(y.denominator)


@dataclass(frozen=True, slots=True)
class CapitalTerms:
    """The settings the account runs on, from the framework's terms.

    annual_rate:  the deemed rate (benchmark plus spread) as an annual fraction
    compounding:  compound or simple (see the module docstring)
    day_count:    how days become years
    day_count_assumed: True when the terms do not set the day count (the default applies)
    pre_share / post_share: the partner's share before and after it recovers the balance
    """

    annual_rate: Decimal
    compounding: Compounding
    day_count: DayCount
    pre_share: Decimal
    post_share: Decimal
    day_count_assumed: bool = False

    def __post_init__(self) -> None:
        problems = []
        rate_problem = deemed_rate_problem(self.annual_rate, "capital.rate")
        if rate_problem is not None:
            problems.append(rate_problem)
        if not ZERO < self.pre_share <= 1:
            problems.append(Problem("split.pre_partner_share", str(self.pre_share),
                                    "capital.share", "the pre-recovery share must be in (0, 1]"))
        if not ZERO <= self.post_share <= 1:
            problems.append(Problem("split.post_partner_share", str(self.post_share),
                                    "capital.share", "the post-recovery share must be in [0, 1]"))
        if problems:
            raise InvalidInput(problems)

    def growth(self, start: date, end: date) -> Decimal | Fraction:
        """What one dollar owed on ``start`` has grown to on ``end``, not rounded: exact (a
        Fraction) when simple, at 40 significant digits when compound."""
        if self.compounding is Compounding.SIMPLE:
            return 1 + Fraction(self.annual_rate) * year_fraction_exact(start, end,
                                                                        self.day_count)
        with localcontext() as ctx:
            ctx.prec = PRECISION
            y = year_fraction(start, end, self.day_count)
            if y == y.to_integral_value():
                return (1 + self.annual_rate) ** int(y)
            return (1 + self.annual_rate) ** y

    @property
    def convention(self) -> str:
        """The convention in words, for statements."""
        how = ("compound: the balance grows by (1 + rate)^years" if
               self.compounding is Compounding.COMPOUND else
               "simple: the balance grows by 1 + rate × years between movements")
        assumed = " (assumed: the terms do not set it)" if self.day_count_assumed else ""
        return (f"deemed rate {self.annual_rate:%} a year, {how}; day count "
                f"{self.day_count.value}{assumed}; interest booked in whole cents on each date")


@dataclass(frozen=True, slots=True)
class Contribution:
    """Money the partner put into the SPV.

    on: its date; amount: US dollars in whole cents; instrument: equity, loan or guarantee;
    provider: who provided it (JBIC, NEXI, a bank)
    """

    on: date
    amount: Decimal
    instrument: str
    provider: str = ""


@dataclass(frozen=True, slots=True)
class Distribution:
    """Cash the SPV distributed on ``on``: ``partner`` and ``us`` received (whole cents)."""

    on: date
    partner: Decimal
    us: Decimal

    @property
    def amount(self) -> Decimal:
        return self.partner + self.us


class LineKind(StrEnum):
    CONTRIBUTION = "contribution"
    INTEREST = "interest"
    DISTRIBUTION = "distribution"


@dataclass(frozen=True, slots=True)
class Line:
    """One movement of the account.

    kind:     contribution, deemed interest, or a distribution
    amount:   the contribution, the interest booked, or the cash distributed
    partner / us: each side's receipt (distributions; zero otherwise)
    balance_before / balance_after: the balance owed to the partner around the movement
    phase:    for distributions, the part of the rule it fell under
    instrument / provider: for contributions
    """

    on: date
    kind: LineKind
    amount: Decimal
    balance_before: Decimal
    balance_after: Decimal
    partner: Decimal = NIL
    us: Decimal = NIL
    phase: Phase | None = None
    instrument: str = ""
    provider: str = ""


@dataclass(frozen=True, slots=True)
class CapitalAccount:
    """The account on ``as_of`` (every amount US dollars in whole cents).

    lines:            every movement up to ``as_of``, in order
    contributed:      cash contributions (equity and loans)
    by_instrument:    contributed, per instrument
    deemed_interest:  interest booked to ``as_of``
    partner_distributions / us_distributions: what each side received
    balance:          what the partner is still owed (deemed allocation balance)
    recouped_on:      the date the balance last fell to zero (None when it is positive or
                      nothing was contributed)
    partner_irr:      the realised XIRR of the partner's flows (None when no rate solves it)
    partner_moic:     received over contributed (None when nothing was contributed)
    terms:            the terms in force on ``as_of``
    """

    as_of: date
    terms: CapitalTerms
    lines: tuple[Line, ...]
    contributed: Decimal
    by_instrument: dict[str, Decimal]
    deemed_interest: Decimal
    partner_distributions: Decimal
    us_distributions: Decimal
    balance: Decimal
    recouped_on: date | None
    partner_irr: float | None
    partner_moic: Decimal | None

    @property
    def contributions(self) -> list[Line]:
        return [ln for ln in self.lines if ln.kind is LineKind.CONTRIBUTION]

    @property
    def distributions(self) -> list[Line]:
        return [ln for ln in self.lines if ln.kind is LineKind.DISTRIBUTION]

    def balance_series(self) -> list[tuple[date, Decimal]]:
        """The balance after each date that moved it (the last line of each date)."""
        out: dict[date, Decimal] = {}
        for ln in self.lines:
            out[ln.on] = ln.balance_after
        return sorted(out.items())


TermsSchedule = Sequence[tuple[date, CapitalTerms]]
"""Terms with the date each takes effect from, oldest first (the first applies before)."""


def _terms_on(schedule: TermsSchedule, on: date) -> CapitalTerms:
    chosen = schedule[0][1]
    for effective, terms in schedule:
        if effective <= on:
            chosen = terms
    return chosen


def _phase_of(balance: Decimal, partner: Decimal) -> Phase:
    if balance <= 0:
        return Phase.POST
    return Phase.CROSSING if partner > balance else Phase.PRE


def capital_account(contributions: Sequence[Contribution], distributions: Sequence[Distribution],
                    schedule: TermsSchedule, as_of: date) -> CapitalAccount:
    """The account on ``as_of`` from the dated contributions and distributions.

    Only cash contributions (``is_cash``) and movements dated on or before ``as_of``
    count; distributions of one date apply in the order given. Raises InvalidInput when
    ``schedule`` is empty or an amount is negative.
    """
    if not schedule:
        raise InvalidInput.single("terms", None, "capital.no_terms",
                                  "the account needs the deemed rate and the split")
    bad = [Problem("contribution", format(c.amount, "f"), "capital.negative",
                   "a contribution cannot be negative") for c in contributions if c.amount < 0]
    bad += [Problem("distribution", f"{d.partner} / {d.us}", "capital.negative",
                    "a distribution's shares cannot be negative")
            for d in distributions if d.partner < 0 or d.us < 0]
    if bad:
        raise InvalidInput(bad)
    cash = sorted((c for c in contributions if is_cash(c.instrument) and c.on <= as_of),
                  key=lambda c: c.on)
    paid = sorted((d for d in distributions if d.on <= as_of), key=lambda d: d.on)
    # Each date that moves the account (and each date new terms take effect) books interest.
    dates = sorted({c.on for c in cash} | {d.on for d in paid} | {as_of}
                   | {eff for eff, _ in schedule[1:] if eff <= as_of})
    lines: list[Line] = []
    balance = contributed = interest = to_partner = to_us = NIL
    by_instrument: dict[str, Decimal] = {}
    recouped: date | None = None
    last: date | None = None
    flows: list[tuple[date, float]] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for day in dates:
            if last is not None and balance > 0:
                grown = grow(balance, _terms_on(schedule, last).growth(last, day))
                if grown != balance:
                    lines.append(Line(day, LineKind.INTEREST, grown - balance, balance, grown))
                    interest += grown - balance
                    balance = grown
            last = day
            for c in (c for c in cash if c.on == day):
                amount = to_cents(c.amount)
                lines.append(Line(day, LineKind.CONTRIBUTION, amount, balance, balance + amount,
                                  instrument=c.instrument, provider=c.provider))
                balance += amount
                contributed += amount
                by_instrument[c.instrument] = by_instrument.get(c.instrument, NIL) + amount
                flows.append((day, -float(amount)))
            for d in (d for d in paid if d.on == day):
                partner, us = to_cents(d.partner), to_cents(d.us)
                after = balance - partner if partner < balance else NIL
                lines.append(Line(day, LineKind.DISTRIBUTION, partner + us, balance, after,
                                  partner, us, _phase_of(balance, partner)))
                if balance > 0 and after == 0:
                    recouped = day
                balance = after
                to_partner += partner
                to_us += us
                if partner:
                    flows.append((day, float(partner)))
        if balance > 0 or not contributed:
            recouped = None
        moic = None if not contributed else to_partner / contributed
    return CapitalAccount(as_of, _terms_on(schedule, as_of), tuple(lines), contributed,
                          by_instrument, interest, to_partner, to_us, balance, recouped,
                          xirr(flows), moic)


def split_next(account: CapitalAccount, cash: Decimal) -> Split:
    """Split ``cash`` distributed on ``account.as_of`` by the rule, from the account's
    balance on that date (after the movements already recorded for it) and the shares in
    force. Rounding as in :data:`pledge.domain.waterfall.ROUNDING_RULE`."""
    return split_distribution(cash, account.balance, account.terms.pre_share,
                              account.terms.post_share)


# ---------------------------------------------------------------------------
# XIRR
# ---------------------------------------------------------------------------

def _npv(flows: Sequence[tuple[float, float]], rate: float) -> float:
    base = 1.0 + rate
    return math.fsum(c / base ** t for t, c in flows)


def _npv_deriv(flows: Sequence[tuple[float, float]], rate: float) -> float:
    base = 1.0 + rate
    return math.fsum(-t * c / base ** (t + 1) for t, c in flows)


_GRID = (-0.999999999999, -0.9999999999, -0.99999999, -0.999999, -0.9999, -0.99,
         -0.9, -0.75, -0.5, -0.25, -0.1, 0.0, 0.05, 0.1, 0.25, 0.5, 1.0,
         2.0, 5.0, 10.0, 100.0, 1e3, 1e4)


def xirr(flows: Sequence[tuple[date, float]]) -> float | None:
    """The annual rate giving the dated ``flows`` zero present value (years of 365 days
    from the first date), or None when there is none (no flow of one sign, every flow on
    one day so that no rate is determined, or no root above -100% found).

    Newton's method from 10% when it converges to a verified root; otherwise the first
    change of sign along a grid of rates, refined by bisection.
    """
    if not flows or not any(c < 0 for _, c in flows) or not any(c > 0 for _, c in flows):
        return None
    start = min(d for d, _ in flows)
    if all(d == start for d, _ in flows):
        return None
    years = [((d - start).days / 365.0, c) for d, c in flows]
    scale = math.fsum(abs(c) for _, c in years)

    def solved(x: float) -> bool:
        try:
            return x > -1.0 and abs(_npv(years, x)) <= 1e-10 * scale
        except (OverflowError, ZeroDivisionError):
            return False

    x = 0.1
    for _ in range(100):
        try:
            value, slope = _npv(years, x), _npv_deriv(years, x)
        except (OverflowError, ZeroDivisionError):
            break
        if slope == 0 or not math.isfinite(value) or not math.isfinite(slope):
            break
        step = value / slope
        nxt = x - step
        if nxt <= -1.0:
            nxt = (x - 1.0) / 2
        if abs(nxt - x) <= 1e-15 * max(1.0, abs(x)):
            x = nxt
            break
        x = nxt
    if math.isfinite(x) and solved(x):
        return x
    values = []
    for r in _GRID:
        try:
            values.append((r, _npv(years, r)))
        except (OverflowError, ZeroDivisionError):
            continue
    for (a, fa), (b, fb) in pairwise(values):
        if fa == 0:
            return a
        if (fa < 0) != (fb < 0):
            for _ in range(200):
                mid = (a + b) / 2
                fm = _npv(years, mid)
                if fm == 0 or b - a <= 1e-16 * max(1.0, abs(mid)):
                    return mid
                if (fm < 0) == (fa < 0):
                    a, fa = mid, fm
                else:
                    b = mid
            return (a + b) / 2
    return None


__all__ = ["CASH_INSTRUMENTS", "ROUNDING_RULE", "CapitalAccount", "CapitalTerms",
           "Contribution", "DayCount", "Distribution", "Line", "LineKind", "capital_account",
           "is_cash", "split_next", "xirr", "year_fraction"]
