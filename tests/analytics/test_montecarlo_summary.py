"""What a simulation's summary says: total losses in the IRR percentiles, sampling
errors, which "recovers" is meant, present values at a stated rate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pledge.analytics import cashflows as cf
from pledge.analytics import montecarlo as mc
from pledge.analytics.engine import waterfall_batch
from pledge.services.simulation import economics_defaults

DOC = economics_defaults()


def model(sector: str = "energy", capex: float = 1e9) -> cf.EconomicModel:
    return cf.model_for(sector, DOC["sectors"], DOC["defaults"], {}, capex)


def spec(paths: int, *models: tuple[int, cf.EconomicModel, int], **kw: object) -> mc.SimSpec:
    chosen = models or ((1, model(), 0),)
    return mc.SimSpec(tuple(chosen), 4, 0.0147, 0.5, 0.1, 7, paths, **kw)  # type: ignore[arg-type]  # the keywords are SimSpec's own fields


def results(partner: list[float], irr: list[float]) -> mc.PathResults:
    """Paths funded 100 each, the partner receiving ``partner`` with annual IRR ``irr``."""
    n = len(partner)
    received = np.array(partner)
    recouped = received >= 100
    return mc.PathResults(received, np.full(n, 50.0), np.full(n, 100.0), recouped,
                          np.where(recouped, 8, -1), np.array(irr), received,
                          np.full(n, 100.0), recouped, recouped)


def test_total_losses_count_at_minus_100_percent_in_the_irr_percentiles() -> None:
    # three of ten paths return nothing (no IRR solves them); one returns something
    # but no IRR solves it either (it stays out); six have an IRR
    nan = math.nan
    partner = [0.0, 0.0, 0.0, 40.0, 90.0, 100.0, 120.0, 150.0, 200.0, 300.0]
    irr = [nan, nan, nan, nan, -0.05, 0.0, 0.03, 0.06, 0.10, 0.15]
    s = mc.summarise(results(partner, irr), spec(10))
    counted = np.array([-1.0, -1.0, -1.0, -0.05, 0.0, 0.03, 0.06, 0.10, 0.15])
    assert s.irr_p5 == pytest.approx(float(np.percentile(counted, 5)))
    assert s.irr_p50 == pytest.approx(float(np.percentile(counted, 50)))
    assert s.irr_p95 == pytest.approx(float(np.percentile(counted, 95)))
    assert s.irr_p5 == -1.0  # left out, it would read -4.25%
    assert s.irr_total_loss_share == 0.3 and s.irr_none_share == 0.4
    loss = s.estimates["irr_total_loss_share"]
    assert loss.se == pytest.approx(math.sqrt(0.3 * 0.7 / 10), rel=1e-15)
    assert s.estimates["irr_none_share"].se == pytest.approx(math.sqrt(0.4 * 0.6 / 10))


def test_every_probability_and_mean_has_its_standard_error() -> None:
    res = mc.run(spec(3000))
    s = mc.summarise(res, spec(3000))
    p = s.prob_recover
    rec = s.estimates["prob_recover"]
    assert 0 < p < 1 and rec.value == p
    assert rec.se == pytest.approx(math.sqrt(p * (1 - p) / 3000), rel=1e-15)
    assert rec.low < p < rec.high
    take = s.estimates["partner_expected_take"]
    assert take.value == s.partner_expected_take
    assert take.se == pytest.approx(float(np.std(res.partner_total, ddof=1)) / math.sqrt(3000))
    assert set(s.estimates) >= {"prob_recover", "irr_none_share", "irr_total_loss_share",
                                "expected_moic", "us_expected_take", "partner_expected_take",
                                "expected_funding", "partner_expected_pv",
                                "expected_funding_pv"}
    assert s.recover_definition == mc.RECOVERS_PROJECT
    assert s.prob_recover_every == s.prob_recover_any == s.prob_recover_pooled == p


def test_present_values_are_discounted_at_the_stated_rate() -> None:
    rate, size = 0.08, 40
    s = spec(size, discount_rate=rate)
    got = mc.run_block(s, 0, size)
    (stream, m, _), = s.models
    h = m.horizon(4, stochastic=True)
    cash = mc.structured_cash(s, 0, cf.draw(m, 4, s.seed, 0, stream, size, h, None), h)
    f, d = cash.funding, cash.distributable
    flows = waterfall_batch(f, d, s.period_rate, s.pre_share, s.post_share)
    assert flows.partner is not None
    for path in (0, 7, 39):  # by hand: each quarter's receipt over 1.08 ** (t / 4)
        pv = sum(float(flows.partner[path, t]) / 1.08 ** (t / 4) for t in range(h))
        fund = sum(float(f[path, t]) / 1.08 ** (t / 4) for t in range(h))
        assert got.partner_pv[path] == pytest.approx(pv, rel=1e-12)
        assert got.funding_pv[path] == pytest.approx(fund, rel=1e-12)
        assert got.partner_pv[path] < got.partner_total[path]
    summary = mc.summarise(got, s)
    assert summary.discount_rate == rate
    assert summary.partner_expected_pv == pytest.approx(float(got.partner_pv.mean()))
    # at 0 the present value is the undiscounted sum
    flat = mc.run_block(spec(size), 0, size)
    np.testing.assert_allclose(flat.partner_pv, flat.partner_total, rtol=1e-12)


def test_a_portfolio_says_which_recovery_it_counts() -> None:
    models = ((1, model(), 0), (2, model("manufacturing", 5e8), 4))
    s = spec(2000, *models, common=True)
    res = mc.run(s)
    summary = mc.summarise(res, s)
    assert summary.recover_definition == mc.RECOVERS_EVERY
    assert summary.prob_recover == summary.prob_recover_every
    assert summary.prob_recover_any is not None and summary.prob_recover_pooled is not None
    assert summary.prob_recover_every <= summary.prob_recover_any
    assert not (res.recouped & ~res.recouped_any).any()  # every implies any
    pooled = mc.summarise(mc.run(spec(2000, *models, common=True, pooled=True)),
                          spec(2000, *models, common=True, pooled=True))
    assert pooled.recover_definition == mc.RECOVERS_POOLED
    assert pooled.prob_recover_pooled == pooled.prob_recover
    assert pooled.prob_recover_every is None and pooled.prob_recover_any is None
    # the pooled reading of a per-project portfolio is the one waterfall over the sums
    assert summary.prob_recover_pooled == pooled.prob_recover
