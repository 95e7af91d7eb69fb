"""The cash-flow split rule, exactly, in Decimal: the reference for every other engine.

Periods t = 0..T-1, ``n`` a year. Each period the partner funds ``F_t >= 0`` into
the SPV and the SPV has distributable cash ``D_t`` (negative cash distributes
nothing; losses are not clawed back). Money moves in whole cents: ``F_t`` and
``d = max(D_t, 0)`` are taken rounded half-even to the cent. The outstanding deemed
allocation balance ``B`` starts at 0 and each period, in this order:

1. ``B <- cents(B * (1 + i))``, with ``i = (1 + r)^(1/n) - 1`` (compound) or ``r / n``
   (simple): the period's deemed interest is booked in whole cents;
2. ``B <- B + F_t``;
3. the distribution is split by :func:`split_distribution`:

   * ``B > 0`` and ``d <= B / s_pre``: the partner's exact share is ``s_pre * d``;
   * ``B > 0`` and ``d > B / s_pre``: the split switches inside the period: the
     partner's exact share is ``B + s_post * (d - B / s_pre)``;
   * ``B = 0``: the partner's exact share is ``s_post * d``;

   **rounding rule**: the partner's exact share is rounded half-even to the cent,
   once, and the United States gets the rest (``d`` minus the partner's rounded
   share), so the two add up to ``d`` exactly: no cent is made or lost. The
   balance falls by the partner's rounded share, never below zero (the 50/50 part
   of a distribution that crosses recovery is exactly ``B``).

So the balance carried from period to period is always in whole cents. Funding
after recovery makes ``B`` positive again and the pre-recovery split resumes. The
recoup period is the period in which ``B`` last fell to zero (None if it is still
positive at the end).

Intermediate amounts are computed at 40 significant digits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.money import round_cents

ZERO = Decimal(0)
NIL = Decimal("0.00")  # zero in whole cents
PRECISION = 40

ROUNDING_RULE = ("the partner's share is rounded half-even to the cent once; the United "
                 "States receives the rest, so the two shares add up to the cash exactly")


#: ``amount`` rounded half-even to whole cents (how money moves): the money module's rule.
to_cents = round_cents


def fraction_to_cents(value: Fraction) -> Decimal:
    """An exact rational amount rounded half-even to whole cents (``round`` on a Fraction
    rounds exact halves to even)."""
    return Decimal(round(value * 100)).scaleb(-2)


def grow(balance: Decimal, growth: Decimal | Fraction) -> Decimal:
    """``balance * growth`` booked in whole cents, half-even: exactly when ``growth`` is a
    Fraction (simple interest, whole periods), else at 40 significant digits (a growth
    factor with an irrational root in it has no exact half cent to decide)."""
    if isinstance(growth, Fraction):
        return fraction_to_cents(Fraction(balance) * growth)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return to_cents(balance * growth)


class Phase(StrEnum):
    """Which part of the rule a distribution fell under.

    PRE:      the partner had not recovered its deemed allocation: the pre-recovery split
    CROSSING: the distribution recovered the balance: pre-recovery split up to that
              point, the post-recovery split for the rest
    POST:     nothing was owed: the post-recovery split
    """

    PRE = "pre_recovery"
    CROSSING = "crossing"
    POST = "post_recovery"


@dataclass(frozen=True, slots=True)
class Split:
    """One distribution split by the rule (whole cents).

    amount:         the cash distributed (``max(cash, 0)`` in cents)
    partner, us:    each side's share; ``partner + us == amount`` exactly
    balance_before: the deemed allocation balance owed to the partner before it
    balance_after:  the balance after it (``balance_before`` less the partner's
                    share, never below zero)
    phase:          which part of the rule applied
    """

    amount: Decimal
    partner: Decimal
    us: Decimal
    balance_before: Decimal
    balance_after: Decimal
    phase: Phase


def split_distribution(cash: Decimal, balance: Decimal, pre_share: Decimal,
                       post_share: Decimal) -> Split:
    """Split ``cash`` (negative distributes nothing) given the partner's outstanding
    ``balance``, both in whole cents, by the rule and its rounding rule (module docstring).
    """
    d = to_cents(cash) if cash > 0 else NIL
    balance = to_cents(balance) if balance > 0 else NIL
    # The exact share as a fraction: B / s_pre need not terminate (s_pre = 0.6), and a
    # share landing on a half cent must be seen as exactly that.
    fd, fb, pre, post = Fraction(d), Fraction(balance), Fraction(pre_share), Fraction(post_share)
    if balance > 0:
        threshold = fb / pre
        if fd <= threshold:
            exact, phase = pre * fd, Phase.PRE
        else:
            exact, phase = fb + post * (fd - threshold), Phase.CROSSING
    else:
        exact, phase = post * fd, Phase.POST
    partner = fraction_to_cents(exact)
    after = balance - partner if partner < balance else NIL
    return Split(d, partner, d - partner, balance, after, phase)


MAX_DEEMED_RATE = Decimal(1)
"""The highest annual deemed rate (100%): a balance compounding faster outgrows the
digits money is kept in over a project's life, and no agreement sets one."""


def deemed_rate_problem(rate: Decimal, rule: str) -> Problem | None:
    """The problem with a deemed rate outside (-100%, :data:`MAX_DEEMED_RATE`], naming
    ``deemed_rate`` under ``rule``; None when it lies inside."""
    if -1 < rate <= MAX_DEEMED_RATE:
        return None
    return Problem("deemed_rate", str(rate), rule,
                   "the deemed rate must be above -100% and at most 100%")


class Compounding(StrEnum):
    COMPOUND = "compound"
    SIMPLE = "simple"


@dataclass(frozen=True, slots=True)
class SplitTerms:
    """The numbers of the split rule.

    deemed_rate:      annual deemed interest rate as a fraction (benchmark plus spread)
    periods_per_year: ``n``
    pre_share:        the partner's share until it recovers its deemed allocation (s_pre)
    post_share:       the partner's share afterwards (s_post)
    compounding:      how the annual rate becomes a per-period rate
    """

    deemed_rate: Decimal
    periods_per_year: int = 4
    pre_share: Decimal = Decimal("0.5")
    post_share: Decimal = Decimal("0.1")
    compounding: Compounding = Compounding.COMPOUND

    def __post_init__(self) -> None:
        problems = []
        if self.periods_per_year < 1:
            problems.append(Problem("periods_per_year", self.periods_per_year,
                                    "waterfall.periods", "at least one period a year"))
        if not ZERO < self.pre_share <= 1:
            problems.append(Problem("pre_split", str(self.pre_share), "waterfall.share",
                                    "the pre-recovery share must be in (0, 1]"))
        if not ZERO <= self.post_share <= 1:
            problems.append(Problem("post_split", str(self.post_share), "waterfall.share",
                                    "the post-recovery share must be in [0, 1]"))
        rate_problem = deemed_rate_problem(self.deemed_rate, "waterfall.rate")
        if rate_problem is not None:
            problems.append(rate_problem)
        if problems:
            raise InvalidInput(problems)

    @property
    def period_growth(self) -> Decimal | Fraction:
        """``1 + i``: exact (a Fraction) when simple or once a year, else at 40 digits."""
        if self.compounding is Compounding.SIMPLE or self.periods_per_year == 1:
            return 1 + Fraction(self.deemed_rate) / self.periods_per_year
        return 1 + self.period_rate

    @property
    def period_rate(self) -> Decimal:
        """The per-period deemed rate ``i``."""
        with localcontext() as ctx:
            ctx.prec = PRECISION
            n = Decimal(self.periods_per_year)
            if self.compounding is Compounding.SIMPLE:
                return self.deemed_rate / n
            return (1 + self.deemed_rate) ** (1 / n) - 1


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """One period: what each side received and the balance left after it.

    funding is in whole cents; distributable is the cash as given (``partner + us`` is
    ``max(distributable, 0)`` in whole cents); partner, us and balance are in whole cents.
    """

    period: int
    funding: Decimal
    distributable: Decimal
    partner: Decimal
    us: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class WaterfallResult:
    """The whole run: every period, the recoup period, and the totals."""

    periods: tuple[PeriodResult, ...]
    recoup_period: int | None
    partner_total: Decimal
    us_total: Decimal
    funding_total: Decimal

    @property
    def partner_moic(self) -> Decimal | None:
        """Total received over total funded (None when nothing was funded)."""
        if not self.funding_total:
            return None
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return self.partner_total / self.funding_total

    @property
    def undistributed_negative_cash(self) -> Decimal:
        """The negative cash of the periods, which the split distributes nothing of (as a
        positive amount): what someone must fund. A project's base case is passed through
        its capital structure first (``capital_structure.apply_structure``), whose rule
        funds it, so there it is zero; a case given as CSV shows it here."""
        return -sum((p.distributable for p in self.periods if p.distributable < 0), ZERO)

    @property
    def partner_net_flows(self) -> list[Decimal]:
        """``p_t - F_t`` per period: what the partner's IRR is computed on."""
        return [p.partner - p.funding for p in self.periods]


def run_waterfall(funding: Sequence[Decimal], distributable: Sequence[Decimal],
                  terms: SplitTerms) -> WaterfallResult:
    """Apply the split rule to per-period funding and distributable cash.

    Raises InvalidInput when the sequences differ in length or funding is negative.
    """
    if len(funding) != len(distributable):
        raise InvalidInput.single("distributable", len(distributable), "waterfall.length",
                                  f"{len(funding)} funding periods but {len(distributable)} "
                                  f"distributable")
    bad = [Problem(f"row {t} funding", str(f), "waterfall.negative_funding",
                   "funding cannot be negative") for t, f in enumerate(funding) if f < 0]
    if bad:
        raise InvalidInput(bad)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        growth = terms.period_growth
        s_pre, s_post = terms.pre_share, terms.post_share
        balance = ZERO
        recoup: int | None = None
        rows: list[PeriodResult] = []
        partner_total = us_total = funded = ZERO
        for t, (f, dist) in enumerate(zip(funding, distributable, strict=True)):
            f = to_cents(f)
            balance = grow(balance, growth) + f
            cut = split_distribution(dist, balance, s_pre, s_post)
            if balance > 0 and cut.balance_after == 0:
                recoup = t
            balance = cut.balance_after
            rows.append(PeriodResult(t, f, dist, cut.partner, cut.us, balance))
            partner_total += cut.partner
            us_total += cut.us
            funded += f
        if balance > 0:
            recoup = None
        return WaterfallResult(tuple(rows), recoup, partner_total, us_total, funded)


CSV_COLUMNS = ("period", "funding", "distributable")


def parse_waterfall_csv(text: str) -> tuple[list[Decimal], list[Decimal]]:
    """Funding and distributable cash from CSV text with columns period,funding,distributable.

    Periods must run 0, 1, 2, ... in order. Raises InvalidInput naming the row (the
    header is row 1) and column of every bad cell.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InvalidInput([Problem("header", ",".join(header), "csv.missing_column",
                                    f"missing column '{c}'") for c in missing])
    reader.fieldnames = header
    problems: list[Problem] = []
    funding: list[Decimal] = []
    dist: list[Decimal] = []
    for n, row in enumerate(reader, start=2):
        values = {}
        for col in CSV_COLUMNS:
            raw = (row.get(col) or "").strip()
            try:
                values[col] = Decimal(raw.replace(",", "").replace("_", ""))
                if not values[col].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(Problem(f"row {n} column {col}", raw, "csv.not_a_number",
                                        "expected a number"))
                values[col] = Decimal(len(funding)) if col == "period" else ZERO
        expected = len(funding)
        if values["period"] != expected:
            problems.append(Problem(f"row {n} column period", str(values["period"]),
                                    "csv.period_order", f"expected period {expected}"))
        if values["funding"] < 0:
            problems.append(Problem(f"row {n} column funding", str(values["funding"]),
                                    "waterfall.negative_funding", "funding cannot be negative"))
        funding.append(values["funding"])
        dist.append(values["distributable"])
    if not funding and not problems:
        problems.append(Problem("rows", 0, "csv.empty", "the file has no periods"))
    if problems:
        raise InvalidInput(problems)
    return funding, dist


MAX_DISCOUNT_RATE = Decimal(10)
"""The highest annual discount rate a present value may use (1,000%): beyond it every
flow after the first year weighs nothing, which no analyst means."""


def check_discount_rate(rate: Decimal, field: str = "discount_rate") -> Decimal:
    """``rate`` as the annual effective rate present values are discounted at: above
    -100% and at most :data:`MAX_DISCOUNT_RATE`; raises InvalidInput naming ``field``."""
    if not Decimal(-1) < rate <= MAX_DISCOUNT_RATE:
        raise InvalidInput.single(field, str(rate), "waterfall.rate",
                                  "a discount rate must be above -100% and at most 1,000%")
    return rate


def cents_of_any_size(amount: Decimal) -> Decimal:
    """``amount`` rounded to hundredths, ties to even, however many digits it has (a
    present value at a rate near -100% a year runs to hundreds); ``money.round_cents``
    keeps 80 digits, which every amount of money stays within."""
    digits = max(80, amount.adjusted() + 3)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN,
                           context=Context(prec=digits, rounding=ROUND_HALF_EVEN))
