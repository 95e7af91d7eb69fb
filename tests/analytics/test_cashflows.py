"""The per-sector cash-flow model and the reproducible scenario generator."""

from __future__ import annotations

import numpy as np
import pytest

from pledge.analytics import cashflows as cf
from pledge.analytics import montecarlo as mc
from pledge.domain.errors import InvalidInput
from pledge.services.simulation import economics_defaults

DOC = economics_defaults()


def model(sector: str = "energy", capex: float = 1e9, **overrides: object) -> cf.EconomicModel:
    return cf.model_for(sector, DOC["sectors"], DOC["defaults"], overrides, capex)


def test_every_sector_default_is_a_valid_model() -> None:
    for sector in DOC["sectors"]:
        m = model(sector)
        assert m.capex == 1e9 and m.life_years > 0


def test_base_case_funds_the_capex_during_construction_then_distributes() -> None:
    m = model("energy", capex_profile="flat", construction_years=2, ramp_years=0,
              life_years=10, revenue_yield=0.2, opex_ratio=0.5, tax_rate=0.0)
    f, d = cf.base_case(m, 4)
    assert f.shape == d.shape == (8 + 40,)
    assert f[:8] == pytest.approx(np.full(8, 1e9 / 8))
    assert f[8:].sum() == 0 and d[:8].sum() == 0
    # full revenue 0.2 * 1e9 / 4 = 50m a quarter, half of it operating cost
    assert d[8:] == pytest.approx(np.full(40, 25e6))


def test_tax_is_on_profit_after_depreciation_and_never_negative() -> None:
    m = model("energy", capex_profile="flat", construction_years=1, ramp_years=0,
              life_years=10, revenue_yield=0.2, opex_ratio=0.5, tax_rate=0.2)
    _, d = cf.base_case(m, 4)
    # revenue 50m, opex 25m, depreciation 1e9/40 = 25m: no taxable profit
    assert d[4:] == pytest.approx(np.full(40, 25e6))


def test_bad_parameters_are_named() -> None:
    with pytest.raises(InvalidInput) as err:
        model(tax_rate="1.5", colour="red", capex_profile="zigzag")
    fields = {p.field for p in err.value.problems}
    assert fields == {"tax_rate", "colour", "capex_profile"}


def spec(paths: int, seed: int = 7, **kw: object) -> mc.SimSpec:
    return mc.SimSpec(((1, model(), 0),), 4, 0.0147, 0.5, 0.1, seed, paths, **kw)  # type: ignore[arg-type]  # the keywords are SimSpec's own fields


def test_the_same_seed_gives_the_same_paths_however_the_work_is_split() -> None:
    whole = mc.run(spec(cf.BLOCK * 2 + 100))
    parts = [mc.run_block(spec(cf.BLOCK * 2 + 100), b, size)
             for b, size in reversed(spec(cf.BLOCK * 2 + 100).blocks)]
    again = mc.PathResults.concat(list(reversed(parts)))
    np.testing.assert_array_equal(whole.partner_total, again.partner_total)
    np.testing.assert_array_equal(whole.irr, again.irr)
    # a shorter run is a prefix of a longer one
    short = mc.run(spec(1000))
    np.testing.assert_array_equal(short.partner_total, whole.partner_total[:1000])
    other = mc.run(spec(1000, seed=8))
    assert not np.array_equal(other.partner_total, short.partner_total)


def test_uncertainty_moves_outcomes_both_ways() -> None:
    res = mc.run(spec(3000))
    s = mc.summarise(res, spec(3000))
    assert 0.0 < s.prob_recover < 1.0
    assert s.irr_p5 is not None and s.irr_p95 is not None and s.irr_p5 < s.irr_p50 < s.irr_p95  # type: ignore[operator]  # None is ruled out just before
    assert s.us_expected_take > 0 and s.partner_expected_take > 0
    assert res.funding_total.std() > 0  # overruns vary the funding


def test_common_factor_correlates_projects() -> None:
    two = ((1, model(), 0), (2, model(), 0))
    correlated = mc.SimSpec(two, 4, 0.0147, 0.5, 0.1, 3, 4000, common=True)
    independent = mc.SimSpec(two, 4, 0.0147, 0.5, 0.1, 3, 4000, common=False)

    def level_corr(s: mc.SimSpec) -> float:
        common = cf.common_factor(s.seed, 0, 4000) if s.common else None
        h = model().horizon(4, stochastic=True)
        a = cf.draw(model(), 4, s.seed, 0, 1, 4000, h, common).level
        b = cf.draw(model(), 4, s.seed, 0, 2, 4000, h, common).level
        return float(np.corrcoef(np.log(a), np.log(b))[0, 1])

    assert level_corr(correlated) == pytest.approx(0.25, abs=0.06)  # loading 0.5 squared
    assert abs(level_corr(independent)) < 0.06


def flows_path(s: mc.SimSpec, block: int, size: int) -> mc.PathResults:
    """One project's block the long way: the flows written, then the IRR over them."""
    from pledge.analytics.engine import annualise, irr_batch, waterfall_batch

    (stream, m, _), = s.models
    h = m.horizon(s.n, stochastic=True)
    f, d = cf.build(m, s.n, cf.draw(m, s.n, s.seed, block, stream, size, h, None), h)
    res = waterfall_batch(f, d, s.period_rate, s.pre_share, s.post_share)
    assert res.partner is not None
    net = res.partner - f
    recouped = res.final_balance <= 0
    discount = (1.0 + s.discount_rate) ** (-np.arange(h) / s.n)
    return mc.PathResults(res.partner_total, res.us_total, f.sum(axis=1), recouped,
                          np.where(recouped, res.recoup_period, -1),
                          annualise(irr_batch(net), s.n), (net + f) @ discount, f @ discount,
                          recouped, recouped)


def test_one_project_runs_fused_with_the_results_of_the_flows() -> None:
    s = spec(700, discount_rate=0.05)
    fused, long = mc.run_block(s, 1, 700), flows_path(s, 1, 700)
    for name in ("partner_total", "us_total", "funding_total", "recouped", "recoup_period",
                 "funding_pv"):
        np.testing.assert_array_equal(getattr(fused, name), getattr(long, name))
    np.testing.assert_array_equal(fused.irr, long.irr)
    # the same sum in another order: equal to the last few bits
    np.testing.assert_allclose(fused.partner_pv, long.partner_pv, rtol=1e-13)
    assert np.isfinite(fused.irr).mean() > 0.5 and fused.recouped.any()


def test_losses_are_carried_forward_and_escalation_compounds_from_the_first_period() -> None:
    # one year's build, no ramp; revenue 40m a quarter, fixed cost half of it, a variable
    # cost a quarter of it; depreciation 1e9 / 8 a quarter over a two-year tax life
    m = model("energy", capex_profile="flat", construction_years=1, ramp_years=0,
              life_years=10, revenue_yield=0.16, opex_ratio=0.5, variable_ratio=0.25,
              tax_rate=0.2, tax_life_years=2)
    _, d = cf.base_case(m, 4)
    ebitda = 40e6 * 0.25
    # 10m cash against 125m of depreciation a quarter for two years: 920m of losses,
    # used up after 92 quarters of 10m profit; there is no such quarter in 40, so no tax
    assert d[4:] == pytest.approx(np.full(40, ebitda))
    short = model("energy", capex_profile="flat", construction_years=1, ramp_years=0,
                  life_years=10, revenue_yield=0.16, opex_ratio=0.5, variable_ratio=0.25,
                  tax_rate=0.2, tax_life_years=0.25)  # all depreciated in one quarter
    _, d = cf.base_case(short, 4)
    # 1e9 of losses in the first operating quarter are never used by 40 * 10m: no tax ever
    assert d[4:] == pytest.approx(np.full(40, ebitda))
    grown = model("energy", capex_profile="flat", construction_years=1, ramp_years=0,
                  life_years=10, revenue_yield=0.16, opex_ratio=0.5, tax_rate=0.0,
                  escalation=0.02, maintenance_capex=0.01, residual_value=0.1,
                  decommissioning=0.3)
    _, d = cf.base_case(grown, 4)
    up = 1.02 ** (np.arange(4, 44) / 4)
    expected = (40e6 - 20e6 - 0.01 * 1e9 / 4) * up
    expected[-1] += (0.1 - 0.3) * 1e9 * up[-1]  # residual value less decommissioning, once
    assert d[4:] == pytest.approx(expected)
