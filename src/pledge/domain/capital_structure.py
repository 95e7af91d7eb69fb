"""The SPV's capital structure: who funds it, by layer, and who is paid first.

A project's SPV is funded by *layers* (:class:`Layer`): cash equity and loans, which are
drawn as the project is built; guarantees, which are contingent exposure (no cash); and
contributions in kind (the United States' land, utilities...), which are value, not cash.
The cash layers together are the *planned* cost; what the building costs beyond it is an
*overrun*.

:func:`apply_structure` turns a project's cash flows (capex and operating cash, per
period, in whole cents) into who pays and who is paid, period by period, in this order:

1. **Construction.** Capex up to what is left of the plan is drawn from the cash layers
   in proportion to their amounts (each draw rounded half-even to the cent, the last
   layer taking the remainder); capex beyond the plan is an overrun, funded by
   ``overrun_rule`` (:class:`FundingRule`).
2. **Loans** (the *serviced* loans: every loan, except the partner's own loans when
   ``debt_before_split`` is off, which then count as the partner's equity in the deemed
   allocation). Interest accrues at ``rate / n`` a period on the opening balance and is
   booked in whole cents; during construction it is capitalised, and from the first
   operating period the balance is repaid by a level payment over ``tenor_years``
   (an annuity; the last payment clears what is left).
3. **Debt service comes first.** The period's operating cash pays each serviced loan's
   payment due, senior first (``seniority`` 1 before 2). When operating cash is short
   (negative operating cash, or less than the debt service), the *shortfall* is funded by
   ``shortfall_rule``; it is never dropped.
4. **Co-investors** then take their pro-rata share of what is left (their equity over
   all equity, the United States' in-kind value counted as its equity), rounded to the
   cent.
5. **The split.** The rest goes to the framework's split (:mod:`pledge.domain.waterfall`)
   between the partner and the United States; the partner's funding that enters its
   deemed allocation is its equity draws, its unserviced loans, and whatever it funded
   of overruns and shortfalls.

Under ``none-abandon`` nobody funds an overrun or a shortfall: the project is abandoned
in that period. The cash in hand pays the loans senior first; what is owed and unpaid is
reported as ``unfunded``; nothing is drawn, earned or paid afterwards, and the loans'
outstanding balances are the lenders' loss.

Every period conserves cash to the cent: ``capex = draws + overrun funded + overrun
unfunded`` and ``operating + shortfall funded + unfunded shortfall = debt due + co-investors
+ cash to the split``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.money import round_cents

ZERO = Decimal(0)
NIL = Decimal("0.00")
PRECISION = 40
MAX_AMOUNT = Decimal(10) ** 13
MAX_RATE = Decimal(1)
MAX_TENOR = Decimal(50)
MAX_SENIORITY = 10


class LayerKind(StrEnum):
    """What a layer puts into the SPV: cash (equity, loan) or not (guarantee, in kind)."""

    EQUITY = "equity"
    LOAN = "loan"
    GUARANTEE = "guarantee"
    IN_KIND = "in_kind"


class Holder(StrEnum):
    """Whose layer it is."""

    PARTNER = "partner"
    US = "us"
    CO_INVESTOR = "co_investor"
    LENDER = "lender"


class FundingRule(StrEnum):
    """Who funds an overrun or a shortfall of operating cash.

    PARTNER:      the partner (its funding enters its deemed allocation)
    PRO_RATA:     the equity holders in proportion to their equity (the partner's cash
                  equity, co-investors, the United States' in-kind value)
    US:           the United States (cash it puts in; its receipts stay its split share)
    NONE_ABANDON: nobody: the project is abandoned in that period
    """

    PARTNER = "partner"
    PRO_RATA = "pro-rata"
    US = "us"
    NONE_ABANDON = "none-abandon"


def parse_rule(value: object, field_name: str) -> FundingRule:
    """A :class:`FundingRule` from text; InvalidInput naming ``field_name`` otherwise."""
    try:
        return FundingRule(str(value).strip().lower())
    except ValueError:
        raise InvalidInput.single(field_name, value, "capital.unknown_rule",
                                  "one of: " + ", ".join(r.value for r in FundingRule)
                                  ) from None


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of the SPV's funding.

    name:             what it is ("JBIC loan", "partner equity")
    kind, holder:     :class:`LayerKind`, :class:`Holder`
    amount:           US dollars: the cash committed (equity, loan), the amount
                      guaranteed (guarantee), or the value contributed (in kind)
    rate:             annual interest rate of a loan, a fraction (interest ``rate / n`` a
                      period)
    tenor_years:      years over which a loan is repaid from the first operating period
    seniority:        order of debt service among loans: 1 is paid first
    call_probability: a guarantee's probability of being called over its life
    loss_given_call:  the share of the amount guaranteed lost when it is called
    source:           where the numbers come from (a citation, or "assumption")
    """

    name: str
    kind: LayerKind
    holder: Holder
    amount: Decimal
    rate: Decimal = ZERO
    tenor_years: Decimal = ZERO
    seniority: int = 1
    call_probability: Decimal = ZERO
    loss_given_call: Decimal = ZERO
    source: str = "assumption"

    def __post_init__(self) -> None:
        where = f"layer {self.name!r} "
        problems: list[Problem] = []
        if not self.name.strip() or len(self.name) > 120:
            problems.append(Problem("layer.name", self.name, "capital.bad_name",
                                    "a name of 1 to 120 characters"))
        if not ZERO <= self.amount <= MAX_AMOUNT:
            problems.append(Problem(where + "amount", str(self.amount), "capital.out_of_range",
                                    "must be between 0 and 1e13 US dollars"))
        if not ZERO <= self.rate <= MAX_RATE:
            problems.append(Problem(where + "rate", str(self.rate), "capital.out_of_range",
                                    "must be between 0 and 1 (100% a year)"))
        if self.kind is LayerKind.LOAN and not ZERO < self.tenor_years <= MAX_TENOR:
            problems.append(Problem(where + "tenor_years", str(self.tenor_years),
                                    "capital.out_of_range",
                                    "a loan's tenor must be above 0 and at most 50 years"))
        if not 1 <= self.seniority <= MAX_SENIORITY:
            problems.append(Problem(where + "seniority", self.seniority,
                                    "capital.out_of_range", "must be between 1 and 10"))
        for name in ("call_probability", "loss_given_call"):
            value = getattr(self, name)
            if not ZERO <= value <= 1:
                problems.append(Problem(where + name, str(value), "capital.out_of_range",
                                        "a probability or share between 0 and 1"))
        if self.kind is LayerKind.IN_KIND and self.holder is not Holder.US:
            problems.append(Problem(where + "holder", self.holder.value, "capital.in_kind",
                                    "contributions in kind are the United States'"))
        if problems:
            raise InvalidInput(problems)

    @property
    def is_cash(self) -> bool:
        return self.kind in (LayerKind.EQUITY, LayerKind.LOAN)

    @property
    def expected_loss(self) -> Decimal:
        """A guarantee's expected loss: amount × probability of a call × loss given a call,
        in whole cents (zero for any other layer)."""
        if self.kind is not LayerKind.GUARANTEE:
            return NIL
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return round_cents(self.amount * self.call_probability * self.loss_given_call)


@dataclass(frozen=True, slots=True)
class CapitalStructure:
    """The layers and the rules that say who funds what the plan does not cover.

    overrun_rule:      who funds capex beyond the cash layers (:class:`FundingRule`)
    shortfall_rule:    who funds operating cash below the debt service (negative cash)
    debt_before_split: the partner's loans are serviced before the split (else they count
                       in its deemed allocation like equity); others' loans always are
    """

    layers: tuple[Layer, ...]
    overrun_rule: FundingRule = FundingRule.PARTNER
    shortfall_rule: FundingRule = FundingRule.PARTNER
    debt_before_split: bool = True

    @property
    def cash_layers(self) -> tuple[Layer, ...]:
        return tuple(x for x in self.layers if x.is_cash)

    @property
    def planned(self) -> Decimal:
        """The planned cost: the cash layers' amounts together."""
        return sum((x.amount for x in self.cash_layers), NIL)

    def serviced(self, layer: Layer) -> bool:
        """Whether ``layer`` is a loan repaid ahead of the split."""
        return layer.kind is LayerKind.LOAN and (self.debt_before_split
                                                 or layer.holder is not Holder.PARTNER)

    @property
    def loans(self) -> tuple[Layer, ...]:
        """The serviced loans, senior first (the layers' order among equals)."""
        return tuple(sorted((x for x in self.layers if self.serviced(x)),
                            key=lambda x: x.seniority))

    def equity(self) -> tuple[Decimal, Decimal, Decimal]:
        """(partner, United States, co-investors) equity: cash equity, the partner's
        unserviced loans, and the value contributed in kind."""
        out = {Holder.PARTNER: NIL, Holder.US: NIL, Holder.CO_INVESTOR: NIL}
        for x in self.layers:
            equity = x.kind in (LayerKind.IN_KIND, LayerKind.EQUITY) or (
                x.kind is LayerKind.LOAN and not self.serviced(x))
            if equity and x.holder in out:
                out[x.holder] += x.amount
        return out[Holder.PARTNER], out[Holder.US], out[Holder.CO_INVESTOR]

    def weights(self) -> tuple[Decimal, Decimal, Decimal]:
        """Each side's share of the equity (all to the partner when there is none)."""
        p, us, co = self.equity()
        total = p + us + co
        if total <= 0:
            return Decimal(1), ZERO, ZERO
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return p / total, us / total, co / total

    @property
    def expected_guarantee_loss(self) -> Decimal:
        return sum((x.expected_loss for x in self.layers), NIL)


def payment_order(structure: CapitalStructure) -> list[str]:
    """Who is paid first, in words, one step a line."""
    steps = [f"debt service to {x.name} ({x.holder.value}, seniority {x.seniority}): "
             f"interest {x.rate:%} a year, repaid over {x.tenor_years:g} years"
             for x in structure.loans]
    _, _, co = structure.weights()
    if co > 0:
        steps.append(f"co-investors: {co:.2%} of what is left (their share of the equity)")
    steps.append("the split: the rest, between the partner and the United States "
                 "(pre-recovery share until the partner recovers its deemed allocation, "
                 "then the post-recovery share)")
    return steps


@dataclass(frozen=True, slots=True)
class ByHolder:
    """An amount per funder (whole cents)."""

    partner: Decimal = NIL
    us: Decimal = NIL
    co_investors: Decimal = NIL

    @property
    def total(self) -> Decimal:
        return self.partner + self.us + self.co_investors


def _fund(amount: Decimal, rule: FundingRule, weights: tuple[Decimal, Decimal, Decimal]
          ) -> ByHolder:
    """Who funds ``amount`` (cents) by ``rule``; pro rata: the United States' and the
    co-investors' parts rounded half-even, the partner the rest."""
    if amount <= 0:
        return ByHolder()
    if rule is FundingRule.PARTNER:
        return ByHolder(partner=amount)
    if rule is FundingRule.US:
        return ByHolder(us=amount)
    _, w_us, w_co = weights
    with localcontext() as ctx:
        ctx.prec = PRECISION
        us, co = round_cents(amount * w_us), round_cents(amount * w_co)
    return ByHolder(amount - us - co, us, co)


@dataclass(frozen=True, slots=True)
class CapitalPeriod:
    """One period of the structure (whole cents).

    capex, operating: the project's cash flows as used (zero after an abandonment)
    draws:            each cash layer's draw, in ``structure.cash_layers`` order
    overrun, shortfall: who funded the overrun and the shortfall of operating cash
    overrun_unfunded, shortfall_unfunded: what nobody funded (only under ``none-abandon``,
                      in the period the project is abandoned)
    debt_due, debt_paid: per serviced loan, senior first
    loan_balances:    per serviced loan, after the period
    co_investors:     the co-investors' receipts
    to_split:         the cash that goes to the split (never negative)
    partner_allocation: the partner's funding that enters its deemed allocation
    partner_loan_draws, partner_loan_receipts: the partner's serviced loans' cash
    lender_receipts:  debt service paid to lenders that are not the partner
    us_funding, co_investor_funding: cash the United States and the co-investors put in
    """

    period: int
    capex: Decimal
    operating: Decimal
    draws: tuple[Decimal, ...]
    overrun: ByHolder
    shortfall: ByHolder
    overrun_unfunded: Decimal
    shortfall_unfunded: Decimal
    debt_due: tuple[Decimal, ...]
    debt_paid: tuple[Decimal, ...]
    loan_balances: tuple[Decimal, ...]
    co_investors: Decimal
    to_split: Decimal
    partner_allocation: Decimal
    partner_loan_draws: Decimal
    partner_loan_receipts: Decimal
    lender_receipts: Decimal
    us_funding: Decimal
    co_investor_funding: Decimal


@dataclass(frozen=True, slots=True)
class StructuredFlows:
    """The structure applied to a project's cash flows, period by period."""

    structure: CapitalStructure
    periods: tuple[CapitalPeriod, ...]
    abandoned_period: int | None
    lender_loss: Decimal = NIL
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def funding(self) -> list[Decimal]:
        """The partner's funding into its deemed allocation, per period: the split's F."""
        return [p.partner_allocation for p in self.periods]

    @property
    def distributable(self) -> list[Decimal]:
        """The cash that goes to the split, per period: the split's D (never negative)."""
        return [p.to_split for p in self.periods]


def _annuity(balance: Decimal, rate: Decimal, periods: int) -> Decimal:
    """The level payment that repays ``balance`` over ``periods`` at ``rate`` a period."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        if rate == 0:
            return round_cents(balance / periods)
        return round_cents(balance * rate / (1 - (1 + rate) ** -periods))


def _split_draws(amount: Decimal, layers: Sequence[Layer], planned: Decimal
                 ) -> tuple[Decimal, ...]:
    if not layers:
        return ()
    with localcontext() as ctx:
        ctx.prec = PRECISION
        head = [round_cents(amount * x.amount / planned) for x in layers[:-1]]
    return (*head, amount - sum(head, NIL))


def _drawn(structure: CapitalStructure, draws: Sequence[Decimal], holder: Holder,
           serviced: bool | None = None) -> Decimal:
    """What ``holder``'s cash layers drew (only its serviced loans, or only the rest)."""
    return sum((d for x, d in zip(structure.cash_layers, draws, strict=True)
                if x.holder is holder
                and (serviced is None or structure.serviced(x) == serviced)), NIL)


def apply_structure(structure: CapitalStructure, capex: Sequence[Decimal],
                    operating: Sequence[Decimal], operating_start: int,
                    periods_per_year: int) -> StructuredFlows:
    """Apply ``structure`` to per-period ``capex`` (>= 0) and ``operating`` cash (any sign),
    from ``operating_start`` (the first operating period), in the order of the module
    docstring. Amounts are taken rounded half-even to the cent.

    Raises InvalidInput when the sequences differ in length or capex is negative.
    """
    if len(capex) != len(operating):
        raise InvalidInput.single("operating", len(operating), "capital.length",
                                  f"{len(capex)} capex periods but {len(operating)} operating")
    bad = [Problem(f"period {t} capex", str(c), "capital.negative_capex",
                   "capex cannot be negative") for t, c in enumerate(capex) if c < 0]
    if bad:
        raise InvalidInput(bad)
    n = Decimal(periods_per_year)
    cash_layers = structure.cash_layers
    loans = structure.loans
    planned = structure.planned
    weights = structure.weights()
    rates = [x.rate / n for x in loans]
    terms = [max(1, int((x.tenor_years * n).to_integral_value())) for x in loans]
    balances = [NIL for _ in loans]
    payments: list[Decimal | None] = [None for _ in loans]
    paid_count = [0 for _ in loans]
    drawn = NIL
    abandoned: int | None = None
    rows: list[CapitalPeriod] = []
    for t, (c_raw, o_raw) in enumerate(zip(capex, operating, strict=True)):
        if abandoned is not None:
            nothing = tuple(NIL for _ in loans)
            rows.append(CapitalPeriod(t, NIL, NIL, tuple(NIL for _ in cash_layers), ByHolder(),
                                      ByHolder(), NIL, NIL, nothing, nothing, tuple(balances),
                                      NIL, NIL, NIL, NIL, NIL, NIL, NIL, NIL))
            continue
        c, cash = round_cents(c_raw), round_cents(o_raw)
        within = min(c, max(planned - drawn, NIL))
        drawn += within
        draws = _split_draws(within, cash_layers, planned) if within > 0 else tuple(
            NIL for _ in cash_layers)
        over = c - within
        overrun = ByHolder() if structure.overrun_rule is FundingRule.NONE_ABANDON else (
            _fund(over, structure.overrun_rule, weights))
        over_unfunded, short_unfunded = over - overrun.total, NIL
        if over_unfunded > 0:
            abandoned, cash = t, NIL
        by_layer = dict(zip((id(x) for x in cash_layers), draws, strict=True))
        due: list[Decimal] = []
        for k, loan in enumerate(loans):
            interest = round_cents(balances[k] * rates[k])
            opening = balances[k] + interest
            balances[k] = opening + by_layer.get(id(loan), NIL)
            if t < operating_start or abandoned is not None:
                due.append(NIL)  # interest is capitalised while building
                continue
            if payments[k] is None:
                payments[k] = _annuity(balances[k] - interest, rates[k], terms[k])
            last = paid_count[k] + 1 >= terms[k]
            pay = balances[k] if last else min(payments[k] or NIL, balances[k])
            due.append(pay)
        total_due = sum(due, NIL)
        short = total_due - cash
        shortfall = ByHolder()
        if short > 0 and abandoned is None:
            if structure.shortfall_rule is FundingRule.NONE_ABANDON:
                abandoned, short_unfunded = t, short
            else:
                shortfall = _fund(short, structure.shortfall_rule, weights)
        left = max(cash + shortfall.total, NIL)
        paid: list[Decimal] = []
        for k, amount in enumerate(due):
            pay = min(amount, left)
            left -= pay
            paid.append(pay)
            balances[k] -= pay
            if pay > 0 and abandoned is None:
                paid_count[k] += 1
        dist = left if abandoned is None else NIL
        with localcontext() as ctx:
            ctx.prec = PRECISION
            co = round_cents(dist * weights[2])
        loan_in = sum((p for x, p in zip(loans, paid, strict=True)
                       if x.holder is Holder.PARTNER), NIL)
        rows.append(CapitalPeriod(
            t, c, cash, draws, overrun, shortfall, over_unfunded, short_unfunded, tuple(due),
            tuple(paid), tuple(balances), co, dist - co,
            _drawn(structure, draws, Holder.PARTNER, False) + overrun.partner + shortfall.partner,
            _drawn(structure, draws, Holder.PARTNER, True), loan_in, sum(paid, NIL) - loan_in,
            _drawn(structure, draws, Holder.US) + overrun.us + shortfall.us,
            _drawn(structure, draws, Holder.CO_INVESTOR) + overrun.co_investors
            + shortfall.co_investors))
    lender_loss = sum(balances, NIL) if abandoned is not None else NIL
    return StructuredFlows(structure, tuple(rows), abandoned, lender_loss, _totals(rows))


def _totals(rows: Sequence[CapitalPeriod]) -> dict[str, Decimal]:
    """The amounts a reader needs, summed over the periods."""
    def s(get: Callable[[CapitalPeriod], Decimal]) -> Decimal:
        return sum((get(p) for p in rows), NIL)

    return {
        "capex": s(lambda p: p.capex),
        "overrun_funded": s(lambda p: p.overrun.total),
        "overrun_funded_by_partner": s(lambda p: p.overrun.partner),
        "overrun_funded_by_us": s(lambda p: p.overrun.us),
        "overrun_funded_by_co_investors": s(lambda p: p.overrun.co_investors),
        "shortfall_funded": s(lambda p: p.shortfall.total),
        "shortfall_funded_by_partner": s(lambda p: p.shortfall.partner),
        "shortfall_funded_by_us": s(lambda p: p.shortfall.us),
        "shortfall_funded_by_co_investors": s(lambda p: p.shortfall.co_investors),
        "overrun_unfunded": s(lambda p: p.overrun_unfunded),
        "shortfall_unfunded": s(lambda p: p.shortfall_unfunded),
        "debt_service": s(lambda p: sum(p.debt_paid, NIL)),
        "partner_loan_draws": s(lambda p: p.partner_loan_draws),
        "partner_loan_receipts": s(lambda p: p.partner_loan_receipts),
        "lender_receipts": s(lambda p: p.lender_receipts),
        "co_investor_receipts": s(lambda p: p.co_investors),
        "to_split": s(lambda p: p.to_split),
        "partner_allocation_funding": s(lambda p: p.partner_allocation),
        "us_funding": s(lambda p: p.us_funding),
        "co_investor_funding": s(lambda p: p.co_investor_funding),
    }
