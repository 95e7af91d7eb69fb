"""The capital structure over many paths: the vectorised twin of
:func:`pledge.domain.capital_structure.apply_structure` (the Decimal reference, which
defines the rule), in float64, for the Monte Carlo.

Arrays are ``(paths, periods)``; amounts are US dollars, unrounded (the services round
at the boundary). A structure without serviced loans and without ``none-abandon`` is
applied in a few whole-array operations; otherwise the periods are walked in order with
every path at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from pledge.analytics import cashflows as cf
from pledge.domain.capital_structure import CapitalStructure, FundingRule, Holder

Array = NDArray[np.float64]

#: The per-path totals a block reports, in this column order.
COLUMNS = ("overrun_funded_by_partner", "overrun_funded_by_us",
           "overrun_funded_by_co_investors", "shortfall_funded_by_partner",
           "shortfall_funded_by_us", "shortfall_funded_by_co_investors", "overrun_unfunded",
           "shortfall_unfunded", "debt_service", "partner_loan_draws",
           "partner_loan_receipts", "lender_receipts", "co_investor_receipts", "abandoned",
           "lender_loss")
_COL = {name: k for k, name in enumerate(COLUMNS)}


@dataclass(frozen=True, slots=True)
class CapitalTerms:
    """A structure in floats: what the engine needs of it.

    planned:         the cash layers' total (US dollars)
    partner_share, us_share, co_share: shares of the planned cost drawn from the partner's
                     unserviced layers, the United States' and the co-investors'
    loans:           serviced loans, senior first: (share of the plan, rate a period,
                     repayment periods, held by the partner)
    weights:         (partner, us, co-investors) equity weights (pro-rata rule and the
                     co-investors' share of distributions)
    """

    planned: float
    partner_share: float
    us_share: float
    co_share: float
    loans: tuple[tuple[float, float, int, bool], ...]
    weights: tuple[float, float, float]
    overrun_rule: str
    shortfall_rule: str

    @staticmethod
    def of(structure: CapitalStructure, n: int) -> CapitalTerms:
        planned = float(structure.planned)
        def share(amount: object) -> float:
            return float(amount) / planned if planned > 0 else 0.0  # type: ignore[arg-type]  # a Decimal

        shares = {Holder.PARTNER: 0.0, Holder.US: 0.0, Holder.CO_INVESTOR: 0.0}
        for x in structure.cash_layers:
            if not structure.serviced(x) and x.holder in shares:
                shares[x.holder] += share(x.amount)
        loans = tuple((share(x.amount), float(x.rate) / n,
                       max(1, int((x.tenor_years * n).to_integral_value())),
                       x.holder is Holder.PARTNER) for x in structure.loans)
        w = structure.weights()
        return CapitalTerms(planned, shares[Holder.PARTNER], shares[Holder.US],
                            shares[Holder.CO_INVESTOR], loans,
                            (float(w[0]), float(w[1]), float(w[2])),
                            structure.overrun_rule.value, structure.shortfall_rule.value)

    @staticmethod
    def default(model: cf.EconomicModel) -> CapitalTerms:
        """The structure a model implies with nothing else stated: the partner's equity for
        ``partner_share`` of the cost, co-investors for the rest, the partner funding
        overruns and shortfalls."""
        p = model.partner_share
        return CapitalTerms(model.capex, p, 0.0, 1.0 - p, (), (1.0, 0.0, 0.0) if p >= 1 else (
            p, 0.0, 1.0 - p), FundingRule.PARTNER.value, FundingRule.PARTNER.value)

    def rule_weights(self, rule: str) -> tuple[float, float, float]:
        if rule == FundingRule.PARTNER.value:
            return (1.0, 0.0, 0.0)
        if rule == FundingRule.US.value:
            return (0.0, 1.0, 0.0)
        return self.weights


@dataclass(frozen=True, slots=True)
class Structured:
    """One block's structured cash, shape (paths, periods) except ``totals``.

    funding:      the partner's funding into its deemed allocation (the split's F)
    distributable: the cash to the split (the split's D, never negative)
    loan_draws, loan_receipts: the partner's serviced loans' cash (None when it has none)
    totals:       (paths, len(COLUMNS)) per-path totals
    """

    funding: Array
    distributable: Array
    loan_draws: Array | None
    loan_receipts: Array | None
    totals: Array


def project_flows(model: cf.EconomicModel, n: int, draws: cf.Draws, horizon: int
                  ) -> tuple[Array, Array, NDArray[np.int64]]:
    """The project's whole capex and operating cash (any sign) per path, and each path's
    first operating period: the model's cash flows before anyone's share."""
    capex, operating = cf.build(replace(model, partner_share=1.0), n, draws, horizon)
    return capex, operating, model.construction_periods(n) + draws.delay


def structured(terms: CapitalTerms, capex: Array, operating: Array,
               start: NDArray[np.int64]) -> Structured:
    """Apply ``terms`` to every path (the rule of ``domain.capital_structure``)."""
    if terms.loans or FundingRule.NONE_ABANDON.value in (terms.overrun_rule,
                                                          terms.shortfall_rule):
        return _walk(terms, capex, operating, start)
    paths = capex.shape[0]
    if (terms.partner_share == 1.0 and terms.weights == (1.0, 0.0, 0.0)
            and terms.overrun_rule == terms.shortfall_rule == FundingRule.PARTNER.value):
        # the partner funds everything: no need to tell the plan from the overrun per period
        short = np.maximum(-operating, 0.0)
        totals = np.zeros((paths, len(COLUMNS)))
        totals[:, 0] = np.maximum(capex.sum(axis=1) - terms.planned, 0.0)
        totals[:, 3] = short.sum(axis=1)
        return Structured(capex + short, np.maximum(operating, 0.0), None, None, totals)
    before = np.cumsum(capex, axis=1) - capex
    within = np.clip(terms.planned - before, 0.0, capex)
    over = capex - within
    short = np.maximum(-operating, 0.0)
    dist = np.maximum(operating, 0.0)
    wo, ws = terms.rule_weights(terms.overrun_rule), terms.rule_weights(terms.shortfall_rule)
    co = dist * terms.weights[2]
    funding = within * terms.partner_share + over * wo[0] + short * ws[0]
    totals = np.zeros((paths, len(COLUMNS)))
    o, s = over.sum(axis=1), short.sum(axis=1)
    for k in range(3):
        totals[:, k] = o * wo[k]
        totals[:, 3 + k] = s * ws[k]
    totals[:, _COL["co_investor_receipts"]] = co.sum(axis=1)
    return Structured(np.ascontiguousarray(funding), np.ascontiguousarray(dist - co), None,
                      None, totals)


def _annuity(balance: Array, rate: float, periods: int) -> Array:
    if rate == 0:
        return balance / periods
    return balance * rate / (1.0 - (1.0 + rate) ** -periods)


def _walk(terms: CapitalTerms, capex: Array, operating: Array,
          start: NDArray[np.int64]) -> Structured:
    """The periods in order, every path at once: loans, and abandonment."""
    paths, horizon = capex.shape
    before = np.cumsum(capex, axis=1) - capex
    within_all = np.clip(terms.planned - before, 0.0, capex)
    wo, ws = terms.rule_weights(terms.overrun_rule), terms.rule_weights(terms.shortfall_rule)
    abandon_over = terms.overrun_rule == FundingRule.NONE_ABANDON.value
    abandon_short = terms.shortfall_rule == FundingRule.NONE_ABANDON.value
    nl = len(terms.loans)
    bal = np.zeros((nl, paths))
    pay = np.full((nl, paths), math.nan)
    count = np.zeros((nl, paths), dtype=np.int64)
    alive = np.ones(paths, dtype=np.bool_)
    funding = np.zeros((paths, horizon))
    dist_out = np.zeros((paths, horizon))
    partner_loans = any(held for *_, held in terms.loans)
    loan_out = np.zeros((paths, horizon)) if partner_loans else None
    loan_in = np.zeros((paths, horizon)) if partner_loans else None
    totals = np.zeros((paths, len(COLUMNS)))
    for t in range(horizon):
        was = alive.copy()
        within = np.where(alive, within_all[:, t], 0.0)
        over = np.where(alive, capex[:, t] - within_all[:, t], 0.0)
        if abandon_over:
            stop = alive & (over > 0)
            totals[:, _COL["overrun_unfunded"]] += np.where(stop, over, 0.0)
            over = np.where(stop, 0.0, over)
            alive &= ~stop
        cash = np.where(alive, operating[:, t], 0.0)
        building = t < start
        due = np.zeros((nl, paths))
        for k, (share, rate, periods, held) in enumerate(terms.loans):
            interest = bal[k] * rate
            draw = within * share
            bal[k] = np.where(was, bal[k] + interest + draw, bal[k])
            if held and loan_out is not None:
                loan_out[:, t] += draw
                totals[:, _COL["partner_loan_draws"]] += draw
            first = alive & ~building & np.isnan(pay[k])
            pay[k] = np.where(first, _annuity(bal[k] - interest, rate, periods), pay[k])
            last = count[k] + 1 >= periods
            due[k] = np.where(alive & ~building,
                              np.where(last, bal[k], np.minimum(pay[k], bal[k])), 0.0)
        short = np.maximum(due.sum(axis=0) - cash, 0.0)
        if abandon_short:
            stop = alive & (short > 0)
            totals[:, _COL["shortfall_unfunded"]] += np.where(stop, short, 0.0)
            funded = np.zeros(paths)
            now_alive = alive & ~stop
        else:
            funded, now_alive = short, alive
        left = np.maximum(cash + funded, 0.0)
        for k, (*_, held) in enumerate(terms.loans):
            paid = np.minimum(due[k], left)
            left -= paid
            bal[k] -= paid
            count[k] += (paid > 0) & now_alive
            totals[:, _COL["debt_service"]] += paid
            if held and loan_in is not None:
                loan_in[:, t] += paid
                totals[:, _COL["partner_loan_receipts"]] += paid
            else:
                totals[:, _COL["lender_receipts"]] += paid
        dist = np.where(now_alive, left, 0.0)
        co = dist * terms.weights[2]
        dist_out[:, t] = dist - co
        totals[:, _COL["co_investor_receipts"]] += co
        for k in range(3):
            totals[:, k] += over * wo[k]
            totals[:, 3 + k] += funded * ws[k]
        funding[:, t] = within * terms.partner_share + over * wo[0] + funded * ws[0]
        totals[:, _COL["abandoned"]] = np.where(alive & ~now_alive, 1.0,
                                                totals[:, _COL["abandoned"]])
        alive = now_alive
        if abandon_over:
            totals[:, _COL["abandoned"]] = np.where(~alive, 1.0, totals[:, _COL["abandoned"]])
    totals[:, _COL["lender_loss"]] = np.where(alive, 0.0, bal.sum(axis=0))
    return Structured(funding, dist_out, loan_out, loan_in, totals)
