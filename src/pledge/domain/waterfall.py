"""The cash-flow split rule, exactly, in Decimal: the reference for every other engine.

Periods t = 0..T-1, ``n`` a year. Each period the partner funds ``F_t >= 0`` into
the SPV and the SPV has distributable cash ``D_t`` (negative cash distributes
nothing; losses are not clawed back). The outstanding deemed allocation balance
``B`` starts at 0 and each period, in this order:

1. ``B <- B * (1 + i)``, with ``i = (1 + r)^(1/n) - 1`` (compound) or ``r / n`` (simple);
2. ``B <- B + F_t``;
3. with ``d = max(D_t, 0)``:

   * ``B > 0`` and ``d <= B / s_pre``: the partner gets ``s_pre * d``; ``B <- B - s_pre * d``;
   * ``B > 0`` and ``d > B / s_pre``: the split switches inside the period: the partner
     gets ``B + s_post * (d - B / s_pre)``; ``B <- 0``;
   * ``B = 0``: the partner gets ``s_post * d``;

   and the United States gets ``d`` minus the partner's share.

Funding after recovery makes ``B`` positive again and the pre-recovery split
resumes. The recoup period is the period in which ``B`` last fell to zero (None
if it is still positive at the end).

Amounts are computed at 40 significant digits and are not rounded here; the
edges round to cents for display.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem

ZERO = Decimal(0)
PRECISION = 40


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
        if self.deemed_rate <= -1:
            problems.append(Problem("deemed_rate", str(self.deemed_rate), "waterfall.rate",
                                    "the deemed rate must be above -100%"))
        if problems:
            raise InvalidInput(problems)

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
    """One period: what each side received and the balance left after it."""

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
        i = terms.period_rate
        s_pre, s_post = terms.pre_share, terms.post_share
        balance = ZERO
        recoup: int | None = None
        rows: list[PeriodResult] = []
        partner_total = us_total = funded = ZERO
        for t, (f, dist) in enumerate(zip(funding, distributable, strict=True)):
            balance = balance * (1 + i) + f
            d = dist if dist > 0 else ZERO
            if balance > 0:
                threshold = balance / s_pre
                if d <= threshold:
                    partner = s_pre * d
                    balance = balance - partner
                else:
                    partner = balance + s_post * (d - threshold)
                    balance = ZERO
                if balance == 0:
                    recoup = t
            else:
                partner = s_post * d
            us = d - partner
            rows.append(PeriodResult(t, f, dist, partner, us, balance))
            partner_total += partner
            us_total += us
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
