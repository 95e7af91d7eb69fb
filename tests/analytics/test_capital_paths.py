"""The vectorised capital structure agrees with the Decimal rule, and the split of its cash
with the exact waterfall."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from pledge.analytics import capital_paths as cp
from pledge.analytics.engine import waterfall_batch
from pledge.domain.capital_settlement import settle
from pledge.domain.capital_structure import (
    CapitalStructure,
    FundingRule,
    Holder,
    Layer,
    LayerKind,
    StructuredFlows,
    apply_structure,
)
from pledge.domain.waterfall import SplitTerms

D = Decimal
N = 4
TERMS = SplitTerms(deemed_rate=D("0.06"), periods_per_year=N)


def layers(plan: float) -> tuple[Layer, ...]:
    p = D(repr(plan))
    return (Layer("partner equity", LayerKind.EQUITY, Holder.PARTNER, p * D("0.4")),
            Layer("bank loan", LayerKind.LOAN, Holder.LENDER, p * D("0.3"), rate=D("0.07"),
                  tenor_years=D(5), seniority=1),
            Layer("JBIC loan", LayerKind.LOAN, Holder.PARTNER, p * D("0.2"), rate=D("0.03"),
                  tenor_years=D(8), seniority=2),
            Layer("co-investor", LayerKind.EQUITY, Holder.CO_INVESTOR, p * D("0.1")),
            Layer("land", LayerKind.IN_KIND, Holder.US, p * D("0.05")))


def paths(seed: int, count: int = 6, horizon: int = 48) -> tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]:
    """Capex over a few periods (some paths overrun), then operating cash that starts
    negative and is noisy: enough to trigger every branch."""
    rng = np.random.default_rng(seed)
    capex = np.zeros((count, horizon))
    start = rng.integers(3, 7, count)
    for k in range(count):
        capex[k, :start[k]] = 1_000_000.0 * rng.uniform(0.8, 1.4) / start[k]
    operating = np.zeros((count, horizon))
    for k in range(count):
        t = np.arange(horizon - start[k])
        operating[k, start[k]:] = 90_000.0 * np.minimum(1, (t + 1) / 4) - 30_000.0 + \
            rng.normal(0, 25_000.0, t.size)
    return np.round(capex, 2), np.round(operating, 2), start.astype(np.int64)


def decimal_path(structure: CapitalStructure, capex: np.ndarray, operating: np.ndarray,
                 start: int) -> StructuredFlows:
    return apply_structure(structure, [D(repr(float(x))) for x in capex],
                           [D(repr(float(x))) for x in operating], start, N)


@pytest.mark.parametrize("rules", [("partner", "partner"), ("pro-rata", "us"),
                                   ("us", "pro-rata"), ("none-abandon", "partner"),
                                   ("partner", "none-abandon")])
@pytest.mark.parametrize("debt_first", [True, False])
def test_the_vectorised_structure_agrees_with_the_decimal_rule(rules: tuple[str, str],
                                                               debt_first: bool) -> None:
    capex, operating, start = paths(3)
    structure = CapitalStructure(layers(1_000_000.0), FundingRule(rules[0]),
                                 FundingRule(rules[1]), debt_first)
    fast = cp.structured(cp.CapitalTerms.of(structure, N), capex, operating, start)
    res = waterfall_batch(fast.funding, fast.distributable, float(TERMS.period_rate), 0.5, 0.1)
    tol = 0.01 * capex.shape[1]  # a cent a period at most: Decimal books cents, floats do not
    for k in range(capex.shape[0]):
        exact = decimal_path(structure, capex[k], operating[k], int(start[k]))
        assert np.allclose(fast.funding[k], [float(x) for x in exact.funding], atol=0.02)
        assert np.allclose(fast.distributable[k], [float(x) for x in exact.distributable],
                           atol=0.05)
        for name in cp.COLUMNS[:-2]:
            if name == "abandoned":
                continue
            assert fast.totals[k, cp._COL[name]] == pytest.approx(
                float(exact.totals[name]), abs=tol), name
        assert bool(fast.totals[k, cp._COL["abandoned"]]) == (
            exact.abandoned_period is not None)
        s = settle(exact, TERMS)
        assert res.partner_total[k] == pytest.approx(float(s.waterfall.partner_total), abs=tol)
        assert res.us_total[k] == pytest.approx(float(s.waterfall.us_total), abs=tol)


def test_the_default_structure_funds_negative_cash_as_the_partner_s() -> None:
    capex, operating, start = paths(5)
    terms = cp.CapitalTerms(1_000_000.0, 1.0, 0.0, 0.0, (), (1.0, 0.0, 0.0), "partner",
                            "partner")
    out = cp.structured(terms, capex, operating, start)
    negative = np.maximum(-operating, 0.0).sum(axis=1)
    over = np.maximum(capex.sum(axis=1) - 1_000_000.0, 0.0)
    assert (negative > 0).sum() >= 3
    np.testing.assert_allclose(out.totals[:, cp._COL["shortfall_funded_by_partner"]], negative)
    np.testing.assert_allclose(out.funding.sum(axis=1), capex.sum(axis=1) + negative)
    np.testing.assert_allclose(out.totals[:, cp._COL["overrun_funded_by_partner"]], over)
    np.testing.assert_allclose(out.distributable, np.maximum(operating, 0.0))
