"""Who ends up with what: the split applied to a capital structure's cash.

:func:`settle` runs the exact split (:func:`pledge.domain.waterfall.run_waterfall`) on
the partner's deemed-allocation funding and the cash left for the split after debt
service and co-investors (:func:`pledge.domain.capital_structure.apply_structure`), and
adds each side's other cash:

* the partner receives its serviced loans' debt service and its split share, and pays
  in its equity, its loans and what it funded of overruns and shortfalls;
* the United States receive their split share and pay in what they funded;
* co-investors and lenders receive what the structure paid them.

The partner's expected loss on its guarantees (contingent exposure, no cash) is reported
beside its cash, never mixed into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pledge.domain.capital_structure import NIL, Holder, StructuredFlows
from pledge.domain.waterfall import SplitTerms, WaterfallResult, run_waterfall


@dataclass(frozen=True, slots=True)
class Settlement:
    """Each side's cash over the project's life (whole cents).

    partner_receipts: per period, the partner's loan receipts plus its split share
    partner_funding:  per period, its allocation funding plus its serviced loans' draws
    partner_guarantee_expected_loss: its guarantees' expected loss (not cash)
    """

    flows: StructuredFlows
    waterfall_terms: SplitTerms
    waterfall: WaterfallResult
    partner_receipts: tuple[Decimal, ...]
    partner_funding: tuple[Decimal, ...]
    partner_guarantee_expected_loss: Decimal

    @property
    def partner_net_flows(self) -> list[Decimal]:
        """Receipts less funding, per period: what the partner's IRR is computed on."""
        return [r - f for r, f in zip(self.partner_receipts, self.partner_funding,
                                      strict=True)]

    @property
    def partner_total(self) -> Decimal:
        return sum(self.partner_receipts, NIL)

    @property
    def partner_funding_total(self) -> Decimal:
        return sum(self.partner_funding, NIL)

    @property
    def us_total(self) -> Decimal:
        return self.waterfall.us_total

    @property
    def us_funding_total(self) -> Decimal:
        return self.flows.totals["us_funding"]


def settle(flows: StructuredFlows, terms: SplitTerms) -> Settlement:
    """The split of ``flows``' cash under ``terms``, and each side's receipts and funding."""
    result = run_waterfall(flows.funding, flows.distributable, terms)
    receipts = tuple(p.partner_loan_receipts + w.partner
                     for p, w in zip(flows.periods, result.periods, strict=True))
    funding = tuple(p.partner_allocation + p.partner_loan_draws for p in flows.periods)
    loss = sum((x.expected_loss for x in flows.structure.layers
                if x.holder is Holder.PARTNER), NIL)
    return Settlement(flows, terms, result, receipts, funding, loss)
